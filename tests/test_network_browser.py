"""network.html in headless Chromium (network blocked), control by control, each count checked
against an independent count from the output tables (pandas / networkx)."""
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

import netcluster as nc
from netcluster.backbone import adjust
from netcluster.pipeline import analyze

from test_browser import ARTIFACTS, browser, open_page  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser
HUB = "부산대학교 산학협력단"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("netpage")
    analyze(nc.datasets.get_path("korea_cluster_tables"), out, n_permutations=19, jobs=1)
    ties = pd.read_csv(out / "ties.csv", dtype={"source": str, "target": str}, encoding="utf-8-sig")
    orgs = pd.read_csv(out / "organisations.csv", dtype={"org_id": str}, encoding="utf-8-sig")
    return out, ties, orgs


@pytest.fixture()
def net(browser, demo):  # noqa: F811
    page, attempted, errors, dialogs = open_page(browser, demo[0] / "network.html")
    page.wait_for_selector("body[data-drawn='1']", timeout=15000)
    yield page
    assert attempted == [] and errors == [] and dialogs == []
    page.close()


def counts(page):
    return page.evaluate("ncNetwork.counts()")


def ends(ties):
    return pd.unique(pd.concat([ties["source"], ties["target"]]))


def test_opens_on_a_labelled_backbone(net, demo):
    _, ties, orgs = demo
    bb = ties[ties["in_backbone"]]
    assert len(ties) > 5000  # the sample: the backbone is shown first
    assert counts(net) == {"orgs": len(ends(bb)), "ties": len(bb)}
    header = net.inner_text("#counts")
    assert f"{len(bb):,}" in header and f"{len(ties):,}" in header
    assert net.is_checked("#tiesBackbone")
    labels = net.evaluate("ncNetwork.labels()")
    assert len(labels) >= 20
    # the most connected organisations are named
    deg = pd.concat([bb["source"], bb["target"]]).value_counts()
    top = orgs.set_index("org_id").loc[deg.index[:5], "name"].tolist()
    assert sum(name in labels for name in top) >= 3, (top, labels[:30])
    # no two labels overlap
    boxes = net.evaluate("ncNetwork.labelBoxes()")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 0.5 and a[2] > b[0] + 0.5 and a[1] < b[3] - 0.5 and a[3] > b[1] + 0.5), (a, b)
    # zooming in names more organisations
    net.click("#zoomIn")
    net.click("#zoomIn")
    net.wait_for_timeout(200)
    assert len(net.evaluate("ncNetwork.labels()")) > len(labels)
    net.click("#fit")
    net.wait_for_timeout(100)
    v = net.evaluate("ncNetwork.view()")
    assert v["k"] == pytest.approx(v["k0"])
    net.screenshot(path=str(ARTIFACTS / "network_default.png"))


def test_backbone_switch_min_weight_and_isolates(net, demo):
    _, ties, orgs = demo
    net.check("#tiesAll")
    assert counts(net) == {"orgs": len(ends(ties)), "ties": len(ties)}
    net.check("#tiesBackbone")
    net.fill("#minShared", "2")
    bb2 = ties[ties["in_backbone"] & (ties["shared_projects"] >= 2)]
    assert counts(net) == {"orgs": len(ends(bb2)), "ties": len(bb2)}
    assert "2" in net.inner_text("label[for=minShared]")
    net.fill("#minShared", "1")
    net.check("#isolates")
    assert counts(net)["orgs"] == len(orgs)   # organisations.csv: the participating organisations


def test_partial_search_and_names_normalised(net):
    net.fill("#search", "부산 대")
    items = net.locator("#matches button").all_inner_texts()
    assert any(HUB in t for t in items)
    assert net.evaluate("ncNetwork.norm('㈜ 한빛 테크')") == net.evaluate("ncNetwork.norm('주식회사한빛테크')") == "한빛테크"
    assert net.evaluate("ncNetwork.norm('Alpha  GmbH')") == "alphagmbh"
    net.fill("#search", "zzzz-no-such")
    assert net.locator("#matches").inner_text().strip() != ""  # says so instead of silence
    net.fill("#search", "부산대")
    net.press("#search", "Enter")
    assert HUB in net.inner_text("#info")
    # the details panel is visible without scrolling the sidebar
    top = net.evaluate("document.getElementById('info').getBoundingClientRect().top")
    assert top < 400


