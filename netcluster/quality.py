"""The data-quality log: every dropped, merged or repaired row, with where it came from.

The log is the contract behind netcluster's conservation rule: for each input
table, ``rows read == rows used + rows dropped`` (repairs and merges keep the
row but are listed too).  Entries carry the file, the physical line number of
the record's first line, the column and the offending value.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # what json.dumps(text, ensure_ascii=False) calls
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["QualityLog", "ACTIONS"]

#: What happened to a row: ``drop`` removes it from the analysis, ``repair``
#: changes a value, ``merge`` folds it into another record, ``info`` is a
#: counted observation that changes nothing (e.g. a region that passes through),
#: ``warning`` something the analyst must look at before trusting a figure (an empty mapped
#: column, organisation types guessed from names); shown first in the summary.
ACTIONS = ("drop", "repair", "merge", "info", "warning")

_COLUMNS = ["table", "file", "line", "column", "value", "reason", "action", "detail"]


@dataclass
class QualityLog:
    """Collects data-quality events.

    Events are added in bulk from vectorised code (``add_many``) so that a
    million-row load does not create a Python object per row unless the row
    has a problem.
    """

    _frames: list = field(default_factory=list)
    rows_read: dict = field(default_factory=dict)
    rows_used: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    #: small tables for the report (e.g. ``org_type_labels``: each source label, its rows and
    #: the type it became), written into quality.json under ``tables``
    tables: dict = field(default_factory=dict)

    def add(self, *, table, reason, action, file=None, line=None, column=None,
            value=None, detail=""):
        self.add_many(table=table, reason=reason, action=action, file=file,
                      lines=[line], column=column, values=[value], detail=detail)

    def add_many(self, *, table, reason, action, file=None, lines=(), column=None,
                 values=None, detail=""):
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, got {action!r}")
        lines = list(lines)
        if not lines:
            return
        if values is None:
            values = [None] * len(lines)
        values = ["" if v is None or (isinstance(v, float) and v != v) else str(v)
                  for v in values]
        if file is None:
            file = ""
        elif isinstance(file, (list, tuple, pd.Series)):
            file = ["" if f is None or f != f else str(f) for f in file]
        else:
            file = str(file)
        frame = pd.DataFrame({
            "table": table, "file": file,
            "line": pd.array(lines, dtype="Int64"), "column": column or "",
            "value": values, "reason": reason, "action": action, "detail": detail,
        }, columns=_COLUMNS)
        self._frames.append(frame)

    def set_counts(self, table, *, read=None, used=None, file=None):
        if read is not None:
            self.rows_read[table] = int(read)
        if used is not None:
            self.rows_used[table] = int(used)
        if file is not None:
            self.files[table] = str(file)

    def extend(self, other: "QualityLog"):
        self._frames.extend(other._frames)
        self.rows_read.update(other.rows_read)
        self.rows_used.update(other.rows_used)
        self.files.update(other.files)
        self.tables.update(other.tables)

    # -- views ---------------------------------------------------------------
    @property
    def events(self) -> pd.DataFrame:
        """All events as a DataFrame (columns: table, file, line, column, value, reason, action, detail)."""
        if not self._frames:
            return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "line" else "object")
                                 for c in _COLUMNS})
        # computed once per state of the log (summary, conservation and the JSON all read it)
        key = (len(self._frames), id(self._frames[-1]))
        if getattr(self, "_events_cache", (None,))[0] != key:
            out = pd.concat(self._frames, ignore_index=True)
            out = out.sort_values(["table", "line", "reason"], kind="stable",
                                  na_position="first").reset_index(drop=True)
            self._events_cache = (key, out)
        return self._events_cache[1].copy()

    def summary(self) -> pd.DataFrame:
        """Counts by table, reason and action."""
        ev = self.events
        if ev.empty:
            return pd.DataFrame(columns=["table", "reason", "action", "rows"])
        return (ev.groupby(["table", "reason", "action"], sort=True).size()
                .rename("rows").reset_index())

    def dropped(self, table) -> int:
        ev = self.events
        if ev.empty:
            return 0
        sel = ev[(ev["table"] == table) & (ev["action"] == "drop")]
        return int(sel["line"].nunique(dropna=False))

    def conservation(self) -> pd.DataFrame:
        """Rows in = rows used + rows dropped, per table; ``balanced`` must be True everywhere."""
        rows = []
        for table, read in self.rows_read.items():
            used = self.rows_used.get(table, 0)
            dropped = self.dropped(table)
            rows.append({"table": table, "file": self.files.get(table, ""),
                         "rows_read": read, "rows_used": used, "rows_dropped": dropped,
                         "balanced": read == used + dropped})
        return pd.DataFrame(rows, columns=["table", "file", "rows_read", "rows_used",
                                           "rows_dropped", "balanced"])

    def to_dict(self) -> dict:
        ev = self.events
        return {
            "conservation": self.conservation().to_dict(orient="records"),
            "summary": self.summary().to_dict(orient="records"),
            "tables": self.tables,
            "events": [
                {k: (None if pd.isna(v) else (int(v) if k == "line" else v))
                 for k, v in rec.items()}
                for rec in ev.to_dict(orient="records")
            ],
        }

    def to_json(self, path):
        """Write ``to_dict()`` as indented JSON (UTF-8, Korean kept as is).

        The same bytes as ``json.dumps(self.to_dict(), ensure_ascii=False, indent=1)``; the
        event list is encoded column by column (each distinct text once) because the
        indented encoder is pure Python and a national export has 10⁵ events."""
        Path(path).write_text(self._json_text(), encoding="utf-8")

    def _json_text(self) -> str:
        head = json.dumps({"conservation": self.conservation().to_dict(orient="records"),
                           "summary": self.summary().to_dict(orient="records"), "tables": self.tables,
                           "events": []},
                          ensure_ascii=False, indent=1, default=_json_default)
        ev = self.events
        if ev.empty:
            return head
        assert head.endswith('"events": []\n}')
        # one %-template per event (keys escaped for %), filled with each column's cell texts
        keys = [json.dumps(str(col), ensure_ascii=False).replace("%", "%%") for col in ev.columns]
        template = "  {\n   " + ",\n   ".join(k + ": %s" for k in keys) + "\n  }"
        cells = [_json_cells(ev[col], as_int=col == "line").tolist() for col in ev.columns]
        rows = [template % t for t in zip(*cells)]
        return head[:-len("[]\n}")] + "[\n" + ",\n".join(rows) + "\n ]\n}"

    def format_summary(self, max_lines: int = 20) -> str:
        cons = self.conservation()
        lines = []
        for rec in cons.itertuples(index=False):
            lines.append(f"  {rec.table}: {rec.rows_read} rows read, {rec.rows_used} used, "
                         f"{rec.rows_dropped} dropped" + ("" if rec.balanced else "  (UNBALANCED)"))
        summ = self.summary()
        if summ.empty:
            lines.append("  no data-quality events")
        else:  # warnings first: what the analyst must look at
            summ = summ.assign(_w=(summ["action"] != "warning").astype(int)).sort_values(
                ["_w", "table", "reason"], kind="stable").drop(columns="_w")
        for rec in summ.head(max_lines).itertuples(index=False):
            lines.append(f"  [{rec.action}] {rec.table}: {rec.reason}: {rec.rows}")
        if len(summ) > max_lines:
            lines.append(f"  ... {len(summ) - max_lines} more kinds of event (see the JSON report)")
        return "\n".join(lines)

    def __len__(self):
        return sum(len(f) for f in self._frames)


def _json_cells(col: pd.Series, *, as_int: bool):
    """JSON text of each cell (object array), as ``json.dumps`` writes it in ``to_dict()``."""
    codes, uniques = pd.factorize(col.astype("object"), use_na_sentinel=True)
    enc = np.array([int.__repr__(int(v)) if as_int else encode_basestring(v) if type(v) is str
                    else json.dumps(v, ensure_ascii=False, default=_json_default)
                    for v in uniques] + ["null"], dtype=object)
    return enc[codes]  # code -1 (missing) takes the last entry, "null"


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    return str(o)
