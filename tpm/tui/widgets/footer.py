"""A footer that shows only the keys that fit, so no label is ever cut.

Textual's Footer lays every shown binding side by side; when they do not fit, the last ones
are cut mid-word and their ends show through beside the command palette key ("paletteQ").
This footer leaves out the keys that would not fit whole, in binding order (the screen
puts the keys that matter most first); every key stays in the help (?) and the palette.

Textual rebuilds a footer's keys every time the bindings may have changed (focus moves,
screens open, the size changes): several times per screen opened, and styling the new keys
was most of the cost of opening a screen. This footer rebuilds only when the keys it would
show differ from the ones on screen, and builds them with their compact class already set.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_ROOM = 14  # "▏^p palette " and a cell to spare


def key_width(key: str, description: str, compact: bool) -> int:
    """Cells a footer key takes: the key, its description and the padding around them."""
    return len(key) + len(description) + (2 if compact else 3)


class KeySpec(NamedTuple):
    """What one footer key shows; the footer is rebuilt only when these change."""

    key: str
    display: str
    description: str
    action: str
    disabled: bool
    tooltip: str
    palette: bool  # the command palette key, docked right


class FittingFooter(Footer):
    """Footer without cut labels: keys that do not fit whole are left out."""

    def __init__(self) -> None:
        super().__init__()
        self._built: list[KeySpec] | None = None  # the keys on screen (None: none built yet)

    def keys_that_fit(self) -> list[KeySpec]:
        """The keys to show at the current width, in binding order, the palette key last."""
        if not self._bindings_ready:
            return []
        active = self.screen.active_bindings
        room = (self.size.width or self.app.size.width) - PALETTE_ROOM
        seen: set[str] = set()
        specs: list[KeySpec] = []
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            width = key_width(key, binding.description, self.compact)
            if width > room:
                continue
            room -= width
            specs.append(
                KeySpec(
                    binding.key,
                    key,
                    binding.description,
                    binding.action,
                    not enabled,
                    tooltip,
                    False,
                )
            )
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                specs.append(
                    KeySpec(
                        binding.key,
                        self.app.get_key_display(binding),
                        binding.description,
                        binding.action,
                        not enabled,
                        binding.tooltip or binding.description,
                        True,
                    )
                )
        return specs

    def compose(self) -> ComposeResult:
        self._built = specs = self.keys_that_fit()
        compact = "-compact" if self.compact else ""
        for spec in specs:
            if spec.palette:
                yield FooterKey(
                    spec.key,
                    spec.display,
                    spec.description,
                    spec.action,
                    classes="-command-palette",
                    disabled=spec.disabled,
                    tooltip=spec.tooltip,
                )
            else:
                # Compact from the start: FooterKey starts compact and mounts, then the
                # binding would switch it, restyling the key twice for nothing.
                key = FooterKey(
                    spec.key,
                    spec.display,
                    spec.description,
                    spec.action,
                    classes=compact,
                    disabled=spec.disabled,
                    tooltip=spec.tooltip,
                )
                key.set_reactive(FooterKey.compact, self.compact)
                yield key.data_bind(compact=Footer.compact)

    async def rebuild_if_changed(self) -> None:
        """Rebuild the keys when the ones that fit now differ from those on screen."""
        specs = self.keys_that_fit()
        if self.is_attached and specs != self._built:
            # Several rebuilds are asked for as a screen opens (bindings, size, compact):
            # the first one builds, the others find these keys and return.
            self._built = specs
            await self.recompose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.rebuild_if_changed)

    def watch_compact(self) -> None:
        # Compact keys are narrower, so more of them may fit.
        self.call_after_refresh(self.rebuild_if_changed)

    def on_resize(self) -> None:
        self.call_after_refresh(self.rebuild_if_changed)
