"""The self-contained report page (report.html): scorecard, region heatmap, openness with
its null interval, top organisations and gatekeepers, evolution charts, data quality and a
methods paragraph with every parameter and the source of each indicator."""

from __future__ import annotations

import math
import os
from html import escape

import numpy as np
import pandas as pd

from ..indicators import REFERENCES
from ..linkage import to_square
from ..regions import PROVINCE_ENGLISH
from .columns import columns_for
from .pages import FONT_STACK, page
from .svg import bar_chart, heatmap, interval_chart, line_chart

__all__ = ["report_html"]


CSS = """
body{font-family:%s;margin:0 auto;max-width:1100px;padding:0 18px 40px 18px;color:#222;line-height:1.45}
h1{font-size:24px;margin:18px 0 4px 0}h2{font-size:19px;border-bottom:2px solid #3b6ea5;padding-bottom:3px;margin-top:30px}
h3{font-size:15px;margin:16px 0 6px 0}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{font-size:12px;display:block;margin:8px 0}.chart .ctitle{font-weight:bold;font-size:13px}
.chart .small{font-size:11px;fill:#555}.chart .tiny{font-size:9px;fill:#333}
.note{color:#555;font-size:13px}.box{background:#f7f9fb;border:1px solid #e1e6eb;padding:8px 12px;margin:8px 0}
nav a{margin-right:12px;font-size:13px}
""" % FONT_STACK


def _e(x):
    return escape("" if x is None else str(x), quote=True)


def _fmt(v, digits=3):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        if float(v).is_integer() and abs(v) >= 1:
            return f"{int(v):,}"
        return f"{float(v):.{digits}f}"
    return str(v)


