"""What an :class:`netcluster.analysis.Analysis` shows in a notebook: its headline figures (the
scorecard) and links to the pages it wrote."""

from __future__ import annotations

import os

from .._html import box, esc, html_table

__all__ = ["analysis_html"]


def analysis_html(analysis) -> str:
    """The notebook display of an analysis: the scorecard as a table, links to the pages."""
    lang = analysis.params.get("lang", "en")
    rows = []
    for r in analysis.scorecard.itertuples(index=False):
        v = r.value
        if v is None or v != v:
            shown = r.note if isinstance(r.note, str) and r.note else ""
        elif r.unit == "share":
            shown = f"{100 * float(v):.1f}%"
        elif r.unit == "count":
            shown = f"{float(v):,.0f}"
        else:
            shown = f"{float(v):.3f}"
        rows.append([r.label, shown, r.section])
    links = " · ".join(f'<a href="{esc(_relative(analysis.files[f]))}" target="_blank">{esc(f)}</a>'
                       for f in ("report.html", "network.html", "regions.html", "indicators.xlsx")
                       if f in analysis.files)
    heads = ["지표", "값", "영역"] if lang == "ko" else ["indicator", "value", "section"]
    s = analysis.dataset.summary()
    head = (f"<p>{s['organisations']:,} organisations, {analysis.projection.n_ties:,} ties · {links}</p>"
            "<p><code>netcluster.notebook.show_network(analysis)</code> shows the network here.</p>")
    return box("Analysis", head, html_table(heads, rows, right=(1,)))


def _relative(path) -> str:
    """A file's path relative to the working folder (a notebook's links), else absolute."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
