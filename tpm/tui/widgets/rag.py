"""RAG shown by word and colour, always both: GREEN / AMBER / RED."""

from __future__ import annotations

from rich.text import Text

RAG_STYLE = {
    "green": "bold black on #3fb950",
    "amber": "bold black on #e3b341",
    "red": "bold white on #da3633",
}
RAG_FG = {"green": "#3fb950", "amber": "#e3b341", "red": "#f85149"}


def rag_text(rag: str | None, pad: bool = True) -> Text:
    """The word for a colour, styled in that colour (``-`` when unknown)."""
    if rag not in RAG_STYLE:
        return Text(" — " if pad else "—", style="dim")
    word = rag.upper()
    return Text(f" {word} " if pad else word, style=RAG_STYLE[rag] if pad else RAG_FG[rag])


def bar(fraction: float, width: int) -> Text:
    """A progress bar of ``width`` cells, filled to ``fraction`` (0..1)."""
    fraction = max(0.0, min(1.0, fraction))
    full = round(fraction * width)
    text = Text("█" * full, style="#3fb950")
    text.append("░" * (width - full), style="dim")
    return text
