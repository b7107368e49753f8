// Forms marked data-busy show that the work is under way and cannot be sent twice by a double
// click. The server refuses a repeated or stale action anyway; this only spares the user the
// message.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) return;
  if (form.getAttribute("aria-busy") === "true") {
    event.preventDefault();
    return;
  }
  form.setAttribute("aria-busy", "true");
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.setAttribute("aria-disabled", "true");
  }
});

// Accessibility helpers (one block, so their names stay out of the page's global scope).
{
  // Status messages and error summaries (WCAG 4.1.3, 3.3.1). The messages block is a live region
  // in the page as served; when a form comes back with errors, focus moves to its summary so a
  // keyboard or screen-reader user starts there, and each link in it moves focus to its field.
  const focusErrorSummary = () => {
    const summary = document.querySelector(".ds-error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  };

  // django-import-export's export page labels its "select all" box with for="select-all-toggle"
  // but gives the box no id; give it that id so the label names it.
  const labelSelectAllToggle = () => {
    const toggle = document.querySelector("input.select-toggle:not([id])");
    if (toggle && !document.getElementById("select-all-toggle")) toggle.id = "select-all-toggle";
  };

  const onReady = (callback) => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  };
  onReady(focusErrorSummary);
  onReady(labelSelectAllToggle);

  // A table box that scrolls sideways (.portal-table-scroll) can be reached and scrolled with the
  // keyboard, and is named for screen readers after its table's caption or the heading before it.
  const scrollBoxesReachable = () => {
    for (const box of document.querySelectorAll(".portal-table-scroll")) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        const caption = box.querySelector("caption");
        let heading = box.previousElementSibling;
        while (heading && !/^H[1-6]$/.test(heading.tagName)) {
          heading = heading.previousElementSibling;
        }
        const name = (caption || heading || {}).textContent;
        box.setAttribute("tabindex", "0");
        if (name && name.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name.trim());
        }
      } else if (!scrolls && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  onReady(scrollBoxesReachable);
  window.addEventListener("resize", scrollBoxesReachable);
}
