// Survey answering: live conditional questions (no inline scripts: CSP script-src 'self').
//
// A question with data-show-if="<code>" data-show-values='["1","2"]' is shown only while the
// question <code> is shown and one of its chosen values is listed — the same rule as
// hiqc.surveys.questionnaires.visible_codes, evaluated in question order. A hidden question's
// inputs are disabled, so they are not sent; the server drops hidden answers anyway. Without
// JavaScript every question is shown.
(function () {
  "use strict";

  const form = document.querySelector("form[data-survey]");
  if (!form) { return; }
  const questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  const en = document.documentElement.lang === "en";
  const SHOWN = en ? "Question shown: " : "已显示题目：";
  const HIDDEN = en ? "Question hidden: " : "已隐藏题目：";

  // A polite live region tells screen-reader users that a question appeared or went away.
  const live = document.createElement("div");
  live.className = "sv-sr";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  function chosen(code) {
    const values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== code || el.disabled) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { values.push(el.value); }
      } else if (el.value && el.value.trim() !== "") {
        values.push(el.value.trim());
      }
    });
    return values;
  }

  function titleOf(question) {
    const legend = question.querySelector(".sv-legend");
    return legend ? legend.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function update(announce) {
    const shown = {};
    const changes = [];
    questions.forEach(function (question) {
      const code = question.dataset.question;
      const source = question.dataset.showIf;
      let visible = true;
      if (source) {
        let wanted = [];
        try { wanted = JSON.parse(question.dataset.showValues || "[]").map(String); } catch (e) { wanted = []; }
        visible = shown[source] === true && chosen(source).some(function (v) { return wanted.indexOf(v) !== -1; });
      }
      shown[code] = visible;
      if (question.hidden === visible) {
        changes.push((visible ? SHOWN : HIDDEN) + titleOf(question));
      }
      question.hidden = !visible;
      question.querySelectorAll("input, textarea, select").forEach(function (el) { el.disabled = !visible; });
    });
    if (announce && changes.length) { live.textContent = changes.join(en ? "; " : "；"); }
  }

  update(false);
  form.addEventListener("change", function () { update(true); });
  form.addEventListener("input", function (event) {
    if (event.target instanceof HTMLTextAreaElement) { update(true); }
  });

  // Error summary: focus it on arrival; its links move focus to the question's first input.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[data-focus]");
      const target = link && document.getElementById(link.dataset.focus);
      if (!target) { return; }
      event.preventDefault();
      const box = target.closest(".sv-q") || target;
      box.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  // One submission at a time (the clicked button's name and value are still sent).
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
  });
  window.addEventListener("pageshow", function () { delete form.dataset.sending; });
})();
