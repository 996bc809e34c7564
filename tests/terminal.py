"""The installed tickler command run in a real pseudo-terminal of a given size, as a rep's
terminal app runs it: standard output and error are the terminal unless a test asks for a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Seen:
    screen: str  # every byte the terminal received, decoded
    code: int
    stdout: str  # what went to a pipe, when standard output was one
    stderr: str  # what went to a pipe, when standard error was one


def terminal_env(base: dict[str, str], **extra: str) -> dict[str, str]:
    """``base`` as a terminal app sets it: no COLUMNS or LINES to override the window's size."""
    env = {k: v for k, v in base.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def in_terminal(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    columns: int = 80,
    rows: int = 24,
    stdout_pipe: bool = False,
    stderr_pipe: bool = False,
    timeout: float = 120,
) -> Seen:
    main, sub = pty.openpty()
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    pipe = subprocess.PIPE
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=sub,
        stdout=pipe if stdout_pipe else sub,
        stderr=pipe if stderr_pipe else sub,
        start_new_session=True,
    )
    os.close(sub)
    piped: dict[str, bytes] = {"stdout": b"", "stderr": b""}

    def drain(name: str) -> None:
        stream = getattr(proc, name)
        piped[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n,)) for n in ("stdout", "stderr") if getattr(proc, n)]
    for reader in readers:
        reader.start()
    received = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the last holder of the terminal closed it
                    break
                if not chunk:
                    break
                received += chunk
            elif proc.poll() is not None and not select.select([main], [], [], 0.2)[0]:
                break
        else:
            proc.kill()
            raise AssertionError(f"{argv} did not finish in {timeout} s")
    finally:
        os.close(main)
    code = proc.wait(timeout=timeout)
    for reader in readers:
        reader.join(timeout)
    return Seen(
        received.decode("utf-8", "replace"),
        code,
        piped["stdout"].decode("utf-8", "replace"),
        piped["stderr"].decode("utf-8", "replace"),
    )
