"""The progress bar: on stderr for long runs on a terminal, never when output is
piped, with --quiet, or in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from layerlint.report import PROGRESS_MIN_FILES, ReportOptions, show_progress

SRC = Path(__file__).resolve().parent.parent / "src"


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


TTY, PIPE = Stream(True), Stream(False)
MANY = PROGRESS_MIN_FILES


@pytest.mark.parametrize(
    "files, opts, env, stdout, stderr, shown",
    [
        (MANY, ReportOptions(), {}, TTY, TTY, True),
        (MANY - 1, ReportOptions(), {}, TTY, TTY, False),  # a short run
        (MANY, ReportOptions(), {"CI": "true"}, TTY, TTY, False),
        (MANY, ReportOptions(), {"CI": "1"}, TTY, TTY, False),
        (MANY, ReportOptions(), {"CI": "false"}, TTY, TTY, True),
        (MANY, ReportOptions(), {}, PIPE, TTY, False),  # stdout piped
        (MANY, ReportOptions(), {}, TTY, PIPE, False),  # stderr piped
        (MANY, ReportOptions(output_file=Path("r.json")), {}, PIPE, TTY, True),  # report to a file
        (MANY, ReportOptions(quiet=True), {}, TTY, TTY, False),
    ],
)
def test_when_the_bar_is_shown(files, opts, env, stdout, stderr, shown):
    assert show_progress(files, opts, env, stdout, stderr) is shown


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("ci", [None, "true"])
def test_real_terminal(tmp_path, ci):
    import pty
    import select

    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\n")
    pkg = tmp_path / "app" / "services"
    pkg.mkdir(parents=True)
    for i in range(PROGRESS_MIN_FILES + 5):
        (pkg / f"m{i}_service.py").write_text("x = 1\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env["PYTHONPATH"] = str(SRC)
    if ci:
        env["CI"] = ci

    def run(stderr_tty: bool, stdout_tty: bool) -> str:
        out_master, out_slave = pty.openpty()
        err_master, err_slave = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "layerlint.cli", "check", str(tmp_path)],
            stdout=out_slave if stdout_tty else subprocess.DEVNULL,
            stderr=err_slave if stderr_tty else subprocess.PIPE,
            env=env,
        )
        os.close(out_slave)
        os.close(err_slave)
        chunks = []
        while True:
            ready, _, _ = select.select([err_master, out_master], [], [], 30)
            if not ready:
                break
            done = False
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    done = done or fd == err_master
                elif fd == err_master:
                    chunks.append(data)
            if done or proc.poll() is not None and not ready:
                break
        proc.wait(timeout=60)
        os.close(out_master)
        os.close(err_master)
        err = b"".join(chunks)
        if not stderr_tty:
            err += proc.stderr.read()
        assert proc.returncode == 0
        return err.decode("utf-8", "replace")

    on_terminal = run(stderr_tty=True, stdout_tty=True)
    piped = run(stderr_tty=True, stdout_tty=False)
    assert "Linting" not in piped
    if ci:
        assert "Linting" not in on_terminal
    else:
        assert "Linting" in on_terminal and f"{PROGRESS_MIN_FILES + 5}/{PROGRESS_MIN_FILES + 5}" in on_terminal
