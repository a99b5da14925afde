/* netcluster network page: a canvas drawing of the organisation network with labels that do
   not overlap, search, filters, backbone / all ties, minimum joint projects, years, ego view
   and PNG/SVG export.  Every name reaches the DOM through textContent and the canvas/SVG as
   text: nothing from the data is parsed as HTML.  No request is made. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("nc-data").textContent);
  var T = D.text;
  var N = D.nodes.length, M = D.edges.a.length;
  var EA = D.edges.a, EB = D.edges.b, EW = D.edges.w, ES = D.edges.s, EBB = D.edges.bb;
  var col = {};
  D.cols.forEach(function (c, i) { col[c] = i; });
  var hasYears = D.year0 !== null && D.year0 !== undefined;
  // tie e's (year, joint projects) pairs: D.edgeYears[YA[e] .. YA[e + 1]) (from the pairs per tie)
  var YA = null;
  if (hasYears) {
    YA = new Int32Array(D.edgeYearPairs.length + 1);
    for (var t = 0; t < D.edgeYearPairs.length; t++) YA[t + 1] = YA[t] + 2 * D.edgeYearPairs[t];
  }

  // ---------------------------------------------------------------- helpers
  function fmt(tpl, v) {
    return tpl.replace(/\{(\w+)(:,)?\}/g, function (_, k, comma) {
      var x = v[k];
      if (x === undefined || x === null) return "";
      return (comma || typeof x === "number") && typeof x === "number" ? x.toLocaleString(D.lang === "ko" ? "ko-KR" : "en-GB") : String(x);
    });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (k === "className") e.className = attrs[k]; else e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function attr(n, a) { var v = n.a[col[a]]; return v === undefined ? null : v; }
  function key(v) { return v === null || v === undefined ? "(unknown)" : String(v); }
  function shownValue(a, v) {
    var k = key(v), m = D.valueLabels[a];
    return (m && m[k] !== undefined) ? m[k] : k;
  }
  function label(a) { return D.attrLabels[a] || a; }
  function num(v) {
    if (typeof v !== "number") return v === null || v === undefined ? "–" : String(v);
    return Math.floor(v) === v ? v.toLocaleString() : v.toPrecision(4);
  }
  // search key: NFKC, lower case, no spaces or punctuation, legal-form words left out
  var FORMS = /주식회사|유한회사|유한책임회사|합자회사|합명회사|사단법인|재단법인|\(주\)|\(유\)|\(사\)|\(재\)|㈜/g;
  function norm(s) {
    return String(s).normalize("NFKC").toLowerCase().replace(FORMS, "")
      .replace(/[\s.,·'"`()\[\]{}\-_/\\&+:;]+/g, "");
  }
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // ---------------------------------------------------------------- data
  var nodes = D.nodes.map(function (n, i) {
    n.i = i; n.k = norm(n.label);
    if (hasYears) { n.ys = {}; (n.y_ || []).forEach(function (y) { n.ys[y] = true; }); }
    return n;
  });
  var adj = [];  // node -> list of edge numbers
  for (var i = 0; i < N; i++) adj.push([]);
  for (var e = 0; e < M; e++) { adj[EA[e]].push(e); adj[EB[e]].push(e); }
  var maxShared = 1;
  for (e = 0; e < M; e++) if (ES[e] > maxShared) maxShared = ES[e];

  // ---------------------------------------------------------------- state
  var S = {
    colorBy: D.colorAttrs[0], sizeBy: D.sizeMeasures[0], hidden: {}, backbone: D.backboneFirst,
    minShared: 1, yearMode: "all", year: hasYears ? D.year1 - D.year0 : 0, isolates: false,
    selected: null, ego: null, egoSteps: 1, match: null
  };
  D.colorAttrs.concat(D.filterAttrs).forEach(function (a) { S.hidden[a] = {}; });
  var nodeOn = new Uint8Array(N), edgeOn = new Uint8Array(M), edgeNow = new Float64Array(M), deg = new Int32Array(N);
  var egoSet = null, egoStep = null, egoXY = null;
  var counts = {orgs: 0, ties: 0};

  function edgeShared(e) {  // joint projects of the tie in the selected years
    if (!hasYears || S.yearMode === "all") return ES[e];
    var ys = D.edgeYears, s = 0;
    for (var j = YA[e]; j < YA[e + 1]; j += 2) {
      if (S.yearMode === "upto" ? ys[j] <= S.year : ys[j] === S.year) s += ys[j + 1];
    }
    return s;
  }
  function nodeInYears(n) {
    if (!hasYears || S.yearMode === "all") return true;
    if (S.yearMode === "single") return !!n.ys[S.year];
    for (var y in n.ys) if (+y <= S.year) return true;
    return false;
  }
  function passesFilters(n) {
    for (var a in S.hidden) { if (S.hidden[a][key(attr(n, a))]) return false; }
    return true;
  }
  // which nodes and ties are on: the ego view ignores filters and the backbone switch
  function recompute() {
    var base = new Uint8Array(N);
    for (var i = 0; i < N; i++) base[i] = (S.ego !== null || passesFilters(nodes[i])) && nodeInYears(nodes[i]) ? 1 : 0;
    deg.fill(0);
    for (var e = 0; e < M; e++) {
      var s = edgeShared(e);
      edgeNow[e] = s;
      var on = s >= S.minShared && s > 0 && base[EA[e]] && base[EB[e]] && (S.ego !== null || !S.backbone || EBB[e]);
      edgeOn[e] = on ? 1 : 0;
    }
    if (S.ego !== null) {
      egoSet = {}; egoStep = {};
      egoSet[S.ego] = true; egoStep[S.ego] = 0;
      var frontier = [S.ego];
      for (var step = 1; step <= S.egoSteps; step++) {
        var next = [];
        frontier.forEach(function (v) {
          adj[v].forEach(function (e) {
            if (!edgeOn[e]) return;
            var u = EA[e] === v ? EB[e] : EA[e];
            if (!egoSet[u]) { egoSet[u] = true; egoStep[u] = step; next.push(u); }
          });
        });
        frontier = next;
      }
      for (e = 0; e < M; e++) if (edgeOn[e] && !(egoSet[EA[e]] && egoSet[EB[e]])) edgeOn[e] = 0;
      egoLayout();
    } else { egoSet = null; egoStep = null; egoXY = null; }
    var ties = 0;
    for (e = 0; e < M; e++) if (edgeOn[e]) { deg[EA[e]]++; deg[EB[e]]++; ties++; }
    var orgs = 0;
    for (i = 0; i < N; i++) {
      var on = base[i] && (S.ego !== null ? !!egoSet[i] : (S.isolates || deg[i] > 0));
      nodeOn[i] = on ? 1 : 0;
      if (on) orgs++;
    }
    counts = {orgs: orgs, ties: ties};
  }
  function egoLayout() {  // the ego in the middle, partners on a ring, the second step outside
    egoXY = {};
    egoXY[S.ego] = [0, 0];
    var ring1 = [], ring2 = [];
    for (var k in egoStep) { if (egoStep[k] === 1) ring1.push(+k); else if (egoStep[k] === 2) ring2.push(+k); }
    function byType(a, b) {
      var ta = key(attr(nodes[a], "org_type")), tb = key(attr(nodes[b], "org_type"));
      return ta < tb ? -1 : ta > tb ? 1 : nodes[b].s - nodes[a].s || a - b;
    }
    ring1.sort(byType);
    var r1 = Math.max(260, ring1.length * 26 / (2 * Math.PI));
    var angle = {};
    ring1.forEach(function (v, j) {
      var t = 2 * Math.PI * j / Math.max(ring1.length, 1) - Math.PI / 2;
      angle[v] = t; egoXY[v] = [r1 * Math.cos(t), r1 * Math.sin(t)];
    });
    ring2.forEach(function (v) {  // near its first partner on the inner ring
      var best = null;
      adj[v].forEach(function (e) {
        if (!edgeOn[e]) return;
        var u = EA[e] === v ? EB[e] : EA[e];
        if (angle[u] !== undefined && (best === null || angle[u] < best)) best = angle[u];
      });
      nodes[v]._a = best === null ? 0 : best;
    });
    ring2.sort(function (a, b) { return nodes[a]._a - nodes[b]._a || a - b; });
    var r2 = Math.max(r1 + 240, ring2.length * 22 / (2 * Math.PI));
    ring2.forEach(function (v, j) {
      var t = 2 * Math.PI * j / Math.max(ring2.length, 1) - Math.PI / 2;
      egoXY[v] = [r2 * Math.cos(t), r2 * Math.sin(t)];
    });
  }
  function X(n) { return egoXY && egoXY[n.i] ? egoXY[n.i][0] : n.x; }
  function Y(n) { return egoXY && egoXY[n.i] ? egoXY[n.i][1] : n.y; }

  // ---------------------------------------------------------------- colours and sizes
  function colourOf(n) {
    var pal = D.palettes[S.colorBy] || {};
    return pal[key(attr(n, S.colorBy))] || "#999999";
  }
  function radius(n) {  // in screen pixels; grows slowly with zoom
    var m = D.ranges[S.sizeBy], v = attr(n, S.sizeBy);
    var base = 3;
    if (m && m[1] > m[0] && typeof v === "number") base = 2.5 + 11 * Math.sqrt(Math.max(0, (v - m[0]) / (m[1] - m[0])));
    var screen = Math.min(1, Math.max(0.55, Math.min(W, H) / 800));  // smaller dots on a phone
    return base * screen * Math.min(2.2, Math.max(0.6, Math.sqrt(view.k / view.k0)));
  }
  var sizeRank = [];
  function rankBySize() {
    sizeRank = nodes.map(function (n) { return n.i; });
    sizeRank.sort(function (a, b) {
      var va = attr(nodes[a], S.sizeBy), vb = attr(nodes[b], S.sizeBy);
      va = typeof va === "number" ? va : -Infinity; vb = typeof vb === "number" ? vb : -Infinity;
      return vb - va || nodes[b].s - nodes[a].s || a - b;
    });
  }

  // ---------------------------------------------------------------- canvas and view
  var canvas = document.getElementById("canvas"), ctx = canvas.getContext("2d");
  var box = document.getElementById("net");
  var view = {x: 0, y: 0, k: 1, k0: 1}, dpr = window.devicePixelRatio || 1, W = 0, H = 0;
  var FONT = getComputedStyle(document.body).fontFamily;
  function resize() {
    var r = box.getBoundingClientRect();
    W = Math.max(1, r.width); H = Math.max(1, r.height);
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    schedule();
  }
  function fit() {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, any = false;
    for (var i = 0; i < N; i++) {
      if (!nodeOn[i]) continue;
      var n = nodes[i]; any = true;
      x0 = Math.min(x0, X(n)); x1 = Math.max(x1, X(n)); y0 = Math.min(y0, Y(n)); y1 = Math.max(y1, Y(n));
    }
    if (!any) { x0 = -1000; x1 = 1000; y0 = -1000; y1 = 1000; }
    var pad = 40, w = Math.max(x1 - x0, 1), h = Math.max(y1 - y0, 1);
    view.k = Math.min((W - 2 * pad) / w, (H - 2 * pad) / h);
    if (!isFinite(view.k) || view.k <= 0) view.k = 1;
    view.k = Math.min(view.k, 4);
    view.k0 = view.k;
    view.x = (x0 + x1) / 2; view.y = (y0 + y1) / 2;
    schedule();
  }
  function sx(n) { return (X(n) - view.x) * view.k + W / 2; }
  function sy(n) { return (Y(n) - view.y) * view.k + H / 2; }
  var pending = false;
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; draw(); }); } }

  function focusSet() {  // the selected organisation and its partners in the view
    if (S.selected === null || !nodeOn[S.selected]) return null;
    var f = {}; f[S.selected] = true;
    adj[S.selected].forEach(function (e) { if (edgeOn[e]) { f[EA[e]] = true; f[EB[e]] = true; } });
    return f;
  }
  function edgeWidth(s) { return 0.6 + 0.9 * Math.log(s) / Math.LN2; }

  // the scene in screen coordinates: used by the canvas, the SVG export and hit testing
  function scene() {
    var f = focusSet(), dim = f !== null;
    var edges = [], hi = [], dots = [], top = [];
    var alpha = Math.max(0.12, Math.min(0.55, 600 / Math.max(counts.ties, 1)));
    for (var e = 0; e < M; e++) {
      if (!edgeOn[e]) continue;
      var a = nodes[EA[e]], b = nodes[EB[e]];
      var item = {x1: sx(a), y1: sy(a), x2: sx(b), y2: sy(b), w: edgeWidth(edgeNow[e]), e: e};
      if (dim && (EA[e] === S.selected || EB[e] === S.selected)) { item.c = "rgba(40,40,40,0.85)"; hi.push(item); }
      else { item.c = dim ? "rgba(150,150,150,0.10)" : "rgba(110,120,135," + alpha.toFixed(3) + ")"; edges.push(item); }
    }
    for (var i = 0; i < N; i++) {
      if (!nodeOn[i]) continue;
      var n = nodes[i], x = sx(n), y = sy(n), r = radius(n);
      if (x < -50 || y < -50 || x > W + 50 || y > H + 50) continue;
      var d = {n: n, x: x, y: y, r: r, fill: colourOf(n), stroke: "#333"};
      if (dim && !f[i]) { d.fill = "#e4e4e4"; d.stroke = "#d0d0d0"; d.r = Math.min(r, 4); dots.push(d); }
      else if (dim) { d.stroke = i === S.selected ? "#000" : "#333"; d.lw = i === S.selected ? 3 : 1.2; top.push(d); }
      else dots.push(d);
    }
    if (!dim) dots.sort(function (p, q) { return p.r - q.r || p.n.i - q.n.i; });  // large hubs on top
    return {edges: edges, hi: hi, dots: dots, top: top, labels: placeLabels(dots, top, f)};
  }
  // labels: in order of importance, skipping any that would overlap one already placed
  var widthCache = {};
  function textWidth(s, size) {
    var k = size + "|" + s;
    if (widthCache[k] === undefined) { ctx.font = size + "px " + FONT; widthCache[k] = ctx.measureText(s).width; }
    return widthCache[k];
  }
  function placeLabels(dots, top, f) {
    var byNode = {};
    dots.concat(top).forEach(function (d) { byNode[d.n.i] = d; });
    var order = [];
    if (S.selected !== null) order.push(S.selected);
    if (S.match !== null) order.push(S.match);
    if (f) Object.keys(f).map(Number).sort(function (a, b) { return nodes[b].s - nodes[a].s; }).forEach(function (i) { order.push(i); });
    if (S.ego !== null) Object.keys(egoSet).map(Number).forEach(function (i) { order.push(i); });
    // the most central first; how many grows with the zoom (more names as you zoom in)
    var zoom = view.k / view.k0, limit = S.ego !== null ? 400 : Math.round(Math.min(300, 45 * Math.pow(zoom, 1.5)));
    var ranked = 0;
    for (var j = 0; j < sizeRank.length && ranked < limit * 4; j++) {
      if (nodeOn[sizeRank[j]]) { order.push(sizeRank[j]); ranked++; }
    }
    var placed = [], grid = {}, seen = {}, cell = 80;
    function cells(b, fn) {
      for (var gx = Math.floor(b[0] / cell); gx <= Math.floor(b[2] / cell); gx++)
        for (var gy = Math.floor(b[1] / cell); gy <= Math.floor(b[3] / cell); gy++) if (fn(gx + ":" + gy)) return true;
      return false;
    }
    for (j = 0; j < order.length && placed.length < limit; j++) {
      var i = order[j];
      if (seen[i]) continue;
      seen[i] = true;
      var d = byNode[i];
      if (!d || (f && !f[i])) continue;
      var size = i === S.selected || i === S.match ? 14 : 12;
      var text = d.n.label.length > 40 ? d.n.label.slice(0, 38) + "…" : d.n.label;
      var w = textWidth(text, size);
      var b = [d.x + d.r + 2, d.y - size * 0.6, d.x + d.r + 4 + w, d.y + size * 0.6];
      if (b[2] < 0 || b[0] > W || b[3] < 0 || b[1] > H) continue;
      var clash = cells(b, function (c) {
        var list = grid[c];
        if (!list) return false;
        for (var q = 0; q < list.length; q++) {
          var o = list[q];
          if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return true;
        }
        return false;
      });
      if (clash) continue;
      var circle = [d.x - d.r, d.y - d.r, d.x + d.r, d.y + d.r];  // later labels avoid this node too
      [b, circle].forEach(function (bb) { cells(bb, function (c) { (grid[c] = grid[c] || []).push(bb); return false; }); });
      placed.push({x: b[0], y: d.y, w: w, text: text, size: size, bold: i === S.selected || i === S.match});
    }
    return placed;
  }
  function drawLines(list) {
    var groups = {};
    list.forEach(function (l) { var k = l.c + "|" + l.w.toFixed(1); (groups[k] = groups[k] || []).push(l); });
    Object.keys(groups).forEach(function (k) {
      var g = groups[k];
      ctx.strokeStyle = g[0].c; ctx.lineWidth = +g[0].w.toFixed(1);
      ctx.beginPath();
      g.forEach(function (l) { ctx.moveTo(l.x1, l.y1); ctx.lineTo(l.x2, l.y2); });
      ctx.stroke();
    });
  }
  function drawDots(list) {
    list.forEach(function (d) {
      ctx.beginPath(); ctx.arc(d.x, d.y, d.r, 0, 2 * Math.PI);
      ctx.fillStyle = d.fill; ctx.fill();
      ctx.lineWidth = d.lw || 0.8; ctx.strokeStyle = d.stroke; ctx.stroke();
    });
  }
  var last = null;
  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#fcfcfc"; ctx.fillRect(0, 0, W, H);
    var sc = last = scene();
    drawLines(sc.edges); drawDots(sc.dots); drawLines(sc.hi); drawDots(sc.top);
    ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    sc.labels.forEach(function (l) {
      ctx.font = (l.bold ? "bold " : "") + l.size + "px " + FONT;
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.strokeText(l.text, l.x, l.y);
      ctx.fillStyle = "#1a1a1a"; ctx.fillText(l.text, l.x, l.y);
    });
    document.body.setAttribute("data-drawn", "1");
    document.body.setAttribute("data-labels", String(sc.labels.length));
  }

  // ---------------------------------------------------------------- sidebar
  var side = document.getElementById("side");
  function section(title) {
    var s = el("section");
    if (title) s.appendChild(el("h3", null, title));
    side.appendChild(s);
    return s;
  }
  // search
  var sFind = section(T.search);
  var search = el("input", {type: "search", id: "search", placeholder: T.search_ph, autocomplete: "off",
                            "aria-label": T.search});
  sFind.appendChild(search);
  var matchesBox = el("div", {id: "matches"});
  var searchMsg = el("div", {id: "searchMsg"});
  sFind.appendChild(matchesBox); sFind.appendChild(searchMsg);
  function findMatches(q) {
    var k = norm(q);
    if (!k) return [];
    var hits = [];
    nodes.forEach(function (n) {
      var p = n.k.indexOf(k);
      if (p >= 0) hits.push({n: n, p: p === 0 ? 0 : 1});
    });
    hits.sort(function (a, b) { return a.p - b.p || b.n.s - a.n.s || a.n.i - b.n.i; });
    return hits.map(function (h) { return h.n; });
  }
  function showMatches() {
    matchesBox.textContent = ""; searchMsg.textContent = "";
    var hits = findMatches(search.value);
    if (!search.value.trim()) return hits;
    if (!hits.length) { matchesBox.appendChild(el("div", {className: "muted"}, T.no_match)); return hits; }
    hits.slice(0, 12).forEach(function (n) {
      var b = el("button", {type: "button", "data-node": String(n.i)});
      b.appendChild(el("span", null, n.label));
      var sub = [shownValue(D.groupBy, attr(n, D.groupBy)), col.org_type !== undefined ? shownValue("org_type", attr(n, "org_type")) : null]
        .filter(function (x) { return x; }).join(" · ");
      if (!nodeOn[n.i]) sub += " · " + T.hidden_mark;
      b.appendChild(el("span", {className: "sub"}, " " + sub));
      b.onclick = function () { choose(n.i); };
      matchesBox.appendChild(b);
    });
    if (hits.length > 12) matchesBox.appendChild(el("div", {className: "muted"}, fmt(T.more_matches, {n: hits.length - 12})));
    return hits;
  }
  search.addEventListener("input", showMatches);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var h = showMatches(); if (h.length) choose(h[0].i); }
  });
  function choose(i) {  // from the search: select if shown, else say why and offer to show it
    S.match = i;
    matchesBox.textContent = "";
    searchMsg.textContent = "";
    if (!nodeOn[i]) {
      var m = el("div", {className: "msg"}, fmt(T.hidden, {name: nodes[i].label}) + " ");
      var b = el("button", {type: "button", id: "showIt"}, T.show_it);
      b.onclick = function () { reveal(i); };
      m.appendChild(b);
      searchMsg.appendChild(m);
      return;
    }
    select(i, true);
  }
  function reveal(i) {  // lift every choice that hides organisation i
    var n = nodes[i];
    for (var a in S.hidden) delete S.hidden[a][key(attr(n, a))];
    S.yearMode = "all"; S.minShared = 1; S.ego = null;
    var anyBackbone = adj[i].some(function (e) { return EBB[e]; });
    if (S.backbone && !anyBackbone) S.backbone = false;
    if (!adj[i].length) S.isolates = true;
    searchMsg.textContent = "";
    update();
    syncControls();
    select(i, true);
  }
  // details of the selected organisation and the ego view
  var sInfo = section(T.details);
  var info = el("div", {id: "info"});
  sInfo.appendChild(info);
  var egoBox = el("div", {id: "ego"});
  function partnerRows() {
    var rows = [];
    Object.keys(egoStep || {}).map(Number).forEach(function (v) {
      if (v === S.ego) return;
      var shared = 0, via = [];
      adj[v].forEach(function (e) {
        if (!edgeOn[e]) return;
        var u = EA[e] === v ? EB[e] : EA[e];
        if (u === S.ego) shared = edgeNow[e];
        else if (egoStep[v] === 2 && egoStep[u] === 1) via.push(nodes[u].label);
      });
      rows.push({n: nodes[v], step: egoStep[v], shared: shared, via: via.sort().slice(0, 3).join(", ")});
    });
    rows.sort(function (a, b) { return a.step - b.step || b.shared - a.shared || (a.n.label < b.n.label ? -1 : 1); });
    return rows;
  }
  var headers = function () {
    var h = [T.col_name, label(D.groupBy)];
    if (col.org_type !== undefined) h.push(T.col_type);
    h.push(T.col_shared);
    if (S.egoSteps === 2) h.push(T.col_step, T.col_via);
    return h;
  };
  function rowCells(r) {
    var c = [r.n.label, shownValue(D.groupBy, attr(r.n, D.groupBy))];
    if (col.org_type !== undefined) c.push(shownValue("org_type", attr(r.n, "org_type")));
    c.push(r.step === 1 ? r.shared : "");
    if (S.egoSteps === 2) c.push(r.step, r.via);
    return c;
  }
  function safeCell(v) {  // a spreadsheet must not run a cell as a formula
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = "'" + s;
    return s;
  }
  function tableText(sep) {
    var lines = [headers()].concat(partnerRows().map(rowCells));
    return lines.map(function (r) {
      return r.map(function (v) {
        var s = safeCell(v);
        if (sep === "," && /[",\r\n]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
        if (sep === "\t") s = s.replace(/[\t\r\n]/g, " ");
        return s;
      }).join(sep);
    }).join("\r\n") + "\r\n";
  }
  function renderEgo() {
    egoBox.textContent = "";
    if (S.ego === null) return;
    egoBox.appendChild(el("div", {className: "name"}, fmt(T.ego_title, {name: nodes[S.ego].label, k: S.egoSteps})));
    egoBox.appendChild(el("div", {className: "muted"}, T.ego_scope));
    if (D.nAll > N) egoBox.appendChild(el("div", {className: "muted"}, fmt(T.ego_drawn_only, {n: N})));
    var bar = el("div");
    var copy = el("button", {type: "button", id: "egoCopy"}, T.copy);
    copy.onclick = function () {
      var txt = tableText("\t"), done = function () { copy.textContent = T.copied; setTimeout(function () { copy.textContent = T.copy; }, 1500); };
      window.ncLastCopy = txt;
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(txt).then(done, fallback);
      else fallback();
      function fallback() {
        var ta = el("textarea"); ta.value = txt; document.body.appendChild(ta); ta.select();
        try { document.execCommand("copy"); } catch (err) { /* the text is selected for the user */ }
        ta.remove(); done();
      }
    };
    var csv = el("button", {type: "button", id: "egoCsv"}, T.csv);
    csv.onclick = function () {
      download(new Blob(["\ufeff" + tableText(",")], {type: "text/csv;charset=utf-8"}),
               "partners_" + norm(nodes[S.ego].label).slice(0, 40).replace(/[^0-9a-z\uac00-\ud7a3]/g, "_") + ".csv");
    };
    bar.appendChild(copy); bar.appendChild(csv);
    egoBox.appendChild(bar);
    var t = el("table"), thead = el("thead"), tr = el("tr");
    headers().forEach(function (h) { tr.appendChild(el("th", null, h)); });
    thead.appendChild(tr); t.appendChild(thead);
    var tb = el("tbody");
    partnerRows().forEach(function (r) {
      var row = el("tr");
      rowCells(r).forEach(function (v) { row.appendChild(el("td", typeof v === "number" ? {className: "n"} : null, v)); });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    egoBox.appendChild(t);
  }
  function renderInfo() {
    info.textContent = "";
    var i = S.selected;
    if (i === null) { info.appendChild(el("div", {className: "muted"}, T.click_hint)); return; }
    var n = nodes[i];
    info.appendChild(el("div", {className: "name"}, n.label));
    var t = el("table");
    D.tooltipAttrs.forEach(function (a) {
      var v = attr(n, a);
      if (v === null) return;
      var tr = el("tr");
      tr.appendChild(el("td", null, label(a)));
      tr.appendChild(el("td", null, (D.palettes[a] ? shownValue(a, v) : num(v))));
      t.appendChild(tr);
    });
    info.appendChild(t);
    var partners = [];
    adj[i].forEach(function (e) { if (edgeOn[e] || S.ego !== null) partners.push({n: nodes[EA[e] === i ? EB[e] : EA[e]], s: edgeNow[e], on: edgeOn[e]}); });
    partners = partners.filter(function (p) { return p.on && p.s > 0; });
    partners.sort(function (a, b) { return b.s - a.s || b.n.s - a.n.s; });
    info.appendChild(el("div", {className: "muted"}, fmt(T.partners, {n: partners.length}) + ": " +
      partners.slice(0, 8).map(function (p) { return p.n.label + " (" + p.s + ")"; }).join(", ") + (partners.length > 8 ? " …" : "")));
    var bar = el("div");
    [["ego1", T.ego1, function () { enterEgo(i, 1); }], ["ego2", T.ego2, function () { enterEgo(i, 2); }],
     ["clear", T.clear, function () { select(null); }]].forEach(function (b) {
      var x = el("button", {type: "button", id: b[0]}, b[1]); x.onclick = b[2]; bar.appendChild(x);
    });
    if (S.ego !== null) {
      var x = el("button", {type: "button", id: "egoExit"}, T.ego_exit);
      x.onclick = exitEgo; bar.appendChild(x);
    }
    info.appendChild(bar);
    info.appendChild(egoBox);
    renderEgo();
  }
  function enterEgo(i, k) { S.ego = i; S.egoSteps = k; S.selected = i; update(); fit(); }
  function exitEgo() { S.ego = null; update(); fit(); }
  function select(i, centre) {
    S.selected = (i === null || i === undefined) ? null : i;
    if (S.selected === null) S.match = null;
    renderInfo();
    if (centre && S.selected !== null && !S.ego) {
      var n = nodes[S.selected];
      view.x = X(n); view.y = Y(n);
      view.k = Math.max(view.k, view.k0 * 2.5);
    }
    schedule();
  }

  // ties: backbone switch, minimum joint projects, isolates, years
  var sView = section(T.ties);
  var rbB = el("input", {type: "radio", name: "ties", id: "tiesBackbone", value: "backbone"});
  var rbA = el("input", {type: "radio", name: "ties", id: "tiesAll", value: "all"});
  var lbB = el("label", {"for": "tiesBackbone"}), lbA = el("label", {"for": "tiesAll"});
  var tiesLine = el("div");
  if (D.hasBackbone) {
    var d1 = el("div"); d1.appendChild(rbB); d1.appendChild(lbB); lbB.textContent = " " + fmt(T.ties_backbone, {n: countBackbone()});
    var d2 = el("div"); d2.appendChild(rbA); d2.appendChild(lbA); lbA.textContent = " " + fmt(T.ties_all, {n: M});
    tiesLine.appendChild(d1); tiesLine.appendChild(d2);
  } else tiesLine.appendChild(el("div", {className: "muted"}, T.no_backbone));
  sView.appendChild(tiesLine);
  function countBackbone() { var k = 0; for (var e = 0; e < M; e++) k += EBB[e]; return k.toLocaleString(); }
  rbB.onchange = rbA.onchange = function () { S.backbone = rbB.checked; update(); };
  var minLabel = el("label", {"for": "minShared"});
  var minSlider = el("input", {type: "range", id: "minShared", min: "1", max: String(Math.min(maxShared, 20)), step: "1", value: "1"});
  minSlider.oninput = function () { S.minShared = +minSlider.value; update(); };
  sView.appendChild(minLabel); sView.appendChild(minSlider);
  var isoBox = el("input", {type: "checkbox", id: "isolates"});
  var isoLabel = el("label", {"for": "isolates"}, " " + T.isolates);
  isoBox.onchange = function () { S.isolates = isoBox.checked; update(); };
  var isoLine = el("div"); isoLine.appendChild(isoBox); isoLine.appendChild(isoLabel);
  sView.appendChild(isoLine);
  var yearMode = null, yearSlider = null, yearLabel = null;
  if (hasYears) {
    sView.appendChild(el("h3", null, T.years));
    yearMode = el("select", {id: "yearMode", "aria-label": T.years});
    [["all", T.year_all], ["upto", T.year_upto], ["single", T.year_single]].forEach(function (o) {
      yearMode.appendChild(el("option", {value: o[0]}, o[1]));
    });
    yearSlider = el("input", {type: "range", id: "year", min: "0", max: String(D.year1 - D.year0), step: "1",
                              value: String(D.year1 - D.year0)});
    yearLabel = el("div", {id: "yearLabel", className: "muted"});
    yearMode.onchange = function () { S.yearMode = yearMode.value; update(); };
    yearSlider.oninput = function () { S.year = +yearSlider.value; if (S.yearMode === "all") { S.yearMode = "upto"; } update(); };
    sView.appendChild(yearMode); sView.appendChild(yearSlider); sView.appendChild(yearLabel);
    sView.appendChild(el("div", {className: "muted"}, T.year_note));
  }
  function syncControls() {
    rbB.checked = S.backbone; rbA.checked = !S.backbone;
    minSlider.value = String(S.minShared);
    minLabel.textContent = fmt(T.min_shared, {n: S.minShared});
    isoBox.checked = S.isolates;
    if (hasYears) {
      yearMode.value = S.yearMode; yearSlider.value = String(S.year);
      yearSlider.disabled = S.yearMode === "all";
      var y = D.year0 + S.year;
      yearLabel.textContent = S.yearMode === "all" ? D.year0 + "–" + D.year1 :
        fmt(S.yearMode === "upto" ? T.year_label_upto : T.year_label_single, {y: String(y)});
    }
  }
  // colour (the legend is the filter of the colour's groups) and size
  var sColour = section(T.colour);
  var colourSel = el("select", {id: "colorBy", "aria-label": T.colour});
  D.colorAttrs.forEach(function (a) { colourSel.appendChild(el("option", {value: a}, label(a))); });
  colourSel.onchange = function () { S.colorBy = colourSel.value; renderLegend(); schedule(); };
  sColour.appendChild(colourSel);
  var legendBox = el("div", {id: "legend"});
  sColour.appendChild(legendBox);
  sColour.appendChild(el("h3", null, T.size));
  var sizeSel = el("select", {id: "sizeBy", "aria-label": T.size});
  D.sizeMeasures.forEach(function (a) { sizeSel.appendChild(el("option", {value: a}, label(a))); });
  sizeSel.onchange = function () { S.sizeBy = sizeSel.value; rankBySize(); schedule(); };
  sColour.appendChild(sizeSel);
  // a list of groups with counts, all / none, click to hide or show
  function groupList(a, target, withSwatch) {
    target.textContent = "";
    var pal = D.palettes[a] || {}, total = {}, shown = {};
    nodes.forEach(function (n) {
      var k = key(attr(n, a));
      total[k] = (total[k] || 0) + 1;
      if (nodeOn[n.i]) shown[k] = (shown[k] || 0) + 1;
    });
    var keys = Object.keys(total).sort(function (p, q) {
      return (p === "(unknown)") - (q === "(unknown)") || total[q] - total[p] || (p < q ? -1 : 1);
    });
    var bar = el("div");
    var all = el("button", {type: "button", "data-all": a}, T.all), none = el("button", {type: "button", "data-none": a}, T.none);
    all.onclick = function () { S.hidden[a] = {}; update(); };
    none.onclick = function () { keys.forEach(function (k) { S.hidden[a][k] = true; }); update(); };
    bar.appendChild(all); bar.appendChild(none);
    target.appendChild(bar);
    var list = el("div", {className: "legend-list"});
    keys.forEach(function (k) {
      var row = el("div", {className: "legend-row" + (S.hidden[a][k] ? " off" : ""), role: "checkbox",
                           "aria-checked": S.hidden[a][k] ? "false" : "true", tabindex: "0", "data-attr": a, "data-value": k});
      if (withSwatch) { var sw = el("span", {className: "swatch"}); sw.style.background = pal[k] || "#999"; row.appendChild(sw); }
      row.appendChild(el("span", null, shownValue(a, k === "(unknown)" ? null : k) + " (" + (shown[k] || 0).toLocaleString() +
        "/" + total[k].toLocaleString() + ")"));
      var toggle = function () { if (S.hidden[a][k]) delete S.hidden[a][k]; else S.hidden[a][k] = true; update(); };
      row.onclick = toggle;
      row.onkeydown = function (ev) { if (ev.key === " " || ev.key === "Enter") { ev.preventDefault(); toggle(); } };
      list.appendChild(row);
    });
    target.appendChild(list);
    if (withSwatch && D.grey[a]) target.appendChild(el("div", {className: "muted"}, fmt(T.grey, {n: D.grey[a]})));
  }
  function renderLegend() {
    groupList(S.colorBy, legendBox, true);
    legendBox.appendChild(el("div", {className: "muted"}, T.legend_hint));
    renderFilters();
  }
  var filterBoxes = {};
  var sFilters = section(null);
  D.filterAttrs.forEach(function (a) {
    var d = el("details", {id: "filter-" + a}), s = el("summary", null, fmt(T.filter, {what: label(a)}));
    d.appendChild(s);
    var inner = el("div");
    d.appendChild(inner);
    filterBoxes[a] = {details: d, inner: inner};
    sFilters.appendChild(d);
  });
  function renderFilters() {
    D.filterAttrs.forEach(function (a) {
      filterBoxes[a].details.hidden = a === S.colorBy;  // the legend is that filter
      if (a !== S.colorBy) groupList(a, filterBoxes[a].inner, false);
    });
  }

  // header counts
  var countsEl = document.getElementById("counts");
  function renderCounts() {
    countsEl.textContent = fmt(T.shown, {orgs: counts.orgs, ties: counts.ties, n_all: D.nAll, m_all: D.mAll}) + ".";
  }
  function update() {
    recompute();
    if (S.selected !== null && !nodeOn[S.selected]) S.selected = null;
    syncControls(); renderCounts(); renderLegend(); renderInfo(); schedule();
  }

  // ---------------------------------------------------------------- toolbar and export
  var toolbar = document.getElementById("toolbar");
  [["zoomIn", "+", T.zoom_in, function () { zoomAt(W / 2, H / 2, 1.5); }],
   ["zoomOut", "−", T.zoom_out, function () { zoomAt(W / 2, H / 2, 1 / 1.5); }],
   ["fit", T.fit, T.fit, fit],
   ["png", "PNG", T.export + " (PNG)", exportPng],
   ["svg", "SVG", T.export + " (SVG)", exportSvg]].forEach(function (b) {
    var x = el("button", {type: "button", id: b[0], title: b[2], "aria-label": b[2]}, b[1]);
    x.onclick = b[3]; toolbar.appendChild(x);
  });
  function stem() { return D.fileStem + (S.ego !== null ? "_ego" : "") + (S.yearMode !== "all" ? "_" + (D.year0 + S.year) : ""); }
  function exportPng() {
    draw();
    canvas.toBlob(function (b) { download(b, stem() + ".png"); }, "image/png");
  }
  function svgDocument() {
    var NS = "http://www.w3.org/2000/svg", sc = scene();
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("xmlns", NS);
    svg.setAttribute("width", String(Math.round(W))); svg.setAttribute("height", String(Math.round(H)));
    svg.setAttribute("viewBox", "0 0 " + Math.round(W) + " " + Math.round(H));
    function add(tag, a, parent) {
      var e = document.createElementNS(NS, tag);
      for (var k in a) e.setAttribute(k, a[k]);
      (parent || svg).appendChild(e);
      return e;
    }
    add("rect", {x: 0, y: 0, width: Math.round(W), height: Math.round(H), fill: "#ffffff"});
    function lines(list) {
      var groups = {};
      list.forEach(function (l) { var k = l.c + "|" + l.w.toFixed(1); (groups[k] = groups[k] || []).push(l); });
      Object.keys(groups).forEach(function (k) {
        var g = groups[k], d = g.map(function (l) { return "M" + l.x1.toFixed(1) + " " + l.y1.toFixed(1) + "L" + l.x2.toFixed(1) + " " + l.y2.toFixed(1); }).join("");
        var m = /rgba\((\d+),(\d+),(\d+),([\d.]+)\)/.exec(g[0].c);
        add("path", {d: d, fill: "none", stroke: m ? "rgb(" + m[1] + "," + m[2] + "," + m[3] + ")" : g[0].c,
                     "stroke-opacity": m ? m[4] : "1", "stroke-width": g[0].w.toFixed(1)});
      });
    }
    function dots(list) {
      list.forEach(function (d) {
        add("circle", {cx: d.x.toFixed(1), cy: d.y.toFixed(1), r: d.r.toFixed(1), fill: d.fill, stroke: d.stroke,
                       "stroke-width": String(d.lw || 0.8)});
      });
    }
    lines(sc.edges); dots(sc.dots); lines(sc.hi); dots(sc.top);
    var g = add("g", {"font-family": FONT.replace(/"/g, "'"), "dominant-baseline": "middle"});
    sc.labels.forEach(function (l) {
      var t = add("text", {x: l.x.toFixed(1), y: l.y.toFixed(1), "font-size": String(l.size), stroke: "#ffffff",
                           "stroke-width": "3", "paint-order": "stroke", fill: "#1a1a1a"}, g);
      if (l.bold) t.setAttribute("font-weight", "bold");
      t.textContent = l.text;
    });
    return new XMLSerializer().serializeToString(svg);
  }
  function exportSvg() { download(new Blob([svgDocument()], {type: "image/svg+xml"}), stem() + ".svg"); }

  // ---------------------------------------------------------------- pointer: pan, zoom, hover, click
  var tip = document.getElementById("tip");
  function zoomAt(px, py, f) {
    var wx = (px - W / 2) / view.k + view.x, wy = (py - H / 2) / view.k + view.y;
    view.k = Math.max(view.k0 / 8, Math.min(view.k0 * 60, view.k * f));
    view.x = wx - (px - W / 2) / view.k; view.y = wy - (py - H / 2) / view.k;
    schedule();
  }
  function hit(px, py) {
    if (!last) return null;
    var lists = [last.top, last.dots];
    for (var l = 0; l < lists.length; l++) {
      for (var j = lists[l].length - 1; j >= 0; j--) {
        var d = lists[l][j], dx = d.x - px, dy = d.y - py;
        if (dx * dx + dy * dy <= (d.r + 3) * (d.r + 3)) return d.n.i;
      }
    }
    return null;
  }
  function showTip(i, px, py) {
    if (i === null) { tip.hidden = true; return; }
    var n = nodes[i];
    tip.textContent = "";
    tip.appendChild(el("div", {className: "name"}, n.label));
    D.tooltipAttrs.slice(0, 7).forEach(function (a) {
      var v = attr(n, a);
      if (v === null) return;
      tip.appendChild(el("div", null, label(a) + ": " + (D.palettes[a] ? shownValue(a, v) : num(v))));
    });
    tip.hidden = false;
    var x = Math.min(px + 14, W - tip.offsetWidth - 4), y = Math.min(py + 14, H - tip.offsetHeight - 4);
    tip.style.left = Math.max(0, x) + "px"; tip.style.top = Math.max(0, y) + "px";
  }
  var pointers = {}, drag = null, pinch = null;
  function local(ev) { var r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; }
  canvas.addEventListener("pointerdown", function (ev) {
    var p = local(ev);
    pointers[ev.pointerId] = p;
    canvas.setPointerCapture(ev.pointerId);
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = {d: Math.hypot(a[0] - b[0], a[1] - b[1]), k: view.k}; drag = null;
    } else drag = {x: p[0], y: p[1], vx: view.x, vy: view.y, moved: 0};
    tip.hidden = true;
  });
  canvas.addEventListener("pointermove", function (ev) {
    var p = local(ev);
    if (pointers[ev.pointerId]) pointers[ev.pointerId] = p;
    var ids = Object.keys(pointers);
    if (pinch && ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      zoomAt((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (pinch.k * d / pinch.d) / view.k);
      return;
    }
    if (drag) {
      var dx = p[0] - drag.x, dy = p[1] - drag.y;
      drag.moved = Math.max(drag.moved, Math.abs(dx) + Math.abs(dy));
      if (drag.moved > 3) { view.x = drag.vx - dx / view.k; view.y = drag.vy - dy / view.k; canvas.style.cursor = "grabbing"; schedule(); }
      return;
    }
    var i = hit(p[0], p[1]);
    canvas.style.cursor = i === null ? "grab" : "pointer";
    showTip(i, p[0], p[1]);
  });
  function up(ev) {
    var p = local(ev);
    var wasDrag = drag;
    delete pointers[ev.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    drag = null;
    canvas.style.cursor = "grab";
    if (wasDrag && wasDrag.moved <= 3 && ev.type === "pointerup") select(hit(p[0], p[1]));
  }
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  canvas.addEventListener("pointerleave", function () { tip.hidden = true; });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = local(ev);
    zoomAt(p[0], p[1], Math.exp(-ev.deltaY * 0.0015));
  }, {passive: false});

  // ---------------------------------------------------------------- layout of the page
  var menu = document.getElementById("menuToggle");
  menu.onclick = function () {
    var open = document.body.classList.toggle("menu-open");
    menu.setAttribute("aria-expanded", open ? "true" : "false");
  };
  function headerHeight() {
    document.documentElement.style.setProperty("--head", document.querySelector("header").offsetHeight + "px");
  }
  window.addEventListener("resize", function () { headerHeight(); resize(); });

  // a small API for tests and for analysts' own scripts
  window.ncNetwork = {
    state: S, counts: function () { return {orgs: counts.orgs, ties: counts.ties}; },
    visible: function (name) { for (var i = 0; i < N; i++) if (nodes[i].label === name) return !!nodeOn[i]; return null; },
    labels: function () { return last ? last.labels.map(function (l) { return l.text; }) : []; },
    select: function (i) { select(i, true); }, fit: fit, svg: svgDocument, norm: norm,
    view: function () { return {x: view.x, y: view.y, k: view.k, k0: view.k0}; },
    labelBoxes: function () { return last ? last.labels.map(function (l) { return [l.x, l.y - l.size * 0.6, l.x + l.w, l.y + l.size * 0.6]; }) : []; },
    index: function (name) { for (var i = 0; i < N; i++) if (nodes[i].label === name) return i; return null; },
    screen: function (i) { return [sx(nodes[i]), sy(nodes[i])]; },
    scene: function () { return last ? {dots: last.dots.length, top: last.top.length, hi: last.hi.length, edges: last.edges.length} : null; }
  };

  headerHeight();
  rankBySize();
  update();
  resize();
  fit();
})();
