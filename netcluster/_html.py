"""Small HTML fragments for notebooks (``_repr_html_`` of the dataset, the projection and the
analysis): escaped text, a key–value list and a table.  Every value is escaped: names in the
data are untrusted input.

>>> print(html_table(["a", "b"], [["<x>", 1.5]]))
<table class="netcluster"><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>&lt;x&gt;</td><td>1.5</td></tr></tbody></table>
"""

from __future__ import annotations

import html

__all__ = ["esc", "html_table", "key_values", "box"]


def esc(value) -> str:
    """``value`` as escaped HTML text ('' for None)."""
    return "" if value is None else html.escape(str(value), quote=True)


def html_table(headers, rows, *, right=()) -> str:
    """A table of ``rows`` (lists) under ``headers``; columns whose index is in ``right`` are
    right-aligned (numbers)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(
        f'<td style="text-align:right">{esc(v)}</td>' if j in right else f"<td>{esc(v)}</td>"
        for j, v in enumerate(r)) + "</tr>" for r in rows)
    return f'<table class="netcluster"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def key_values(pairs) -> str:
    """A compact two-column list of ``(key, value)``."""
    return "<table class=\"netcluster\">" + "".join(
        f'<tr><th style="text-align:left">{esc(k)}</th><td style="text-align:left">{esc(v)}</td></tr>'
        for k, v in pairs) + "</table>"


def box(title: str, *parts: str) -> str:
    """A titled block of already-built fragments."""
    return f'<div class="netcluster"><strong>{esc(title)}</strong>' + "".join(parts) + "</div>"
