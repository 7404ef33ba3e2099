"""Text for panels that wraps well, and plan text made safe to draw.

Continuation lines line up under the first line's text (after a bullet or a label) instead
of starting at the panel's left edge. Screens build a :class:`Doc` (lines, each with its
hanging indent) and hand it to a :class:`Wrapped` widget, which wraps it to its own width
whenever it is drawn, so a pane never needs to guess its width before layout and re-wraps
by itself on resize.

Plan text is data: it reaches the screen as :class:`rich.text.Text` (never as markup, so
``[/api]`` or ``[@click=...]`` shows as typed) and through :func:`clean`, which turns
terminal control characters (ESC, OSC, C1, bidi overrides) into visible symbols so that a
title can never clear the screen or retitle the window. Every widget that draws plan text
calls it.
"""

from __future__ import annotations

import textwrap

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

LABEL_W = 10  # width of the label column of label/value lines
EXCERPT = 2_000  # characters of a long free text (notes) shown in a detail pane

# C0 controls become their Unicode "control pictures" (ESC shows as ␛), DEL ␡, C1 controls
# and bidi embeddings, overrides and isolates (which would reorder what the terminal shows)
# U+FFFD. One character for one, so the spans of a styled Text stay where they were.
_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}
_PICTURES |= {
    c: 0xFFFD for c in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}
_MULTI_LINE = _PICTURES | {0x0A: 0x0A, 0x09: 0x20}
_ONE_LINE = _PICTURES | {0x0A: 0x20, 0x09: 0x20, 0x0D: 0x20}


def clean(text: str, one_line: bool = False) -> str:
    """Plan text safe to draw: control characters shown as symbols, never sent.

    ``one_line`` also turns line breaks and tabs into spaces (table cells, labels).
    """
    if text.isprintable():
        return text
    return text.translate(_ONE_LINE if one_line else _MULTI_LINE)


def clean_text(text: Text, one_line: bool = False) -> Text:
    """A styled text with :func:`clean` applied; the same object when nothing changes."""
    plain = text.plain
    safe = clean(plain, one_line)
    if safe == plain:
        return text
    out = text.copy()
    out.plain = safe  # same length: the styles stay on their characters
    return out


def plain(text: str, style: str = "", one_line: bool = True) -> Text:
    """Plan text as a :class:`Text` for a Static, Label or option: never parsed as markup."""
    return Text(clean(text, one_line), style=style)


class PlainInput(Input):
    """An Input that draws control characters in its value as symbols (:func:`clean`): a
    form opened on a title with an ESC in it must not send the ESC to the terminal. The
    value itself is kept as typed, so an unchanged field saves unchanged."""

    @property
    def _value(self) -> Text:
        return clean_text(super()._value, one_line=True)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text``, or its first ``limit`` characters and how many more there are: a detail
    pane that wraps a megabyte of notes on every selection would take seconds."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit - 80, limit)
    cut = cut if cut > 0 else limit
    return f"{text[:cut]} … ({len(text) - cut:,} more characters; e edits them all)"


def hanging(line: Text, width: int, indent: int) -> Text:
    """``line`` wrapped to ``width`` cells, continuation lines indented by ``indent``.

    Styles are kept; words longer than a line are cut. The result has no final newline.
    """
    plain = line.plain
    if width <= indent + 4 or len(plain) <= width:
        return line
    wrapper = textwrap.TextWrapper(
        width=width, subsequent_indent=" " * indent, break_on_hyphens=False
    )
    starts: list[int] = []
    pos = 0
    for k, wrapped in enumerate(wrapper.wrap(plain)):
        body = wrapped[indent:] if k else wrapped
        found = plain.find(body, pos)
        if found < 0:  # whitespace was changed (tabs): keep the line as it is
            return line
        starts.append(found)
        pos = found + len(body)
    out = Text()
    for k, piece in enumerate(line.divide(starts[1:])):
        piece.rstrip()
        if k:
            out.append("\n" + " " * indent)
        out.append_text(piece)
    return out


