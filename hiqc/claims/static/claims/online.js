// Online-claim pages (no inline scripts: Content-Security-Policy script-src 'self').
(function () {
  "use strict";

  // A button marked data-once is disabled after its form is submitted (no double claims).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = form.querySelector("button[data-once]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // The resend button waits for the cooldown before it can be used again.
  document.querySelectorAll("button[data-cooldown]").forEach(function (button) {
    let left = parseInt(button.dataset.cooldown, 10) || 0;
    const label = button.textContent;
    if (left <= 0) { return; }
    button.disabled = true;
    const timer = window.setInterval(function () {
      left -= 1;
      button.textContent = label + (left > 0 ? "（" + left + "s）" : "");
      if (left <= 0) {
        window.clearInterval(timer);
        button.disabled = false;
      }
    }, 1000);
  });

  // A file over the size limit, or too many files, are refused before they are sent (the
  // server checks again, and refuses a body too large for them before reading it).
  document.querySelectorAll("input[type=file][data-max-mb]").forEach(function (input) {
    input.addEventListener("change", function () {
      const limit = (parseInt(input.dataset.maxMb, 10) || 10) * 1024 * 1024;
      const most = parseInt(input.dataset.maxFiles, 10) || 0;
      const tooLarge = Array.prototype.some.call(input.files, function (f) { return f.size > limit; });
      const tooMany = most > 0 && input.files.length > most;
      input.setCustomValidity(tooLarge ? input.dataset.tooLarge : (tooMany ? input.dataset.tooMany : ""));
      input.reportValidity();
    });
  });
})();
