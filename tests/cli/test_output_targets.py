"""Every kind of ``-o`` target: written through, replaced atomically, or refused with exit 2.

Regular files are replaced atomically; standard output, terminals, null/zero devices and FIFOs
are written through (never read, never renamed over); folders, block devices and sockets are
refused. Odd names (``**``, over 255 bytes, symlink loops) give a one-line error, not a
traceback. Device nodes are made in the test's own folder (as root), so a regression can never
touch the machine's /dev/null.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpm.cli import main
from tpm.commands import common

ROOT = os.geteuid() == 0
NOBODY = 65534
EXPORT = ("export", "--format", "csv")


def run(*argv: str) -> tuple[int, str, str]:
    """Run tpm in process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    code, _out, err = run("init", "x", "--dir", str(tmp_path / "plans"))
    assert code == 0, err
    return tmp_path / "plans" / "x.toml"


@pytest.fixture
def csv_text(plan: Path) -> str:
    code, out, err = run(*EXPORT[:1], str(plan), *EXPORT[1:])
    assert code == 0, err
    return out


def export(plan: Path, target: Path | str, *extra: str) -> tuple[int, str, str]:
    return run("export", str(plan), "--format", "csv", "-o", str(target), *extra)


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    import signal

    def fail(signum: int, frame: object) -> None:
        raise AssertionError(f"still blocked after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- standard output


def test_dash_is_standard_output(plan: Path, csv_text: str, tmp_path: Path) -> None:
    before = sorted(os.listdir(plan.parent))
    code, out, err = export(plan, "-")
    assert code == 0, err
    assert out == csv_text and "wrote" not in err
    assert sorted(os.listdir(plan.parent)) == before
    assert not Path("-").exists()


@pytest.mark.parametrize("spelling", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_dev_stdout_into_a_pipe_is_written_through(plan: Path, spelling: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tpm", *EXPORT[:1], str(plan), *EXPORT[1:], "-o", spelling],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"id,title")
    assert Path("/dev/stdout").is_symlink()


# ---------------------------------------------------------------- devices and FIFOs


def _device(tmp_path: Path, name: str, major: int, minor: int, kind: int = stat.S_IFCHR) -> Path:
    node = tmp_path / name
    os.mknod(node, kind | 0o666, os.makedev(major, minor))
    return node


@pytest.mark.skipif(not ROOT, reason="making device nodes needs root")
@pytest.mark.parametrize(("name", "minor"), [("null", 3), ("zero", 5)])
def test_character_devices_are_written_through_never_read_or_replaced(
    plan: Path, tmp_path: Path, name: str, minor: int
) -> None:
    node = _device(tmp_path, name, 1, minor)
    with _deadline(20):
        code, out, err = export(plan, node)
    assert code == 0, err
    assert stat.S_ISCHR(node.lstat().st_mode) and node.lstat().st_rdev == os.makedev(1, minor)


def test_dev_null_is_written_through(plan: Path) -> None:
    code, _out, err = export(plan, "/dev/null")
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.skipif(not ROOT, reason="making device nodes needs root")
def test_a_block_device_is_refused(plan: Path, tmp_path: Path) -> None:
    node = _device(tmp_path, "disk", 7, 0, stat.S_IFBLK)
    code, _out, err = export(plan, node)
    assert code == 2 and "not writing to it" in err
    assert stat.S_ISBLK(node.lstat().st_mode)


def test_a_socket_is_refused(plan: Path, tmp_path: Path) -> None:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, _out, err = export(plan, path)
    assert code == 2 and "not writing to it" in err
    assert stat.S_ISSOCK(path.lstat().st_mode)


def test_a_fifo_with_a_reader_gets_the_text(plan: Path, tmp_path: Path, csv_text: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    with _deadline(20):
        code, _out, err = export(plan, fifo)
    thread.join(10)
    assert code == 0, err
    assert received == [csv_text.encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_fifo_nobody_reads_is_refused_after_a_short_wait(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    monkeypatch.setattr(common, "FIFO_WAIT_S", 0.2)
    with _deadline(10):
        code, _out, err = export(plan, fifo)
    assert code == 2 and "FIFO that nobody read within 0.2 s" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# ---------------------------------------------------------------- symlinks


@pytest.mark.skipif(not ROOT, reason="planting a link owned by another user needs root")
def test_an_output_symlink_owned_by_another_user_is_refused(plan: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    os.lchown(link, NOBODY, NOBODY)
    code, _out, err = export(plan, link)
    assert code == 2 and "symbolic link owned by another user" in err
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_an_output_symlink_loop_is_a_clear_error(plan: Path, tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    code, _out, err = export(plan, tmp_path / "a.md")
    assert code == 2 and "symlink loop" in err and "Traceback" not in err


def test_a_dangling_own_symlink_creates_its_target(plan: Path, tmp_path: Path) -> None:
    (tmp_path / "out.csv").symlink_to(tmp_path / "real.csv")
    code, _out, err = export(plan, tmp_path / "out.csv")
    assert code == 0, err
    assert (tmp_path / "out.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text().startswith("id,title")


# ---------------------------------------------------------------- other plans, odd names


def test_another_plan_is_not_overwritten_without_force(plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_bytes(plan.read_bytes())
    code, _out, err = export(plan, other)
    assert code == 2 and "which is a tpm plan (pass --force to replace it)" in err
    assert other.read_bytes() == plan.read_bytes()
    code, _out, err = export(plan, other, "--force")
    assert code == 0, err
    assert other.read_text().startswith("id,title")


def test_report_also_refuses_another_plan(plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[program]\nname = "other"\n')
    code, _out, err = run("report", str(plan), "-o", str(other))
    assert code == 2 and "is a tpm plan" in err
    assert other.read_text() == '[program]\nname = "other"\n'


def test_a_read_only_output_is_refused(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old")
    out.chmod(0o444)
    code, _out, err = export(plan, out)
    assert code == 1 and "is read-only" in err
    assert out.read_text() == "old"


@pytest.mark.parametrize("name", ["a**b.csv", "**", "p" * 251 + ".csv"])
def test_odd_valid_output_names_are_written(plan: Path, tmp_path: Path, name: str) -> None:
    code, _out, err = export(plan, tmp_path / name)
    assert code == 0, err
    assert (tmp_path / name).read_text().startswith("id,title")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["plans", name])


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(("export", "{plan}", "--format", "csv", "-o", "{long}"), id="export-o"),
        pytest.param(("report", "{plan}", "-o", "{long}"), id="report-o"),
        pytest.param(("report", "{plan}", "--since", "{long}"), id="since"),
        pytest.param(("init", "n" * 300, "--dir", "{dir}"), id="init"),
    ],
)
def test_names_over_255_bytes_are_one_line_errors(
    plan: Path, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    long = str(tmp_path / ("x" * 300 + ".md"))
    args = [a.format(plan=plan, long=long, dir=tmp_path) for a in argv]
    code, out, err = run(*args)
    assert code in (1, 2), (code, err)
    assert "too long" in err and "Traceback" not in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"]
