"""Work done on a second CPU: a function run in a process forked from this one.

A stage with two halves of independent work (parsing two halves of the repository's files)
gives one to :class:`Forked`, does the other itself, and takes the helper's result when it
is done. What the helper returns comes back pickled through a pipe from this same program,
never from a file a repository supplies. When no helper can run — no ``os.fork``, one
CPU, or other threads in this process (a fork copies only the calling thread, and the
locks the others hold) — or when the helper fails, :meth:`Forked.result` is None and the
caller does the work itself, so a helper can only make a run quicker, never different.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
Item = TypeVar("Item")


def cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a helper process can be forked safely and would have a CPU of its own."""
    return hasattr(os, "fork") and threading.active_count() == 1 and cpus() > 1


def spawn(work: Callable[[], object]) -> int:
    """Fork a child process that runs ``work`` and leaves by ``os._exit`` — status 0 when
    ``work`` returned, 1 when it raised — so it never returns into the caller's code nor
    runs its clean-up; the parent gets the child's pid. The one way qplan forks: the
    parsing helper, the SOP renderer under its limits and the docs build's page helper."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            work()
            status = 0
        finally:
            os._exit(status)
    return pid


class Forked(Generic[T]):
    """``work()`` running in a forked helper process from the moment this is made."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._pid: int | None = None
        self._read_end = -1
        if not can_fork():
            return
        read_end, write_end = os.pipe()

        def helper() -> None:  # do the work and send it back
            os.close(read_end)
            payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)

        pid = spawn(helper)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def result(self) -> T | None:
        """What ``work()`` returned, once the helper is done; None if it did not run or
        did not finish."""
        if self._pid is None:
            return None
        pid, self._pid = self._pid, None
        with os.fdopen(self._read_end, "rb") as stream:
            payload = stream.read()
        _, status = os.waitpid(pid, 0)
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0) or not payload:
            return None
        found: T = pickle.loads(payload)  # written by this program's own helper, above
        return found


def in_two(work: Callable[[Sequence[Item]], T], items: Sequence[Item], split: int) -> list[T]:
    """``work`` over ``items[:split]`` in this process and over ``items[split:]`` on a
    helper (here, too, when the helper cannot run or fails): the results, in that order.
    One result when ``split`` leaves nothing for the helper."""
    if split >= len(items):
        return [work(items)]
    helper = Forked(lambda: work(items[split:]))
    mine = work(items[:split])
    theirs = helper.result()
    return [mine, work(items[split:]) if theirs is None else theirs]