def test_search_of_a_filtered_organisation_offers_to_show_it(net, demo):
    _, ties, orgs = demo
    busan = net.locator(".legend-row[data-value='부산']")
    busan.click()
    assert "off" in busan.get_attribute("class")
    n_busan = int((orgs["region"] == "부산").sum())
    assert f"0/{n_busan}" in busan.inner_text()
    assert net.evaluate(f"ncNetwork.visible({json.dumps(HUB)})") is False
    net.fill("#search", "부산대학교")
    net.locator("#matches button", has_text=HUB).click()
    assert "부산대학교 산학협력단" in net.inner_text("#searchMsg")
    net.click("#showIt")
    assert net.evaluate(f"ncNetwork.visible({json.dumps(HUB)})") is True
    assert HUB in net.inner_text("#info")
    assert "off" not in net.locator(".legend-row[data-value='부산']").get_attribute("class")


def test_legend_and_filters_update_the_counts(net, demo):
    _, ties, orgs = demo
    bb = ties[ties["in_backbone"]]
    net.click("#legend button[data-none]")
    assert counts(net) == {"orgs": 0, "ties": 0}
    assert net.inner_text("#counts").startswith(("표시: 기관 0곳", "Showing 0"))
    net.click("#legend button[data-all]")
    assert counts(net)["ties"] == len(bb)
    # a filter on another column: organisation type
    net.locator("#filter-org_type summary").click()
    net.locator("#filter-org_type .legend-row[data-value='firm']").click()
    firms = set(orgs.loc[orgs["org_type"] == "firm", "org_id"])
    kept = bb[~bb["source"].isin(firms) & ~bb["target"].isin(firms)]
    assert counts(net) == {"orgs": len(ends(kept)), "ties": len(kept)}
    # the colour menu switches the legend (type labels in Korean)
    net.select_option("#colorBy", "org_type")
    assert "대학" in net.inner_text("#legend")


def test_highlight_draws_partners_on_top_and_dims_the_rest(net, demo):
    _, ties, orgs = demo
    i = net.evaluate(f"ncNetwork.index({json.dumps(HUB)})")
    net.evaluate(f"ncNetwork.select({i})")
    net.wait_for_timeout(100)
    sc = net.evaluate("ncNetwork.scene()")
    hub_id = orgs.loc[orgs["name"] == HUB, "org_id"].iloc[0]
    bb = ties[ties["in_backbone"]]
    partners = bb[(bb["source"] == hub_id) | (bb["target"] == hub_id)]
    assert sc["hi"] == len(partners) and sc["top"] == len(partners) + 1
    assert HUB in net.inner_text("#info")


