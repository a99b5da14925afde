"""Make the bundled, simplified map of the 17 provinces from KOSTAT's boundaries.

Source: ``../shared/data/korea_provinces/skorea-provinces-2018-topo-simple.json`` — 통계청
통계지리정보서비스(SGIS) province boundaries (2018), 공공누리 제1유형 (KOGL Type 1), which allows
redistribution and modification with the source stated.

Each arc of the TopoJSON is simplified on its own (Douglas–Peucker, end points kept), so that
the border two provinces share stays one line; arcs are written as absolute longitude/latitude
rounded to 1e-4 degrees (about 10 m).  Run::

    python scripts/make_province_map.py [SOURCE] [--tolerance 0.003]

and commit ``netcluster/data/korea_provinces.topo.json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "korea_provinces" / "skorea-provinces-2018-topo-simple.json"
TARGET = ROOT / "netcluster" / "data" / "korea_provinces.topo.json"


def decode_arcs(topo: dict) -> list[np.ndarray]:
    scale = np.asarray(topo["transform"]["scale"], float)
    translate = np.asarray(topo["transform"]["translate"], float)
    return [np.cumsum(np.asarray(a, float), axis=0) * scale + translate for a in topo["arcs"]]


def douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker on (lon·cos φ, lat) so that the tolerance is about isotropic."""
    if len(points) <= 2:
        return points
    xy = points * np.array([np.cos(np.radians(36.0)), 1.0])
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        seg = xy[b] - xy[a]
        rel = xy[a + 1:b] - xy[a]
        norm = np.hypot(*seg)
        dist = (np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm) if norm > 0 else np.hypot(rel[:, 0], rel[:, 1])
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            m = a + 1 + k
            keep[m] = True
            stack += [(a, m), (m, b)]
    return points[keep]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE))
    ap.add_argument("--tolerance", type=float, default=0.003, help="degrees (default 0.003, about 300 m)")
    args = ap.parse_args(argv)
    topo = json.loads(Path(args.source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    simple = []
    for a in arcs:
        closed = len(a) > 3 and np.allclose(a[0], a[-1])
        s = douglas_peucker(a, args.tolerance)
        if closed and len(s) < 4:  # a small island: keep a triangle
            idx = np.linspace(0, len(a) - 1, 4).round().astype(int)
            s = a[idx]
        simple.append(np.round(s, 4).tolist())
    obj = next(iter(topo["objects"].values()))
    out = {"type": "Topology",
           "source": "통계청 통계지리정보서비스(SGIS) 시도 경계 2018, 공공누리 제1유형 (KOGL Type 1); simplified "
                     f"(Douglas-Peucker {args.tolerance} degrees) by scripts/make_province_map.py",
           "objects": {"provinces": {"type": "GeometryCollection", "geometries": [
               {"type": g["type"], "arcs": g["arcs"],
                "properties": {"name": g["properties"]["name"], "name_eng": g["properties"]["name_eng"],
                               "code": g["properties"]["code"]}} for g in obj["geometries"]]}},
           "arcs": simple}
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    before, after = sum(len(a) for a in arcs), sum(len(a) for a in simple)
    print(f"{TARGET.relative_to(ROOT)}: {before:,} → {after:,} points, {TARGET.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
