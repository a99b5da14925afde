"""Notebook helpers: the network page (or the report, the region page) shown inside Jupyter.

The pages are self-contained HTML files (no network needed), so a notebook shows one in an
``<iframe srcdoc=…>``: the whole page travels with the notebook, and a notebook opened on an
offline office PC still shows it.

>>> import tempfile, netcluster as nc
>>> with tempfile.TemporaryDirectory() as out:
...     a = nc.analyze(nc.datasets.get_path("korea_cluster_tables"), out, n_permutations=9, jobs=1)
...     view = show_network(a, height=400)
>>> view._repr_html_().startswith('<iframe srcdoc="')
True
"""

from __future__ import annotations

import html
from pathlib import Path

__all__ = ["show_network", "show_page", "PageView"]

PAGES = {"network": "network.html", "report": "report.html", "regions": "regions.html"}


class PageView:
    """A page shown inline in a notebook (``_repr_html_``: an iframe holding the page)."""

    def __init__(self, page_html: str, *, height: int = 650, title: str = "netcluster"):
        self.html, self.height, self.title = page_html, int(height), title

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="{html.escape(self.title)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" loading="lazy"></iframe>')

    def __repr__(self):
        return f"<PageView {self.title!r}: {len(self.html):,} characters; displayed inline in a notebook>"


def show_page(source, page: str = "network", *, height: int = 650) -> PageView:
    """The page ``page`` (``network``, ``report`` or ``regions``) of an analysis, to display
    inline: ``source`` is an :class:`netcluster.analysis.Analysis`, its output folder, or the
    path of a page."""
    if page not in PAGES:
        raise ValueError(f"page must be one of {sorted(PAGES)}")
    files = getattr(source, "files", None)
    if files is not None:
        path = Path(files[PAGES[page]])
    else:
        path = Path(source)
        if path.is_dir():
            path = path / PAGES[page]
    return PageView(path.read_text(encoding="utf-8"), height=height, title=path.name)


def show_network(source, *, height: int = 650) -> PageView:
    """The network page of an analysis inline in Jupyter (see :func:`show_page`)."""
    return show_page(source, "network", height=height)
