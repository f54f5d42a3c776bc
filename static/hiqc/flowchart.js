// Renders <pre class="mermaid"> blocks with the locally served Mermaid (no CDN, no inline script).
document.addEventListener("DOMContentLoaded", function () {
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", flowchart: { htmlLabels: false } });
    window.mermaid.run({ querySelector: "pre.mermaid" });
  }
});
