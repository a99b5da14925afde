"""Tasks shared between the main process and a second core.

:class:`TaskPool` shares named tasks between the two processes, each run once by whichever
claims it first (:class:`Claim`).  A started pool (:meth:`TaskPool.start`) forks a child
process — it sees the parent's memory (copy-on-write), so nothing is pickled on the way in —
that runs the tasks in order and sends each result back as soon as it is done, so the main
process can take one result (the communities) long before the others.  Results do not depend
on which process ran a task: every randomised step carries its own seed.  Without ``fork``
(Windows, macOS spawn default) or with ``jobs=1`` every task runs in place when asked for.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing as mp
import os
import pickle
import queue
import signal
import time
import traceback

__all__ = ["Claim", "TaskPool", "default_jobs"]


def default_jobs() -> int:
    """2 when the machine has at least two cores and can fork, else 1."""
    return 2 if (os.cpu_count() or 1) >= 2 and "fork" in mp.get_all_start_methods() else 1


def _die_with(parent: int) -> None:
    """Make this (forked) process end when ``parent`` ends, however it ends — a SIGKILL or
    SIGTERM of the main process included (Linux ``PR_SET_PDEATHSIG``; elsewhere the child is
    a daemon and ends with the main process's normal exit)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _unblock(_FORK_BLOCKED)  # (blocked across the fork: a signal that came meanwhile acts now)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the call above: end now
        os._exit(1)


#: Signals blocked while the second core is forked.  The child is a copy of the main process,
#: with its Python handlers (the CLI turns SIGTERM into KeyboardInterrupt): a signal reaching
#: it before :func:`_die_with` sets its own would raise there — swallowed by the fork's
#: bookkeeping, or unwinding into the main process's code — and the child would run on, with
#: nobody reading its results (stop()'s join then waited for ever).  Blocked, such a signal
#: waits: in the main process until the fork is done, in the child until its handlers are set.
_FORK_BLOCKED = {signal.SIGINT, signal.SIGTERM}


def _block(signals) -> set | None:
    """Block ``signals`` in this thread; the previous mask (None where there are no masks)."""
    return signal.pthread_sigmask(signal.SIG_BLOCK, signals) if hasattr(signal, "pthread_sigmask") else None


def _restore(previous) -> None:
    """The mask :func:`_block` returned, back."""
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _unblock(signals) -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)


