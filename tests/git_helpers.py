"""A quiet, isolated git for the tests that build repositories: no user or system config,
a fixed author, and optionally a fixed commit date."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
FIXED_DATES = {
    "GIT_AUTHOR_DATE": "2026-05-04T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-05-04T12:00:00+00:00",
}


def git(repo: Path, *args: str, **env: str) -> None:
    """Run git in ``repo``; ``env`` adds variables (``**FIXED_DATES`` for the commit date)."""
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV, **env},
    )
