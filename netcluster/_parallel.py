"""Run an independent step on the second core while the main process goes on.

``analyze`` has steps that do not depend on each other (path-based centralities vs. the
group indicators; writing the large tables vs. the scorecard).  :class:`Background` runs
one of them in a forked child process — the child sees the parent's memory (copy-on-write),
so nothing is pickled on the way in; only the result comes back through a pipe.  Results do
not depend on whether a step ran in the background: every randomised step carries its own
seed.  Without ``fork`` (Windows, macOS spawn default) or with ``jobs=1`` the step simply
runs in place when its result is asked for.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback

__all__ = ["Background", "Claim", "TaskPool", "default_jobs"]


def default_jobs() -> int:
    """2 when the machine has at least two cores and can fork, else 1."""
    return 2 if (os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods() else 1


def _child(fn, conn):
    t = time.perf_counter()
    try:
        value = fn()
        conn.send((True, value, time.perf_counter() - t, None))
    except BaseException as e:  # noqa: BLE001 - everything is reported to the parent
        tb = traceback.format_exc()
        try:
            conn.send((False, e, time.perf_counter() - t, tb))
        except Exception:  # the exception itself does not pickle
            conn.send((False, RuntimeError(f"{type(e).__name__}: {e}"), time.perf_counter() - t, tb))
    finally:
        conn.close()


class Background:
    """``fn()`` computed in a forked child (``jobs >= 2``) or lazily in place (``jobs == 1``).

    ``result()`` returns the value or raises the child's exception; ``seconds`` is the time
    the step itself took.
    """

    def __init__(self, fn, *, jobs: int = 1):
        self.fn = fn
        self.seconds = None
        self.proc = None
        self._done = False
        if jobs >= 2 and "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")
            recv, send = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_child, args=(fn, send), daemon=True)
            self.proc.start()
            send.close()
            self.conn = recv

    def ready(self, timeout: float = 0.0) -> bool:
        """True when ``result()`` would not wait for the other core (waits up to ``timeout``
        seconds for it).  Always True in place (``jobs == 1``)."""
        if self._done or self.proc is None:
            return True
        return self.conn.poll(timeout)

    def result(self):
        if self._done:
            return self._value
        if self.proc is None:
            t = time.perf_counter()
            self._value = self.fn()
            self.seconds = time.perf_counter() - t
        else:
            try:
                ok, value, self.seconds, tb = self.conn.recv()
            except EOFError:
                self.proc.join()
                raise RuntimeError(f"a background step died (exit code {self.proc.exitcode}); "
                                   "rerun with jobs=1 (CLI: --jobs 1)") from None
            finally:
                self.conn.close()
            self.proc.join()
            if not ok:
                raise value
            self._value = value
        self._done = True
        self.fn = None
        return self._value


class Claim:
    """A task that either process may do, done by whichever gets to it first.

    Created before forking; ``take()`` returns True exactly once over the parent and its
    children (a shared byte behind a lock).  With ``jobs == 1`` it is a plain flag.  Lets the
    main process and the second core share out a step whose best place depends on the input
    size (at 100k rows the main process is free first, at 1M rows the second core is)."""

    def __init__(self, *, jobs: int = 1):
        self._shared = None
        self._taken = False
        if jobs >= 2 and "fork" in mp.get_all_start_methods():
            self._shared = mp.get_context("fork").Value("b", 0, lock=True)

    def take(self) -> bool:
        if self._shared is None:
            first, self._taken = not self._taken, True
            return first
        with self._shared.get_lock():
            if self._shared.value:
                return False
            self._shared.value = 1
            return True


class TaskPool:
    """Independent named tasks shared by the main process and the second core, each run
    exactly once by whichever process claims it first (one :class:`Claim` per task).

    The second core runs ``run()`` (the tasks in order); the main process, when it would
    otherwise wait for the second core, runs ``run(reverse=True)`` and takes what is left from
    the end.  Each process returns ``{name: result}`` of the tasks it ran; the union is the
    same whoever ran what (every task is deterministic), only the time changes.  Create the
    pool before forking the second core.
    """

    def __init__(self, tasks, *, jobs: int = 1):
        self._tasks = list(tasks)
        self._claims = [Claim(jobs=jobs) for _ in self._tasks]

    def run(self, *, reverse: bool = False) -> dict:
        out = {}
        order = range(len(self._tasks))
        for i in (reversed(order) if reverse else order):
            if self._claims[i].take():
                name, fn = self._tasks[i]
                out[name] = fn()
        return out
