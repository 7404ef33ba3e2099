"""RAG shown by word and colour, always both: GREEN / AMBER / RED."""

from __future__ import annotations

from rich.text import Text

from tpm.tui.widgets.palette import themed

RAG_STYLE = {
    "green": "bold $on-green on $green",
    "amber": "bold $on-amber on $amber",
    "red": "bold $on-red on $red",
}
RAG_FG = {"green": "$green", "amber": "$amber", "red": "$red"}


def rag_text(rag: str | None, pad: bool = True) -> Text:
    """The word for a colour, styled in that colour (``-`` when unknown)."""
    if rag not in RAG_STYLE:
        return Text(" — " if pad else "—", style="dim")
    word = rag.upper()
    return Text(f" {word} " if pad else word, style=themed(RAG_STYLE[rag] if pad else RAG_FG[rag]))


def bar(fraction: float, width: int) -> Text:
    """A progress bar of ``width`` cells, filled to ``fraction`` (0..1)."""
    fraction = max(0.0, min(1.0, fraction))
    full = round(fraction * width)
    text = Text("█" * full, style=themed("$green"))
    text.append("░" * (width - full), style="dim")
    return text
