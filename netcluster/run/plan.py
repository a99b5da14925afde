"""A plan of named steps and the runner that executes it in one or two processes.

A :class:`Step` is a function with named inputs and outputs.  The runner keeps every output
in a context (a dict) and calls each step with the inputs it names, in the plan's order.  A
:class:`Pool` is a group of :class:`Task` s that may run on a second core: when the runner
reaches the pool it forks a process that runs the tasks in order and sends each task's
outputs back as soon as it is done (:class:`netcluster.run.pool.TaskPool`); a step that needs
a task's output takes it when it arrives — or, if no process has started the task yet, runs it
itself, taking tasks from the end of the pool so that the two processes meet in the middle.
An ``eager`` step runs as soon as every input it names is in, between the other steps (the
main process hands work on to the second core at the earliest moment).

Every step and task is deterministic (seeded), so the outputs are the same whichever process
ran what and in which order; only the time changes.  With ``jobs=1`` every task runs in the
main process when its output is needed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .pool import TaskPool

__all__ = ["Step", "Task", "Pool", "Runner"]


@dataclass(frozen=True)
class Step:
    """``fn(**inputs)`` in the main process; its return value is the one output, or a tuple of
    ``outputs`` (none: a step run for its effect, e.g. writing a file).

    ``stage``: the progress line it belongs to (default: its name); ``eager``: run as soon as
    its inputs are in."""

    name: str
    fn: Callable[..., Any]
    inputs: tuple = ()
    outputs: tuple = ()
    stage: str | None = None
    eager: bool = False


@dataclass(frozen=True)
class Task:
    """A step that either process may run.  ``local`` outputs stay in the process that made
    them (later tasks of that process may use them: ``optional`` inputs are given when present
    in the process, else None); the others are sent to the main process."""

    name: str
    fn: Callable[..., Any]
    inputs: tuple = ()
    outputs: tuple = ()
    optional: tuple = ()
    local: tuple = ()


@dataclass(frozen=True)
class Pool:
    """Tasks started together when the runner reaches the pool (``tasks(context)`` lists
    them: they may depend on what is known by then, e.g. the network's size); ``eager``: as
    soon as ``inputs`` are in."""

    name: str
    tasks: Callable[[dict], list]
    inputs: tuple = ()
    eager: bool = False


@dataclass
class _Started:
    pool: Pool
    tasks: list
    taskpool: TaskPool
    by_output: dict = field(default_factory=dict)  # output -> task index


class Runner:
    """Executes a plan (a list of :class:`Step` and :class:`Pool`) over a context.

    ``progress(event, name, seconds)`` is called with ``"start"``/``"done"`` for each stage,
    ``"background"`` for the time a pool took on the second core and — when the callback has an
    attribute ``steps = True`` — ``"step"`` for each step or awaited task within a stage;
    ``timings`` sums the seconds per stage."""

    def __init__(self, *, jobs: int = 1, progress=None):
        self.jobs, self.progress = jobs, progress
        # "step" events go to callbacks that ask for them (an attribute steps = True), so that
        # callbacks written for start/done/background keep working
        self._steps = bool(progress is not None and getattr(progress, "steps", False))
        self.context: dict = {}
        self.timings: dict = {}  # seconds per stage; a pool's second-core seconds under its name
        self._pools: list[_Started] = []
        self._pending_eager: list[Step] = []
        self._stage = None

    # -- running --------------------------------------------------------------
    def run(self, plan, context: dict | None = None) -> dict:
        """Run ``plan``; returns the context (every output by name)."""
        if context:
            self.context.update(context)
        self._pending_eager = [item for item in plan if item.eager]
        try:
            for item in plan:
                if item.eager:
                    if item in self._pending_eager:  # not done yet: now, waiting for its inputs
                        self._pending_eager.remove(item)
                        self._do(item)
                else:
                    self._run_ready_eager()
                    self._do(item)
        except BaseException:
            self.stop()
            raise
        self._end_stage()
        return self.context

    def finish(self) -> dict:
        """Wait for every pool's last results (call after the last :meth:`run`)."""
        try:
            for started in self._pools:
                self._finish(started)
        except BaseException:
            self.stop()
            raise
        return self.context

    def stop(self) -> None:
        """End the second core's work (on an error)."""
        for started in self._pools:
            started.taskpool.stop()

    def _do(self, item):
        if isinstance(item, Pool):
            self._take(item.inputs)
            self._start(item)
        else:
            self._call(item)

    def _call(self, step: Step):
        self._begin_stage(step.stage or step.name)
        if self._steps and step.stage and step.stage != step.name:
            self.progress("step", step.name, None)
        self._take(step.inputs)
        result = step.fn(**{k: self.context[k] for k in step.inputs})
        self.context.update(self._split(step.outputs, result))

    def _run_ready_eager(self):
        for item in list(self._pending_eager):
            if all(self._available(k) for k in item.inputs):
                self._pending_eager.remove(item)
                self._do(item)

    @staticmethod
    def _split(outputs, result) -> dict:
        if not outputs:
            return {}
        if len(outputs) == 1:
            return {outputs[0]: result}
        return dict(zip(outputs, result))

    # -- pools ---------------------------------------------------------------
    def _start(self, pool: Pool):
        tasks = list(pool.tasks(self.context))
        started = _Started(pool, tasks, None)
        for i, t in enumerate(tasks):
            for out in t.outputs:
                if out not in t.local:
                    started.by_output[out] = i
        started.taskpool = TaskPool([(t.name, lambda t=t: self._run_task(t)) for t in tasks], jobs=self.jobs).start()
        self._pools.append(started)

    def _run_task(self, task: Task) -> dict:
        """A task in this process (main or second core): its outputs, the local ones kept here."""
        kwargs = {k: self.context[k] for k in task.inputs}
        kwargs.update({k: self.context.get(k) for k in task.optional})
        out = self._split(task.outputs, task.fn(**kwargs))
        self.context.update({k: v for k, v in out.items() if k in task.local})
        return {k: v for k, v in out.items() if k not in task.local}

    def _owner(self, name):
        for started in self._pools:
            if name in started.by_output:
                return started
        return None

    def _available(self, name) -> bool:
        """``name`` is in the context or its task's result has arrived (without waiting)."""
        if name in self.context:
            return True
        started = self._owner(name)
        if started is None or self.jobs < 2:
            return False
        task = started.tasks[started.by_output[name]]
        started.taskpool.poll()  # take in what the second core has sent
        if started.taskpool.has(task.name):
            self.context.update(started.taskpool.get(task.name))
        return name in self.context

    def _take(self, names) -> None:
        """Bring the pool outputs among ``names`` into the context: per pool, the tasks that
        make them from the last to the first — run here when no process has claimed them yet,
        else waited for (the second core runs its tasks in order, so below the first task it
        has claimed every task is its).  While waiting for one pool's result, this process
        takes the other pools' unclaimed tasks from their end (on a large dense network it
        draws the network page while the second core finishes the last stability run)."""
        for started in self._pools:
            wanted = sorted({started.by_output[n] for n in names
                             if n not in self.context and n in started.by_output}, reverse=True)
            others = [s.taskpool for s in reversed(self._pools) if s is not started]
            for i in wanted:
                if self._steps:
                    self.progress("step", started.tasks[i].name, None)
                self.context.update(started.taskpool.get(
                    started.tasks[i].name, meanwhile=lambda: any(p.run_one() for p in others)))
        missing = [n for n in names if n not in self.context]
        if missing:
            raise KeyError(f"no step or task makes {missing}")

    def _finish(self, started: _Started):
        """Every result of a pool: the tasks nobody has claimed run here (from the end), then the
        second core's are waited for."""
        for out in started.taskpool.finish().values():
            self.context.update(out)
        if self.jobs >= 2 and started.taskpool.seconds is not None and started.pool.name not in self.timings:
            self.timings[started.pool.name] = started.taskpool.seconds
            if self.progress:
                self.progress("background", started.pool.name, started.taskpool.seconds)

    # -- progress ------------------------------------------------------------
    def _begin_stage(self, name):
        if self._stage is not None and self._stage[0] == name:
            return
        self._end_stage()
        self._stage = (name, time.perf_counter())
        if self.progress:
            self.progress("start", name, None)

    def _end_stage(self):
        if self._stage is None:
            return
        name, t0 = self._stage
        dt = time.perf_counter() - t0
        self.timings[name] = self.timings.get(name, 0.0) + dt
        if self.progress:
            self.progress("done", name, dt)
        self._stage = None
