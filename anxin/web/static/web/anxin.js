/* Anxin page behaviour: countdowns, photo checks and previews, confirmations, select-all, charts.
   No inline scripts anywhere (Content-Security-Policy); pages opt in with data- attributes. */
(function () {
  "use strict";
  var S = {}, skew = 0;
  function strings() {
    var node = document.getElementById("anxin-strings");
    if (node) { try { S = JSON.parse(node.textContent); } catch (e) { S = {}; } }
  }
  function fmt(text, params) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_, k) { return params[k]; });
  }

  /* <time data-countdown="ISO">: "1d 3h 20min left" / "overdue 2h" */
  function renderCountdowns() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(due)) { return; }
      var left = Math.round((due - now) / 1000), over = left < 0, t = Math.abs(left);
      var d = Math.floor(t / 86400), h = Math.floor((t % 86400) / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
      var parts = d ? [d + S.d, h + S.h] : h ? [h + S.h, m + S.m] : [m + S.m, s + S.s];
      el.textContent = over ? S.overdue + " " + parts.join(" ") : parts.join(" ") + " " + S.left;
      el.classList.toggle("is-overdue", over);
    });
  }

  /* <input type=file data-max-bytes data-max-files data-preview="#id">: client-side checks + preview */
  function bindPhotos(root) {
    root.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      if (input.dataset.bound) { return; }
      input.dataset.bound = "1";
      input.addEventListener("change", function () {
        var max = parseInt(input.dataset.maxBytes, 10), maxFiles = parseInt(input.dataset.maxFiles || "9", 10);
        var box = document.querySelector(input.dataset.preview), problem = "";
        if (box) { box.replaceChildren(); }
        var files = Array.prototype.slice.call(input.files || []);
        if (files.length > maxFiles) { problem = fmt(S.too_many, { n: maxFiles }); }
        files.forEach(function (file) {
          if (!/^image\/(jpeg|png|webp)$/.test(file.type)) { problem = problem || S.not_image; }
          else if (file.size > max) { problem = problem || fmt(S.too_large, { mb: Math.round(max / 1048576) }); }
          else if (box) {
            var img = document.createElement("img");
            img.alt = file.name; img.src = URL.createObjectURL(file);
            box.appendChild(img);
          }
        });
        input.setCustomValidity(problem);
        input.setAttribute("aria-invalid", problem ? "true" : "false");
        var note = document.getElementById(input.id + "-check");
        if (note) { note.textContent = problem; }
        if (problem) { input.reportValidity(); }
      });
    });
  }

  /* <form data-confirm="text">, <input type=checkbox data-select-all="name"> */
  document.addEventListener("submit", function (event) {
    var form = event.target, text = form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { event.preventDefault(); }
  }, true);
  document.addEventListener("change", function (event) {
    var box = event.target, name = box.getAttribute && box.getAttribute("data-select-all");
    if (!name) { return; }
    document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (c) { c.checked = box.checked; });
  });

  /* <div class="chart" data-chart="json-script-id">: an ECharts option from a json_script block */
  function renderCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) { return; }
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      el.dataset.rendered = "1";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function init(root) { bindPhotos(root); renderCharts(root); renderCountdowns(); }
  document.addEventListener("DOMContentLoaded", function () {
    strings();
    var server = Date.parse(document.body.getAttribute("data-server-now") || "");
    if (!isNaN(server)) { skew = server - Date.now(); }
    init(document);
    window.setInterval(renderCountdowns, 1000);
  });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
