"""Small modal dialogs: confirm, prompt for a value, pick from a list, problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tpm.tui.widgets.text import PlainInput, clean_text, plain


class ConfirmScreen(ModalScreen[str]):
    """A question with buttons; dismisses with the chosen button's id.

    ``safe`` names the choice that destroys nothing: it has the focus, so enter picks it
    (the first choice without one). Escape answers "cancel".
    """

    BINDINGS = [Binding("escape", "dismiss('cancel')", "Cancel")]

    def __init__(
        self,
        title: str,
        body: str | Text,
        choices: Sequence[tuple[str, str]],
        body_id: str = "",
        safe: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.choices = choices
        self.body_id = body_id or "confirm-body"
        self.safe = safe

    def compose(self) -> ComposeResult:
        focused = self.safe or self.choices[0][0]
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                body = (
                    clean_text(self.body)
                    if isinstance(self.body, Text)
                    else plain(self.body, one_line=False)
                )
                yield Static(body, id=self.body_id)
            with Horizontal(classes="dialog-buttons"):
                for key, label in self.choices:
                    yield Button(label, id=key, variant="primary" if key == focused else "default")

    def on_mount(self) -> None:
        self.query_one(f"#{self.safe or self.choices[0][0]}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")


class PromptScreen(ModalScreen[str | None]):
    """Ask for one value; ``check`` returns an error message (or None) as you type."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.check = check or (lambda _text: None)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield PlainInput(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error", classes="error")
            yield Static("enter: OK   escape: cancel", classes="dim")

    def on_input_changed(self, event: Input.Changed) -> None:
        error = self.check(event.value)
        self.query_one("#prompt-error", Static).update(plain(error or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        error = self.check(event.value)
        if error:
            self.query_one("#prompt-error", Static).update(plain(error))
            return
        self.dismiss(event.value)


class PickScreen(ModalScreen[str | None]):
    """Choose one of a few options (e.g. which mitigation to edit)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield OptionList(*(Option(plain(label), id=key) for key, label in self.options))
            yield Static("enter: choose   escape: cancel", classes="dim")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
