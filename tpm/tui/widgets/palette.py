"""Colours from the app's theme, for text built in Python (Rich styles) rather than CSS.

Widgets never name a hex colour: they ask for a role (``$red`` for RED status and critical
work, ``$amber``, ``$green``, ``$orange`` for the high risk band, ``$blue`` for measured values
and ordinary bars, ``$grey`` for done work and ghosts) and get the colour of the theme in use,
so every built-in theme reads well. The App calls :func:`use_theme` when it starts and
whenever the theme changes, then repaints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from textual.color import Color

# role -> (theme variable, second variable to blend with or "", blend factor)
ROLES: dict[str, tuple[str, str, float]] = {
    "red": ("error", "", 0.0),
    "amber": ("warning", "", 0.0),
    "green": ("success", "", 0.0),
    "orange": ("warning", "error", 0.5),
    "blue": ("primary", "foreground", 0.25),
    "grey": ("foreground", "background", 0.45),
}
_colours: dict[str, str] = {}
_generation = [0]
_styles: dict[str, str] = {}
_TOKEN = re.compile(r"\$([a-z-]+)")


def use_theme(variables: Mapping[str, str]) -> None:
    """Take the colours of a theme's CSS variables (``App.get_css_variables()``)."""
    colours: dict[str, str] = {}
    for role, (name, other, factor) in ROLES.items():
        colour = Color.parse(variables[name])
        if other:
            colour = colour.blend(Color.parse(variables[other]), factor)
        colours[role] = colour.hex6
    colours["on-red"] = Color.parse(colours["red"]).get_contrast_text().hex6
    colours["on-amber"] = Color.parse(colours["amber"]).get_contrast_text().hex6
    colours["on-green"] = Color.parse(colours["green"]).get_contrast_text().hex6
    colours["on-orange"] = Color.parse(colours["orange"]).get_contrast_text().hex6
    _colours.clear()
    _colours.update(colours)
    _styles.clear()
    _generation[0] += 1


def generation() -> int:
    """A number that changes whenever the colours do (screens redraw when it does)."""
    return _generation[0]


def _ensure() -> None:
    if not _colours:  # before the App has started (tests of single widgets): the default theme
        from textual.theme import BUILTIN_THEMES

        use_theme(BUILTIN_THEMES["textual-dark"].to_color_system().generate())


def colour(role: str) -> str:
    """The theme's colour for a role, as ``#rrggbb``."""
    _ensure()
    return _colours[role]


def themed(spec: str) -> str:
    """A Rich style with roles filled in: ``themed("bold $red")`` -> ``"bold #rrggbb"``."""
    cached = _styles.get(spec)
    if cached is None:
        _ensure()
        cached = _TOKEN.sub(lambda m: _colours[m.group(1)], spec)
        _styles[spec] = cached
    return cached
