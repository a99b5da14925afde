"""Small inline-SVG charts for the HTML report (no plotting dependency, no fonts embedded:
text is drawn by the browser with a Korean-capable font stack).  Every label is escaped."""

from __future__ import annotations

import math
from html import escape

__all__ = ["bar_chart", "interval_chart", "heatmap", "line_chart", "value_chart", "PALETTE", "text_width"]

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
           "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"]


def text_width(s: str, size: float) -> float:
    """The width in pixels of ``s`` at font ``size`` (estimated: a CJK character is as wide as
    the size, a Latin one a little over half).

    >>> text_width("기업", 10), text_width("ab", 10)
    (20.0, 11.6)
    """
    return sum(size * (1.0 if ord(ch) > 0x2E80 else 0.58) for ch in s)


def _e(x) -> str:
    return escape(str(x), quote=True)


def _fmt(v, digits=2):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def bar_chart(labels, values, *, title="", width=640, bar_h=18, xmin=None, xmax=None, fmt=2,
              color="#3b6ea5", formatter=None) -> str:
    """Horizontal bar chart (supports negative values, zero line drawn); ``formatter(v)``
    writes the values (default: ``fmt`` decimals)."""
    vals = [0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
    lo = min([0.0] + vals) if xmin is None else xmin
    hi = max([0.0] + vals) if xmax is None else xmax
    if hi == lo:
        hi = lo + 1
    left, right, top = 150, 60, 28
    h = top + bar_h * len(vals) + 10
    sx = lambda v: left + (v - lo) / (hi - lo) * (width - left - right)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{h}" viewBox="0 0 {width} {h}">',
             f'<title>{_e(title)}</title><text x="4" y="16" class="ctitle">{_e(title)}</text>']
    for i, (lab, v) in enumerate(zip(labels, vals)):
        y = top + i * bar_h
        x0, x1 = sorted((sx(0), sx(v)))
        parts.append(f'<text x="{left - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{_e(lab)}</text>')
        parts.append(f'<rect x="{x0:.1f}" y="{y + 2}" width="{max(x1 - x0, 0.5):.1f}" height="{bar_h - 5}" fill="{color}"/>')
        parts.append(f'<text x="{x1 + 4:.1f}" y="{y + bar_h * 0.7:.1f}">'
                     f'{_e(formatter(values[i]) if formatter else _fmt(values[i], fmt))}</text>')
    parts.append(f'<line x1="{sx(0):.1f}" x2="{sx(0):.1f}" y1="{top - 4}" y2="{h - 8}" stroke="#333"/>')
    parts.append("</svg>")
    return "".join(parts)


