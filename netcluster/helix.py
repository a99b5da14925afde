r"""Industry–academia–research–government (산학연관) mix of projects and Leydesdorff's
triple-helix mutual information.

Each project is described by which kinds of organisation take part.  For the triple
helix, three binary variables per project: *U* (a university takes part), *I* (a firm),
*G* (government or public research, configurable).  With Shannon entropies in bits over
the projects,

.. math::

    T_{UIG} = H_U + H_I + H_G - H_{UI} - H_{UG} - H_{IG} + H_{UIG}

Negative :math:`T_{UIG}` indicates synergy (reduction of uncertainty) among the three
helices; positive values indicate that the spheres operate separately.  Range: bounded by
the entropies, in bits.

References
----------
L. Leydesdorff, "The mutual information of university-industry-government relations: an
indicator of the triple helix dynamics", Scientometrics 58(2) (2003) 445–467.
L. Leydesdorff, M. Fritsch, "Measuring the knowledge base of regional innovation systems in
Germany in terms of a triple helix dynamics", Research Policy 35 (2006) 1538–1553.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._sorting import text_argsort
from .groups import TOTAL

__all__ = ["type_mix", "triple_helix", "entropy_bits", "t_uig", "DEFAULT_HELICES"]

DEFAULT_HELICES = {"U": ("university",), "I": ("firm",), "G": ("government", "research")}


def _project_types(dataset, helices):
    pr, r = dataset.participation_project_rows(), dataset.participation_org_rows()
    order = text_argsort(dataset.projects["project_id"])  # projects sorted by id
    flags = pd.DataFrame(index=pd.Index(dataset.projects["project_id"].to_numpy(dtype=object)[order],
                                        name="project_id"))
    org_type = dataset.organisations["org_type"]
    ok = (pr >= 0) & (r >= 0)
    for h, types in helices.items():
        member = org_type.isin(types).to_numpy(dtype=bool)[r[ok]]
        has = np.bincount(pr[ok][member], minlength=len(dataset.projects)) > 0
        flags[h] = has[order]
    return flags


def type_mix(dataset, *, by: str | None = None) -> pd.DataFrame:
    """Share of projects by the combination of participating organisation types.

    The combination is the sorted set of types present ("firm+university", "firm+research",
    "firm+research+university", …).  With ``by`` (a project column such as ``year`` or
    ``programme``), shares are within each value.
    """
    part = dataset.participations[["project_id", "org_id"]].merge(
        dataset.organisations[["org_id", "org_type"]], on="org_id", how="left")
    combo = part.groupby("project_id")["org_type"].agg(lambda s: "+".join(sorted(set(s.dropna()))))
    proj = dataset.projects.set_index("project_id")
    df = pd.DataFrame({"combination": combo})
    if by is not None:
        df[by] = proj[by].reindex(df.index)
        out = df.groupby([by, "combination"]).size().rename("projects").reset_index()
        out["share"] = out["projects"] / out.groupby(by)["projects"].transform("sum")
        return out.sort_values([by, "projects"], ascending=[True, False]).reset_index(drop=True)
    out = df.groupby("combination").size().rename("projects").reset_index()
    out["share"] = out["projects"] / out["projects"].sum()
    return out.sort_values("projects", ascending=False).reset_index(drop=True)


def entropy_bits(counts) -> float:
    """Shannon entropy (bits) of a vector of counts."""
    c = np.asarray(counts, dtype=float)
    c = c[c > 0]
    if c.sum() == 0:
        return 0.0
    p = c / c.sum()
    return float(-(p * np.log2(p)).sum())


def t_uig(flags: pd.DataFrame) -> float:
    """:math:`T_{UIG}` in bits from a boolean DataFrame with columns U, I, G (one row per project)."""
    x = flags[["U", "I", "G"]].to_numpy().astype(np.int64)
    cell = x[:, 0] * 4 + x[:, 1] * 2 + x[:, 2]
    table = np.bincount(cell, minlength=8).reshape(2, 2, 2).astype(float)
    return t_uig_from_table(table)


def t_uig_from_table(table) -> float:
    """:math:`T_{UIG}` from a 2×2×2 table of project counts indexed [U, I, G]."""
    t = np.asarray(table, dtype=float)
    H = entropy_bits
    return (H(t.sum(axis=(1, 2))) + H(t.sum(axis=(0, 2))) + H(t.sum(axis=(0, 1)))
            - H(t.sum(axis=2).ravel()) - H(t.sum(axis=1).ravel()) - H(t.sum(axis=0).ravel())
            + H(t.ravel()))


def triple_helix(dataset, *, by: str | None = None, helices: dict | None = None,
                 n_boot: int = 1000, seed: int = 0, ci: float = 0.95) -> pd.DataFrame:
    """:math:`T_{UIG}` over projects, overall or per value of a project column (``year``,
    ``programme``, ``complex`` …), with a percentile bootstrap interval (projects resampled).

    Returns columns ``projects, t_uig, ci_low, ci_high`` and the shares of projects with each
    helix; ``attrs["params"]`` records the helix definition, bootstrap size and seed.
    """
    helices = helices or DEFAULT_HELICES
    flags = _project_types(dataset, helices)
    rng = np.random.default_rng(seed)
    if by is not None:
        key = dataset.projects.set_index("project_id")[by].reindex(flags.index)
        groups = [(k, flags[key == k]) for k in sorted(key.dropna().unique(), key=str)]
    else:
        groups = [(TOTAL, flags)]
    rows = []
    for k, f in groups:
        if len(f) == 0:
            continue
        x = f[["U", "I", "G"]].to_numpy().astype(np.int64)
        cell = x[:, 0] * 4 + x[:, 1] * 2 + x[:, 2]
        obs = t_uig_from_table(np.bincount(cell, minlength=8).reshape(2, 2, 2))
        boots = np.empty(n_boot)
        for b in range(n_boot):
            s = cell[rng.integers(0, len(cell), len(cell))]
            boots[b] = t_uig_from_table(np.bincount(s, minlength=8).reshape(2, 2, 2))
        a = (1 - ci) / 2
        rows.append({by or "group": k, "projects": len(f), "t_uig": obs,
                     "ci_low": float(np.quantile(boots, a)) if n_boot else np.nan,
                     "ci_high": float(np.quantile(boots, 1 - a)) if n_boot else np.nan,
                     "share_U": float(f["U"].mean()), "share_I": float(f["I"].mean()),
                     "share_G": float(f["G"].mean())})
    out = pd.DataFrame(rows)
    out.attrs["params"] = {"helices": {k: list(v) for k, v in helices.items()}, "n_boot": n_boot,
                           "seed": seed, "ci": ci, "unit": "bits", "sign": "negative = synergy"}
    return out
