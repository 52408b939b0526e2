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

  // A form that must be sent once (the send and resend buttons): the button is disabled as the form goes. Listened to
  // on the document, so forms swapped in by the live dispatch page are covered too.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-submit-once]")) return;
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

  // A dispatch's page, live as a whole: every 2 seconds until every delivery has ended, the bar, the tabs with their
  // counts and the table are fetched as one HTML fragment (the same template the page includes) and swapped in.
  const live = document.getElementById("dispatch-live");
  if (!live) return;
  const isDone = function () {
    const part = live.querySelector(".invitations-live");
    return !part || part.dataset.done === "true";
  };
  if (isDone()) return;
  const poll = function () {
    fetch(live.dataset.liveUrl, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        live.innerHTML = html;
        if (!isDone()) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  };
  window.setTimeout(poll, 2000);
})();
