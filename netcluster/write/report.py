"""The report page (report.html) a cluster analyst hands to a director: a summary first, then a
chart for every headline figure and evolution series, the review's figures where they compare,
and the methods in sentences — in Korean or English.

Every number comes from the analysis; every word from the registry
(:mod:`netcluster.indicators`), the column specification (:mod:`netcluster.write.columns`) or the
text table (:mod:`netcluster.write.text`).  The page is self-contained and offline; each chart can
be saved as SVG or PNG, and printing gives a clean A4 document.
"""

from __future__ import annotations

import math
import os
from html import escape

import numpy as np
import pandas as pd

from ..indicators import REFERENCES, REGISTRY, SECTIONS, fill_in, group_label
from ..groups import NATIONAL, TOTAL
from ..linkage import to_square
from ..orgtypes import PUBLIC_BODIES
from ..regions import PROVINCE_ENGLISH
from .columns import columns_for
from .columns import labels as column_labels
from .pages import FONT_STACK, page, pages_nav
from .sheets import SHEET_COLUMNS, group_names, show_function, shown_values
from .svg import bar_chart, heatmap, interval_chart, line_chart, value_chart
from .text import phase_label, phase_short, t

__all__ = ["report_html", "format_value"]

CSS = """
*{box-sizing:border-box}
body{font-family:%s;margin:0 auto;max-width:1100px;padding:0 16px 40px 16px;color:#222;line-height:1.5;
  overflow-wrap:anywhere}
h1{font-size:24px;margin:16px 0 4px 0}h2{font-size:20px;border-bottom:2px solid #3b6ea5;padding-bottom:3px;margin-top:34px}
h3{font-size:15px;margin:18px 0 6px 0}
.intro{color:#333;margin:6px 0 10px 0}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%%}
svg.chart{max-width:100%%;height:auto;font-size:12px}.chart .ctitle{font-weight:bold;font-size:13px}
.chart .small{font-size:11px;fill:#555}.chart .tiny{font-size:9px;fill:#333}.chart .vlabel{font-size:13px;font-weight:bold}
figure.chart-box{margin:10px 0;padding:0}figure.chart-box figcaption{font-size:12px;color:#555}
.dl{font-size:11px;margin-left:6px;padding:1px 6px;border:1px solid #bbb;background:#fff;border-radius:3px;cursor:pointer}
.note{color:#555;font-size:13px}.box{background:#f7f9fb;border:1px solid #e1e6eb;padding:8px 12px;margin:8px 0}
.na{color:#8a5a00}
nav.sections a,nav.pages a{margin-right:12px;font-size:13px;white-space:nowrap}nav.pages{margin:6px 0}
ol.summary li{margin:4px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.card{border:1px solid #e1e6eb;border-radius:4px;padding:8px 10px;background:#fff}
.card .label{font-weight:bold}.card .value{font-size:20px;font-variant-numeric:tabular-nums}
.card .def,.card .cmp{font-size:12px;color:#555;margin-top:4px}.card .review{font-size:12px;color:#8a4b00}
@media print{nav,.dl,.print-hint{display:none}body{max-width:none;padding:0}h2{break-before:page}
  .card,figure.chart-box,table{break-inside:avoid}@page{size:A4;margin:14mm}}
""" % FONT_STACK

# Saves a chart as SVG or PNG (the PNG drawn from the SVG on a canvas): nothing is fetched.
DOWNLOAD_JS = """
(function(){
function svgText(fig){var s=fig.querySelector('svg').cloneNode(true);s.setAttribute('xmlns','http://www.w3.org/2000/svg');
 var st=document.createElementNS('http://www.w3.org/2000/svg','style');
 st.textContent='text{font-family:'+getComputedStyle(document.body).fontFamily.replace(/"/g,"'")+';font-size:12px}.ctitle{font-weight:bold;font-size:13px}.small{font-size:11px;fill:#555}.tiny{font-size:9px}.vlabel{font-weight:bold;font-size:13px}';
 s.insertBefore(st,s.firstChild);return new XMLSerializer().serializeToString(s);}
function save(href,name){var a=document.createElement('a');a.href=href;a.download=name;document.body.appendChild(a);a.click();a.remove();}
document.addEventListener('click',function(e){var b=e.target.closest('button[data-dl]');if(!b)return;
 var fig=b.closest('figure');var name=fig.id;var txt=svgText(fig);
 var url='data:image/svg+xml;charset=utf-8,'+encodeURIComponent(txt);
 if(b.dataset.dl==='svg'){save(url,name+'.svg');return;}
 var svg=fig.querySelector('svg');var vb=svg.viewBox.baseVal;var img=new Image();
 img.onload=function(){var c=document.createElement('canvas');c.width=vb.width*2;c.height=vb.height*2;
  var g=c.getContext('2d');g.fillStyle='#fff';g.fillRect(0,0,c.width,c.height);g.scale(2,2);g.drawImage(img,0,0,vb.width,vb.height);
  save(c.toDataURL('image/png'),name+'.png');};
 img.src=url;});
})();
"""


_SCALES = {"share": (0.0, 1.0), "[-1, 1]": (-1.0, 1.0), "[-0.5, 1]": (-0.5, 1.0), "[0, 1]": (0.0, 1.0),
           "p-value": (0.0, 1.0), "count": (0.0, None), "ratio": (0.0, None), "organisations": (0.0, None),
           "bits": (None, None)}


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v))


def format_value(v, unit: str, lang: str = "en") -> str:
    """A figure as a person reads it: shares in percent, counts with thousands separators,
    indices with three decimals, p-values below 0.001 as "< 0.001".

    >>> format_value(0.9398, "share"), format_value(6178.0, "count"), format_value(0.0001, "p-value")
    ('94.0%', '6,178', '< 0.001')
    """
    if _missing(v):
        return "–"
    v = float(v)
    if unit == "share":
        return f"{v * 100:.1f}%"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "p-value":
        return "< 0.001" if v < 0.001 else f"{v:.3f}"
    if unit in ("ratio", "organisations"):
        return f"{v:.2f}"
    return f"{v:.3f}".replace("-", "−")


