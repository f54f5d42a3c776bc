// Live preview of a score while an inspector fills the form (the service computes the real
// total on submit): Σ points ÷ Σ available × 100, and 0 when a fatal item is ticked.
(function () {
  "use strict";
  function preview() {
    var table = document.getElementById("score-items");
    var out = document.getElementById("score-preview");
    if (!table || !out) return;
    var got = 0, max = 0, fatal = false;
    table.querySelectorAll("input[data-max]").forEach(function (input) {
      var m = parseInt(input.getAttribute("data-max"), 10) || 0;
      var v = parseInt(input.value, 10);
      max += m;
      if (!isNaN(v)) got += Math.min(Math.max(v, 0), m);
    });
    table.querySelectorAll("input[type=checkbox][name^=fatal_]").forEach(function (box) {
      if (box.checked) fatal = true;
    });
    var total = fatal ? 0 : (max ? Math.round((1000 * got) / max) / 10 : 0);
    out.textContent = (document.documentElement.lang === "en" ? "Preview: " : "预估总分：") + total;
  }
  document.addEventListener("input", preview);
  document.addEventListener("change", preview);
  document.addEventListener("DOMContentLoaded", preview);
})();
