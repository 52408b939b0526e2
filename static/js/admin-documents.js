/* Documents made in the background (the list of participants, confirmation letters): each one still being made
   polls its progress every 1.5 seconds and moves its bar; when one is ready or failed, the page reloads once to show
   its link. Without this file the page refreshes itself every 5 seconds while a document is being made. */
"use strict";

(function () {
  document.querySelectorAll("[data-document-progress]").forEach(function (cell) {
    if (cell.dataset.done === "true") return;
    const bar = cell.querySelector("[role=progressbar]");
    const poll = function () {
      fetch(cell.dataset.documentProgress, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (p) {
          if (p.done) { window.location.reload(); return; }
          cell.querySelector("[data-part=done]").style.width = p.percent + "%";
          bar.setAttribute("aria-valuenow", Math.round(p.percent));
          cell.querySelector("[data-text]").textContent =
            p.status_label + (p.total_steps ? ": " + p.done_steps + " of " + p.total_steps : "") +
            (p.stage ? " (" + p.stage.toLowerCase() + ")" : "");
          window.setTimeout(poll, 1500);
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    };
    window.setTimeout(poll, 1500);
  });
})();
