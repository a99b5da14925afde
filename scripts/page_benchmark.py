#!/usr/bin/env python
"""How fast network.html opens and answers in headless Chromium with many organisations drawn.

    python scripts/page_benchmark.py --rows 40000 --max-nodes 10000 --out page_benchmark.json

Generates a synthetic export, runs ``analyze`` with ``--max-network-nodes``, opens the page in
Debian's Chromium (network blocked) and measures: load to first drawing, a redraw (zoom), a
selection, the backbone/all-ties switch, the year slider, a search keystroke and the PNG
export.  Timings are measurements for docs/benchmark.md, not test assertions.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=40_000)
    ap.add_argument("--max-nodes", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="folder for the input and outputs (default: temporary)")
    ap.add_argument("--out", default="page_benchmark.json")
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    base = Path(a.keep or tempfile.mkdtemp(prefix="ncpage-"))
    inp = base / "input"
    if not (inp / "korea_cluster_tables").exists():
        subprocess.run([sys.executable, "-m", "netcluster.cli", "generate", "--out", str(inp), "--rows", str(a.rows),
                        "--tables-only", "--seed", "1"], check=True, capture_output=True)
    out = base / "out"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "netcluster.cli", "analyze", str(inp / "korea_cluster_tables"), "--out",
                    str(out), "--max-network-nodes", str(a.max_nodes), "--permutations", "99", "--quiet"],
                   check=True, capture_output=True)
    analyze_s = time.perf_counter() - t
    html = out / "network.html"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    runs = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(a.repeat):
            page = b.new_page(viewport={"width": 1400, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            t0 = time.perf_counter()
            page.goto(html.resolve().as_uri())
            page.wait_for_selector("body[data-drawn='1']", timeout=120_000)
            load = time.perf_counter() - t0
            counts = page.evaluate("ncNetwork.counts()")

            def timed(js):
                return page.evaluate("""(js) => { const t = performance.now(); (0, eval)(js);
                    return new Promise(r => requestAnimationFrame(() => r(performance.now() - t))); }""", js)
            r = {"load_to_drawn_s": round(load, 3), "shown": counts,
                 "zoom_redraw_ms": round(timed("document.getElementById('zoomIn').click()"), 1),
                 "select_ms": round(timed("ncNetwork.select(0)"), 1),
                 "all_ties_ms": round(timed("document.getElementById('tiesAll').click()"), 1),
                 "search_keystroke_ms": round(timed(
                     "const s=document.getElementById('search'); s.value='대학'; s.dispatchEvent(new Event('input'))"), 1)}
            if page.locator("#yearMode").count():
                r["year_slider_ms"] = round(timed(
                    "const m=document.getElementById('yearMode'); m.value='upto'; m.dispatchEvent(new Event('change'))"), 1)
            t1 = time.perf_counter()
            with page.expect_download():
                page.click("#png")
            r["png_export_s"] = round(time.perf_counter() - t1, 3)
            runs.append(r)
            page.close()
        b.close()
    info = {"rows": a.rows, "max_nodes": a.max_nodes, "analyze_s": round(analyze_s, 1),
            "page_bytes": html.stat().st_size, "runs": runs}
    Path(a.out).write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(info, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
