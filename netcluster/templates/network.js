(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("nc-data").textContent);
  var N = data.nodes.length;
  var colorBy = data.colorAttrs[0], sizeBy = data.sizeMeasures[0];
  var filters = {};
  data.filterAttrs.forEach(function (a) { filters[a] = null; });   // null = all
  var adj = {};
  data.edges.forEach(function (e) {
    (adj[e.from] = adj[e.from] || []).push(e.to);
    (adj[e.to] = adj[e.to] || []).push(e.from);
  });
  var highlighted = null;

  function colorOf(n) {
    var v = n.attrs[colorBy];
    var pal = data.palettes[colorBy] || {};
    return pal[v === null || v === undefined ? "(unknown)" : String(v)] || "#999999";
  }
  function sizeOf(n) {
    var m = data.ranges[sizeBy], v = n.attrs[sizeBy] || 0;
    if (!m || m[1] <= m[0]) return 8;
    return 5 + 25 * Math.sqrt((v - m[0]) / (m[1] - m[0]));
  }
  function tooltip(n) {
    var box = document.createElement("div");
    box.className = "tip";
    var h = document.createElement("b");
    h.textContent = n.label;
    box.appendChild(h);
    data.tooltipAttrs.forEach(function (k) {
      var row = document.createElement("div");
      var v = n.attrs[k];
      if (typeof v === "number" && Math.floor(v) !== v) v = v.toFixed(4);
      row.textContent = (data.attrLabels[k] || k) + ": " + (v === null || v === undefined ? "–" : v);
      box.appendChild(row);
    });
    return box;
  }
  function visNode(n) {
    var dim = highlighted !== null && !highlighted[n.id];
    var c = colorOf(n);
    return {id: n.id, label: N <= data.labelMax ? n.label : undefined, x: n.x, y: n.y,
            size: sizeOf(n), title: tooltip(n), shape: "dot",
            color: dim ? {background: "#e6e6e6", border: "#dddddd"} : {background: c, border: "#333333"},
            font: {color: dim ? "#cccccc" : "#222222"}};
  }
  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var maxw = Math.max.apply(null, data.edges.map(function (e) { return e.w; }).concat([1]));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return {id: i, from: e.from, to: e.to,
            width: (N > 2000 ? 0.3 : 0.5) + (N > 2000 ? 1.5 : 3) * Math.log(1 + e.w) / Math.log(1 + maxw),
            color: {color: "#9aa5b1", opacity: N > 2000 ? 0.15 : 0.5}};
  }));
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  function visible(item) {
    var n = byId[item.id];
    for (var a in filters) {
      if (filters[a] !== null) {
        var v = n.attrs[a]; v = (v === null || v === undefined) ? "(unknown)" : String(v);
        if (!filters[a][v]) return false;
      }
    }
    return true;
  }
  var nodeView = new vis.DataView(nodes, {filter: visible});
  var physics = N <= data.physicsMax;
  var network = new vis.Network(document.getElementById("net"), {nodes: nodeView, edges: edges}, {
    layout: {improvedLayout: false},
    physics: physics ? {stabilization: {iterations: 200}, barnesHut: {gravitationalConstant: -4000}} : false,
    edges: {smooth: physics ? {type: "continuous"} : false},
    nodes: {font: {size: 12, face: getComputedStyle(document.body).fontFamily}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: N > data.physicsMax,
                  hideEdgesOnZoom: N > 5000}
  });
  window.ncNetwork = network;
  network.once("afterDrawing", function () { document.body.setAttribute("data-drawn", "1"); });

  function shown(k) { return k === "(unknown)" ? data.text.unknown : k; }
  function refresh() { nodes.update(data.nodes.map(visNode)); nodeView.refresh(); legend(); }
  function legend() {
    var el = document.getElementById("legend");
    el.textContent = "";
    var t = document.createElement("div");
    t.className = "legend-title";
    t.textContent = (data.attrLabels[colorBy] || colorBy);
    el.appendChild(t);
    var pal = data.palettes[colorBy] || {};
    Object.keys(pal).forEach(function (k) {
      var row = document.createElement("div");
      var sw = document.createElement("span");
      sw.className = "swatch"; sw.style.background = pal[k];
      row.appendChild(sw);
      row.appendChild(document.createTextNode(" " + shown(k) + " (" + (data.counts[colorBy][k] || 0) + ")"));
      el.appendChild(row);
    });
    var s = document.createElement("div");
    s.className = "legend-note";
    s.textContent = data.text.size + (data.attrLabels[sizeBy] || sizeBy);
    el.appendChild(s);
  }
  function select(id) {
    if (id === null || id === undefined || !byId[id]) { highlighted = null; refresh(); info(null); return; }
    highlighted = {}; highlighted[id] = true;
    (adj[id] || []).forEach(function (j) { highlighted[j] = true; });
    refresh();
    network.selectNodes([id]);
    network.focus(id, {scale: 1.2, animation: false});
    info(byId[id]);
  }
  function info(n) {
    var el = document.getElementById("info");
    el.textContent = "";
    if (!n) return;
    el.appendChild(tooltip(n));
    var p = document.createElement("div");
    var names = (adj[n.id] || []).map(function (j) { return byId[j].label; }).sort();
    p.textContent = data.text.partners + " (" + names.length + "): " + names.slice(0, 60).join(", ") + (names.length > 60 ? " …" : "");
    el.appendChild(p);
  }
  network.on("click", function (p) { select(p.nodes.length ? p.nodes[0] : null); });

  var cs = document.getElementById("colorBy"), ss = document.getElementById("sizeBy");
  data.colorAttrs.forEach(function (a) { var o = document.createElement("option"); o.value = a; o.textContent = data.attrLabels[a] || a; cs.appendChild(o); });
  data.sizeMeasures.forEach(function (a) { var o = document.createElement("option"); o.value = a; o.textContent = data.attrLabels[a] || a; ss.appendChild(o); });
  cs.onchange = function () { colorBy = cs.value; refresh(); };
  ss.onchange = function () { sizeBy = ss.value; refresh(); };
  var dl = document.getElementById("names");
  var byName = {};
  data.nodes.forEach(function (n) { byName[n.label] = n.id; var o = document.createElement("option"); o.value = n.label; dl.appendChild(o); });
  var search = document.getElementById("search");
  search.onchange = function () { select(byName[search.value]); };
  document.getElementById("reset").onclick = function () { search.value = ""; select(null); network.fit(); };
  // filters
  data.filterAttrs.forEach(function (a) {
    var box = document.getElementById("filter-" + a);
    Object.keys(data.palettes[a] || data.counts[a]).forEach(function (k) {
      var lab = document.createElement("label");
      var cb = document.createElement("input");
      cb.type = "checkbox"; cb.checked = true; cb.value = k;
      cb.onchange = function () {
        var all = box.querySelectorAll("input"), on = {}, allOn = true;
        all.forEach(function (c) { if (c.checked) on[c.value] = true; else allOn = false; });
        filters[a] = allOn ? null : on;
        nodeView.refresh();
      };
      lab.appendChild(cb);
      lab.appendChild(document.createTextNode(" " + shown(k)));
      box.appendChild(lab);
    });
  });
  legend();
})();
