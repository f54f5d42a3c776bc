// Consultation capture (standard 4.1.1): Ctrl+Enter (or ⌘+Enter) in a text area submits the form,
// as Enter does in the single-line fields. No inline scripts: the CSP allows 'self' only.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  var area = event.target;
  if (!area || area.tagName !== "TEXTAREA" || !area.form || area.form.id !== "capture") return;
  event.preventDefault();
  area.form.requestSubmit();
});