def _portable(e: BaseException) -> BaseException:
    """``e`` if it pickles (to reach the parent with its type), else a RuntimeError saying it."""
    try:
        pickle.dumps(e)
        return e
    except Exception:
        return RuntimeError(f"{type(e).__name__}: {e}")


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
        self._unclaimed_below = len(self._tasks)  # every task from here on is claimed
        self._got = {}  # results here: of the tasks run here or sent by the second core

    def run(self, *, reverse: bool = False) -> dict:
        out = {}
        order = range(len(self._tasks))
        for i in (reversed(order) if reverse else order):
            if self._claims[i].take():
                name, fn = self._tasks[i]
                out[name] = fn()
        return out

    # -- streamed: the second core's results arrive one by one ---------------
    def start(self) -> "TaskPool":
        """Fork the second core now; it runs the tasks in order and sends each result as soon
        as it is done (a queue: the child never waits for the main process to read).  The
        main process asks for one result with :meth:`get` and for all with :meth:`finish`.
        In place (``jobs == 1``) nothing runs until asked."""
        self._got, self._proc, self._queue, self.seconds = {}, None, None, None
        self._ended = False
        if self._claims and self._claims[0]._shared is not None:
            ctx = mp.get_context("fork")
            self._queue = ctx.Queue()
            # whether the main process is blocked waiting for a result, and how many results it
            # has taken in (written by the main process only; see _hand_over)
            self._waiting = ctx.Value("b", 0, lock=False)
            self._received = ctx.Value("q", 0, lock=False)
            self._proc = ctx.Process(target=self._stream, args=(os.getpid(),), daemon=True)
            # the objects of the moment of the fork out of the child's garbage collections: it
            # would walk every one of them (writing to each, so copying its memory page) in
            # each full collection (the Python documentation's advice for fork; gc.freeze)
            gc.freeze()
            previous = _block(_FORK_BLOCKED)
            try:
                self._proc.start()
            finally:
                gc.unfreeze()  # (the main process collects them as before)
                _restore(previous)  # (a signal held back acts here)
        return self

    def _stream(self, parent: int):  # in the child
        _die_with(parent)
        t = time.perf_counter()
        sent = 0
        for i, (name, fn) in enumerate(self._tasks):
            if not self._claims[i].take():
                continue
            try:
                self._queue.put(("ok", name, fn()))
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                self._queue.put(("error", name, (_portable(e), traceback.format_exc())))
                break
            sent += 1
            self._hand_over(sent)
        self._queue.put(("end", None, time.perf_counter() - t))
        self._queue.close()
        self._queue.join_thread()

    def _hand_over(self, sent: int, limit: float = 5.0) -> None:  # in the child
        """While the main process waits for results, let the queue's feeder thread deliver the
        ``sent``-th one before the next task starts.  The feeder is a thread of this process and
        needs the interpreter lock to write; a next task in compiled code that keeps the lock
        (igraph's Leiden does) would hold the result here until it ends — on the EU profile the
        main process waited 1.5 s for the sampled centrality that way, idle.  The wait ends as
        soon as the main process has the result or stops waiting (or after ``limit`` s)."""
        end = time.monotonic() + limit
        while self._waiting.value and self._received.value < sent and time.monotonic() < end:
            time.sleep(0.001)

    def _receive(self, timeout) -> bool:
        """Take one message from the second core into ``_got``; False if none came in time."""
        blocking = timeout is None or timeout > 0
        if blocking:
            self._waiting.value = 1
        try:
            got = self._receive_one(timeout)
        finally:
            if blocking:
                self._waiting.value = 0
        if got:
            self._received.value += 1
        return got

    def _receive_one(self, timeout) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
            try:
                kind, name, value = self._queue.get(timeout=wait)
            except queue.Empty:
                if not self._proc.is_alive() and self._queue.empty():
                    raise RuntimeError(f"a background step died (exit code {self._proc.exitcode}); "
                                       "rerun with jobs=1 (CLI: --jobs 1)") from None
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                continue
            if kind == "error":
                self._ended = True
                self._proc.join()
                raise value[0]
            if kind == "end":
                self._ended, self.seconds = True, value
                self._proc.join()
            else:
                self._got[name] = value
            return True

    def ready(self, timeout: float = 0.0) -> bool:
        """True when the second core has sent every result (waits up to ``timeout`` s)."""
        return self._drain(timeout)

    def poll(self) -> None:
        """Take in the results the second core has sent so far (no waiting)."""
        self._drain(0.0)

    def has(self, name) -> bool:
        """Whether ``name``'s result is here (after :meth:`poll`, without waiting)."""
        return name in self._got

    def _drain(self, timeout) -> bool:
        if self._proc is None or self._ended:
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ended:
            if not self._receive(None if deadline is None else max(0.0, deadline - time.monotonic())):
                return False
        return True

    def get(self, name, *, meanwhile=None):
        """One task's result: run here if no process has claimed it yet, else wait for the
        second core to send it.  ``meanwhile()``: other work to do while waiting, one piece a
        call (True when it did some; asked again until the result is in or it has none)."""
        i = [n for n, _ in self._tasks].index(name)
        if name not in self._got and self._claims[i].take():
            self._got[name] = self._tasks[i][1]()
        while name not in self._got:
            if self._ended:
                raise RuntimeError(f"the second core did not return {name!r}")
            if meanwhile is not None:
                self.poll()
                if name in self._got:
                    break
                if meanwhile():
                    continue
                meanwhile = None
            self._receive(None)
        return self._got[name]

    def run_one(self) -> bool:
        """Run here the last task no process has claimed yet (the second core works from the
        first): True if there was one."""
        while self._unclaimed_below > 0:
            self._unclaimed_below -= 1
            i = self._unclaimed_below
            if self._claims[i].take():
                name, fn = self._tasks[i]
                self._got[name] = fn()
                return True
        return False

    def finish(self) -> dict:
        """Every result: the main process takes the tasks nobody has claimed, from the end,
        then waits for the second core's."""
        self._got.update(self.run(reverse=True))
        if self._proc is not None:
            self._drain(None)
        return dict(self._got)

    def stop(self) -> None:
        """End the second core's work early (on an error in the main process)."""
        if getattr(self, "_proc", None) is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()
