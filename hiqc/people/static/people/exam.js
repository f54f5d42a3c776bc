// The time left on the exam page (issue 18 §2): counts down from data-seconds; the server
// decides what is late, this only shows it.
(function () {
  "use strict";
  var box = document.getElementById("time-left");
  if (!box) { return; }
  var left = parseInt(box.getAttribute("data-seconds"), 10) || 0;
  var out = box.querySelector(".countdown");
  function show() {
    var m = Math.floor(left / 60), s = left % 60;
    out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left > 0) { left -= 1; window.setTimeout(show, 1000); }
  }
  show();
})();
