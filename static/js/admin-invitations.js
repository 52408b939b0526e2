/* The letters' admin: a filter for the preview's mission list, send buttons that submit once, and a dispatch's
   progress that refreshes itself. Everything works without this file; it only makes it nicer. */
"use strict";

(function () {
  // A search box that narrows a <select>: options are removed and put back, which every browser honours.
  document.querySelectorAll("input[data-filter-select]").forEach(function (input) {
    const select = document.getElementById(input.dataset.filterSelect);
    if (!select) return;
    const all = Array.from(select.options);
    input.hidden = false;
    const help = document.getElementById(input.getAttribute("aria-describedby"));
    if (help) help.hidden = false;
    input.addEventListener("input", function () {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      const selected = select.value;
      select.replaceChildren(...all.filter(function (option) {
        const text = option.text.toLowerCase();
        return option.value === "" || words.every(function (word) { return text.includes(word); });
      }));
      select.value = selected;
      if (select.value !== selected || selected === "") {
        const first = Array.from(select.options).find(function (option) { return option.value !== ""; });
        if (first && words.length) select.value = first.value;
      }
    });
  });

  // A form that must be sent once (the send and resend buttons): the button is disabled as the form goes.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
      form.querySelectorAll("input[type=submit], button[type=submit]").forEach(function (button) {
        // Disabled after this event: a disabled button would not submit, and the form carries its own fields.
        window.setTimeout(function () {
          button.disabled = true;
          if (button.dataset.busyLabel) button.value = button.dataset.busyLabel;
        }, 0);
      });
    });
  });

  // A dispatch's progress: polls the JSON every 2 seconds until every delivery has ended, then reloads the page
  // once so the table of deliveries shows the final statuses.
  const section = document.querySelector("[data-progress-url]");
  if (!section || section.dataset.done === "true") return;
  const bar = section.querySelector("[role=progressbar]");
  const set = function (selector, value) {
    const element = section.querySelector(selector);
    if (element) element.textContent = value;
  };
  const update = function (p) {
    const pending = Math.max(0, 100 - p.percent_sent - p.percent_failed);
    section.querySelector("[data-part=sent]").style.width = p.percent_sent + "%";
    section.querySelector("[data-part=failed]").style.width = p.percent_failed + "%";
    section.querySelector("[data-part=pending]").style.width = pending + "%";
    ["sent", "failed", "pending", "total"].forEach(function (key) { set("[data-count=" + key + "]", p[key]); });
    set("[data-state]", p.done ? "done" : "sending…");
    bar.setAttribute("aria-valuemax", p.total);
    bar.setAttribute("aria-valuenow", p.sent + p.failed);
    bar.setAttribute(
      "aria-valuetext",
      p.sent + " sent · " + p.failed + " failed · " + p.pending + " pending of " + p.total
    );
  };
  const poll = function () {
    fetch(section.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (progress) {
        update(progress);
        if (progress.done) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  };
  window.setTimeout(poll, 2000);
})();