def test_ego_view_table_copy_and_csv(net, demo):
    _, ties, orgs = demo
    hub_id = orgs.loc[orgs["name"] == HUB, "org_id"].iloc[0]
    names = orgs.set_index("org_id")["name"]
    mine = ties[(ties["source"] == hub_id) | (ties["target"] == hub_id)]
    partner_ids = set(mine["source"]) | set(mine["target"])
    partner_ids.discard(hub_id)
    i = net.evaluate(f"ncNetwork.index({json.dumps(HUB)})")
    net.evaluate(f"ncNetwork.select({i})")
    net.click("#ego1")
    G = nx.from_pandas_edgelist(ties, "source", "target")
    ego_ties = G.subgraph(partner_ids | {hub_id}).number_of_edges()
    assert counts(net) == {"orgs": len(partner_ids) + 1, "ties": ego_ties}
    rows = net.locator("#ego tbody tr")
    assert rows.count() == len(partner_ids)
    first = rows.first.locator("td").all_inner_texts()
    shared = mine.assign(other=lambda d: d["source"].where(d["target"] == hub_id, d["target"]))
    expected = shared.set_index("other")["shared_projects"]
    by_name = {names[k]: v for k, v in expected.items()}
    assert int(first[-1]) == max(expected) == by_name[first[0]]
    net.screenshot(path=str(ARTIFACTS / "network_ego.png"))
    net.click("#egoCopy")
    copied = net.evaluate("window.ncLastCopy")
    assert copied.count("\r\n") == len(partner_ids) + 1 and first[0] in copied
    with net.expect_download() as dl:
        net.click("#egoCsv")
    raw = open(dl.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(dl.value.path(), encoding="utf-8-sig")
    assert len(table) == len(partner_ids) and set(table.iloc[:, 0]) == {names[k] for k in partner_ids}
    # two steps: networkx's ego graph of radius 2 on every tie
    net.click("#ego2")
    assert counts(net)["orgs"] == nx.ego_graph(G, hub_id, radius=2).number_of_nodes()
    net.click("#egoExit")
    assert counts(net)["ties"] == int(ties["in_backbone"].sum())


def _pairs_in(demo_dir, years):
    ds = nc.load_dataset(nc.datasets.get_path("korea_cluster_tables"))
    part = ds.participations[["project_id", "org_id"]].merge(ds.projects[["project_id", "year"]], on="project_id")
    part = part[part["year"].isin(years)].drop_duplicates()
    m = part.merge(part, on="project_id")
    m = m[m["org_id_x"] < m["org_id_y"]]
    return m.groupby(["org_id_x", "org_id_y"]).size()


def test_year_slider_single_and_cumulative(net, demo):
    out, ties, _ = demo
    bb = ties[ties["in_backbone"]].set_index(["source", "target"])
    key = bb.index
    net.select_option("#yearMode", "single")
    net.fill("#year", str(2010 - 2005))
    single = _pairs_in(out, [2010])
    assert counts(net)["ties"] == int(key.isin(single.index).sum())
    assert "2010" in net.inner_text("#yearLabel")
    net.select_option("#yearMode", "upto")
    upto = _pairs_in(out, range(2005, 2011))
    assert counts(net)["ties"] == int(key.isin(upto.index).sum())
    # minimum joint projects counts the selected years' projects
    net.fill("#minShared", "2")
    assert counts(net)["ties"] == int(key.isin(upto[upto >= 2].index).sum())


def test_png_and_svg_export_of_the_view(net):
    i = net.evaluate(f"ncNetwork.index({json.dumps(HUB)})")
    net.evaluate(f"ncNetwork.select({i})")
    with net.expect_download() as dl:
        net.click("#png")
    png = open(dl.value.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000
    with net.expect_download() as dl:
        net.click("#svg")
    assert dl.value.suggested_filename.endswith(".svg")
    root = ET.parse(dl.value.path()).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(ns + "text")]
    assert HUB in texts and len(list(root.iter(ns + "circle"))) > 100
    assert not list(root.iter(ns + "script"))


def test_tooltip_follows_and_leaves(net):
    i = net.evaluate(f"ncNetwork.index({json.dumps(HUB)})")
    x, y = net.evaluate(f"ncNetwork.screen({i})")
    box = net.locator("#canvas").bounding_box()
    net.mouse.move(box["x"] + x, box["y"] + y)
    net.wait_for_timeout(100)
    assert net.is_visible("#tip") and HUB in net.inner_text("#tip")
    net.mouse.move(5, 5)
    net.wait_for_timeout(100)
    assert not net.is_visible("#tip")


def test_phone_layout(browser, demo):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto((demo[0] / "network.html").resolve().as_uri())
    page.wait_for_selector("body[data-drawn='1']", timeout=15000)
    assert not page.is_visible("#side")
    assert page.locator("#canvas").bounding_box()["width"] >= 380
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "network_phone.png"))
    page.click("#menuToggle")
    assert page.is_visible("#side") and page.is_visible("#search")
    page.close()


# ---------------------------------------------------------------- regions.html
@pytest.fixture()
def regions(browser, demo):  # noqa: F811
    page, attempted, errors, dialogs = open_page(browser, demo[0] / "regions.html")
    page.wait_for_selector("body[data-drawn='1']", timeout=15000)
    yield page
    assert attempted == [] and errors == [] and dialogs == []
    page.close()


def _label_boxes(page, selector="#map text.lab"):
    return page.evaluate(f"""() => Array.from(document.querySelectorAll('{selector}')).map(t => {{
        const b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; }})""")


