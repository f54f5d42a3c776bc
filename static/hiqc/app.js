// HIQC page behaviour. No inline scripts anywhere (Content-Security-Policy: script-src 'self').
document.addEventListener("htmx:responseError", function (event) {
  const target = event.detail.target;
  if (target) {
    target.insertAdjacentHTML("beforeend", '<div class="error" role="alert">' +
      (document.documentElement.lang === "en" ? "Request failed; please retry." : "请求失败，请重试。") + "</div>");
  }
});

// A lookup box inside a larger form: Enter searches instead of submitting the form.
document.addEventListener("keydown", function (event) {
  const box = event.target;
  if (event.key === "Enter" && box instanceof HTMLInputElement && box.dataset.enter === "lookup") {
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(box, "search"); }
  }
});
