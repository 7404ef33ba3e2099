"""The command palette (ctrl+p): every action once, in tpm's words.

Textual's own entries (Theme, Quit, Keys, Screenshot, Maximize) are replaced by tpm's, so
the palette has no stock text and no entry twice: the app's commands come first, then the
current screen's keys under the screen's name, leaving out keys the app already offers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from tpm.tui.app import TpmApp

# Screen actions the app's own commands already cover ("Add milestone", "Write report",
# "Edit decisions").
COVERED = frozenset({"add", "write", "decisions"})


def system_commands(
    app: TpmApp, screen: Screen[object], screens: Sequence[tuple[str, str, str]]
) -> Iterable[SystemCommand]:
    """The palette's entries for ``screen``: unique titles, tpm's own help texts."""
    seen: set[str] = set()

    def once(title: str, help_text: str, callback: Callable[[], Any]) -> Iterable[SystemCommand]:
        if title not in seen:
            seen.add(title)
            yield SystemCommand(title, help_text, callback)

    for i, (name, title, _module) in enumerate(screens, 1):
        yield from once(f"Show {title}", f"key {i}", partial(app.action_show, name))
    yield from once("Save", "ctrl+s: write the plan", app.action_save)
    yield from once("Undo", "u: undo the last edit", app.action_undo)
    yield from once("Redo", "ctrl+r: redo", app.action_redo)
    yield from once("Reload", "ctrl+l: read the file again", app.action_reload)
    yield from once("Help", "?: keys and how editing works", app.action_help)
    for command in app.editing_commands():
        yield from once(command.title, command.help, command.callback)
    yield from once("Write report", "write the status report to a file", app.write_report)
    yield from once(
        "Record snapshot",
        "R: record today's RAG, finish, P80 and key milestones in the plan (as tpm report "
        "--record)",
        app.action_record_snapshot,
    )
    module = type(screen).__module__.rsplit(".", 1)[-1]
    screen_title = next((t for _n, t, m in screens if m == module), "")
    own = getattr(type(screen), "BINDINGS", []) if screen_title else []  # dialogs: none
    for binding in own:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        action = binding.action
        if action.split("(")[0] in COVERED or action.startswith("app."):
            continue
        yield from once(
            f"{screen_title}: {binding.description}",
            f"key {binding.key_display or binding.key}",
            partial(screen.run_action, action),
        )
    yield from once("Theme", "choose the colours; every screen follows", app.action_change_theme)
    yield from once(
        "Screenshot",
        "save this screen as an SVG",
        lambda: app.set_timer(0.1, app.deliver_screenshot),
    )
    yield from once("Quit", "q: leave tpm (asks first when edits are unsaved)", app.action_quit)
