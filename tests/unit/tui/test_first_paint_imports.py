"""What a warm start imports before its first frame: the App, the dashboard and the analysis
cache, and nothing of the engine. The model and pydantic alone cost more CPU than the whole
warm start adds to Textual's own; one module-level import (a type, a formatter) brings them
all back, which is how this was lost once."""

from __future__ import annotations

import subprocess
import sys

FIRST_FRAME = "tpm.cli, tpm.commands.tui, tpm.tui.app, tpm.tui.screens.dashboard, tpm.tui.cache"
ENGINE = ("pydantic", "numpy", "networkx", "tpm.plan", "tpm.check", "tpm.schedule", "tpm.report")


def test_the_first_frame_imports_no_engine_code() -> None:
    code = (
        f"import sys, {FIRST_FRAME}\n"
        f"print('\\n'.join(m for m in sys.modules if m.startswith({ENGINE!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