def _overlaps(boxes):
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[2] - 0.5 and a[2] > b[0] + 0.5 and a[1] < b[3] - 0.5 and a[3] > b[1] + 0.5]


def test_map_shows_the_provinces_and_the_chosen_figure(regions, demo):
    out = demo[0]
    assert regions.locator("#map path.prov").count() == 17
    fills = set(regions.eval_on_selector_all("#map path.prov", "ps => ps.map(p => p.getAttribute('fill'))"))
    assert len(fills) > 5
    op = pd.read_csv(out / "openness.csv", encoding="utf-8-sig").set_index("region")
    busan = regions.locator("#map text.val").nth(
        regions.eval_on_selector_all("#map text.lab", "ts => ts.map(t => t.textContent)").index("부산"))
    assert busan.text_content() == f"{100 * op.loc['부산', 'external_share']:.1f}%"
    regions.select_option("#figure", label="기관 수")
    assert set(regions.eval_on_selector_all("#map path.prov", "ps => ps.map(p => p.getAttribute('fill'))")) != fills
    assert "공공누리" in regions.inner_text("body") or "공공누리" in regions.content()
    assert _overlaps(_label_boxes(regions)) == []
    regions.screenshot(path=str(ARTIFACTS / "regions_map.png"), full_page=True)


def test_map_ties_filter_and_highlight(regions, demo):
    rm = pd.read_csv(demo[0] / "region_matrix.csv", encoding="utf-8-sig")
    between = rm[(rm["region_a"] != rm["region_b"]) & (rm["ties"] > 0)]
    assert regions.evaluate("ncRegions.ties()") == len(between)
    k = int(between["ties"].median())
    regions.fill("#minTies", str(k))
    assert regions.evaluate("ncRegions.ties()") == int((between["ties"] >= k).sum())
    regions.fill("#minTies", "1")
    regions.locator("#table tbody tr", has_text="제주").first.click()
    lit = regions.evaluate("Array.from(document.querySelectorAll('#map path.tie:not(.faded)')).length")
    assert lit == int(((between["region_a"] == "제주") | (between["region_b"] == "제주")).sum())
    # tooltip of a province
    box = regions.locator("#map path.prov[data-prov='강원']").bounding_box()
    regions.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    assert regions.is_visible("#tip") and "강원" in regions.inner_text("#tip")


def test_map_exports(regions):
    with regions.expect_download() as dl:
        regions.click("#svg")
    root = ET.parse(dl.value.path()).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert len([p for p in root.iter(ns + "path") if p.get("class") == "prov"]) == 17
    assert "부산" in [t.text for t in root.iter(ns + "text")]
    with regions.expect_download() as dl:
        regions.click("#png")
    assert open(dl.value.path(), "rb").read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_map_on_a_phone(browser, demo):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto((demo[0] / "regions.html").resolve().as_uri())
    page.wait_for_selector("body[data-drawn='1']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#map").bounding_box()["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "regions_phone.png"), full_page=True)
    page.close()


def test_keep_export_pages(browser, shared_data, tmp_path):  # noqa: F811
    """A real EU export: no map text, readable labels, the network grown from the backbone."""
    out = tmp_path / "keep"
    analyze(shared_data / "keep_interreg_2014_2020" / "keep_closed_1420_Partnership.csv", out,
            mapping=nc.datasets.mapping_path("keep_interreg"), n_permutations=9)
    page, attempted, errors, _ = open_page(browser, out / "regions.html")
    page.wait_for_selector("body[data-drawn='1']")
    assert page.locator("#map path.prov").count() == 0 and "KOGL" not in page.content()
    assert _overlaps(_label_boxes(page)) == []
    page.screenshot(path=str(ARTIFACTS / "regions_keep.png"))
    page.close()
    page, attempted2, errors2, _ = open_page(browser, out / "network.html")
    page.wait_for_selector("body[data-drawn='1']", timeout=30000)
    c = page.evaluate("ncNetwork.counts()")
    assert c["orgs"] == 2000 and c["ties"] > 0
    assert len(page.evaluate("ncNetwork.labels()")) >= 15
    page.screenshot(path=str(ARTIFACTS / "network_keep.png"))
    page.close()
    assert attempted == attempted2 == [] and errors == errors2 == []
