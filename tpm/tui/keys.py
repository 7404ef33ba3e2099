"""Keys typed while a dialog opens land in the dialog, also on a busy machine.

Textual hands each key to the widget focused when the key is read. When ``e`` opens a form,
the keys typed right after it are often read before the form exists: they went to the table
underneath (where ``x`` would mark a milestone done) or were dropped. A screen that opens a
dialog therefore calls :meth:`KeyHoldMixin.hold_keys` first; until the dialog is mounted and
has its focus, every key is kept, then replayed to it in order. When the request opens no
dialog (nothing selected, a quick edit), the keys are replayed at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from textual import events
from textual.app import App
from textual.screen import ModalScreen

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound="KeyHoldMixin")

READY_TRIES = 100  # refreshes to wait for a dialog's focus before replaying anyway
READY_POLL = 0.02  # seconds between looks at whether the keys' target is ready
READY_WAIT = 10.0  # seconds to wait for it (a screen switch can take seconds on a busy machine)
STALE_HOLD = 2.0  # seconds after which keys held for a request that never came are replayed


class KeyHoldMixin(App[None]):
    """Holds keys between a request for a dialog and the dialog being ready."""

    _held: list[events.Key] | None = None
    _holds = 0

    def hold_keys(self) -> None:
        """Keep the keys typed from now on until the requested dialog is ready."""
        if self._held is None:
            self._held = []
            self._holds += 1
            hold = self._holds
            self.set_timer(STALE_HOLD, lambda: self._expire(hold))

    async def _expire(self, hold: int) -> None:
        if self._held is not None and hold == self._holds and not self._dialog_open:
            await self._replay()

    @property
    def _dialog_open(self) -> bool:
        return isinstance(self.screen, ModalScreen)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._held is not None:
            self._held.append(event)
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # A key the focused widget did not use comes back here; while a dialog is on its way
        # it was meant for the dialog.
        if self._held is not None:
            event.prevent_default()
            self._held.append(events.Key(event.key, event.character))

    def hold_keys_until(self, ready: Callable[[], bool]) -> None:
        """Keep the keys typed from now on until ``ready()`` holds, then replay them in order.

        For requests that open no dialog but move the keys elsewhere: a screen switch (the
        keys after ``2`` belong to the Milestones screen, not to the one being left) and a
        focus change (the text after ``/`` belongs to the search box, not to the table, where
        ``b`` would mark a milestone blocked).
        """
        self.hold_keys()
        self._holds += 1  # the stale-hold timer is for requests that never came: not this one
        self.call_later(self._replay_when, ready, time.monotonic() + READY_WAIT)

    async def _replay_when(self, ready: Callable[[], bool], deadline: float) -> None:
        if not ready() and time.monotonic() < deadline:
            self.set_timer(READY_POLL, lambda: self._replay_when(ready, deadline))
            return
        await self._replay()

    def request_done(self, opened: ModalScreen[object] | None) -> None:
        """The request is handled: replay the held keys into ``opened`` once it is ready, or
        now when it opened nothing."""
        if self._held is None:
            return
        if opened is None:
            self.call_later(self._replay)
        else:
            self.call_after_refresh(self._replay_when_ready, opened, 0)

    async def _replay_when_ready(self, dialog: ModalScreen[object], tries: int) -> None:
        waiting = dialog.is_attached and (not dialog.is_mounted or dialog.focused is None)
        if waiting and tries < READY_TRIES:
            self.call_after_refresh(self._replay_when_ready, dialog, tries + 1)
            return
        await self._replay()

    async def _replay(self) -> None:
        held, self._held = self._held or [], None
        for key in held:
            await self.on_event(events.Key(key.key, key.character))


def opens_dialog(
    handler: Callable[Concatenate[A, P], R],
) -> Callable[Concatenate[A, P], R]:
    """Mark an App handler that may open a dialog: held keys go to that dialog afterwards."""

    @wraps(handler)
    def run(app: A, *args: P.args, **kwargs: P.kwargs) -> R:
        before = app.screen
        try:
            return handler(app, *args, **kwargs)
        finally:
            screen = app.screen
            opened = screen if screen is not before and isinstance(screen, ModalScreen) else None
            app.request_done(opened)

    # wraps keeps the signature: Textual passes the message only to handlers that take one.
    return cast(Callable[Concatenate[A, P], R], run)
