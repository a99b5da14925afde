"""Duplication and concentration of funding: the review's "programmes duplicate each other".

* :func:`similar_projects` — pairs of projects funded by **different programmes** within
  ``years`` of each other whose titles are alike (cosine of character bigram sets after Unicode
  NFKC, lower case and without spaces, digits and punctuation: works for Korean, where words
  are not split the same way twice, as for Latin scripts) **and** whose consortia overlap
  (Jaccard of their organisations), listed with the evidence for an analyst to check.  Only
  pairs that can reach the consortium threshold are compared (prefix filtering on pairs of
  organisations, :func:`netcluster.programme.overlap_signatures`, as
  :func:`netcluster.programme.near_duplicate_projects`: a hub shared with thousands of
  projects does not make every pair of them a candidate).
* :func:`budget_concentration` — per period, how concentrated the budget is across the
  organisations receiving it: Herfindahl–Hirschman index (Σ s², 1/n for an even split, 1 for a
  single recipient), Gini coefficient and the share of the top 10% of recipients.  A
  project's budget is split evenly among its participants (the exports carry no split).
* :func:`repeatedly_funded` — organisations funded by several programmes: programmes,
  projects and budget received, per period.

References
----------
- O. C. Herfindahl, *Concentration in the steel industry*, PhD thesis (1950); A. O.
  Hirschman, *National power and the structure of foreign trade* (1945).
- C. Gini, *Variabilità e mutabilità* (1912).
- P. Jaccard, "Étude comparative de la distribution florale", Bull. Soc. Vaud. Sci. Nat. 37 (1901).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import scipy.sparse as sp
from graphblas import Matrix, semiring

from ._sorting import text_argsort, unique_values
from ._sparse import to_graphblas
from .programme import overlap_signatures
from .slices import year_slices

__all__ = ["similar_projects", "budget_concentration", "repeatedly_funded", "title_bigrams",
           "SIMILAR_COLUMNS", "CONCENTRATION_COLUMNS"]

SIMILAR_COLUMNS = ["project_a", "project_b", "programme_a", "programme_b", "year_a", "year_b", "title_a",
                   "title_b", "title_similarity", "shared_organisations", "consortium_jaccard"]
CONCENTRATION_COLUMNS = ["slice", "start", "end", "projects_with_budget", "budget", "recipients", "hhi", "gini",
                         "top10_share"]
_STRIP = re.compile(r"[\W\d_]+", re.UNICODE)


def title_bigrams(title) -> set:
    """The character bigrams of a title (NFKC, lower case, without spaces, digits and
    punctuation).

    >>> sorted(title_bigrams("스마트 공장-2"))
    ['공장', '마트', '스마', '트공']
    >>> title_bigrams("스마트 공장") == title_bigrams("스마트공장") == title_bigrams("ＳＭＡＲＴ".lower() and "스마트  공장!")
    True
    """
    if not isinstance(title, str):
        return set()
    t = _STRIP.sub("", unicodedata.normalize("NFKC", title).lower())
    if len(t) < 2:
        return {t} if t else set()
    return {t[i:i + 2] for i in range(len(t) - 1)}


def similar_projects(dataset, *, years: int = 2, title_threshold: float = 0.6,
                     overlap_threshold: float = 0.3) -> pd.DataFrame:
    """Pairs of projects of different programmes, at most ``years`` apart, with title
    similarity ≥ ``title_threshold`` and consortium Jaccard ≥ ``overlap_threshold`` (see the
    module's text), most similar first.

    Examples
    --------
    >>> import netcluster as nc
    >>> part = pd.DataFrame({"project_id": ["A", "A", "B", "B", "C", "C"], "org_id": list("xyxyxz")})
    >>> proj = pd.DataFrame({"project_id": list("ABC"), "year": [2010, 2011, 2010],
    ...                      "programme": ["P1", "P2", "P2"],
    ...                      "title": ["스마트 공장 고도화", "스마트공장 고도화 2차", "바이오 소재"]})
    >>> similar_projects(nc.from_frames(part, projects=proj))[["project_a", "project_b"]].values.tolist()
    [['A', 'B']]
    """
    proj = dataset.projects
    if "programme" not in proj.columns or "title" not in proj.columns or proj["programme"].nunique() < 2:
        return pd.DataFrame(columns=SIMILAR_COLUMNS)
    try:  # (a loaded dataset's ids are unique: the participations' rows are cached integers)
        pi = dataset.participation_project_rows()
    except ValueError:  # a project listed twice
        proj = proj.drop_duplicates("project_id").reset_index(drop=True)
        pi = pd.Index(proj["project_id"]).get_indexer(dataset.participations["project_id"])
    pid = pd.Index(proj["project_id"])
    oi = _participant_codes(dataset)
    ok = pi >= 0
    n_orgs = int(oi.max()) + 1 if len(oi) else 0
    code = unique_values(pi[ok].astype(np.int64) * max(n_orgs, 1) + oi[ok])  # distinct (project, org)
    pp, po = code // max(n_orgs, 1), code % max(n_orgs, 1)
    B = sp.csr_matrix((np.ones(len(code)), (pp, po)), shape=(len(pid), n_orgs))
    prog_code, _ = pd.factorize(proj["programme"])
    yr = pd.to_numeric(proj["year"], errors="coerce").to_numpy(dtype=float)
    a, b, sh, jac = _overlapping_pairs(overlap_signatures(pp, po, len(pid), n_orgs, overlap_threshold), B,
                                       prog_code, yr, years, overlap_threshold)
    sim = _title_similarity(proj["title"], a, b)
    keep = sim >= title_threshold
    a, b, sh, jac, sim = a[keep], b[keep], sh[keep], jac[keep], sim[keep]
    prog = proj["programme"].astype(object).to_numpy()
    out = pd.DataFrame({"project_a": pid[a], "project_b": pid[b], "programme_a": prog[a], "programme_b": prog[b],
                        "year_a": yr[a], "year_b": yr[b], "title_a": proj["title"].to_numpy(dtype=object)[a],
                        "title_b": proj["title"].to_numpy(dtype=object)[b], "title_similarity": sim,
                        "shared_organisations": sh.astype(np.int64), "consortium_jaccard": jac}, columns=SIMILAR_COLUMNS)
    # most similar first, then by the projects' ids (their ranks: integers, not text compared)
    rank = np.empty(len(pid), dtype=np.int64)
    rank[text_argsort(pid.to_numpy(dtype=object))] = np.arange(len(pid))
    out = out.iloc[np.lexsort((rank[b], rank[a], -jac, -sim))].reset_index(drop=True)
    out.attrs["params"] = {"years": years, "title_threshold": title_threshold, "overlap_threshold": overlap_threshold}
    return out


def _participant_codes(dataset) -> np.ndarray:
    """Each participation's organisation as an integer (the cached organisation rows of a
    loaded dataset; the ids factorized when a participation's organisation is not listed)."""
    try:
        rows = dataset.participation_org_rows()
    except ValueError:  # an organisation listed twice
        rows = None
    if rows is not None and (rows >= 0).all():
        return rows
    return pd.factorize(dataset.participations["org_id"])[0]


def _overlapping_pairs(P, B, prog: np.ndarray, yr: np.ndarray, years: int, overlap: float):
    """Pairs (a < b) of projects of different programmes at most ``years`` apart with consortium
    Jaccard ≥ ``overlap``: (a, b, shared, jaccard).

    Blocks of one year and programme against the later projects of other programmes (same
    year: higher programme codes) within ``years`` — each unordered pair is met once and a
    block's pairs, not the whole data's, are in memory at a time.  In a block, two GraphBLAS
    products: the signature rows ``P`` give the candidates (a signature shared:
    :func:`netcluster.programme.overlap_signatures`) and the consortia ``B`` their exact
    overlaps (masked by the candidates)."""
    ok = (prog >= 0) & np.isfinite(yr)
    Pg, Bg = to_graphblas(P), to_graphblas(B)
    size = np.asarray(B.sum(axis=1)).ravel()
    parts = []
    for y in unique_values(yr[ok]):
        for p in unique_values(prog[ok & (yr == y)]):
            rows = np.flatnonzero(ok & (yr == y) & (prog == p))
            cols = np.flatnonzero(ok & (prog != p) & (((yr == y) & (prog > p)) | ((yr > y) & (yr <= y + years))))
            if not len(cols):
                continue
            cand = Pg[rows, :].new().mxm(Pg[cols, :].new().T, semiring.any_pair).new()
            shared = Bg[rows, :].new().mxm(Bg[cols, :].new().T, semiring.plus_times).new(mask=cand.S)
            r, c, v = shared.to_coo()
            ga, gb_ = rows[r], cols[c]
            jac = v / (size[ga] + size[gb_] - v)
            keep = jac >= overlap
            ga, gb_ = ga[keep], gb_[keep]
            parts.append((np.minimum(ga, gb_), np.maximum(ga, gb_), v[keep], jac[keep]))
    if not parts:
        return tuple(np.zeros(0, dtype=t) for t in (np.int64, np.int64, float, float))
    return tuple(np.concatenate(x) for x in zip(*parts))


def _title_similarity(titles: pd.Series, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of the title bigram sets of the project pairs ``(a[i], b[i])`` (positions in
    ``titles``; no pair twice): the bigrams of the projects in a pair only, their shared
    bigrams by one GraphBLAS product masked by the pairs."""
    sim = np.zeros(len(a))
    if not len(a):
        return sim
    involved = unique_values(np.concatenate([a, b]))
    ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
    G = _bigram_matrix(titles.iloc[involved])
    n_grams = np.asarray(G.sum(axis=1)).ravel()
    Gg = to_graphblas(G)
    mask = Matrix.from_coo(ia, ib, True, nrows=len(involved), ncols=len(involved))
    common = Gg.mxm(Gg.T, semiring.plus_times).new(mask=mask.S)
    tr, tc, tv = common.to_coo()
    at = pd.Index(ia.astype(np.int64) * len(involved) + ib).get_indexer(
        tr.astype(np.int64) * len(involved) + tc)
    denom = np.sqrt(n_grams[tr] * n_grams[tc])
    sim[at] = np.divide(tv, denom, out=np.zeros(len(tv)), where=denom > 0)
    return sim


def _bigram_matrix(titles: pd.Series):
    """Projects x title bigrams, 0/1 (the sets of :func:`title_bigrams`), built from the code
    points of the normalised titles in one numpy pass (each distinct title normalised once)."""
    codes, uniques = pd.factorize(titles.astype(object), use_na_sentinel=True)
    clean = [_STRIP.sub("", unicodedata.normalize("NFKC", t).lower()) if isinstance(t, str) else ""
             for t in uniques]
    # every title's code points in one array (memory linear in the text: a padded matrix would
    # take titles x the longest title, gigabytes for one pasted-in abstract)
    lengths = np.fromiter((len(t) for t in clean), dtype=np.int64, count=len(clean))
    total = int(lengths.sum())
    if total == 0:
        return sp.csr_matrix((len(titles), 0))
    cp = np.frombuffer("".join(clean).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    row = np.repeat(np.arange(len(clean)), lengths)
    last = np.arange(total) == np.cumsum(lengths)[row] - 1  # the last character of its title
    nxt = np.zeros(total, dtype=np.int64)
    nxt[:-1] = cp[1:]
    nxt[last] = 0
    gram = cp << 21 | nxt  # a bigram's two code points (< 2**21 each); a 1-character title: (c, 0)
    valid = ~last | (lengths[row] == 1)
    r, gram = row[valid], gram[valid]
    gcode, _ = pd.factorize(gram)
    U = sp.csr_matrix((np.ones(len(r)), (r, gcode)), shape=(len(clean), int(gcode.max()) + 1 if len(gcode) else 0))
    U.sum_duplicates()
    U.data[:] = 1.0
    rows = np.flatnonzero(codes >= 0)
    out = sp.csr_matrix((len(titles), U.shape[1]))
    if len(rows):
        out = sp.vstack([U, sp.csr_matrix((1, U.shape[1]))]).tocsr()[np.where(codes >= 0, codes, len(clean))]
    return out.tocsr()


def _received(dataset, start=None, end=None) -> tuple[np.ndarray, np.ndarray]:
    """Budget received by each organisation (``organisations`` row order) in the period: each
    project's budget split evenly among its participants; and whether the organisation took
    part in a project with a budget in the period.  Integer rows and bincounts (the dataset's
    cached participation rows), not string group-bys."""
    proj, n_orgs = dataset.projects, len(dataset.organisations)
    if "budget" not in proj.columns:
        return np.zeros(n_orgs), np.zeros(n_orgs, dtype=bool)
    budget = pd.to_numeric(proj["budget"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    yr = pd.to_numeric(proj["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keep = proj["budget"].notna().to_numpy(copy=True)
    if start is not None:
        keep &= yr >= start
    if end is not None:
        keep &= yr <= end
    prow, orow = dataset.participation_project_rows(), dataset.participation_org_rows()
    ok = prow >= 0
    ok[ok] = keep[prow[ok]]
    size = np.bincount(prow[ok], minlength=len(proj))  # participants of each project
    got = ok & (orow >= 0)
    share = np.nan_to_num(budget[prow[got]] / size[prow[got]])
    # rounded to a millionth of the unit: the even splits' float noise (380599.99999999994 for
    # 380600) would otherwise order organisations with the same budget by summation order
    return (np.round(np.bincount(orow[got], weights=share, minlength=n_orgs), 6),
            np.bincount(orow[got], minlength=n_orgs) > 0)


def _gini(x: np.ndarray) -> float:
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return np.nan
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def budget_concentration(dataset, *, by: str = "phase", phases: dict | None = None) -> pd.DataFrame:
    """HHI, Gini and the top-10% share of the budget received, per period (see the module).

    Examples
    --------
    >>> import netcluster as nc
    >>> part = pd.DataFrame({"project_id": ["A", "A", "B"], "org_id": ["x", "y", "x"]})
    >>> proj = pd.DataFrame({"project_id": ["A", "B"], "year": [2010, 2010], "budget": [100, 200]})
    >>> bc = budget_concentration(nc.from_frames(part, projects=proj), by="year")
    >>> bc[["hhi", "gini"]].round(4).values.tolist()   # x gets 250, y 50: shares 5/6, 1/6
    [[0.7222, 0.3333]]
    """
    rows = []
    proj = dataset.projects
    yr = pd.to_numeric(proj["year"], errors="coerce")
    for label, a, b in year_slices(dataset, by, phases=phases):
        r, _ = _received(dataset, a, b)
        r = r[r > 0]
        if not len(r):
            continue
        s = r / r.sum()
        k = max(1, int(np.ceil(0.1 * len(r))))
        in_period = proj["budget"].notna() & yr.between(a if a is not None else -np.inf, b if b is not None else np.inf)
        rows.append({"slice": label, "start": a, "end": b, "projects_with_budget": int(in_period.sum()),
                     "budget": float(r.sum()), "recipients": int(len(r)), "hhi": float((s ** 2).sum()),
                     "gini": _gini(r), "top10_share": float(np.sort(s)[::-1][:k].sum())})
    return pd.DataFrame(rows, columns=CONCENTRATION_COLUMNS)


def repeatedly_funded(dataset, *, min_programmes: int = 2) -> pd.DataFrame:
    """Organisations funded by at least ``min_programmes`` programmes: ``programmes``,
    ``projects`` and ``budget`` received (even split), most programmes and budget first."""
    proj, orgs = dataset.projects, dataset.organisations
    if "programme" not in proj.columns:
        return pd.DataFrame(columns=["org_id", "name", "programmes", "projects", "budget"])
    prow, orow = dataset.participation_project_rows(), dataset.participation_org_rows()
    ok = (prow >= 0) & (orow >= 0)
    prog = pd.factorize(proj["programme"], use_na_sentinel=True)[0][prow[ok]]
    o, p = orow[ok].astype(np.int64), prow[ok].astype(np.int64)
    # distinct (organisation, programme) and (organisation, project) pairs, counted per organisation
    has = prog >= 0
    programmes = np.bincount(unique_values(o[has] * (prog.max(initial=0) + 1) + prog[has]) // (prog.max(initial=0) + 1),
                             minlength=len(orgs))
    projects = np.bincount(unique_values(o * len(proj) + p) // max(len(proj), 1), minlength=len(orgs))
    received, funded = _received(dataset)
    sel = np.flatnonzero(programmes >= min_programmes)
    out = pd.DataFrame({"org_id": orgs["org_id"].to_numpy(dtype=object)[sel],
                        "name": orgs["name"].to_numpy(dtype=object)[sel] if "name" in orgs.columns else None,
                        "programmes": programmes[sel], "projects": projects[sel],
                        "budget": np.where(funded[sel], received[sel], np.nan)})
    return out.sort_values(["programmes", "budget", "projects", "org_id"], ascending=[False, False, False, True],
                           kind="stable", na_position="last").reset_index(drop=True)
