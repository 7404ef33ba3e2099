"""The engine must not import the UI toolkit: only tpm/tui may import textual or rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _modules() -> list[str]:
    root = Path(__file__).resolve().parent.parent
    names = []
    for path in sorted((root / "tpm").rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        if "tui" in rel.parts or rel.name == "__main__":
            continue
        names.append(".".join(p for p in rel.parts if p != "__init__"))
    return names


@pytest.mark.parametrize("module", _modules())
def test_engine_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import {module}, sys; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} pulls in {result.stdout}{result.stderr}"


def test_tui_does_import_textual() -> None:
    """Guards the test above against checking nothing: the TUI really imports textual."""
    code = "import tpm.tui.app, sys; sys.exit(0 if 'textual' in sys.modules else 1)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
