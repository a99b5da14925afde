"""Progress of ``analyze`` for people: a bar in a terminal, plain lines elsewhere.

:func:`netcluster.analyze` calls ``progress(event, name, seconds)`` as the work goes on
(``start``/``done`` of each stage, ``background`` when the second core has finished a group of
tasks, and ``step`` within a stage for a callback that has an attribute ``steps = True``).  :class:`ProgressDisplay` turns that into

* in a terminal: one line with the stage and its current step, a bar, the time elapsed and an
  estimate of the time left (``rich``); the estimate weighs each stage by its usual share of
  the run (:data:`STAGES`, measured on the benchmark's inputs), so it is rough at first and
  better as the run goes on;
* in a pipe, a log file or CI: plain lines ``[  6.4s] stage ...`` / ``done in 1.20s``;
* ``verbose``: also each step, and the second core's groups of tasks;
* ``quiet``: nothing.

The library itself prints nothing unless given a ``progress``: in a notebook,
``nc.analyze(..., progress=ProgressDisplay())`` shows the bar.

>>> import io
>>> out = io.StringIO()
>>> p = ProgressDisplay(out, mode="lines")
>>> p("start", "openness", None); p("done", "openness", 1.5)
>>> [line.split("] ")[1] for line in out.getvalue().splitlines()]
['openness ...', 'openness done in 1.50s']
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

__all__ = ["ProgressDisplay", "STAGES"]

#: The stages of ``analyze`` in order, with their usual share of a run (percent of the
#: wall time at 100k rows, docs/benchmark.md): the weights of the bar.
STAGES = {
    "read and normalise participations": 4,
    "read and normalise": 24,  # (instead of the two reads when a year range is given)
    "graph and projection": 1,
    "read and normalise organisations and projects": 20,
    "brokerage roles (Gould-Fernandez)": 5,
    "openness": 7,
    "cross-region linkage": 3,
    "communities": 1,
    "programme indicators and scorecard": 20,
    "centrality and brokerage (with the second core)": 8,
    "communities: stability": 1,
    "tables": 1,
    "regions.html": 2,
    "layout, network.html, report.html": 12,
    "export: small tables and quality.json": 1,
    "export: ties.csv, GEXF edges, ties sheet": 14,
    "export: workbook": 12,
}
_TOTAL = sum(STAGES.values()) - STAGES["read and normalise"]


class ProgressDisplay:
    """A ``progress`` callback for :func:`netcluster.analyze`.

    Parameters
    ----------
    stream : file, optional
        Where to write (default ``sys.stderr``).
    mode : {"auto", "bar", "lines", "quiet"}
        ``auto``: a bar when ``stream`` is a terminal, plain lines otherwise.
    verbose : bool
        Also show each step within a stage and the second core's groups of tasks.
    """

    steps = True  # receives the "step" events too

    def __init__(self, stream=None, *, mode: str = "auto", verbose: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "lines"
        if mode not in ("bar", "lines", "quiet"):
            raise ValueError("mode must be auto, bar, lines or quiet")
        self.mode, self.verbose = mode, verbose
        self.t0 = time.perf_counter()
        self.stage = None
        self._bar = self._task = None
        if mode == "bar":
            console = Console(file=self.stream, force_terminal=True)
            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                                 TextColumn("left ~"), TimeRemainingColumn(), console=console, transient=False)
            self._task = self._bar.add_task("starting", total=_TOTAL)
            self._bar.start()

    def _line(self, text: str) -> None:
        t = time.perf_counter() - self.t0
        print(f"[{t:6.1f}s] {text}", file=self.stream, flush=True)

    def __call__(self, event: str, name: str, seconds) -> None:
        if self.mode == "quiet":
            return
        if self.mode == "lines":
            if event == "start":
                self.stage = name
                self._line(f"{name} ...")
            elif event == "done":
                self._line(f"{name} done in {seconds:.2f}s")
            elif event == "step" and self.verbose:
                self._line(f"  {name}")
            elif event == "background":
                self._line(f"in parallel on the second core: {name} took {seconds:.2f}s")
            return
        if event == "start":
            self.stage = name
            self._bar.update(self._task, description=name)
        elif event == "step":
            self._bar.update(self._task, description=f"{self.stage} · {name}" if self.stage else name)
            if self.verbose:
                self._bar.console.log(f"  {name}")
        elif event == "done":
            self._bar.advance(self._task, STAGES.get(name, 1))
            if self.verbose:
                self._bar.console.log(f"{name} done in {seconds:.2f}s")
        elif event == "background" and self.verbose:
            self._bar.console.log(f"in parallel on the second core: {name} took {seconds:.2f}s")

    def close(self) -> None:
        """Finish the bar (call when the run has ended, whichever way)."""
        if self._bar is not None:
            self._bar.update(self._task, completed=_TOTAL, description="done")
            self._bar.stop()
            self._bar = None
