"""The bundled province map and the region page's geometry, against published figures and an
independent point-in-polygon test."""
import re

import numpy as np
import pandas as pd
import pytest

from netcluster.regions import PROVINCES
from netcluster.write.map_page import place_labels, province_shapes, regions_html

# land area in km² (KOSIS, 2018): an independent check that the right shapes are bundled
PUBLISHED_KM2 = {"경북": 19034, "강원": 16827, "전남": 12348, "경기": 10187, "경남": 10540, "충남": 8246,
                 "전북": 8069, "충북": 7407, "제주": 1850, "울산": 1062, "인천": 1063, "대구": 883, "부산": 770,
                 "서울": 605, "대전": 539, "광주": 501, "세종": 465}


def _winding_inside(x, y, ring):
    """Winding number (Sunday 2001), written independently of the page's even-odd test."""
    wn = 0
    for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:]):
        cross = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
        if y1 <= y < y2 and cross > 0:
            wn += 1
        elif y2 <= y < y1 and cross < 0:
            wn -= 1
    return wn != 0


def test_seventeen_provinces_with_their_areas():
    shapes = province_shapes()
    assert set(shapes) == set(PROVINCES)
    km2 = {p: s["area"] * 111.32 ** 2 for p, s in shapes.items()}
    for p, published in PUBLISHED_KM2.items():
        assert km2[p] == pytest.approx(published, rel=0.08), p
    assert max(km2, key=km2.get) == "경북" and min(km2, key=km2.get) == "세종"


def test_anchors_inside_their_province_and_not_in_its_holes():
    for p, s in province_shapes().items():
        x, y = s["anchor"]
        hits = [poly for poly in s["polygons"] if _winding_inside(x, y, poly[0])]
        assert hits, p
        assert not any(_winding_inside(x, y, hole) for poly in hits for hole in poly[1:]), p
    # 경기 surrounds 서울: their anchors are apart (not both on Seoul)
    a, b = np.array(province_shapes()["경기"]["anchor"]), np.array(province_shapes()["서울"]["anchor"])
    assert np.hypot(*(a - b)) > 0.2


def test_labels_never_overlap():
    rng = np.random.default_rng(1)
    items = [{"x": float(x), "y": float(y), "w": float(w), "h": 20.0}
             for x, y, w in zip(rng.uniform(100, 300, 30), rng.uniform(100, 300, 30), rng.uniform(20, 60, 30))]
    out = place_labels(items, 600, 600)
    boxes = [(o["lx"] - o["w"] / 2, o["ly"] - o["h"] / 2, o["lx"] + o["w"] / 2, o["ly"] + o["h"] / 2) for o in out]
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= 600
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 1e-9 and a[2] > b[0] + 1e-9 and a[1] < b[3] - 1e-9 and a[3] > b[1] + 1e-9)


def _region_long(groups, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i, a in enumerate(groups):
        for b in groups[i:]:
            t = int(rng.integers(0, 30))
            rows.append({"region_a": a, "region_b": b, "ties": t, "obs_exp_ratio": float(rng.uniform(0.2, 3))})
    return pd.DataFrame(rows)


def test_korean_page_draws_the_map_with_attribution():
    groups = sorted(PROVINCES)
    html = regions_html(_region_long(groups), pd.Series(10, index=groups), title="t", lang="ko")
    assert html.count('class="prov"') == 17
    assert "공공누리 제1유형" in html and "울릉도" in html
    assert len(re.findall(r'class="lab"', html)) == 17


def test_other_regions_get_a_layout_without_map_text():
    groups = [f"DE{i:02d}" for i in range(60)]
    counts = pd.Series(np.arange(60, 0, -1), index=groups)
    html = regions_html(_region_long(groups), counts, title="t", lang="en")
    assert 'class="prov"' not in html and "KOGL" not in html and "Ulleungdo" not in html
    body = html.split("<body>")[1].split("<script")[0]
    assert not re.search(r"[\uac00-\ud7a3]", body)  # no Korean text on the page
    assert len(re.findall(r'class="dot"', html)) == 40   # the 40 largest; all 60 in the table
    assert len(re.findall(r"<tr data-g=", html)) == 60
