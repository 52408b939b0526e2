// "Add another member" in the page: a blank member from the <template>, numbered after the others, focused.
// Without JavaScript the same button sends the form back with one more blank member (registrations/views/delegations.py).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("add-member");
  const template = document.getElementById("member-template");
  const total = document.querySelector('input[name="members-TOTAL_FORMS"]');
  const members = document.getElementById("members");
  if (!button || !template || !total || !members) return;
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const index = Number(total.value);
    const fieldset = template.content.firstElementChild.cloneNode(true);
    for (const element of fieldset.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
      for (const attribute of ["name", "id", "for", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replaceAll("__prefix__", String(index)));
      }
    }
    members.append(fieldset);
    total.value = String(index + 1);
    const first = fieldset.querySelector("input:not([type=hidden]):not([type=checkbox]):not([type=radio])");
    if (first) first.focus();
  });
});
