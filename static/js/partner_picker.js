// The partner picker of a development-grant application: a search field that filters the list of
// some 370 municipalities and county municipalities as one types. Progressive enhancement: the
// page renders every organisation as a checkbox (the chosen first) and works without this file;
// the search field is hidden until this script shows it. With it, only the chosen organisations
// and those matching the search are shown, so a keyboard user does not tab through 370 boxes.
// No inline script (the Content-Security-Policy forbids it), no framework.
(() => {
  "use strict";

  // Case and accents do not matter ("karasjok" finds "Kárášjohka"), but å keeps its ring: æ, ø
  // and å are letters of their own in Norwegian.
  const normalise = (text) =>
    text
      .toLocaleLowerCase("nb")
      .normalize("NFD")
      .replace(/[\u0300-\u0309\u030b-\u036f]/g, "")
      .trim();

  const setUp = (picker) => {
    const search = picker.querySelector("[data-picker-search]");
    const input = search && search.querySelector("input[type=search]");
    const count = picker.querySelector("[data-picker-count]");
    const none = picker.querySelector("[data-picker-none]");
    const hint = picker.querySelector("[data-picker-hint]");
    const chosen = picker.querySelector("[data-picker-chosen]");
    const items = Array.from(picker.querySelectorAll("[data-search]"));
    if (!input || !items.length) return;
    const keys = items.map((item) => normalise(item.dataset.search || ""));
    const boxes = items.map((item) => item.querySelector("input[type=checkbox]"));
    let announce = 0;

    const filter = () => {
      const query = normalise(input.value);
      let shown = 0;
      items.forEach((item, index) => {
        // A chosen organisation stays in view, so it can be taken off again.
        const match = boxes[index].checked || (query && keys[index].includes(query));
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (none) none.hidden = !query || shown > 0;
      if (hint) hint.hidden = Boolean(query) || shown > 0;
      // Screen readers hear the count once typing pauses, not on every key.
      window.clearTimeout(announce);
      announce = window.setTimeout(() => {
        count.textContent = query ? `${count.dataset.label} ${shown}` : "";
      }, 500);
    };

    const showChosen = () => {
      const names = items
        .filter((item, index) => boxes[index].checked)
        .map((item) => item.querySelector("label").textContent.trim());
      chosen.textContent = names.length ? names.join(", ") : chosen.dataset.empty;
    };

    input.addEventListener("input", filter);
    // Enter in the search field filters; it does not send the form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    picker.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.type === "checkbox") {
        showChosen();
      }
    });
    search.hidden = false;
    filter();
  };

  const start = () => document.querySelectorAll("[data-partner-picker]").forEach(setUp);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