def interval_chart(labels, values, lows, highs, *, title="", width=640, row_h=20, xmin=-1.0, xmax=1.0,
                   legend="grey band: 95% of permuted E-I · dot: observed") -> str:
    """Points with an interval (e.g. observed E-I and its permutation-null 95% band)."""
    left, right, top = 150, 70, 40
    h = top + row_h * len(labels) + 24
    sx = lambda v: left + (v - xmin) / (xmax - xmin) * (width - left - right)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{h}" viewBox="0 0 {width} {h}">',
             f'<title>{_e(title)}</title><text x="4" y="16" class="ctitle">{_e(title)}</text>',
             f'<text x="{left}" y="32" class="small">{_e(legend)}</text>']
    for t in (xmin, (xmin + xmax) / 2, xmax):
        parts.append(f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{top - 4}" y2="{h - 20}" stroke="#ccc"/>'
                     f'<text x="{sx(t):.1f}" y="{h - 6}" text-anchor="middle" class="small">{t:g}</text>')
    for i, lab in enumerate(labels):
        y = top + i * row_h + row_h / 2
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(lab)}</text>')
        lo, hi, v = lows[i], highs[i], values[i]
        if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
            parts.append(f'<rect x="{sx(lo):.1f}" y="{y - 5:.1f}" width="{max(sx(hi) - sx(lo), 1):.1f}" height="10" fill="#bbb"/>')
        if v is not None and not math.isnan(v):
            parts.append(f'<circle cx="{sx(v):.1f}" cy="{y:.1f}" r="5" fill="#c0392b"/>'
                         f'<text x="{width - right + 6}" y="{y + 4:.1f}">{v:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap(rows, cols, matrix, *, title="", cell=30, labels=None, fmt=1, center=1.0, log=True) -> str:
    """Heatmap of a matrix (diverging colours around ``center``, log scale for ratios);
    ``labels`` (same shape) are written in the cells."""
    left, top = 110, 70
    w = left + cell * len(cols) + 20
    w = max(w, math.ceil(text_width(title, 13)) + 12)  # (a small matrix keeps its whole title)
    h = top + cell * len(rows) + 20
    vals = [v for r in matrix for v in r if v is not None and not (isinstance(v, float) and math.isnan(v)) and v > 0]
    span = max((abs(math.log(v / center)) for v in vals), default=1.0) if log else \
        max((abs(v - center) for v in vals), default=1.0)
    span = span or 1.0
    parts = [f'<svg class="chart" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
             f'<title>{_e(title)}</title><text x="4" y="16" class="ctitle">{_e(title)}</text>']
    for j, c in enumerate(cols):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x:.1f}" y="{top - 6}" text-anchor="start" transform="rotate(-50 {x:.1f} {top - 6})" class="small">{_e(c)}</text>')
    for i, r in enumerate(rows):
        y = top + i * cell
        parts.append(f'<text x="{left - 4}" y="{y + cell * 0.65:.1f}" text-anchor="end" class="small">{_e(r)}</text>')
        for j, _ in enumerate(cols):
            v = matrix[i][j]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                fill = "#f4f4f4"
            else:
                d = (math.log(v / center) if (log and v > 0) else (-span if log else v - center)) / span
                d = max(-1.0, min(1.0, d))
                if d >= 0:
                    fill = f"rgb({255},{int(255 - 180 * d)},{int(255 - 200 * d)})"
                else:
                    fill = f"rgb({int(255 + 200 * d)},{int(255 + 120 * d)},255)"
            parts.append(f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                         f'<title>{_e(r)} × {_e(cols[j])}: {_e(_fmt(v, 2))}</title></rect>')
            if labels is not None:
                parts.append(f'<text x="{left + j * cell + cell / 2:.1f}" y="{y + cell * 0.62:.1f}" '
                             f'text-anchor="middle" class="tiny">{_e(_fmt(labels[i][j], 0))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(x, series: dict, *, title="", width=640, height=220, ymin=None, ymax=None, fmt=2,
               formatter=None, bands=None) -> str:
    """Line chart of several series over the same x (years); ``bands``: ``(first_x, last_x,
    label)`` shaded behind the lines (programme phases); ``formatter(v)`` writes the axis."""
    legend = len(series) > 1
    left, right, top, bottom = 56, (200 if legend else 16), 28, 28
    allv = [v for s in series.values() for v in s if v is not None and not (isinstance(v, float) and math.isnan(v))]
    lo = min(allv, default=0.0) if ymin is None else ymin
    hi = max(allv, default=1.0) if ymax is None else ymax
    if hi == lo:
        hi = lo + 1
    n = len(x)
    sx = lambda i: left + (i / max(n - 1, 1)) * (width - left - right)
    sy = lambda v: top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<title>{_e(title)}</title><text x="4" y="16" class="ctitle">{_e(title)}</text>']
    xs = [str(v) for v in x]
    for k, (a, b, label) in enumerate(bands or []):
        inside = [i for i, v in enumerate(xs) if v.isdigit() and (a is None or int(v) >= a) and (b is None or int(v) <= b)]
        if not inside:
            continue
        x0 = sx(inside[0]) - (sx(1) - sx(0)) / 2 if n > 1 else left
        x1 = sx(inside[-1]) + (sx(1) - sx(0)) / 2 if n > 1 else width - right
        x0, x1 = max(x0, left), min(x1, width - right)
        parts.append(f'<rect x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" height="{height - top - bottom}" '
                     f'fill="{("#eef3f8", "#f8f3ea")[k % 2]}"/><text x="{(x0 + x1) / 2:.1f}" y="{top + 12}" '
                     f'text-anchor="middle" class="tiny">{_e(label)}</text>')
    for t in (lo, (lo + hi) / 2, hi):
        lab = formatter(t) if formatter else _fmt(t, fmt)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 4}" y="{sy(t) + 4:.1f}" text-anchor="end" class="small">{_e(lab)}</text>')
    step = max(1, math.ceil(n / max((width - left - right) / 42, 1)))  # year labels ~42 px apart
    for i, xv in enumerate(x):
        if i % step == 0:
            parts.append(f'<text x="{sx(i):.1f}" y="{height - 8}" text-anchor="middle" class="small">{_e(xv)}</text>')
    for k, (name, vals) in enumerate(series.items()):
        col = PALETTE[k % len(PALETTE)]
        pts = [(sx(i), sy(v)) for i, v in enumerate(vals)
               if v is not None and not (isinstance(v, float) and math.isnan(v))]
        if pts:
            parts.append(f'<polyline fill="none" stroke="{col}" stroke-width="2" points="' +
                         " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
            parts.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{col}"/>' for a, b in pts)
        if legend:
            ly = top + 14 * k
            parts.append(f'<rect x="{width - right + 10}" y="{ly}" width="10" height="10" fill="{col}"/>'
                         f'<text x="{width - right + 24}" y="{ly + 9}" class="small">{_e(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def value_chart(value, *, lo, hi, title="", formatter=None, interval=None, reference=None, review=None,
                review_label="", width=640) -> str:
    """One figure on its scale: a bar from the scale's start (or zero) to the value, a grey
    band for a reference range (a null model's 95%), a whisker for a confidence interval and
    a ▼ marker for a comparison value (the review's figure)."""
    fmt = formatter or (lambda v: _fmt(v, 3))
    vals = [v for v in (value, review, *(interval or ()), *(reference or ())) if _num(v)]
    lo = min([lo] + vals) if lo is not None else min(vals + [0.0])
    hi = max([hi] + vals) if hi is not None else max(vals + [1.0]) * 1.15
    if hi == lo:
        hi = lo + 1
    left, right, h = 16, 16, 82
    sx = lambda v: left + (v - lo) / (hi - lo) * (width - left - right)
    y = 44
    parts = [f'<svg class="chart value-chart" role="img" width="{width}" height="{h}" viewBox="0 0 {width} {h}">',
             f'<title>{_e(title)}</title><text x="4" y="14" class="ctitle">{_e(title)}</text>',
             f'<line x1="{left}" x2="{width - right}" y1="{y + 8}" y2="{y + 8}" stroke="#999"/>']
    for tick in (lo, (lo + hi) / 2, hi):
        parts.append(f'<line x1="{sx(tick):.1f}" x2="{sx(tick):.1f}" y1="{y + 8}" y2="{y + 12}" stroke="#999"/>'
                     f'<text x="{sx(tick):.1f}" y="{y + 24}" text-anchor="middle" class="small">{_e(fmt(tick))}</text>')
    if reference and all(_num(v) for v in reference):
        a, b = sorted(reference)
        parts.append(f'<rect x="{sx(a):.1f}" y="{y - 8}" width="{max(sx(b) - sx(a), 2):.1f}" height="14" fill="#d9d9d9"/>')
    if _num(value):
        base = 0.0 if lo <= 0 <= hi else lo
        x0, x1 = sorted((sx(base), sx(value)))
        parts.append(f'<rect x="{x0:.1f}" y="{y - 5}" width="{max(x1 - x0, 1.5):.1f}" height="8" fill="#3b6ea5"/>'
                     f'<circle cx="{sx(value):.1f}" cy="{y - 1}" r="5" fill="#1f3b5a"/>')
        anchor = "end" if sx(value) > width * 0.8 else "start"
        dx = -8 if anchor == "end" else 8
        parts.append(f'<text x="{sx(value) + dx:.1f}" y="{y - 10}" text-anchor="{anchor}" class="vlabel">'
                     f'{_e(fmt(value))}</text>')
    if interval and all(_num(v) for v in interval):
        a, b = sorted(interval)
        parts.append(f'<line x1="{sx(a):.1f}" x2="{sx(b):.1f}" y1="{y - 1}" y2="{y - 1}" stroke="#c0392b" stroke-width="2"/>'
                     f'<line x1="{sx(a):.1f}" x2="{sx(a):.1f}" y1="{y - 6}" y2="{y + 4}" stroke="#c0392b" stroke-width="2"/>'
                     f'<line x1="{sx(b):.1f}" x2="{sx(b):.1f}" y1="{y - 6}" y2="{y + 4}" stroke="#c0392b" stroke-width="2"/>')
    if _num(review):
        parts.append(f'<path d="M{sx(review) - 6:.1f},{y - 16} L{sx(review) + 6:.1f},{y - 16} L{sx(review):.1f},{y - 6} Z" '
                     f'fill="#e67e22"><title>{_e(review_label)}</title></path>')
    parts.append("</svg>")
    return "".join(parts)


def _num(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v))
