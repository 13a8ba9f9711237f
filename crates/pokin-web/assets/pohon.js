// The pohon kinerja diagram page: pan and zoom (pointer, wheel, pinch, keyboard), search that
// highlights matches, collapsing branches (the server lays the tree out again), and the details
// panel. The SVG comes from the server (pokin-docs); this script only moves the viewBox, toggles
// the classes `match`/`dim`/`current`/`selected` and swaps the SVG. State lives in the URL
// (`collapsed`, `indikator`, `cari`, and the heat tree's `warna`/`tahun`/`triwulan`) so a link
// reproduces the view.
(function () {
  "use strict";
  var root = document.getElementById("pohon");
  if (!root) { return; }
  var viewport = document.getElementById("pohon-viewport");
  var search = document.getElementById("pohon-cari");
  var count = document.getElementById("pohon-cocok");
  var indicators = document.getElementById("pohon-indikator");
  var foldAll = document.getElementById("pohon-lipat");
  var download = document.getElementById("pohon-unduh");
  var downloadPdf = document.getElementById("pohon-unduh-pdf");
  var panel = document.getElementById("pohon-panel");
  var detail = document.getElementById("pohon-detail");
  var closeBtn = document.getElementById("pohon-tutup");
  var svgUrl = root.getAttribute("data-svg-url");
  var pdfUrl = root.getAttribute("data-pdf-url");
  var detailUrl = root.getAttribute("data-detail-url");
  var split = function (s) { return s ? s.split(",").filter(Boolean) : []; };
  var collapsed = split(root.getAttribute("data-collapsed"));
  var collapsible = split(root.getAttribute("data-collapsible"));
  // Capaian dashboards: the heat tree's query (`warna=capaian&tahun=…`), kept on every reload.
  var heat = root.getAttribute("data-heat") || "";
  var heatForm = document.getElementById("pohon-warna");
  var svg = null, size = { w: 1, h: 1 };
  var view = { x: 0, y: 0, k: 1 };
  var MIN_K = 0.03, MAX_K = 4;
  var matches = [], current = -1, selected = null, lastFocus = null;

  // ---- the view: `view` maps diagram point (x, y) to viewport pixel ((x - view.x) * k, …).
  function box() { return { w: viewport.clientWidth || 1, h: viewport.clientHeight || 1 }; }
  function apply() {
    var b = box();
    svg.setAttribute("viewBox", [view.x, view.y, b.w / view.k, b.h / view.k].join(" "));
  }
  function clampK(k) { return Math.min(MAX_K, Math.max(MIN_K, k)); }
  function fit() {
    var b = box();
    view.k = clampK(Math.min(b.w / size.w, b.h / size.h) * 0.97);
    view.x = (size.w - b.w / view.k) / 2;
    view.y = (size.h - b.h / view.k) / 2;
    apply();
  }
  function zoomAt(factor, px, py) {
    var k = clampK(view.k * factor);
    view.x += px / view.k - px / k;
    view.y += py / view.k - py / k;
    view.k = k;
    apply();
  }
  function zoomCentre(factor) { var b = box(); zoomAt(factor, b.w / 2, b.h / 2); }
  function panBy(dx, dy) { view.x -= dx / view.k; view.y -= dy / view.k; apply(); }
  // Centres a node, zooming in so its text is readable.
  function centreOn(el, minK) {
    var r = el.getBBox(), b = box();
    if (minK && view.k < minK) { view.k = minK; }
    var room = panelOpen() && wide() ? panel.offsetWidth : 0;
    view.x = r.x + r.width / 2 - (b.w - room) / 2 / view.k;
    view.y = r.y + Math.min(r.height, b.h / view.k * 0.6) / 2 - b.h / 2 / view.k;
    apply();
  }
  // Keeps a unit's card where it was on screen across a re-layout.
  function anchor(key) {
    var el = key && svg.getElementById("u-" + key);
    if (!el) {
      // The card nearest to the viewport's centre.
      var b = box(), cx = view.x + b.w / 2 / view.k, cy = view.y + b.h / 2 / view.k, best = Infinity;
      svg.querySelectorAll("g.unit").forEach(function (u) {
        var r = u.getBBox(), d = Math.hypot(r.x + r.width / 2 - cx, r.y - cy);
        if (d < best) { best = d; el = u; }
      });
    }
    if (!el) { return null; }
    var r = el.getBBox();
    return { id: el.id, sx: (r.x - view.x) * view.k, sy: (r.y - view.y) * view.k };
  }
  function restore(a) {
    var el = a && svg.getElementById(a.id);
    if (!el) { fit(); return; }
    var r = el.getBBox();
    view.x = r.x - a.sx / view.k;
    view.y = r.y - a.sy / view.k;
    apply();
  }

  // ---- the SVG element, on load and after every swap.
  function adopt(el) {
    svg = el;
    size = { w: parseFloat(svg.getAttribute("width")) || 1000, h: parseFloat(svg.getAttribute("height")) || 800 };
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    svg.setAttribute("focusable", "false");
    svg.querySelectorAll("g.unit, g.objective, g.indicator, g.toggle").forEach(function (g) {
      var t = g.querySelector("title");
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      if (t) { g.setAttribute("aria-label", t.textContent.split("\n")[0]); }
    });
  }
  function params(extra) {
    var p = new URLSearchParams();
    // A diagram folded by default (the whole kabupaten) says "nothing folded" explicitly.
    if (collapsed.length || root.hasAttribute("data-fold-default")) { p.set("collapsed", collapsed.join(",")); }
    if (!indicators.checked) { p.set("indikator", "0"); }
    new URLSearchParams(heat).forEach(function (v, k) { p.set(k, v); });
    if (extra) { Object.keys(extra).forEach(function (k) { if (extra[k]) { p.set(k, extra[k]); } }); }
    var s = p.toString();
    return s ? "?" + s : "";
  }
  function syncState() {
    history.replaceState(null, "", location.pathname + params({ cari: search.value.trim() }));
    download.href = svgUrl + params({ unduh: "1" });
    // The poster follows the same folding, indicator switch and colouring as the diagram.
    if (downloadPdf && pdfUrl) { downloadPdf.href = pdfUrl + params(); }
    foldAll.textContent = collapsed.length ? "Buka semua" : "Lipat semua";
    foldAll.setAttribute("aria-label", collapsed.length ? "Buka semua cabang" : "Lipat semua cabang");
    if (heatForm) { keepInForm(); }
  }
  // The heat tree's form keeps the current folding and indicator switch.
  function keepInForm() {
    heatForm.querySelectorAll('input[type="hidden"]').forEach(function (i) { i.remove(); });
    var keep = { collapsed: collapsed.join(","), indikator: indicators.checked ? "" : "0" };
    Object.keys(keep).forEach(function (k) {
      if (!keep[k] && !(k === "collapsed" && root.hasAttribute("data-fold-default"))) { return; }
      var i = document.createElement("input");
      i.type = "hidden"; i.name = k; i.value = keep[k];
      heatForm.prepend(i);
    });
  }
  var loading = null;
  function reload(anchorKey, thenFit) {
    var a = thenFit ? null : anchor(anchorKey);
    syncState();
    if (loading) { loading.abort(); }
    loading = new AbortController();
    viewport.setAttribute("aria-busy", "true");
    fetch(svgUrl + params(), { credentials: "same-origin", signal: loading.signal })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (text) {
        // The page's CSP forbids inline styles (even in a parsed document); app.css carries the
        // same rules.
        text = text.replace(/<style>[\s\S]*?<\/style>/g, "");
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var fresh = doc.documentElement;
        if (fresh.nodeName !== "svg") { throw new Error("bukan SVG"); }
        fresh = document.importNode(fresh, true);
        svg.replaceWith(fresh);
        adopt(fresh);
        if (thenFit) { fit(); } else { restore(a); }
        runSearch(false);
      })
      .catch(function (e) {
        if (e.name !== "AbortError") { count.textContent = "Diagram gagal dimuat ulang"; }
      })
      .finally(function () { viewport.removeAttribute("aria-busy"); });
  }

  // ---- search.
  function runSearch(keepCurrent) {
    var terms = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    svg.querySelectorAll(".match, .dim, .current").forEach(function (el) {
      el.classList.remove("match", "dim", "current");
    });
    matches = [];
    if (!keepCurrent) { current = -1; }
    if (!terms.length) { count.textContent = ""; return; }
    svg.querySelectorAll("[data-search]").forEach(function (el) {
      var text = el.getAttribute("data-search");
      if (terms.every(function (t) { return text.indexOf(t) >= 0; })) {
        el.classList.add("match");
        matches.push(el);
      }
    });
    svg.querySelectorAll("g.unit").forEach(function (u) {
      if (!u.classList.contains("match") && !u.querySelector(".match")) { u.classList.add("dim"); }
    });
    count.textContent = matches.length ? matches.length + " cocok" : "tidak ada yang cocok";
  }
  function nextMatch(step) {
    if (!matches.length) { return; }
    if (matches[current]) { matches[current].classList.remove("current"); }
    current = (current + step + matches.length) % matches.length;
    var el = matches[current];
    el.classList.add("current");
    centreOn(el, 0.9);
    count.textContent = (current + 1) + " dari " + matches.length + " cocok";
  }
  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { runSearch(false); syncState(); }, 120);
  });
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      clearTimeout(timer);
      if (current < 0 || !matches.length) { runSearch(false); }
      nextMatch(e.shiftKey ? -1 : 1);
    }
  });

  // ---- the details panel.
  function panelOpen() { return !panel.hidden; }
  function wide() { return window.matchMedia("(min-width: 900px)").matches; }
  function openDetail(unit, code, ind, node) {
    var p = new URLSearchParams({ unit: unit });
    if (code) { p.set("sasaran", code); }
    if (ind) { p.set("indikator", ind); }
    new URLSearchParams(heat).forEach(function (v, k) { if (k !== "warna") { p.set(k, v); } });
    if (selected) { selected.classList.remove("selected"); }
    selected = node || null;
    if (selected) { selected.classList.add("selected"); }
    if (!panelOpen()) { lastFocus = document.activeElement; }
    panel.hidden = false;
    root.classList.add("panel-open");
    detail.setAttribute("aria-busy", "true");
    fetch(detailUrl + "?" + p.toString(), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) {
        return r.text().then(function (t) { return { ok: r.ok, status: r.status, text: t }; });
      })
      .then(function (r) {
        if (r.ok) {
          detail.innerHTML = r.text;
        } else {
          detail.textContent = "Detail tidak dapat dimuat (" + r.status + ").";
        }
        detail.removeAttribute("aria-busy");
        closeBtn.focus({ preventScroll: true });
      })
      .catch(function () { detail.textContent = "Detail tidak dapat dimuat: periksa koneksi."; });
  }
  function closeDetail() {
    if (!panelOpen()) { return; }
    panel.hidden = true;
    root.classList.remove("panel-open");
    if (selected) { selected.classList.remove("selected"); selected = null; }
    (lastFocus && document.contains(lastFocus) ? lastFocus : viewport).focus({ preventScroll: true });
  }
  closeBtn.addEventListener("click", closeDetail);
  // Links inside the panel that point at another node of the diagram.
  detail.addEventListener("click", function (e) {
    var a = e.target.closest("[data-pohon-unit]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    var unit = a.getAttribute("data-pohon-unit"), code = a.getAttribute("data-pohon-code");
    var ind = a.getAttribute("data-pohon-indicator");
    var sel = ind ? 'g.indicator[data-unit="' + unit + '"][data-objective="' + code + '"][data-code="' + ind + '"]'
      : code ? 'g.objective[data-unit="' + unit + '"][data-code="' + code + '"]' : "#u-" + unit;
    var node = null;
    try { node = svg.querySelector(sel); } catch (err) { node = null; }
    e.preventDefault();
    if (node) { centreOn(node, 0.8); }
    openDetail(unit, code, ind, node);
  });
  // What a click or Enter on a node does.
  function activate(target) {
    var toggle = target.closest("g.toggle");
    if (toggle) {
      var key = toggle.getAttribute("data-unit");
      var i = collapsed.indexOf(key);
      if (i >= 0) { collapsed.splice(i, 1); } else { collapsed.push(key); }
      reload(key, false);
      return true;
    }
    var node = target.closest("g.indicator") || target.closest("g.objective") || target.closest("g.unit");
    if (!node) { return false; }
    var unit = node.getAttribute("data-unit");
    if (node.classList.contains("indicator")) {
      openDetail(unit, node.getAttribute("data-objective"), node.getAttribute("data-code"), node);
    } else if (node.classList.contains("objective")) {
      openDetail(unit, node.getAttribute("data-code"), null, node);
    } else {
      openDetail(unit, null, null, node);
    }
    return true;
  }

  // ---- pointers: drag to pan, two fingers to pinch, a click without movement activates.
  var pointers = new Map(), moved = false, pinch = null;
  viewport.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 && e.pointerType === "mouse") { return; }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 1) { moved = false; }
    if (pointers.size === 2) { pinch = pinchState(); moved = true; }
  });
  function pinchState() {
    var p = Array.from(pointers.values()), r = viewport.getBoundingClientRect();
    return {
      d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) || 1,
      mx: (p[0].x + p[1].x) / 2 - r.left, my: (p[0].y + p[1].y) / 2 - r.top
    };
  }
  viewport.addEventListener("pointermove", function (e) {
    var last = pointers.get(e.pointerId);
    if (!last) { return; }
    var dx = e.clientX - last.x, dy = e.clientY - last.y;
    if (!moved && Math.hypot(dx, dy) < 4) { return; }
    if (!moved) {
      moved = true;
      viewport.setPointerCapture(e.pointerId);
      viewport.classList.add("dragging");
    }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 2 && pinch) {
      var now = pinchState();
      panBy(now.mx - pinch.mx, now.my - pinch.my);
      zoomAt(now.d / pinch.d, now.mx, now.my);
      pinch = now;
    } else if (pointers.size === 1) {
      panBy(dx, dy);
    }
  });
  function release(e) {
    pointers.delete(e.pointerId);
    if (pointers.size < 2) { pinch = null; }
    if (!pointers.size) { viewport.classList.remove("dragging"); }
  }
  viewport.addEventListener("pointerup", release);
  viewport.addEventListener("pointercancel", release);
  viewport.addEventListener("click", function (e) {
    if (moved) { moved = false; return; }
    activate(e.target);
  });
  viewport.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = viewport.getBoundingClientRect();
    var delta = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);
    if (e.ctrlKey) { delta *= 3; } // trackpad pinch arrives as ctrl+wheel with small deltas
    zoomAt(Math.exp(-delta * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  // Keyboard focus on a node keeps it in view.
  viewport.addEventListener("focusin", function (e) {
    viewport.scrollTop = 0; viewport.scrollLeft = 0;
    if (e.target === viewport || !e.target.getBBox) { return; }
    var r = e.target.getBBox(), b = box();
    var sx = (r.x - view.x) * view.k, sy = (r.y - view.y) * view.k;
    if (sx < 0 || sy < 0 || sx + Math.min(r.width * view.k, b.w / 2) > b.w || sy + 40 > b.h) {
      centreOn(e.target, 0.6);
    }
  });
  viewport.addEventListener("keydown", function (e) {
    if ((e.key === "Enter" || e.key === " ") && e.target !== viewport) {
      if (activate(e.target)) { e.preventDefault(); }
    }
  });

  // ---- toolbar.
  root.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var z = b.getAttribute("data-zoom");
      if (z === "fit") { fit(); } else { zoomCentre(z === "in" ? 1.25 : 0.8); }
    });
  });
  indicators.addEventListener("change", function () { reload(null, false); });
  foldAll.addEventListener("click", function () {
    collapsed = collapsed.length ? [] : collapsible.slice();
    reload(null, true);
  });

  // ---- keyboard shortcuts (not while typing).
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      if (panelOpen()) { e.preventDefault(); closeDetail(); } else if (document.activeElement === search && search.value) {
        search.value = ""; runSearch(false); syncState();
      }
      return;
    }
    var t = e.target, typing = t.closest && t.closest("input, textarea, select, [contenteditable]");
    if (typing || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (panel.contains(t) && e.key.indexOf("Arrow") === 0) { return; }
    var step = 80;
    switch (e.key) {
      case "/": e.preventDefault(); search.focus(); search.select(); break;
      case "+": case "=": e.preventDefault(); zoomCentre(1.25); break;
      case "-": case "_": e.preventDefault(); zoomCentre(0.8); break;
      case "0": e.preventDefault(); fit(); break;
      case "ArrowLeft": e.preventDefault(); panBy(step, 0); break;
      case "ArrowRight": e.preventDefault(); panBy(-step, 0); break;
      case "ArrowUp": e.preventDefault(); panBy(0, step); break;
      case "ArrowDown": e.preventDefault(); panBy(0, -step); break;
      default: break;
    }
  });

  // Keep the centre where it is when the viewport changes size (rotation, panel, resize).
  var lastBox = box();
  window.addEventListener("resize", function () {
    var b = box();
    view.x += (lastBox.w - b.w) / 2 / view.k;
    view.y += (lastBox.h - b.h) / 2 / view.k;
    lastBox = b;
    apply();
  });

  // On a small screen the whole tree is too small to read: start at the top unit instead
  // ("Pas layar" or 0 shows everything).
  function initialView() {
    fit();
    var top = svg.querySelector('g.unit[data-depth="0"]');
    if (view.k >= 0.3 || !top) { return; }
    var r = top.getBBox(), b = box();
    view.k = clampK(Math.min(0.85, b.w / (r.width + 32)));
    view.x = r.x + r.width / 2 - b.w / 2 / view.k;
    view.y = r.y - 16 / view.k;
    apply();
  }

  adopt(viewport.querySelector("svg"));
  initialView();
  syncState();
  if (search.value.trim()) { runSearch(false); }
  root.classList.add("ready");
})();
