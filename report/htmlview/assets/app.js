// tcpcheck's HTML report: the page is drawn by tcpcheck; this script only
// moves the current step (buttons, arrow keys) and filters the summary.
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("data").textContent);
  var cur = [], active = 0;
  function q(sec, sel) { return sec.querySelector(sel); }
  function set(sec, sel, text) { q(sec, sel).textContent = text || "—"; }
  function show(i, k) {
    var t = page.traces[i], sec = document.getElementById("trace-" + i);
    k = Math.max(0, Math.min(t.steps.length - 1, k));
    cur[i] = k;
    var s = t.steps[k];
    set(sec, ".step-no", String(s.n));
    set(sec, ".event", s.event + (s.notice ? " (tells the user: " + s.notice + ")" : "") +
      (s.breaking ? " — this step breaks the property" : "") + (s.in_loop ? " — in the repeating cycle" : ""));
    ["a", "b"].forEach(function (e) {
      set(sec, ".state-" + e, s[e].state + (s[e].ended ? " (" + s[e].ended + ")" : ""));
      set(sec, ".una-" + e, s[e].snd_una);
      set(sec, ".nxt-" + e, s[e].snd_nxt);
      set(sec, ".rcv-" + e, s[e].rcv_nxt);
    });
    set(sec, ".inflight", s.in_flight.join(", ") || "nothing");
    set(sec, ".row-id", s.row);
    q(sec, ".cite").textContent = s.cite ? "(" + s.cite + ")" : "";
    q(sec, ".note").textContent = s.note || "";
    set(sec, ".arc-key", s.arc);
    sec.querySelectorAll(".row").forEach(function (r) {
      r.classList.toggle("cur", Number(r.getAttribute("data-step")) === k);
    });
    sec.querySelectorAll(".msg").forEach(function (m) {
      m.classList.toggle("now", Number(m.getAttribute("data-end")) === k || (k > 0 && Number(m.getAttribute("data-sent")) === k));
    });
    sec.querySelectorAll(".arc").forEach(function (a) {
      a.classList.toggle("hl", a.getAttribute("data-arc") === s.arc);
    });
    var actor = s.actor === "B" ? s.b.state : s.a.state;
    sec.querySelectorAll(".state").forEach(function (g) {
      g.classList.toggle("in", k > 0 && g.getAttribute("data-state") === actor);
    });
    sec.setAttribute("data-step", String(k));
  }
  function activate(i) {
    active = i;
    document.querySelectorAll(".trace").forEach(function (sec) {
      sec.classList.toggle("active", Number(sec.getAttribute("data-trace")) === i);
    });
  }
  page.traces.forEach(function (t, i) {
    var sec = document.getElementById("trace-" + i);
    q(sec, ".prev").addEventListener("click", function () { activate(i); show(i, cur[i] - 1); });
    q(sec, ".next").addEventListener("click", function () { activate(i); show(i, cur[i] + 1); });
    sec.addEventListener("click", function () { activate(i); });
    sec.addEventListener("focus", function () { activate(i); });
    show(i, 0);
  });
  if (page.traces.length) { activate(0); }
  document.addEventListener("keydown", function (ev) {
    if (!page.traces.length || ev.target.tagName === "SELECT") { return; }
    if (ev.key === "ArrowRight") { show(active, cur[active] + 1); ev.preventDefault(); }
    if (ev.key === "ArrowLeft") { show(active, cur[active] - 1); ev.preventDefault(); }
  });
  var fv = document.getElementById("f-verdict"), fs = document.getElementById("f-status");
  function filter() {
    var n = 0;
    document.querySelectorAll("tr.prop, section.trace").forEach(function (el) {
      var ok = (!fv.value || el.getAttribute("data-verdict") === fv.value) &&
        (!fs.value || el.getAttribute("data-status") === fs.value);
      el.classList.toggle("hidden", !ok);
      if (ok && el.tagName === "TR") { n++; }
    });
    document.getElementById("f-count").textContent = n + " of " + page.summary.length + " shown";
  }
  // Printed, every trace lists its steps as text: open the lists.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.steps:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  if (fv) { fv.addEventListener("change", filter); fs.addEventListener("change", filter); filter(); }
})();
