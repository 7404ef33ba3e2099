"""Peak memory against file size: ``python tests/bench/bench_memory.py [--sizes 1,8,40]``.

Not collected by pytest. For each shape and size (MB) it writes a plan, runs ``tpm check``
in a fresh process and prints a Markdown table of the peak RSS (``os.wait4``), its ratio to
the file size and the wall time. The goal (docs/explanation/performance.md): peak RSS at most
40x the file size and at most 1 GiB for any plan under the 40 MB limit.

Shapes:

- ``milestones``: a realistic plan, many small milestones in a chain;
- ``repeated-link``: one milestone whose ``depends_on`` repeats one id (the issue's attack);
- ``unknown-links``: one milestone depending on millions of distinct unknown ids;
- ``long-notes``: few milestones with very long notes;
- ``diagnostics``: every milestone has an invalid duration and an unknown key (a million
  diagnostics, of which the first 100 of each kind are listed);
- ``--since``: ``tpm report PLAN --since HEAD~1`` where that revision holds a 60 MB blob
  (refused by its size before it is read; the size column is the blob's);
- ``generated``: the benchmark's realistic plans (``tests/bench/generate.py``: teams, risks,
  KPIs, progress) of ``--generated`` milestones (default 10,000 and 100,000), whatever
  ``--sizes`` says.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HEAD = '[program]\nname = "bench"\nstart = 2026-03-02\nas_of = 2026-03-02\n'


def _milestones(size: int) -> str:
    parts = [HEAD]
    total, i = len(HEAD), 0
    while total < size:
        dep = f'depends_on = ["m{i - 1}"]\n' if i else ""
        text = f'\n[[milestones]]\nid = "m{i}"\ntitle = "Milestone {i}"\nduration = 2\n{dep}'
        parts.append(text)
        total += len(text)
        i += 1
    return "".join(parts)


def _repeated(size: int) -> str:
    head = HEAD + '\n[[milestones]]\nid = "a"\ntitle = "A"\nduration = 1\n'
    head += '\n[[milestones]]\nid = "b"\ntitle = "B"\nduration = 1\ndepends_on = ['
    return head + '"a", ' * ((size - len(head)) // 5) + "]\n"


def _unknown(size: int) -> str:
    head = HEAD + '\n[[milestones]]\nid = "b"\ntitle = "B"\nduration = 1\ndepends_on = ['
    count = (size - len(head)) // 12
    return head + "".join(f'"x{i:07d}", ' for i in range(count)) + "]\n"


def _notes(size: int) -> str:
    per = size // 4
    body = "".join(
        f'\n[[milestones]]\nid = "m{i}"\ntitle = "T"\nduration = 1\nnotes = "{"n" * per}"\n'
        for i in range(4)
    )
    return HEAD + body


def _diagnostics(size: int) -> str:
    parts = [HEAD]
    total, i = len(HEAD), 0
    while total < size:
        text = f'\n[[milestones]]\nid = "m{i}"\ntitle = "T"\nduration = -1\nbogus = 1\n'
        parts.append(text)
        total += len(text)
        i += 1
    return "".join(parts)


SHAPES: dict[str, Callable[[int], str]] = {
    "milestones": _milestones,
    "repeated-link": _repeated,
    "unknown-links": _unknown,
    "long-notes": _notes,
    "diagnostics": _diagnostics,
}


def since(folder: Path) -> tuple[int, list[str]]:
    """A repository whose previous commit holds a 60 MB plan: (blob size, the command)."""
    git = ["git", "-C", str(folder), "-c", "user.name=b", "-c", "user.email=b@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    plan = folder / "plan.toml"
    _write("milestones", 60_000_000, plan)
    size = plan.stat().st_size
    subprocess.run([*git, "add", "plan.toml"], check=True)
    subprocess.run([*git, "commit", "-qm", "big"], check=True)
    _write("milestones", 10_000, plan)
    subprocess.run([*git, "commit", "-qam", "small"], check=True)
    return size, [sys.executable, "-m", "tpm", "report", str(plan), "--since", "HEAD~1"]


def _write(shape: str, size: int, path: Path) -> None:
    """Write a plan of ``shape`` from a child process.

    This process must stay small: a child's peak RSS as the kernel reports it (``wait4``)
    includes the parent's at the moment it was started (``subprocess`` starts children with
    ``vfork``), so a plan built here, or the generator's 100,000-milestone plan, would count
    in every later row.
    """
    if shape == "generated":
        code = (
            f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "from generate import write; from pathlib import Path; "
            f"write({size}, Path({str(path)!r}))"
        )
    else:
        code = (
            f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"from bench_memory import SHAPES; from pathlib import Path; "
            f"Path({str(path)!r}).write_text(SHAPES[{shape!r}]({size}), encoding='utf-8')"
        )
    subprocess.run([sys.executable, "-c", code], check=True)


def peak(argv: list[str]) -> tuple[int, float, int]:
    """(peak RSS in bytes, seconds, exit code) of one fresh process (see :func:`_write`)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss * 1024, time.perf_counter() - started, os.waitstatus_to_exitcode(status)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,8,40", help="file sizes in MB, comma-separated")
    parser.add_argument("--shapes", default=",".join([*SHAPES, "generated", "--since"]))
    parser.add_argument("--generated", default="10000,100000", help="milestone counts")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    baseline, _t, _c = peak([sys.executable, "-c", "import tpm.check.load"])
    print(f"Python with tpm imported: {baseline / 2**20:.0f} MB peak RSS\n")
    print("| shape | command | file MB | peak RSS MB | RSS / file | seconds | exit |")
    print("|---|---|---:|---:|---:|---:|---:|", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for shape in args.shapes.split(","):
            if shape == "generated":
                for n in [int(k) for k in args.generated.split(",")]:
                    _row(f"generated, {n:,} milestones", Path(folder), n)
                continue
            if shape == "--since":
                size, argv = since(Path(folder))
                rss, seconds, code = peak(argv)
                print(
                    f"| --since (60 MB blob) | report | {size / 1e6:.1f} | {rss / 2**20:.0f} | "
                    f"{rss / size:.1f}x | {seconds:.1f} | {code} |",
                    flush=True,
                )
                continue
            for mb in sizes:
                path = Path(folder) / f"{shape}-{mb:g}.toml"
                size = int(mb * 1e6) - 200
                _write(shape, size, path)
                _check_row(shape, path)


def _row(label: str, folder: Path, milestones: int) -> None:
    path = folder / f"generated-{milestones}.toml"
    _write("generated", milestones, path)
    _check_row(label, path)


def _check_row(label: str, path: Path) -> None:
    """Print the table row of ``tpm check`` on ``path`` (peak memory, time), then delete it."""
    real = path.stat().st_size
    rss, seconds, code = peak([sys.executable, "-m", "tpm", "check", str(path)])
    print(
        f"| {label} | check | {real / 1e6:.1f} | {rss / 2**20:.0f} | {rss / real:.0f}x | "
        f"{seconds:.1f} | {code} |",
        flush=True,
    )
    path.unlink()


if __name__ == "__main__":
    main()
