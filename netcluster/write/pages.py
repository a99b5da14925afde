"""What the three self-contained, offline pages share: the page shell, the font stack, JSON
that is safe inside a script element, the links between the pages, UTF-8 writing.

* every byte is UTF-8, written explicitly (never the OS locale's encoding: CP949/CP1252 would
  garble or crash on Korean);
* organisation names and attributes travel as JSON inside ``<script type="application/json">``
  with ``<``, ``>``, ``&``, U+2028/9 escaped, so a name cannot close the script tag; the pages
  put them into the DOM with ``textContent`` only;
* a Content-Security-Policy forbids every request: nothing is fetched, no CDN.

The pages themselves: :mod:`netcluster.write.network_page` (organisations),
:mod:`netcluster.write.map_page` (regions), :mod:`netcluster.write.report`.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path

import numpy as np

from .text import t as text

__all__ = ["write_text", "json_for_script", "page", "pages_nav", "FONT_STACK"]

FONT_STACK = ('"Malgun Gothic", "맑은 고딕", "Apple SD Gothic Neo", "Noto Sans CJK KR", '
              '"Noto Sans KR", "Nanum Gothic", "NanumGothic", system-ui, -apple-system, '
              '"Segoe UI", Roboto, Arial, sans-serif')


def json_for_script(obj) -> str:
    """JSON safe to embed in ``<script type="application/json">`` (cannot close the tag)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default)
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if math.isnan(o) else float(o)
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)


def write_text(path, text: str) -> Path:
    """Write UTF-8 explicitly with LF newlines, whatever the OS locale."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def page(title: str, body: str, *, head_extra: str = "", lang: str = "en", tail: str = "") -> str:
    """A self-contained page: UTF-8, a Content-Security-Policy that forbids any request."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f'script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; img-src data:; font-src data:">\n'
            f"<title>{escape(title)}</title>\n{head_extra}\n</head>\n<body>\n{body}\n{tail}</body>\n</html>\n")


def pages_nav(current: str, lang: str, group_by: str = "region") -> str:
    """Links between the three pages (they sit side by side in the output folder)."""
    links = [("report.html", text("page_report", lang)), ("network.html", text("page_network", lang)),
             ("regions.html", text("page_regions", lang))]
    return '<nav class="pages">' + " · ".join(
        f"<b>{escape(label)}</b>" if href == current else f'<a href="{href}">{escape(label)}</a>'
        for href, label in links) + "</nav>"
