"""Work done aside: in a forked process, on the core the caller leaves idle, its result read later.

``invoke validate`` looks for duplicates while it checks the region, the cache and the documents:
``Aside(work)`` forks at once and ``result()`` waits for what the process sent. Where there is no
``fork``, or when the process fails or sends nothing, ``result()`` does the work itself, so the
result and any error are those of ``work()`` called in place.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from typing import Any, Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
MISSING: Any = object()


class Aside(Generic[T]):
    """``work()`` started in a forked process; ``result()`` its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._conn: Any = None
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(theirs, self._conn, work), name="lieux-aside", daemon=True)
        self._process.start()
        theirs.close()

    def result(self) -> T:
        """What ``work()`` gave in the process, else ``work()`` done now."""
        found = MISSING
        if self._conn is not None:
            try:
                found = self._conn.recv()
            except (EOFError, OSError) as exc:  # the process failed before sending: the work is done here
                logger.debug("travail à part : échec (%s)", exc)
            self._conn.close()
            self._conn = None
            self._process.join()
        return self._work() if found is MISSING else found


def _serve(conn: Any, parents: Any, work: Callable[[], Any]) -> None:
    """In the forked process: send ``work()``, or nothing when it fails (the parent then does it)."""
    parents.close()
    try:
        conn.send(work())
    except Exception as exc:  # the parent does the work again, and meets the error itself
        logger.debug("travail à part : échec (%s)", exc)
    finally:
        conn.close()
