"""RAG shown by word and colour, always both: GREEN / AMBER / RED."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

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


class RagBadge(Static):
    """A badge showing a RAG word on its colour."""

    DEFAULT_CSS = "RagBadge { width: auto; height: 1; }"

    def show(self, rag: str | None, label: str = "") -> None:
        """Display a colour with an optional label before it."""
        text = Text(f"{label} " if label else "")
        text.append_text(rag_text(rag))
        self.update(text)


BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """A unicode sparkline of some values (empty for none)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    if span == 0:
        return BLOCKS[3] * len(values)
    return "".join(BLOCKS[round((v - low) / span * (len(BLOCKS) - 1))] for v in values)


def bar(fraction: float, width: int) -> Text:
    """A progress bar of ``width`` cells, filled to ``fraction`` (0..1)."""
    fraction = max(0.0, min(1.0, fraction))
    full = round(fraction * width)
    text = Text("█" * full, style="#3fb950")
    text.append("░" * (width - full), style="dim")
    return text
