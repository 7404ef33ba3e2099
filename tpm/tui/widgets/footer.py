"""A footer that shows only the keys that fit, so no label is ever cut.

Textual's Footer lays every shown binding side by side; when they do not fit, the last ones
are cut mid-word and their ends show through beside the command palette key ("paletteQ").
This footer leaves out the keys that would not fit whole, in binding order (the screen
puts the keys that matter most first); every key stays in the help (?) and the palette.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_ROOM = 14  # "▏^p palette " and a cell to spare


def key_width(key: str, description: str, compact: bool) -> int:
    """Cells a footer key takes: the key, its description and the padding around them."""
    return len(key) + len(description) + (2 if compact else 3)


class FittingFooter(Footer):
    """Footer without cut labels: keys that do not fit whole are left out."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        room = (self.size.width or self.app.size.width) - PALETTE_ROOM
        seen: set[str] = set()
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            width = key_width(key, binding.description, self.compact)
            if width > room:
                continue
            room -= width
            yield FooterKey(
                binding.key,
                key,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)