def table(df: pd.DataFrame, *, max_rows: int = 40, index: bool = False, digits: int = 3) -> str:
    d = df.reset_index() if index else df
    d = d.head(max_rows)
    head = "".join(f"<th>{_e(c)}</th>" for c in d.columns)
    rows = []
    for rec in d.itertuples(index=False):
        cells = []
        for v in rec:
            num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            cells.append(f'<td class="num">{_e(_fmt(v, digits))}</td>' if num else f"<td>{_e(_fmt(v, digits))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f'<p class="note">{len(df) - max_rows:,} more rows in the CSV/XLSX tables.</p>' if len(df) > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def _label(r):
    return f"{r} ({PROVINCE_ENGLISH[r]})" if r in PROVINCE_ENGLISH else str(r)


def report_html(a) -> str:
    ds, p = a.dataset, a.params
    gb = p["group_by"]
    s = ds.summary()
    parts = [f"<h1>netcluster report — R&amp;D collaboration network</h1>",
             f'<p class="note">Input: {_e(p["input"])} · {s["participation_rows"]:,} participations, '
             f'{s["projects"]:,} projects, {s["organisations"]:,} participating organisations '
             f'({s["population_organisations"]:,} in the population) · years '
             f'{_e(s["years"][0] if s["years"] else "–")}–{_e(s["years"][1] if s["years"] else "–")} · '
             f'grouping: {_e(gb)} · weighting: {_e(p["weighting"])} · seed {p["seed"]} · netcluster {_e(p["netcluster"])}</p>',
             '<nav><a href="#scorecard">Scorecard</a><a href="#linkage">Cross-region linkage</a>'
             '<a href="#openness">Openness</a><a href="#organisations">Organisations</a>'
             '<a href="#evolution">Evolution</a><a href="#quality">Data quality</a><a href="#methods">Methods</a></nav>']
    # scorecard
    sc = a.scorecard.copy()
    sc["value"] = [_fmt(v) for v in sc["value"]]
    parts.append('<h2 id="scorecard">Scorecard</h2><p class="note">Headline figures with the ten-year '
                 'review\'s figure where it reports one. The review\'s figures are for the real programme; '
                 'on the bundled synthetic sample they are calibration targets.</p>')
    parts.append(table(sc[["indicator", "value", "unit", "review_figure", "definition", "note"]].fillna(""), max_rows=60))
    # linkage
    rm = a.region_matrix
    regions = sorted(set(rm["region_a"]) | set(rm["region_b"]), key=str)
    ratio = to_square(rm, "obs_exp_ratio").reindex(index=regions, columns=regions)
    ties = to_square(rm, "ties").reindex(index=regions, columns=regions)
    parts.append(f'<h2 id="linkage">Cross-region linkage ({_e(gb)})</h2>')
    crs = a.cross_region
    parts.append(f'<div class="box">Share of ties that cross {_e(gb)} boundaries: '
                 f'<b>{_fmt(crs.loc["(all)", "cross_share"])}</b> ({_fmt(crs.loc["(all)", "cross"])} of '
                 f'{_fmt(crs.loc["(all)", "ties"])} ties).</div>')
    if len(regions) <= 40:
        parts.append(heatmap([_label(r) for r in regions], [str(r) for r in regions], ratio.to_numpy().tolist(),
                             labels=ties.to_numpy().tolist(),
                             title=f"{gb} × {gb}: observed / expected ties (colour, log scale; red > 1) and tie counts (numbers)"))
    else:
        parts.append('<p class="note">More than 40 groups: see region_matrix.csv.</p>')
    cr = crs.drop(index="(all)").sort_values("cross_share")
    parts.append(bar_chart([_label(r) for r in cr.index], cr["cross_share"].tolist(), xmin=0, xmax=1,
                           title=f"share of each {gb}'s ties that go to another {gb}"))
    if a.wide_region_matrix is not None:
        w = a.wide_region_matrix
        wr = sorted(set(w["region_a"]) | set(w["region_b"]), key=str)
        parts.append(heatmap(wr, wr, to_square(w, "obs_exp_ratio").reindex(index=wr, columns=wr).to_numpy().tolist(),
                             labels=to_square(w, "ties").reindex(index=wr, columns=wr).to_numpy().tolist(),
                             title="5+2 wide economic regions: observed / expected ties", cell=40))
    # openness
    op = a.openness.sort_values("ei")
    t = a.ei_test.iloc[0]
    parts.append(f'<h2 id="openness">Openness by {_e(gb)}</h2>')
    parts.append(f'<div class="box">Network E-I index: <b>{_fmt(t["ei"])}</b> (−1 all ties inside groups, +1 all '
                 f'across). Under the permutation null ({_e(a.ei_test.attrs["params"]["permutations"])} '
                 f'{_e(a.ei_test.attrs["params"]["method"])}, seed {p["seed"]}) the expected E-I is '
                 f'{_fmt(t["null_mean"])} (95%: {_fmt(t["null_q025"])} to {_fmt(t["null_q975"])}); '
                 f'P(null ≤ observed) = {_fmt(t["p_less"], 4)}. Rescaled E-I (UCINET): {_fmt(t["rescaled_ei"])}.</div>')
    parts.append(interval_chart([_label(g) for g in op.index], op["ei"].tolist(), op["ei_null_q025"].tolist(),
                                op["ei_null_q975"].tolist(), title=f"E-I index of each {gb} with its permutation-null band"))
    parts.append(bar_chart([_label(g) for g in op.sort_values("open_share").index],
                           op.sort_values("open_share")["open_share"].tolist(), xmin=0, xmax=1,
                           title=f"share of each {gb}'s projects with a partner from another {gb}", color="#59a14f"))
    parts.append(table(op[["members", "internal", "external", "external_share", "ei", "ei_null_mean",
                           "ei_null_q025", "ei_null_q975", "open_share"]], index=True))
    # organisations
    o = a.organisations
    cols = columns_for("report", o.columns, group_by=gb)
    parts.append('<h2 id="organisations">Top organisations and gatekeepers</h2>')
    parts.append("<h3>Top 20 by betweenness</h3>" + table(o.sort_values("betweenness", ascending=False)[cols].head(20), index=True))
    if p.get("brokerage", {}).get("gould_fernandez_skipped"):
        parts.append(f'<p class="note">Gatekeepers not computed: {_e(p["brokerage"]["gould_fernandez_skipped"])}</p>')
    if len(a.gatekeepers):
        gk = a.gatekeepers.head(20).join(o[["name"]])
        parts.append(f"<h3>Regional gatekeepers (Graf 2011)</h3><p class=\"note\">Organisations with ties both "
                     f"inside and outside their {_e(gb)}, ranked by Gould–Fernandez gatekeeper/representative "
                     f"brokerage.</p>" + table(gk[["name", "group", "internal_ties", "external_ties", "gatekeeper",
                                                    "gatekeeper_share", "z_gatekeeper"]], index=True))
    for k, v in a.communities_vs_declared.items():
        sm = v.attrs["summary"]
        parts.append(f"<h3>Leiden communities vs declared {_e(k)}</h3><p class=\"note\">ARI {_fmt(sm['ari'])}, "
                     f"NMI {_fmt(sm['nmi'])}; {sm['groups_split']} declared groups split, {sm['groups_merged']} "
                     f"merged with others.</p>" + table(v[["size", "dominant_community", "dominant_share",
                                                          "n_communities", "split"]], index=True, max_rows=15))
    # evolution
    parts.append('<h2 id="evolution">Evolution</h2>')
    ev = a.evolution_year.pivot(index="slice", columns="indicator", values="value")
    if not len(ev):
        parts.append('<p class="note">The projects have no year: evolution is not available.</p>')
    if len(ev):
        x = list(ev.index)
        share_series = {k: ev[k].tolist() for k in ("two_firm_project_share", f"cross_{gb}_tie_share",
                                                     "specialised_share", "newcomer_share",
                                                     "kis_share_participating_firms") if k in ev.columns}
        share_series = {k.replace("_", " "): v for k, v in share_series.items()}
        parts.append(line_chart(x, share_series, ymin=0, ymax=1, title="shares by year"))
        ei_col = f"ei_index_{gb}"
        if ei_col in ev.columns:
            parts.append(line_chart(x, {f"E-I index ({gb})": ev[ei_col].tolist()}, ymin=-1, ymax=1,
                                    title=f"E-I index by year ({gb})"))
        g = a.growth
        parts.append(line_chart([str(i) for i in g.index], {"organisations": g["organisations"].tolist(),
                                                            "projects": g["projects"].tolist(),
                                                            "ties": g["ties"].tolist()},
                                title="network growth per year", fmt=0))
    ph = a.evolution_phase.pivot(index="indicator", columns="slice", values="value")
    if len(ph):
        parts.append("<h3>By programme phase</h3>" + table(ph, index=True, max_rows=60))
    # quality
    q = ds.quality
    parts.append('<h2 id="quality">Data quality</h2><p class="note">Every dropped, merged or repaired row, '
                 'with file and line numbers, is in quality.json. Rows read = rows used + rows dropped.</p>')
    cons = q.conservation()
    cons["file"] = cons["file"].map(lambda f: os.path.basename(str(f)))
    parts.append(table(cons))
    parts.append(table(q.summary(), max_rows=60))
    # methods
    cp = p["centrality"]
    ref = REFERENCES
    parts.append('<h2 id="methods">Methods and parameters</h2>')
    meth = [
        f"Projection: organisation–organisation ties from shared projects, weighting <b>{_e(p['weighting'])}</b> "
        f"({_e(ref['newman'])} for the Newman weighting); diagonal excluded"
        + (f"; projects with more than {p['max_project_size']} participants left out ({len(p['excluded_projects'])})"
           if p["max_project_size"] else "") + ".",
        f"Centrality ({_e(ref['freeman'])}; {_e(ref['harmonic'])}): degree, strength, betweenness "
        f"({_e(cp['betweenness'])}{', ' + str(cp['samples']) + ' sampled sources — ' + _e(ref['brandes']) if cp['samples'] else ''}; "
        f"exact up to {cp['exact_max_nodes']:,} nodes), harmonic closeness, eigenvector (max 1), PageRank "
        f"(damping {cp['damping']}); weighted variants use 1/weight as tie length"
        + (f"; {_e(cp['weighted_paths_note'])}" if cp.get('weighted_paths_note') else "") + ".",
        f"Communities: Leiden, modularity objective, resolution {p['leiden']['resolution']}, seed "
        f"{p['leiden']['seed']}, "
        + ("iterated until stable" if p['leiden'].get('n_iterations', -1) < 0
           else f"{p['leiden']['n_iterations']} iterations (not necessarily stable)")
        + f" ({_e(ref['leiden'])}); "
        + (f"stability over {len(p['stability']['seeds'])} seeds: mean ARI {_fmt(p['stability'].get('mean_ari'))}."
           if p.get('stability') else "stability check not run at this size (communities.stability runs it)."),
        f"Openness: E-I index ({_e(ref['ei'])}); permutation null with {_e(p['ei_test']['permutations'])} "
        f"{_e(p['ei_test']['method'])}, group sizes fixed, seed {p['seed']}, rescaled E-I ({_e(ref['ucinet'])}); "
        f"participation coefficient ({_e(ref['guimera'])}).",
        f"Cross-region linkage: region × region tie-ends matrix with expected values from the margins; "
        f"assortativity ({_e(ref['assort'])}).",
        f"Brokerage: Gould–Fernandez roles ({_e(ref['gould'])}) with binomial z-scores; regional gatekeepers "
        f"({_e(ref['graf'])}); constraint and effective size ({_e(ref['burt'])})"
        + "".join(f"; {_e(v)}" for k, v in (p.get("brokerage") or {}).items() if v) + ".",
        f"Triple helix T_UIG ({_e(ref['leydesdorff'])}); specialisation indices ({_e(ref['krugman'])}); review "
        f"figures: {_e(ref['review'])}. The patent ratio is a descriptive comparison, not a causal effect.",
        f"Input read with encoding {_e(p['encoding'])}, delimiter {_e(p['delimiter'])}, mapping "
        + (_e(os.path.basename(p['mapping'])) if p.get('mapping')
           else "none (the built-in column names)") + ".",
    ]
    parts.append("<ul>" + "".join(f"<li>{m}</li>" for m in meth) + "</ul>")
    net = a.network_page or {}
    parts.append(f'<p class="note">network.html: {_e(net.get("rule", ""))}. Open network.html and regions.html '
                 f'next to this file; all pages work offline.</p>')
    body = "\n".join(parts)
    return page("netcluster report", body, head_extra=f"<style>{CSS}</style>")
