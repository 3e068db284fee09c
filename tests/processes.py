"""Reading a child process's output with a deadline, so a server that never starts
fails its test instead of hanging the suite."""

from __future__ import annotations

import queue
import subprocess
import threading


def wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float = 60.0) -> str:
    """The first line of ``proc``'s standard output holding ``needle``.

    Fails when the process ends first or ``timeout`` seconds pass; a thread reads the
    lines, since ``readline`` on a pipe cannot time out.
    """
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
            if needle in line:
                return
        lines.put("")  # end of output

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            proc.kill()
            raise AssertionError(f"no line with {needle!r} within {timeout} s") from None
        if not line:
            raise AssertionError(f"the process ended before printing {needle!r}: "
                                 f"{proc.stderr.read() if proc.stderr else ''}")
        if needle in line:
            return line
