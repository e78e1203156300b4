"""Run the command line on a real terminal (a pseudo-terminal), as a person at a shell does.

Why a pty and not a fake ``isatty``: what a user sees — tqdm's bar, the
messages written around it, a prompt on standard input — depends on the
real terminal device; only a real one shows whether the bar is buried.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _open_terminal() -> tuple[int, int]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    return master, slave


def run_on_terminal(args: list[str], cwd: Path, stdin_terminal: bool = False, typed: bytes = b"",
                    timeout: float = 120) -> tuple[int, str, str]:
    """``refparse ARGS`` with stderr (and, if asked, stdin) on a terminal.

    Args:
        args: the command's arguments.
        cwd: the working folder.
        stdin_terminal: standard input is the terminal too; ``typed`` is typed
            into it once the command has started (end it with ``b"\\x04"``, Ctrl-D).
        typed: what the person types.
        timeout: seconds before the run counts as hung.

    Returns:
        (exit status, standard output, the screen's text: ANSI codes removed,
        carriage returns as line ends).
    """
    master, slave = _open_terminal()
    out_path = cwd / ".terminal-stdout"
    with out_path.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "refparse.cli", *args], cwd=cwd, stdout=out, stderr=slave,
                                stdin=slave if stdin_terminal else subprocess.DEVNULL, start_new_session=True)
    os.close(slave)
    screen = bytearray()
    deadline = time.monotonic() + timeout
    sent = False
    while True:
        assert time.monotonic() < deadline, f"hung; screen so far: {screen.decode(errors='replace')[-2000:]}"
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the other side closed
                chunk = b""
            screen += chunk
            if not chunk and proc.poll() is not None:
                break
        elif proc.poll() is not None:
            break
        if typed and not sent and b"Ctrl-D" in screen:
            os.write(master, typed)
            sent = True
    os.close(master)
    code = proc.wait(timeout=30)
    stdout = out_path.read_text(encoding="utf-8")
    out_path.unlink()
    text = _ANSI.sub("", screen.decode("utf-8", errors="replace")).replace("\r\n", "\n").replace("\r", "\n")
    return code, stdout, text


def screen_lines(text: str) -> list[str]:
    """The lines refparse printed (not the progress bar's redraws)."""
    return [line.strip() for line in text.split("\n") if line.strip().startswith("refparse:")]
