"""Files written in pieces: row ranges of one table written by either process, in any order,
then joined in order (the bytes of the whole file: every cell's text depends on that cell
only)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .formatted import coded_columns

__all__ = ["part_rows", "part_file", "append_parts", "coded_rows"]


def part_rows(n: int, part) -> tuple[int, int]:
    """Rows ``a:b`` of part ``(i, k)`` (the i-th of k near-equal row ranges; None: all)."""
    if part is None:
        return 0, n
    i, k = part
    return n * i // k, n * (i + 1) // k


def part_file(path: Path, i: int) -> Path:
    """Where part ``i`` > 0 of ``path`` is written before :func:`append_parts` joins it."""
    return path.with_name(f"{path.name}.part{i}")


def append_parts(path: Path, k: int, end: str = "") -> None:
    """Append parts 1..k-1 (:func:`part_file`) to ``path`` in order, then ``end``."""
    with open(path, "ab") as f:
        for i in range(1, k):
            part = part_file(path, i)
            with open(part, "rb") as e:
                shutil.copyfileobj(e, f, 1 << 22)
            part.unlink()
        f.write(end.encode())


def coded_rows(coded, a: int, b: int):
    """Rows ``a:b`` of the end columns' codes (``coded``: :func:`netcluster.write.formatted.coded_columns` input), sharing their
    per-text tables."""
    return {k: col.take(slice(a, b)) for k, col in coded_columns(coded).items()} if coded else None
