/* netcluster region page: choropleth of a chosen figure, ties filtered by a minimum, a region's
   ties highlighted on click, tooltips and PNG/SVG export.  Names reach the DOM as text only. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("nc-data").textContent);
  var T = D.text, svg = document.getElementById("map"), tip = document.getElementById("tip");
  var NS = "http://www.w3.org/2000/svg";
  var fig = 0, minTies = 1, selected = null;
  var SEQ = [[255, 255, 229], [247, 252, 185], [173, 221, 142], [65, 171, 93], [0, 104, 55]];  // YlGn: the blue/red ties stay visible
  var DIV = [[179, 88, 6], [241, 163, 64], [247, 247, 247], [153, 142, 195], [84, 39, 136]];
  var RATIO = [[33, 102, 172], [146, 197, 222], [200, 200, 200], [244, 165, 130], [178, 24, 43]];
  function mix(stops, t) {
    t = Math.max(0, Math.min(1, t));
    var x = t * (stops.length - 1), i = Math.min(Math.floor(x), stops.length - 2), f = x - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + (stops[i + 1][k] - v) * f); });
    return "rgb(" + c.join(",") + ")";
  }
  function fmt(tpl, v) { return tpl.replace(/\{(\w+)\}/g, function (_, k) { return v[k]; }); }
  function loc(x) { return x.toLocaleString(D.lang === "ko" ? "ko-KR" : "en-GB"); }
  function range(f) {  // the data's range (the legend states it); E-I symmetric around 0
    var vals = f.values.filter(function (v) { return v !== null; });
    if (!vals.length) return [0, 1];
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (f.kind === "diverging") { var m = Math.max(Math.abs(lo), Math.abs(hi), 0.05); return [-m, m]; }
    if (hi - lo < 1e-9) return [lo - (lo ? Math.abs(lo) * 0.1 : 1), hi + (hi ? Math.abs(hi) * 0.1 : 1)];
    return [lo, hi];
  }
  function colour(f, v) {
    if (v === null || v === undefined) return "#eeeeee";
    var r = range(f), t = (v - r[0]) / (r[1] - r[0]);
    return mix(f.kind === "diverging" ? DIV : SEQ, t);
  }
  function show(f, v) {
    if (v === null || v === undefined) return "–";
    if (f.kind === "share") return (100 * v).toFixed(1) + "%";
    if (f.kind === "diverging") return (v > 0 ? "+" : "") + v.toFixed(2);
    return loc(v);
  }
  function ratioColour(r) {
    if (r === null || r === undefined || !(r > 0)) return "#999999";
    return mix(RATIO, (Math.log(r) / Math.LN2 + 2) / 4);
  }
  var shapes = Array.prototype.slice.call(svg.querySelectorAll(".prov, .dot"));
  var ties = Array.prototype.slice.call(svg.querySelectorAll(".tie"));
  var vals = Array.prototype.slice.call(svg.querySelectorAll("text.val"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#table tbody tr"));
  ties.forEach(function (p) { p.setAttribute("stroke", ratioColour(D.ties[+p.dataset.t].r)); });
  function paint() {
    var f = D.figures[fig];
    shapes.forEach(function (s) {
      var g = +s.dataset.g;
      s.setAttribute("fill", g >= 0 ? colour(f, f.values[g]) : "#f4f4f4");
      s.classList.toggle("sel", selected !== null && g === selected);
      s.classList.toggle("faded", selected !== null && g !== selected);
    });
    vals.forEach(function (t) { t.textContent = show(f, f.values[+t.dataset.g]); });
    ties.forEach(function (p) {
      var e = D.ties[+p.dataset.t];
      p.style.display = e.n >= minTies ? "" : "none";
      p.classList.toggle("faded", selected !== null && e.a !== selected && e.b !== selected);
    });
    rows.forEach(function (r) { r.classList.toggle("sel", selected !== null && +r.dataset.g === selected); });
    document.getElementById("minTiesLabel").textContent = fmt(T.map_min_ties, {n: loc(minTies)});
    legend(f);
  }
  function svgEl(tag, a, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in a) e.setAttribute(k, a[k]);
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  function legend(f) {
    var box = document.getElementById("legend");
    box.textContent = "";
    var s = svgEl("svg", {width: "320", height: "150", viewBox: "0 0 320 150"}, box);
    var r = range(f), n = 40;
    for (var i = 0; i < n; i++) {
      var v = r[0] + (r[1] - r[0]) * (i + 0.5) / n;
      svgEl("rect", {x: String(10 + i * 5), y: "4", width: "5.5", height: "12", fill: colour(f, v)}, s);
    }
    [0, 0.5, 1].forEach(function (q) {
      var v = r[0] + (r[1] - r[0]) * q;
      svgEl("text", {x: String(10 + q * 200), y: "28", "text-anchor": q === 0 ? "start" : q === 1 ? "end" : "middle", "class": "t"}, s, show(f, v));
    });
    svgEl("rect", {x: "236", y: "4", width: "12", height: "12", fill: "#eeeeee", stroke: "#bbb"}, s);
    svgEl("text", {x: "252", y: "14", "class": "t"}, s, T.map_no_value);
    svgEl("text", {x: "10", y: "50", "class": "t"}, s, T.map_width_legend);
    var widths = [D.maxTies, Math.max(1, Math.round(D.maxTies / 4)), 1];
    widths.forEach(function (t, k) {
      var w = 0.6 + 8 * Math.sqrt(t / D.maxTies), x = 10 + k * 95;
      svgEl("line", {x1: String(x), y1: "64", x2: String(x + 40), y2: "64", stroke: "#666", "stroke-width": w.toFixed(1)}, s);
      svgEl("text", {x: String(x + 46), y: "68", "class": "t"}, s, loc(t));
    });
    svgEl("text", {x: "10", y: "94", "class": "t"}, s, T.map_ratio_legend);
    [0.25, 0.5, 1, 2, 4].forEach(function (q, k) {
      var x = 10 + k * 56;
      svgEl("line", {x1: String(x), y1: "108", x2: String(x + 40), y2: "108", stroke: ratioColour(q), "stroke-width": "5"}, s);
      svgEl("text", {x: String(x + 20), y: "126", "text-anchor": "middle", "class": "t"}, s, "×" + (q < 1 ? "1/" + (1 / q) : q));
    });
    svgEl("text", {x: "10", y: "143", "class": "t"}, s, "← " + T.map_fewer);
    svgEl("text", {x: "290", y: "143", "text-anchor": "end", "class": "t"}, s, T.map_more + " →");
  }
  var figSel = document.getElementById("figure"), slider = document.getElementById("minTies");
  figSel.onchange = function () { fig = +figSel.value; paint(); };
  slider.oninput = function () { minTies = +slider.value; paint(); };
  function choose(g) { selected = (selected === g || g < 0) ? null : g; paint(); }
  shapes.forEach(function (s) { s.addEventListener("click", function () { choose(+s.dataset.g); }); });
  rows.forEach(function (r) { r.addEventListener("click", function () { choose(+r.dataset.g); }); });
  svg.addEventListener("click", function (ev) { if (ev.target === svg || ev.target.tagName === "rect") { selected = null; paint(); } });
  // tooltips
  function place(ev) {
    var b = document.getElementById("mapbox").getBoundingClientRect();
    tip.hidden = false;
    tip.style.left = Math.min(ev.clientX - b.left + 12, b.width - tip.offsetWidth - 4) + "px";
    tip.style.top = Math.min(ev.clientY - b.top + 12, b.height - tip.offsetHeight - 4) + "px";
  }
  function lines(list) {
    tip.textContent = "";
    list.forEach(function (l, i) { var d = document.createElement(i ? "div" : "b"); d.textContent = l; tip.appendChild(d); });
  }
  var inside = {}, across = {};
  rows.forEach(function (r) {
    var c = r.querySelectorAll("td");
    inside[r.dataset.g] = c[2].textContent; across[r.dataset.g] = c[3].textContent;
    r.dataset.orgs = c[1].textContent;
  });
  var orgs = {};
  rows.forEach(function (r) { orgs[r.dataset.g] = r.dataset.orgs; });
  shapes.forEach(function (s) {
    s.addEventListener("mousemove", function (ev) {
      var g = +s.dataset.g;
      if (g < 0) { tip.hidden = true; return; }
      var f = D.figures[fig];
      lines([D.groups[g], f.label + ": " + show(f, f.values[g]), T.tip_orgs + orgs[g], T.tip_inside + inside[g],
             T.tip_across + across[g]]);
      place(ev);
    });
    s.addEventListener("mouseleave", function () { tip.hidden = true; });
  });
  ties.forEach(function (p) {
    p.addEventListener("mousemove", function (ev) {
      var e = D.ties[+p.dataset.t];
      lines([D.groups[e.a] + " – " + D.groups[e.b], T.tip_ties + loc(e.n),
             T.tip_ratio + (e.r === null ? "–" : e.r.toFixed(2))]);
      place(ev);
    });
    p.addEventListener("mouseleave", function () { tip.hidden = true; });
  });
  // export
  function svgText() {
    var c = svg.cloneNode(true);
    c.setAttribute("width", svg.viewBox.baseVal.width);
    c.setAttribute("height", svg.viewBox.baseVal.height);
    var st = document.createElementNS(NS, "style");
    var font = getComputedStyle(document.body).fontFamily.replace(/"/g, "'");
    st.textContent = "text{font-family:" + font + "}.lab{font-size:12.5px;font-weight:bold;fill:#111;stroke:#fff;" +
      "stroke-width:3px;paint-order:stroke}.val{font-size:11px;fill:#333;stroke:#fff;stroke-width:3px;paint-order:stroke}" +
      ".small{font-size:9.5px;fill:#666}.faded{stroke-opacity:.06}";
    c.insertBefore(st, c.firstChild);
    Array.prototype.forEach.call(c.querySelectorAll(".tie"), function (p) { if (p.style.display === "none") p.remove(); });
    return new XMLSerializer().serializeToString(c);
  }
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  document.getElementById("svg").onclick = function () { save(new Blob([svgText()], {type: "image/svg+xml"}), "regions.svg"); };
  document.getElementById("png").onclick = function () {
    var vb = svg.viewBox.baseVal, img = new Image();
    img.onload = function () {
      var c = document.createElement("canvas");
      c.width = vb.width * 2; c.height = vb.height * 2;
      var g = c.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height); g.scale(2, 2);
      g.drawImage(img, 0, 0, vb.width, vb.height);
      c.toBlob(function (b) { save(b, "regions.png"); }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText());
  };
  window.ncRegions = {
    figure: function (i) { figSel.value = String(i); fig = i; paint(); },
    choose: choose, ties: function () { return ties.filter(function (p) { return p.style.display !== "none"; }).length; },
    svg: svgText
  };
  paint();
  document.body.setAttribute("data-drawn", "1");
})();