class Doc:
    """Lines of styled text, each with the indent its continuation lines get when wrapped.

    Appending works like :class:`rich.text.Text` (``"\\n"`` ends a line); :meth:`hang`
    sets the indent of the line being written.
    """

    def __init__(self) -> None:
        self.lines: list[tuple[Text, int]] = []
        self._line = Text()
        self._indent = 0

    def __bool__(self) -> bool:
        return bool(self.lines) or bool(self._line.plain)

    def hang(self, indent: int) -> Doc:
        """Indent the continuation lines of the current line by ``indent`` cells."""
        self._indent = indent
        return self

    def append(self, text: str, style: str = "") -> Doc:
        """Append plain text in a style; newlines end lines."""
        parts = clean(text).split("\n")
        for k, part in enumerate(parts):
            if k:
                self.newline()
            if part:
                self._line.append(part, style=style)
        return self

    def append_text(self, text: Text) -> Doc:
        """Append styled text; newlines end lines."""
        text = clean_text(text)
        plain = text.plain
        cuts = [i for i, ch in enumerate(plain) if ch == "\n"]
        if not cuts:
            self._line.append_text(text)
            return self
        offsets = sorted({c for c in cuts} | {c + 1 for c in cuts if c + 1 < len(plain)})
        for piece in text.divide(offsets):
            if piece.plain == "\n":
                self.newline()
            else:
                self._line.append_text(piece)
        return self

    def line(self, text: Text, indent: int = 0) -> Doc:
        """Append a whole line with a hanging indent."""
        self._line.append_text(clean_text(text, one_line=True))
        self._indent = indent
        return self.newline()

    def field(self, label: str, value: str | Text, style: str = "") -> Doc:
        """A ``label  value`` line: labels dim in a column; values wrap under themselves."""
        self._line.append(f"{label:<{LABEL_W}}", style="dim")
        if isinstance(value, Text):
            self._line.append_text(clean_text(value, one_line=True))
        else:
            self._line.append(clean(value, one_line=True), style=style)
        self._indent = LABEL_W
        return self.newline()

    def heading(self, title: str) -> Doc:
        """A section heading, after a blank line unless it is the first line."""
        if self.lines and self.lines[-1][0].plain:
            self.newline()
        self._line.append(clean(title, one_line=True), style="bold underline")
        return self.newline()

    def newline(self) -> Doc:
        """End the current line."""
        self.lines.append((self._line, self._indent))
        self._line, self._indent = Text(), 0
        return self

    def render(self, width: int) -> Text:
        """The whole text wrapped to ``width`` cells (no trailing blank lines)."""
        lines = list(self.lines)
        if self._line.plain:
            lines.append((self._line, self._indent))
        while lines and not lines[-1][0].plain.strip():
            lines.pop()
        out = Text()
        for k, (line, indent) in enumerate(lines):
            if k:
                out.append("\n")
            out.append_text(hanging(line, width, indent) if width > 0 else line)
        return out


class Wrapped(Widget):
    """Shows a :class:`Doc` (or plain text), wrapped to the widget's width when drawn."""

    DEFAULT_CSS = "Wrapped { height: auto; }"

    def __init__(
        self,
        content: Doc | Text | str = "",
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._content: Doc | Text | str = content
        self._wrapped: tuple[int, Text] | None = None  # (width, text) drawn last
        self._heights: dict[int, int] = {}  # width -> lines (layout asks several times)

    def update(self, content: Doc | Text | str) -> None:
        """Show new content."""
        self._content = content
        self._wrapped = None
        self._heights.clear()
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        """The text shown, unwrapped (for tests and the clipboard)."""
        c = self._content
        return c.render(0).plain if isinstance(c, Doc) else str(c)

    def _text(self, width: int) -> Text:
        """The content wrapped to ``width`` (kept until the content or the width changes:
        layout and drawing both ask)."""
        if self._wrapped is not None and self._wrapped[0] == width:
            return self._wrapped[1]
        c = self._content
        if isinstance(c, Doc):
            text = c.render(width)  # cleaned as it was built
        else:
            text = clean_text(c) if isinstance(c, Text) else plain(c, one_line=False)
        self._wrapped = (width, text)
        return text

    def render(self) -> Text:
        return self._text(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            lines = self._text(width).plain.split("\n")
            if all(cell_len(line) <= width for line in lines):
                height = len(lines)  # wrapped already (the usual case): no second wrap
            else:
                height = len(self._text(width).wrap(self.app.console, max(width, 1)))
            self._heights[width] = height
        return height


class TextPane(ScrollView):
    """A scrolling detail pane that shows a :class:`Doc` (or text) without a re-layout.

    Showing new content in a :class:`Wrapped` inside a scroll container changes its height,
    and every height change makes Textual lay out and repaint the whole screen: 100 ms and
    more per cursor move beside a big table. This pane is a Line API widget of fixed size:
    it wraps its content itself and only repaints its own lines (a layout happens only when
    its scrollbar comes or goes).
    """

    DEFAULT_CSS = "TextPane { height: 1fr; overflow-x: hidden; overflow-y: scroll; }"

    def __init__(
        self,
        content: Doc | Text | str = "",
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._content: Doc | Text | str = content
        self._strips: list[Strip] = []
        self._width = -1  # the width the strips were wrapped to

    @property
    def plain(self) -> str:
        """The text shown, unwrapped (for tests and the clipboard)."""
        c = self._content
        return c.render(0).plain if isinstance(c, Doc) else str(c)

    def update(self, content: Doc | Text | str) -> None:
        """Show new content from its first line."""
        self._content = content
        self._width = -1
        self.scroll_to(y=0, animate=False, immediate=True)
        self._wrap()
        self.refresh()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        c = self._content
        if isinstance(c, Doc):
            text = c.render(width)
        else:
            text = clean_text(c) if isinstance(c, Text) else plain(c, one_line=False)
        console = self.app.console
        lines = list(text.wrap(console, width)) if text.plain else []
        self._strips = [Strip(list(line.render(console)), line.cell_len) for line in lines]
        size = Size(width, len(self._strips))
        if size != self.virtual_size:
            bar = self.show_vertical_scrollbar
            # Set without the reactive's layout: the pane's own size does not change.
            self.set_reactive(TextPane.virtual_size, size)
            self._refresh_scrollbars()
            if self.show_vertical_scrollbar != bar:
                self.refresh(layout=True)  # the bar takes a column: wrap again after it

    def on_resize(self) -> None:
        self._width = -1
        self._wrap()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        self._wrap()
        width = self.scrollable_content_region.width
        row = y + int(self.scroll_y)
        base = self.rich_style
        if row >= len(self._strips):
            return Strip.blank(width, base)
        return self._strips[row].crop_extend(0, width, base).apply_style(base)
