"""Work done ahead, on the core the caller leaves idle: a function run in a process forked now.

``Ahead(function, *args)`` forks at once; the child computes ``function(*args)`` and sends the
value back through a pipe, ``marshal``-ed (plain data only: numbers, strings, tuples, lists,
dicts; nothing to import, nothing of the parent's to run). ``result()`` waits for it. When the
system cannot fork, or the child fails or sends what cannot be read, ``result()`` gives
``None`` and the caller does the work itself: a result ahead is never needed, only faster.

Fork early, before the parent fills its memory: a child forked later copies every page of the
parent that its work touches (this machine's virtual memory makes such copies slow).
"""

from __future__ import annotations

import marshal
import os
import signal
from collections.abc import Callable
from typing import Any

CHUNK = 1 << 20
NICE = 10  # how much lower a helper's priority is: it takes a core the build leaves idle, never the build's own


class Ahead:
    """``function(*args)`` computed in a process forked now; ``result()`` gives its value, or None. Use it as a
    context manager: leaving ends the process, if it is still running."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._pid = 0
        self._read = -1
        if not hasattr(os, "fork"):
            return
        try:
            read, write = os.pipe()
        except OSError:  # no descriptor left: the caller does the work
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: never returns
            _serve(read, write, function, args)
        self._pid, self._read = pid, read
        os.close(write)

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def result(self) -> Any:
        """The value the child computed; None when there is none (no fork, the child failed). Read once: a second
        call gives None."""
        if self._read < 0:
            return None
        chunks = []
        try:
            while chunk := os.read(self._read, CHUNK):
                chunks.append(chunk)
        except OSError:
            chunks = []
        os.close(self._read)
        self._read = -1
        pid, self._pid = self._pid, 0
        try:
            _, status = os.waitpid(pid, 0)  # the pipe is closed: the child is leaving
        except ChildProcessError:  # reaped elsewhere: its exit status is unknown
            return None
        if not chunks or os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            return marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None

    def close(self) -> None:
        """Stop waiting: the child, if its value was not read, is ended and reaped."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1
        if self._pid:
            pid, self._pid = self._pid, 0
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):  # already reaped
                pass


def lower_priority(pid: int = 0) -> None:
    """Run the process ``pid`` (0: this one), a helper, ``NICE`` below this process's priority, where the system
    has priorities."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, min(os.getpriority(os.PRIO_PROCESS, 0) + NICE, 19))
    except (AttributeError, OSError):  # no priorities here (Windows), or not allowed: the same work, at par
        pass


def _serve(read: int, write: int, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: compute, send, and leave at once, whatever happens (no exit handler of the parent's run, no
    buffer of the parent's flushed)."""
    code = 1
    try:
        os.close(read)
        data = memoryview(marshal.dumps(function(*args)))
        while data:
            data = data[os.write(write, data):]
        code = 0
    except BaseException:  # noqa: BLE001, S110 - any failure leaves the work to the parent, which reports nothing of it
        pass
    finally:
        os._exit(code)
