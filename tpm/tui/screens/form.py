"""The edit form: one field per plan key, checked as you type by the plan validation.

The form only collects text. After each change (debounced) it asks the ``check`` function
the App gave it for the diagnostics of the whole plan with this item in place — the same
checks as ``tpm check`` — and shows them. Save stays disabled while there are errors, so a
change that would create a dependency cycle is refused with the loop shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, Static

from tpm.check.diagnostics import Diagnostic
from tpm.tui.formdata import FORMS
from tpm.tui.known import MULTI, SOURCES, complete, matches, note
from tpm.tui.screens.modals import ConfirmScreen
from tpm.tui.widgets.palette import themed
from tpm.tui.widgets.text import PlainInput, clean_text, plain

Check = Callable[[dict[str, str]], list[Diagnostic]]
DEBOUNCE = 0.12
SHOWN_MATCHES = 8  # declared ids listed under a focused field
NOTE_STYLE = {"error": "bold $red", "warning": "bold $amber", "info": "dim"}


class IdSuggester(Suggester):
    """Completes the last id of a field to a declared one (→ accepts it)."""

    def __init__(self, ids: Sequence[str], multi: bool) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.ids = ids
        self.multi = multi

    async def get_suggestion(self, value: str) -> str | None:
        """The text with its last id completed, or None."""
        return complete(value, self.ids, self.multi)


class FormScreen(ModalScreen[tuple[str, dict[str, str]] | None]):
    """Dismisses with ("save", texts), ("delete", texts) or None for cancel."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
        # Moving between fields happens when the key is read, so the keys typed after a tab
        # land in the next field even when the app is busy.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        section: str,
        texts: dict[str, str],
        check: Check,
        can_delete: bool,
        ids: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """``ids``: field name -> the declared ids it may name (completed and checked as
        you type)."""
        super().__init__()
        self.ids = dict(ids or {})
        self.title_text = title
        self.section = section
        self.initial = texts
        self.check = check
        self.can_delete = can_delete
        self.diagnostics: list[Diagnostic] = []
        self.checked: dict[str, str] | None = None  # the texts ``diagnostics`` are about
        self._timer: Timer | None = None
        self.opened: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(plain(self.title_text), classes="dialog-title")
            with VerticalScroll(id="form-fields"):
                for spec in FORMS[self.section]:
                    with Horizontal(classes="form-row"):
                        yield Label(spec.name, classes="form-label")
                        value = self.initial.get(spec.name, "")
                        if spec.kind == "choice":
                            options = [(c or "(none)", c) for c in spec.choices]
                            yield Select(
                                options,
                                value=value if value in spec.choices else spec.choices[0],
                                allow_blank=False,
                                compact=True,
                                id=f"f-{spec.name}",
                            )
                        else:
                            ids = self.ids.get(spec.name)
                            yield PlainInput(
                                value,
                                placeholder=spec.hint,
                                compact=True,
                                id=f"f-{spec.name}",
                                tooltip=spec.hint or None,
                                suggester=IdSuggester(ids, spec.name in MULTI) if ids else None,
                            )
                    if spec.name in self.ids:
                        yield Static("", id=f"n-{spec.name}", classes="form-note")
            yield Static("checking…", id="form-diagnostics")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Save (ctrl+s)", id="save", variant="primary", disabled=True, compact=True
                )
                if self.can_delete:
                    yield Button("Delete", id="delete", variant="error", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.opened = self.texts()  # what the fields show before the user types
        self.query(Input).first().focus()
        for name in self.ids:
            self._show_note(name)
        self._schedule_check()

    def texts(self) -> dict[str, str]:
        """The current text of every field."""
        out: dict[str, str] = {}
        for spec in FORMS[self.section]:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, Select):
                value = widget.value
                out[spec.name] = value if isinstance(value, str) else ""
            elif isinstance(widget, Input):
                out[spec.name] = widget.value
        return out

    def on_input_changed(self, event: Input.Changed) -> None:
        self._schedule_check()
        name = (event.input.id or "").removeprefix("f-")
        if name in self.ids:
            self._show_note(name)

    def on_descendant_focus(self) -> None:
        for name in self.ids:
            self._show_note(name)

    def note_of(self, name: str) -> Text:
        """What the line under an id field says: an unknown id (with the closest declared
        one), or, while the field has focus, the declared ids its text could become."""
        ids = self.ids.get(name, ())
        field = self.query_one(f"#f-{name}", Input)
        multi = name in MULTI
        source = SOURCES.get((self.section, name), "")
        value = field.value
        head, _, last = value.rpartition(",") if multi else ("", "", value)
        found = matches(value, ids, multi) if field.has_focus else []
        # While typing, the id being typed is not flagged as long as a declared one begins
        # with it: the line lists those instead.
        typing = bool(found) and last.strip() not in ids
        problem = note(head if typing else value, source, ids, multi)
        if problem is not None:
            return Text(problem.message, style=themed(NOTE_STYLE[problem.severity]))
        if not found or (last.strip() in ids and not multi):
            return Text()
        shown = ", ".join(found[:SHOWN_MATCHES])
        more = f" +{len(found) - SHOWN_MATCHES} more" if len(found) > SHOWN_MATCHES else ""
        return Text(f"→ {shown}{more}", style="dim")

    def _show_note(self, name: str) -> None:
        widget = self.query_one(f"#n-{name}", Static)
        text = self.note_of(name)
        widget.update(clean_text(text))
        widget.display = bool(text.plain)

    def on_select_changed(self) -> None:
        self._schedule_check()

    def _schedule_check(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._run_check)

    def _run_check(self) -> None:
        self._validate(self.texts())

    @work(thread=True, exclusive=True, group="form-check")
    def _validate(self, texts: dict[str, str]) -> None:
        found = self.check(texts)
        self.app.call_from_thread(self.show_diagnostics, found, texts)

    def show_diagnostics(self, found: list[Diagnostic], texts: dict[str, str]) -> None:
        """Display the diagnostics of the candidate plan; enable Save when error-free.

        The check runs in a thread: its answer may arrive after the form closed, when it
        has nowhere to go and is dropped."""
        try:
            panel = self.query_one("#form-diagnostics", Static)
            save = self.query_one("#save", Button)
        except NoMatches:
            return
        self.diagnostics = found
        self.checked = texts
        errors = [d for d in found if d.severity == "error"]
        text = Text()
        for d in found:
            style = themed("bold $red" if d.severity == "error" else "$amber")
            where = f"{d.field}: " if d.field and d.field not in d.message else ""
            text.append(f"{d.severity}[{d.code}]: {where}{d.message}", style=style)
            if d.hint:
                text.append(f" ({d.hint})", style="dim")
            text.append("\n")
        if not found:
            text.append("✓ valid — no problems", style=themed("$green"))
        panel.update(clean_text(text))
        save.disabled = bool(errors)

    @property
    def has_errors(self) -> bool:
        """True while the last check found errors (or has not run)."""
        return self.checked is None or any(d.severity == "error" for d in self.diagnostics)

    def action_save(self) -> None:
        """Save when the last check passed; otherwise say why not."""
        texts = self.texts()
        found = self.check(texts)
        self.show_diagnostics(found, texts)
        if any(d.severity == "error" for d in found):
            self.notify("fix the errors first", severity="error")
            return
        self.dismiss(("save", texts))

    def changed_fields(self) -> list[str]:
        """The fields whose text differs from what the form opened with."""
        texts = self.texts()
        return [name for name, text in texts.items() if text != self.opened.get(name, "")]

    def action_cancel(self) -> None:
        """Close without changing anything; with typed changes, ask first."""
        changed = self.changed_fields()
        if not changed:
            self.dismiss(None)
            return
        body = f"You changed {', '.join(changed)}. Discard these changes?"
        choices = (("keep", "Keep editing"), ("discard", "Discard changes"))

        def decided(answer: str | None) -> None:
            if answer == "discard":
                self.dismiss(None)

        dialog = ConfirmScreen("Discard your changes?", body, choices, safe="keep")
        self.app.push_screen(dialog, decided)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "delete":
            self.dismiss(("delete", self.texts()))
        else:
            self.action_cancel()