def _e(x) -> str:
    return escape("" if x is None else str(x), quote=True)


def _fmt(v, digits=3):
    if _missing(v):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        if float(v).is_integer() and abs(v) >= 1:
            return f"{int(v):,}"
        return f"{float(v):.{digits}f}"
    return str(v)


class _Report:
    def __init__(self, a, lang: str):
        self.a, self.lang = a, lang
        self.p = a.params
        self.gb = self.p["group_by"]
        self.korean = bool(self.p.get("korean"))
        self.glabel = group_label(self.gb, lang)
        self.sc = a.scorecard.set_index("indicator")
        self.n_chart = 0
        self.labels = {ind.key(self.gb): fill_in(ind.label[lang], {"group": self.glabel}) for ind in REGISTRY}
        self.units = {ind.key(self.gb): ind.unit for ind in REGISTRY}
        self.per_year = {ind.key(self.gb) for ind in REGISTRY if ind.per_year}

    # -- helpers --------------------------------------------------------------
    def t(self, key, **kw):
        kw.setdefault("group", self.glabel)
        return t(key, self.lang, **kw)

    def value(self, key):
        if key not in self.sc.index:
            return None
        v = self.sc.loc[key, "value"]
        return None if _missing(v) else float(v)

    def fv(self, key, v=None):
        return format_value(self.value(key) if v is None else v, self.units.get(key, ""), self.lang)

    def region_label(self, r):
        """A group's name: an organisation type by its name, a province with its English name
        in English."""
        if self.lang == "en" and r in PROVINCE_ENGLISH:
            return f"{r} ({PROVINCE_ENGLISH[r]})"
        return self.region_short(r)

    def region_short(self, r):
        """A group's name on a heatmap's columns (no English province names): an organisation
        type by its name, other groups as they are."""
        names = group_names(self.gb, self.lang)
        return names(r) if names is not None and isinstance(r, str) else str(r)

    def figure(self, svg: str, caption: str = "") -> str:
        self.n_chart += 1
        dl = self.t("download")
        return (f'<figure class="chart-box" id="chart-{self.n_chart:02d}">{svg}<figcaption>{_e(caption)} '
                f'<span class="dl-label">{_e(dl)}:</span><button type="button" class="dl" data-dl="svg">SVG</button>'
                f'<button type="button" class="dl" data-dl="png">PNG</button></figcaption></figure>')

    def table(self, df: pd.DataFrame, *, max_rows=40, index=False, headers=None, digits=3) -> str:
        d = df.reset_index() if index else df
        d = d.head(max_rows)
        names = headers or list(d.columns)
        head = "".join(f"<th>{_e(c)}</th>" for c in names)
        rows = []
        for rec in d.itertuples(index=False):
            cells = []
            for v in rec:
                num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                text = self.t("yes") if v is True else self.t("no") if v is False else _fmt(v, digits)
                cells.append(f'<td class="num">{_e(text)}</td>' if num else f"<td>{_e(text)}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = (f'<p class="note">{_e(self.t("n_more_rows", n=len(df) - max_rows))}</p>' if len(df) > max_rows else "")
        return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{more}'

    # -- sections -------------------------------------------------------------
    def render(self) -> str:
        body = [self.header(), self.summary(), self.headline(), self.linkage(), self.openness(),
                self.organisations(), self.evolution(), self.outcomes(), self.systems()]
        if self.korean:
            body.append(self.review())
        body += [self.quality(), self.methods()]
        return "\n".join(body)

    def header(self) -> str:
        s = self.a.dataset.summary()
        years = (self.t("years_range", a=s["years"][0], b=s["years"][1]) if s["years"] else self.t("no_years"))
        line = self.t("input_line", input=self.p["input"], participations=s["participation_rows"],
                      projects=s["projects"], organisations=s["organisations"],
                      population=s["population_organisations"], years=years,
                      weighting=self.t("weightings").get(self.p["weighting"], self.p["weighting"]),
                      seed=self.p["seed"], version=self.p["netcluster"])
        sections = [("summary", "summary"), ("headline", "headline"), ("linkage", "linkage"),
                    ("openness", "openness"), ("organisations", "organisations"), ("evolution", "evolution")]
        if getattr(self.a, "outcome_effects", None) is not None and len(self.a.outcome_effects):
            sections.append(("outcomes", "outcomes"))
        if getattr(self.a, "innovation_system", None) is not None:
            sections.append(("systems", "systems"))
        if self.korean:
            sections.append(("review", "review_comparison"))
        sections += [("quality", "quality"), ("methods", "methods")]
        nav = "".join(f'<a href="#{sid}">{_e(self.t(key))}</a>' for sid, key in sections)
        synthetic = (f'<p class="note">{_e(self.t("synthetic_note"))}</p>'
                     if "korea_cluster" in str(self.p.get("input", "")) else "")
        return (f'<h1>{_e(self.t("report_title"))}</h1>{pages_nav("report.html", self.lang, self.gb)}'
                f'<p class="note">{_e(line)}</p>{synthetic}<nav class="sections">{nav}</nav>'
                f'<p class="note print-hint">{_e(self.t("print_hint"))}</p>')

    def _review_aside(self, key) -> str:
        if not self.korean or key not in self.sc.index:
            return ""
        r = self.sc.loc[key, "review_figure"]
        return "" if _missing(r) or not r else self.t("review_aside", review=r)

    def summary(self) -> str:
        out = []
        v = self.value
        if v("projects") is not None:
            out.append(self.t("s_scale", projects=int(v("projects")), organisations=int(v("organisations")),
                              participations=int(v("participations")), ties=int(v("ties"))))
        if v("joint_project_share") is not None and v("two_firm_project_share") is not None:
            out.append(self.t("s_joint", joint=self.fv("joint_project_share"), two=self.fv("two_firm_project_share"),
                              review=self._review_aside("two_firm_project_share")))
        ei_key, null_key, p_key = f"ei_index_{self.gb}", f"ei_index_{self.gb}_null_mean", f"ei_index_{self.gb}_p_less"
        ref = self.a.scorecard.attrs.get("references", {}).get(null_key)
        if v(ei_key) is not None and v(null_key) is not None and ref:
            p_less = v(p_key)
            p_more = self.a.ei_test.iloc[0]["p_greater"] if len(self.a.ei_test) else None
            if p_less is not None and p_less < 0.05:
                direction, p = self.t("s_ei_lower"), p_less
            elif p_more is not None and p_more < 0.05:
                direction, p = self.t("s_ei_higher"), p_more
            else:
                direction, p = self.t("s_ei_same"), p_less
            pt = format_value(p, "p-value")
            out.append(self.t("s_ei", ei=self.fv(ei_key), null=self.fv(null_key), lo=self.fv(ei_key, ref[0]),
                              hi=self.fv(ei_key, ref[1]), direction=direction,
                              p=pt if pt.startswith("<") else f"= {pt}"))
        cross_key = f"cross_{self.gb}_tie_share"
        if v(cross_key) is not None and v(null_key) is not None:
            expected = (1 + v(null_key)) / 2  # the null's cross share: E-I = 2·cross − 1 over known ties
            key = "s_cross" if v(cross_key) < expected else "s_cross_above"
            sentence = self.t(key, cross=self.fv(cross_key), expected=format_value(expected, "share"),
                              review=self._review_aside(cross_key))
            if self.korean and v("cross_wide_region_tie_share") is not None:
                sentence += " " + self.t("s_wide", wide=self.fv("cross_wide_region_tie_share"))
            out.append(sentence)
        if v("complexes_covered_share") is not None and v("firm_coverage") is not None:
            out.append(self.t("s_coverage", covered=self.fv("complexes_covered_share"), firms=self.fv("firm_coverage"),
                              review=self._review_aside("complexes_covered_share")))
        a, b = v("specialised_share_pilot_2004"), v("specialised_share_pilot_2012")
        if a is not None and b is not None:
            ya = self._year_of("specialised_share_pilot_2004")
            yb = self._year_of("specialised_share_pilot_2012")
            review = (self.t("review_aside", review="63.6% (2004) → 78.4% (2012)") if self.korean else "")
            out.append(self.t("s_specialised", a=format_value(a, "share"), b=format_value(b, "share"), ya=ya, yb=yb,
                              trend=self.t("s_up") if b >= a else self.t("s_down"), review=review))
        if v("kis_share_participating_firms") is not None and v("manufacturing_with_kis_partner") is not None:
            out.append(self.t("s_kis", kis=self.fv("kis_share_participating_firms"),
                              mfg=self.fv("manufacturing_with_kis_partner"),
                              review=self._review_aside("kis_share_participating_firms")))
        if v("programme_overlap_mean_jaccard") is not None:
            out.append(self.t("s_overlap", jac=self.fv("programme_overlap_mean_jaccard"),
                              several=self.fv("organisations_in_several_programmes"),
                              pairs=self.fv("near_duplicate_project_pairs"),
                              review=self._review_aside("programme_overlap_mean_jaccard")))
        if v("patent_ratio_sme") is not None:
            row = self.sc.loc["patent_ratio_sme"]
            out.append(self.t("s_patents", ratio=f"{v('patent_ratio_sme'):.2f}", lo=f"{row['ci_low']:.2f}",
                              hi=f"{row['ci_high']:.2f}", review=self._review_aside("patent_ratio_sme")))
        phase = self._phase_sentence(cross_key)
        if phase:
            out.append(phase)
        items = "".join(f"<li>{_e(s)}</li>" for s in out)
        return f'<section id="summary"><h2>{_e(self.t("summary"))}</h2><ol class="summary">{items}</ol></section>'

    def _year_of(self, key):
        d = str(self.sc.loc[key, "definition"])
        digits = [w for w in d.replace(",", " ").replace("년", " ").split() if w.isdigit() and len(w) == 4]
        return digits[-1] if digits else ""

    def _phase_sentence(self, key) -> str:
        ph = self.a.evolution_phase
        if ph is None or not len(ph):
            return ""
        rows = ph[ph["indicator"] == key]
        if len(rows) < 2:
            return ""
        parts = " → ".join(f"{self.phase_label(s)} {format_value(v, 'share')}" for s, v in zip(rows["slice"], rows["value"]))
        return self.t("s_phase", label=self.labels.get(key, key), parts=parts)

    def phase_short(self, name: str) -> str:
        """A phase's name on a chart band (:func:`netcluster.write.text.phase_short`)."""
        return phase_short(name, self.lang)

    def phase_label(self, name: str) -> str:
        return phase_label(name, self.lang)

    def headline(self) -> str:
        intro = self.t("headline_intro" if self.korean else "headline_intro_generic")
        parts = [f'<section id="headline"><h2>{_e(self.t("headline"))}</h2><p class="intro">{_e(intro)}</p>']
        refs = self.a.scorecard.attrs.get("references", {})
        null_for = {k.replace("_null_mean", ""): r for k, r in refs.items()}
        for sec, names in SECTIONS.items():
            rows = self.a.scorecard[self.a.scorecard["section"] == sec]
            if not len(rows):
                continue
            cards, na = [], []
            for r in rows.itertuples(index=False):
                if _missing(r.value):
                    na.append(f"{_e(r.label)} ({_e(r.note)})" if r.note else _e(r.label))
                else:
                    cards.append(self.card(r, null_for.get(r.indicator) or refs.get(r.indicator)))
            parts.append(f"<h3>{_e(names[self.lang])}</h3>")
            if cards:
                parts.append(f'<div class="cards">{"".join(cards)}</div>')
            if na:
                parts.append(f'<p class="note na-list"><b>{_e(self.t("not_applicable"))}:</b> {"; ".join(na)}</p>')
        parts.append("</section>")
        return "".join(parts)

    def card(self, r, reference) -> str:
        unit = r.unit
        na = _missing(r.value)
        val = self.t("not_applicable") if na else format_value(r.value, unit, self.lang)
        lines = [f'<div class="label">{_e(r.label)}</div>',
                 f'<div class="value{" na" if na else ""}">{_e(val)}</div>']
        if not _missing(r.ci_low) and not _missing(r.ci_high):
            lines.append(f'<div class="def">95%: {_e(format_value(r.ci_low, unit))} – {_e(format_value(r.ci_high, unit))}</div>')
        if r.review_figure and not _missing(r.review_figure):
            lines.append(f'<div class="review">{_e(self.t("col_review"))}: {_e(r.review_figure)}</div>')
        if r.comparability and not _missing(r.comparability):
            lines.append(f'<div class="cmp">{_e(r.comparability)}</div>')
        lines.append(f'<div class="def">{_e(r.definition)}</div>')
        if r.note and not _missing(r.note):
            lines.append(f'<div class="def na">{_e(r.note)}</div>')
        if not na:
            lo, hi = _SCALES.get(unit, (None, None))
            review_value = next((i.review.value for i in REGISTRY if i.key(self.gb) == r.indicator and i.review), None)
            svg = value_chart(float(r.value), lo=lo, hi=hi, title=r.label,
                              formatter=lambda v, u=unit: format_value(v, u, self.lang),
                              interval=(r.ci_low, r.ci_high) if not _missing(r.ci_low) else None,
                              reference=reference if r.indicator.startswith("ei_index") else None,
                              review=review_value if self.korean else None,
                              review_label=str(r.review_figure or ""), width=320)
            lines.append(self.figure(svg))
        return f'<div class="card" id="f-{_e(r.indicator)}">{"".join(lines)}</div>'

    def linkage(self) -> str:
        a = self.a
        rm = a.region_matrix
        regions = sorted(set(rm["region_a"]) | set(rm["region_b"]), key=str)
        crs = a.cross_region
        out = [f'<section id="linkage"><h2>{_e(self.t("linkage"))}</h2><p class="intro">{_e(self.t("linkage_intro"))}</p>']
        if TOTAL in crs.index and not _missing(crs.loc[TOTAL, "cross_share"]):
            out.append('<div class="box">' + self.t("cross_box", share=format_value(crs.loc[TOTAL, "cross_share"], "share"),
                                                    ties=int(crs.loc[TOTAL, "ties"]), cross=int(crs.loc[TOTAL, "cross"]))
                       + "</div>")
        if 1 < len(regions) <= 40:
            ratio = to_square(rm, "obs_exp_ratio").reindex(index=regions, columns=regions)
            ties = to_square(rm, "ties").reindex(index=regions, columns=regions)
            out.append(self.figure(heatmap([self.region_label(r) for r in regions], [self.region_short(r) for r in regions],
                                           ratio.to_numpy().tolist(), labels=ties.to_numpy().tolist(),
                                           title=self.t("chart_heatmap"))))
        elif len(regions) > 40:
            out.append(f'<p class="note">{_e(self.t("too_many_groups"))}</p>')
        cr = crs.drop(index=TOTAL, errors="ignore").sort_values("cross_share")
        if len(cr) and len(cr) <= 60:
            out.append(self.figure(bar_chart([self.region_label(r) for r in cr.index], cr["cross_share"].tolist(),
                                             xmin=0, xmax=1, title=self.t("chart_cross_share"),
                                             formatter=lambda v: format_value(v, "share"))))
        w = a.wide_region_matrix
        if self.korean and w is not None and len(w):
            wr = sorted(set(w["region_a"]) | set(w["region_b"]), key=str)
            out.append(self.figure(heatmap(wr, wr, to_square(w, "obs_exp_ratio").reindex(index=wr, columns=wr).to_numpy().tolist(),
                                           labels=to_square(w, "ties").reindex(index=wr, columns=wr).to_numpy().tolist(),
                                           title=self.t("chart_wide_heatmap"), cell=40)))
        out.append("</section>")
        return "".join(out)

    def openness(self) -> str:
        a = self.a
        op = a.openness.sort_values("ei")
        out = [f'<section id="openness"><h2>{_e(self.t("openness"))}</h2><p class="intro">{_e(self.t("openness_intro"))}</p>']
        tst = a.ei_test.iloc[0] if len(a.ei_test) else None
        if tst is not None and not _missing(tst["ei"]):
            k = int(a.ei_test.attrs["params"]["permutations"])
            out.append('<div class="box">' + _e(self.t(
                "ei_box", ei=format_value(tst["ei"], "[-1, 1]"), k=k, null=format_value(tst["null_mean"], "[-1, 1]"),
                lo=format_value(tst["null_q025"], "[-1, 1]"), hi=format_value(tst["null_q975"], "[-1, 1]"),
                p=format_value(tst["p_less"], "p-value"), rescaled=format_value(tst["rescaled_ei"], "[-1, 1]"))).replace(
                "&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>") + "</div>")
        if len(op) and len(op) <= 60:
            out.append(self.figure(interval_chart([self.region_label(g) for g in op.index], op["ei"].tolist(),
                                                  op["ei_null_q025"].tolist(), op["ei_null_q975"].tolist(),
                                                  title=self.t("chart_ei"), legend=self.t("chart_ei_legend"))))
            s = op.sort_values("open_share")
            out.append(self.figure(bar_chart([self.region_label(g) for g in s.index], s["open_share"].tolist(), xmin=0,
                                             xmax=1, title=self.t("chart_open_share"), color="#59a14f",
                                             formatter=lambda v: format_value(v, "share"))))
        cols = ["members", "internal", "external", "external_share", "ei", "ei_null_q025", "ei_null_q975", "open_share"]
        tab = op[cols].copy()
        tab.index = [self.region_label(g) for g in tab.index]
        heads = [self.glabel] + [self.t(k) for k in ("col_members", "col_internal", "col_external", "col_external_share",
                                                    "col_ei")] + [self.t("col_null") + " ↓", self.t("col_null") + " ↑",
                                                                  self.t("col_open_share")]
        out.append(self.table(tab, index=True, headers=heads))
        out.append("</section>")
        return "".join(out)

    def organisations(self) -> str:
        a, o = self.a, self.a.organisations
        labels = column_labels(self.lang, group_by=self.gb, group_label=self.glabel, available=o)
        out = [f'<section id="organisations"><h2>{_e(self.t("organisations"))}</h2>'
               f'<p class="intro">{_e(self.t("organisations_intro"))}</p>']
        cols = columns_for("report", o, group_by=self.gb)
        samples = self.p["centrality"].get("samples")
        if samples and "betweenness_se" in o.columns:
            cols.insert(cols.index("betweenness") + 1, "betweenness_se")
            sampling = self.p["centrality"].get("sampling") or {}
            worst = sampling.get("worst_top_relative_se")
            if sampling.get("stopped", "").startswith("top") and worst is not None:
                note = self.t("sampled_betweenness_precise", k=samples, top=sampling["top"],
                              target=round(100 * sampling["target_relative_se"]), worst=f"{100 * worst:.1f}%")
            elif worst is not None:
                note = self.t("sampled_betweenness_budget", k=samples, top=sampling.get("top", 20),
                              worst=f"{100 * worst:.1f}%")
            else:
                note = self.t("sampled_betweenness", k=samples)
            out.append(f'<p class="note">{_e(note)}</p>')
        if "betweenness" in o.columns:
            top = o.sort_values("betweenness", ascending=False)[cols].head(20).copy()
            if "org_type" in top.columns:
                types = self.t("org_types")
                top["org_type"] = top["org_type"].map(lambda x: types.get(x, x))
            out.append(f"<h3>{_e(self.t('top_betweenness'))}</h3>" +
                       self.table(top, index=True, headers=[labels["org_id"]] + [labels.get(c, c) for c in cols]))
        skipped = (self.p.get("brokerage") or {}).get("gould_fernandez_skipped")
        if skipped:
            out.append(f'<p class="note">{_e(self.t("gatekeepers_skipped", why=skipped))}</p>')
        if len(a.gatekeepers):
            gk = a.gatekeepers.head(20).join(o[["name"]])
            gk["group"] = [self.region_label(g) for g in gk["group"]]
            cols = ["name", "group", "internal_ties", "external_ties", "gatekeeper", "gatekeeper_share", "z_gatekeeper"]
            heads = [labels["org_id"], labels["name"], self.glabel, self.t("col_internal"), self.t("col_external"),
                     labels["gatekeeper"], self.t("col_gatekeeper_share"), self.t("col_z")]
            out.append(f"<h3>{_e(self.t('gatekeepers'))}</h3>" + self.table(gk[cols], index=True, headers=heads))
        for k, v in a.communities_vs_declared.items():
            sm = v.attrs["summary"]
            what = labels.get(k, k)
            heads = [what, self.t("col_size"), self.t("col_dominant"), self.t("col_dominant_share"),
                     self.t("col_communities"), self.t("col_split")]
            out.append(f"<h3>{_e(self.t('communities_vs', what=what))}</h3><p class=\"note\">"
                       f"{_e(self.t('communities_summary', ari=_fmt(sm['ari']), nmi=_fmt(sm['nmi']), split=sm['groups_split'], merged=sm['groups_merged']))}</p>"
                       + self.table(v[["size", "dominant_community", "dominant_share", "n_communities", "split"]],
                                    index=True, max_rows=15, headers=heads))
        out.append("</section>")
        return "".join(out)

    def evolution(self) -> str:
        a = self.a
        phases = self.p.get("phases") or {}
        bands = [(lo, hi, self.phase_short(name)) for name, (lo, hi) in phases.items()]
        out = [f'<section id="evolution"><h2>{_e(self.t("evolution"))}</h2>']
        ev = a.evolution_year.pivot(index="slice", columns="indicator", values="value") if len(a.evolution_year) else None
        if ev is None or not len(ev):
            out.append(f'<p class="note">{_e(self.t("no_evolution"))}</p></section>')
            return "".join(out)
        out.append(f'<p class="intro">{_e(self.t("evolution_intro" if bands else "evolution_intro_no_phases"))}</p>')
        x = list(ev.index)
        order = [ind.key(self.gb) for ind in REGISTRY if ind.key(self.gb) in ev.columns]
        charts = []
        for key in order:
            unit = self.units.get(key, "")
            lo, hi = _SCALES.get(unit, (None, None))
            vals = [None if _missing(v) else float(v) for v in ev[key].tolist()]
            if not any(v is not None for v in vals):
                continue
            charts.append(self.figure(line_chart(x, {self.labels[key]: vals}, title=self.labels[key], ymin=lo,
                                                 ymax=hi if hi is not None else None, bands=bands, width=480,
                                                 height=200, formatter=lambda v, u=unit: format_value(v, u, self.lang))))
        out.append(f'<div class="cards">{"".join(charts)}</div>')
        g = a.growth
        if len(g):
            out.append(self.figure(line_chart([str(i) for i in g.index], {
                self.labels["organisations"]: g["organisations"].tolist(), self.labels["projects"]: g["projects"].tolist(),
                self.labels["ties"]: g["ties"].tolist()}, title=self.t("chart_growth"), bands=bands,
                formatter=lambda v: format_value(v, "count"))))
        table = self.phase_table()
        if table is not None:
            out.append(f"<h3>{_e(self.t('by_phase'))}</h3><p class=\"note\">{_e(self.t('phase_note'))}</p>" + table)
        out.append(self.structure(bands))
        out.append(self.changes())
        out.append("</section>")
        return "".join(out)

    def systems(self) -> str:
        """Who holds the ties, the brokerage and the leads (by phase), and each region's system."""
        ts = getattr(self.a, "type_shares_phase", None)
        if ts is None or not len(ts):
            ts = getattr(self.a, "type_shares_year", None)
        ris = getattr(self.a, "innovation_system", None)
        if (ts is None or not len(ts)) and (ris is None or not len(ris)):
            return ""
        j = 0 if self.lang == "ko" else 1
        lab = {k: v[j] for k, v in SHEET_COLUMNS.items()}
        out = [f'<section id="systems"><h2>{_e(self.t("systems"))}</h2><p class="intro">{_e(self.t("systems_intro"))}</p>']
        if ts is not None and len(ts):
            pct = lambda v: format_value(v, "share", self.lang)  # noqa: E731
            periods = list(dict.fromkeys(ts["slice"]))
            if len(periods) > 3:  # years: the first and the last
                periods = [periods[0], periods[-1]]
            for name in periods:
                pub = ts[(ts["slice"] == name) & (ts["org_type"] == PUBLIC_BODIES)].iloc[0]
                se = pub.get("betweenness_share_se", np.nan)
                btw = pct(pub["betweenness_share"]) + (self.t("se_suffix", se=100 * se) if se > 0 else "")
                out.append(f"<p>{_e(self.t('systems_line', period=self.phase_label(str(name)), ties=pct(pub['ties_share']), btw=btw, lead=pct(pub['lead_share'])))}</p>")
            cols = ["ties_share", "betweenness_share", "betweenness_share_se", "lead_share", "organisations_share"]
            # the standard error only where a share was sampled (exact shares: no column of zeros)
            cols = [c for c in cols if c in ts.columns and (c != "betweenness_share_se" or (ts[c] > 0).any())]
            type_label = show_function("org_type", self.lang)
            rows = [[self.phase_label(str(r["slice"])), type_label(r["org_type"])]
                    + [pct(r[c]) for c in cols] for _, r in ts.iterrows()]
            tab = pd.DataFrame(rows, columns=["", lab["org_type"]] + [lab[c] for c in cols])
            out.append(self.table(tab, max_rows=60))
        sim = getattr(self.a, "similar_projects", None)
        if sim is not None:
            prm = sim.attrs.get("params", {"years": 2, "title_threshold": 0.6, "overlap_threshold": 0.3})
            rep = getattr(self.a, "repeatedly_funded", None)
            out.append(f"<p>{_e(self.t('funding_line', pairs=len(sim), years=prm['years'], t=prm['title_threshold'], o=prm['overlap_threshold'], repeat=0 if rep is None else len(rep)))}</p>")
        bc = getattr(self.a, "budget_concentration", None)
        if bc is not None and len(bc) and len(bc) <= 4:
            for _, r in bc.iterrows():
                out.append(f"<p>{_e(self.t('concentration_line', period=self.phase_label(str(r['slice'])), hhi=r['hhi'], gini=r['gini'], top=format_value(r['top10_share'], 'share', self.lang)))}</p>")
        if ris is not None and len(ris):
            g = self.glabel
            out.append(f"<h3>{_e(self.t('ris', group=g))}</h3><p class=\"intro\">{_e(self.t('ris_intro', group=g))}</p>")
            cols = ["firms", "firm_university_tie_share", "firm_research_tie_share", "firm_partners_local_share",
                    "kis_firms", "kis_mean_degree", "kis_external_share"]
            unit = {"firms": "count", "kis_firms": "count", "kis_mean_degree": "ratio"}
            rows = [[self.region_label(idx) if idx != NATIONAL else ("전국" if self.lang == "ko" else "national")]
                    + [format_value(r[c], unit.get(c, "share"), self.lang) for c in cols] for idx, r in ris.iterrows()]
            out.append(self.table(pd.DataFrame(rows, columns=[g] + [lab[c] for c in cols]), max_rows=60))
        out.append("</section>")
        return "".join(out)

    def outcomes(self) -> str:
        """The difference-in-differences: the design in a paragraph, one line per outcome, what it
        does not establish, and the event study as a chart."""
        oe = getattr(self.a, "outcome_effects", None)
        if oe is None or not len(oe):
            return ""
        comp = oe.iloc[0]["comparison_group"]
        group = {"non-participating SMEs": "참여하지 않은 중소기업", "non-participating firms": "참여하지 않은 기업"}.get(
            comp, comp) if self.lang == "ko" else comp
        out = [f'<section id="outcomes"><h2>{_e(self.t("outcomes"))}</h2>'
               f'<p class="intro">{_e(self.t("outcomes_intro", group=group))}</p><ul>']
        named = column_labels(self.lang, group_by=self.gb, group_label=self.glabel)  # patents, employees …
        for r in oe.itertuples(index=False):
            warn = (not _missing(r.pre_trend_p)) and r.pre_trend_p < 0.05
            out.append(f"<li>{_e(self.t('outcome_line', outcome=named.get(r.outcome, r.outcome), est=f'{r.estimate:+.3f}', lo=f'{r.ci_low:.3f}', hi=f'{r.ci_high:.3f}', nt=int(r.n_treated), nc=int(r.n_control), p=format_value(r.pre_trend_p, 'p-value', self.lang), verdict=self.t('outcome_pretrend_warn' if warn else 'outcome_ok')))}</li>")
        out.append(f'</ul><p class="note">{_e(self.t("outcomes_caveat"))}</p>')
        ev = getattr(self.a, "outcome_events", None)
        if ev is not None and len(ev):
            for name, g in ev.groupby("outcome", sort=True):
                g = g.sort_values("years_since_entry")
                x = [str(int(k)) for k in g["years_since_entry"]]
                out.append(self.figure(line_chart(x, {self.t("event_estimate"): g["estimate"].tolist(),
                                                      self.t("event_low"): g["ci_low"].tolist(),
                                                      self.t("event_high"): g["ci_high"].tolist()},
                                                  title=self.t("chart_event", outcome=named.get(name, name)), width=640,
                                                  formatter=lambda v: f"{v:.2f}")))
        out.append("</section>")
        return "".join(out)

    def changes(self) -> str:
        """The change between two periods: one line per figure (real or chance) and the table."""
        ch = getattr(self.a, "changes", None)
        if ch is None or not len(ch):
            return ""
        r0 = ch.iloc[0]
        name = lambda p: self.phase_label(next((k for k, v in (self.p.get("phases") or {}).items()  # noqa: E731
                                                 if f"{v[0]}-{'' if v[1] is None else v[1]}" == p), p))
        out = [f"<h3>{_e(self.t('changes'))}</h3><p class=\"intro\">"
               f"{_e(self.t('changes_intro', a=name(r0['period_a']), b=name(r0['period_b'])))}</p>"]
        lines = []
        for r in ch.itertuples(index=False):
            unit = "count" if r.indicator in ("projects", "organisations", "ties", "participations") else \
                self.units.get(r.indicator, "")
            fv = lambda v: format_value(v, unit, self.lang)  # noqa: E731
            if _missing(r.p_value):
                continue
            def fd(v, sign=False):  # a difference: percentage points for shares
                text = f"{100 * v:.1f}%p" if unit == "share" else fv(v)
                return ("+" if sign and v > 0 else "") + text
            outside = r.ci_low > 0 or r.ci_high < 0
            key = ("change_real" if outside and r.p_value < 0.05 else "change_noise" if not outside and r.p_value >= 0.05
                   else "change_borderline")
            lines.append(f"<li>{_e(self.t(key, label=r.label, a=fv(r.value_a), b=fv(r.value_b), diff=fd(r.difference, True), lo=fd(r.ci_low), hi=fd(r.ci_high), p=format_value(r.p_value, 'p-value', self.lang)))}</li>")
        if lines:
            out.append("<ul>" + "".join(lines) + "</ul>")
        else:
            out.append(f'<p class="note">{_e(self.t("changes_not_tested", n=len(self.a.dataset.participations)))}</p>')
        br = getattr(self.a, "breaks", None)
        if br is not None and len(br):
            pp = lambda v: f"{100 * v:+.1f}%p"  # noqa: E731
            out.append("<ul>" + "".join(
                f"<li>{_e(self.t('break_line', label=self.labels.get(r.indicator, r.indicator), year=r.break_year, level=pp(r.level_change), lo=pp(r.level_ci_low), hi=pp(r.level_ci_high), before=pp(r.slope_before), after=pp(r.slope_after), p=format_value(r.slope_change_p, 'p-value', self.lang)))}</li>"
                for r in br.itertuples(index=False)) + "</ul>")
        return "".join(out)

    def structure(self, bands) -> str:
        """The network's structure by year (two charts, one line read off them) and by phase."""
        st = getattr(self.a, "structure_year", None)
        if st is None or not len(st):
            return ""
        j = 0 if self.lang == "ko" else 1
        lab = {k: v[j] for k, v in SHEET_COLUMNS.items()}
        x = [str(v) for v in st["slice"]]

        def series(cols):
            return {lab[c]: [None if _missing(v) else float(v) for v in st[c].tolist()] for c in cols}
        out = [f"<h3>{_e(self.t('structure'))}</h3><p class=\"intro\">{_e(self.t('structure_intro'))}</p>"]
        first, last = st.iloc[0], st.iloc[-1]
        tied = st["newcomers_tied_to_core_share"].dropna()
        if len(tied):
            out.append(f"<p>{_e(self.t('structure_line', first=first['slice'], last=last['slice'], a=format_value(first['largest_component_share'], 'share', self.lang), b=format_value(last['largest_component_share'], 'share', self.lang), tied=format_value(float(tied.mean()), 'share', self.lang)))}</p>")
        pct = lambda v: format_value(v, "share", self.lang)  # noqa: E731
        out.append(self.figure(line_chart(x, series(["largest_component_share", "main_core_share",
                                                     "newcomers_tied_to_core_share"]),
                                          title=self.t("chart_structure_shares"), ymin=0, ymax=1, bands=bands,
                                          width=760, formatter=pct)))
        out.append(self.figure(line_chart(x, series(["average_clustering", "degree_centralisation", "density"]),
                                          title=self.t("chart_structure_shape"), ymin=0, ymax=1, bands=bands,
                                          width=760, formatter=lambda v: format_value(v, "index", self.lang))))
        ph = getattr(self.a, "structure_phase", None)
        if ph is not None and len(ph):
            cols = ["organisations", "ties", "density", "components", "largest_component_share", "average_clustering",
                    "degree_centralisation", "max_core", "main_core_share", "newcomers", "newcomers_tied_to_core_share"]
            units = {c: SHEET_COLUMNS[c][2] for c in cols}
            rows = [[self.phase_label(r["slice"])] + [("" if _missing(r[c]) else format_value(r[c], {"int": "count"}.get(units[c], units[c]),
                                                                         self.lang)) for c in cols]
                    for _, r in ph.iterrows()]
            tab = pd.DataFrame(rows, columns=[""] + [lab[c] for c in cols]).set_index("")
            out.append(f"<h4>{_e(self.t('structure_by_phase'))}</h4>" + self.table(tab, index=True))
        return "".join(out)

    def phase_table(self):
        a = self.a
        ph = a.evolution_phase
        if ph is None or not len(ph):
            return None
        phases = self.p.get("phases") or {}
        pooled = ph.pivot(index="indicator", columns="slice", values="value")
        cols = [c for c in phases if c in pooled.columns] or list(pooled.columns)
        yearly = a.evolution_year.pivot(index="indicator", columns="slice", values="value")
        rows = []
        for ind in REGISTRY:
            key = ind.key(self.gb)
            if key not in pooled.index:
                continue
            cells = [self.labels[key] + (f" ({self.t('per_year_mean')})" if key in self.per_year else "")]
            for c in cols:
                v = pooled.loc[key, c] if c in pooled.columns else None
                if key in self.per_year and c in phases and key in yearly.index:
                    lo, hi = phases[c]
                    ys = [y for y in yearly.columns if str(y).isdigit() and (lo is None or int(y) >= lo)
                          and (hi is None or int(y) <= hi)]
                    vals = pd.to_numeric(yearly.loc[key, ys], errors="coerce").dropna()
                    v = float(vals.mean()) if len(vals) else None
                cells.append(format_value(v, ind.unit, self.lang))
            rows.append(cells)
        head = "".join(f"<th>{_e(h)}</th>" for h in [self.t("col_figure")] + [self.phase_label(c) for c in cols])
        body = "".join("<tr>" + f"<td>{_e(r[0])}</td>" + "".join(f'<td class="num">{_e(v)}</td>' for v in r[1:]) + "</tr>"
                       for r in rows)
        return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'

    def review(self) -> str:
        keys = [k for k in ("two_firm_project_share", "complexes_covered_share", "specialised_share_pilot_2004",
                            "specialised_share_pilot_2012", "patent_ratio_sme") if k in self.sc.index]
        rows = []
        for k in keys:
            r = self.sc.loc[k]
            rows.append([self.labels.get(k, k), format_value(r["value"], r["unit"], self.lang)
                         + ("" if _missing(r["ci_low"]) else
                            f" ({format_value(r['ci_low'], r['unit'])}–{format_value(r['ci_high'], r['unit'])})"),
                         "" if _missing(r["review_figure"]) else r["review_figure"],
                         (r["comparability"] if not _missing(r["comparability"]) else r["note"]) or ""])
        head = "".join(f"<th>{_e(self.t(h))}</th>" for h in ("col_figure", "col_value", "col_review", "col_note"))
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
        return (f'<section id="review"><h2>{_e(self.t("review_comparison"))}</h2><p class="intro">'
                f'{_e(self.t("review_intro"))}</p><div class="scroll"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div></section>")

    def quality(self) -> str:
        q = self.a.dataset.quality
        cons = q.conservation()
        cons["file"] = cons["file"].map(lambda f: os.path.basename(str(f)))
        heads = [self.t(k) for k in ("col_table", "col_file", "col_read", "col_used", "col_dropped", "col_balanced")]
        summ = q.summary().copy()
        cons = shown_values(cons, self.lang, ["table"])  # (as the workbook shows them)
        summ = shown_values(summ, self.lang, ["table", "action", "reason"])
        heads2 = [self.t(k) for k in ("col_table", "col_reason", "col_action", "col_rows")]
        return (f'<section id="quality"><h2>{_e(self.t("quality"))}</h2><p class="intro">{_e(self.t("quality_intro"))}</p>'
                + self.table(cons[["table", "file", "rows_read", "rows_used", "rows_dropped", "balanced"]], headers=heads)
                + self.table(summ[["table", "reason", "action", "rows"]], max_rows=60, headers=heads2) + "</section>")

    def methods(self) -> str:
        p, ref = self.p, REFERENCES
        cp = p["centrality"]
        how = (self.t("m_exact") if not cp.get("samples") else
               self.t("m_sampled", k=cp["samples"], n=cp["exact_max_nodes"]))
        sentences = [self.t("m_projection", weighting=self.t("weightings").get(p["weighting"], p["weighting"]),
                            newman=ref["newman"])
                     + (self.t("m_excluded", n=p["max_project_size"], k=len(p["excluded_projects"]))
                        if p.get("max_project_size") else ""),
                     self.t("m_centrality", how=how, damping=cp["damping"],
                            refs="; ".join(ref[k] for k in ("freeman", "harmonic", "brandes", "kcore")))]
        lp = p["leiden"]
        iters = (self.t("m_iters_stable") if lp.get("n_iterations", -1) < 0 else self.t("m_iters_n", n=lp["n_iterations"]))
        stab = (self.t("m_stability", n=len(p["stability"]["seeds"]), ari=_fmt(p["stability"].get("mean_ari")))
                if p.get("stability") else self.t("m_no_stability"))
        sentences.append(self.t("m_communities", res=lp["resolution"], seed=lp["seed"], iters=iters, stability=stab,
                                ref=ref["leiden"]))
        et = p["ei_test"]
        sentences.append(self.t("m_openness", ei=ref["ei"], k=int(et["permutations"]), method=et["method"],
                                seed=p["seed"], ucinet=ref["ucinet"], guimera=ref["guimera"]))
        sentences.append(self.t("m_linkage", assort=ref["assort"]))
        notes = "".join(f"; {v}" for v in (p.get("brokerage") or {}).values() if v)
        sentences.append(self.t("m_brokerage", gould=ref["gould"], graf=ref["graf"], burt=ref["burt"], notes=notes))
        sentences.append(self.t("m_programme", leydesdorff=ref["leydesdorff"], krugman=ref["krugman"], review=ref["review"])
                         if self.korean else
                         self.t("m_programme_generic", leydesdorff=ref["leydesdorff"], krugman=ref["krugman"]))
        tables = []
        delims = self.t("delimiters")
        for role, path in (self.a.dataset.source.get("tables") or {}).items():
            enc = (p.get("encoding") or {}).get(role) or "xlsx"
            d = (p.get("delimiter") or {}).get(role)
            tables.append(self.t("m_table", file=os.path.basename(str(path)), encoding=str(enc).upper(),
                                 delimiter=delims.get(d, d or "–")))
        mapping = os.path.basename(p["mapping"]) if p.get("mapping") else self.t("m_no_mapping")
        sentences.append(self.t("m_input", tables=", ".join(tables) or "–", mapping=mapping))
        bb = p.get("backbone") or {}
        if bb.get("method", "none") != "none":
            total = max(int(bb.get("ties_total", 0)), 1)
            tail = (bb.get("sdsm") or {}).get("tail", "")
            sentences.append(self.t("m_backbone", method=self.t("backbone_methods")[bb["method"]],
                                    correction=self.t("backbone_corrections")[bb.get("correction", "none")],
                                    alpha=bb.get("alpha"), kept=int(bb.get("ties", 0)), total=total,
                                    share=f"{100 * int(bb.get('ties', 0)) / total:.1f}%",
                                    orgs=int(bb.get("organisations", 0)),
                                    tail=self.t("m_tail_exact") if tail.startswith("exact") else
                                    self.t("m_tail_rna") if tail else ""))
        elif bb:
            sentences.append(self.t("m_backbone_none"))
        rule = (self.a.network_page or {}).get("rule", "")
        if rule:
            sentences.append(self.t("m_network_page", rule=rule))
        items = "".join(f"<li>{_e(s)}</li>" for s in sentences)
        return f'<section id="methods"><h2>{_e(self.t("methods"))}</h2><ul>{items}</ul></section>'


def report_html(a, lang: str | None = None) -> str:
    """The report page of the analysis ``a`` in ``lang`` (default: the analysis's)."""
    lang = lang or a.params.get("lang", "en")
    r = _Report(a, lang)
    body = r.render()
    return page(t("report_title", lang), body, lang=lang,
                head_extra=f"<style>{CSS}</style>", tail=f"<script>{DOWNLOAD_JS}</script>")
