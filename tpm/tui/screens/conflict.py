"""The file changed on disk: show what differs, then reload or keep mine."""

from __future__ import annotations

import difflib

from rich.text import Text

from tpm.tui.widgets.palette import themed


def diff_text(theirs: str, mine: str, limit: int = 400) -> Text:
    """A coloured unified diff from the file on disk to the plan in memory."""
    lines = list(
        difflib.unified_diff(
            theirs.splitlines(), mine.splitlines(), "on disk", "mine (unsaved)", lineterm=""
        )
    )
    out = Text()
    for line in lines[:limit]:
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = themed("$green")
        elif line.startswith("-") and not line.startswith("---"):
            style = themed("$red")
        elif line.startswith("@@"):
            style = "cyan"
        out.append(line + "\n", style=style)
    if len(lines) > limit:
        out.append(f"… {len(lines) - limit} more lines\n", style="dim")
    if not lines:
        out.append("no differences in content (only layout or comments)\n", style="dim")
    return out


CHOICES = (
    ("reload", "Reload from disk"),
    ("keep", "Keep mine"),
    ("later", "Decide later"),
)
