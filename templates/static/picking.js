// Ticking caseload rows for the action bar (groups, mass texts). "Select" in the title row
// turns ticking on: the rows show their checkboxes and the bar appears below the list (off,
// a phone shows as many clients as before). A pushed row or a refreshed list replaces the
// row's HTML, which would untick it: the ticked ids are kept here and put back on every new
// checkbox. The bar says how many are ticked (announced politely) and stays in sight at the
// bottom of the screen while any are.

const ticked = new Set();

function boxes(list) {
  return list.querySelectorAll('input[type="checkbox"][form="caseload-pick"]');
}

function showCount(bar) {
  const note = bar.querySelector("[data-picked-count]");
  const n = ticked.size;
  bar.toggleAttribute("data-ticked", n > 0);
  if (!note) { return; }
  note.textContent = n === 0
    ? "Tick clients to put them in a group or text them together."
    : n + " client" + (n === 1 ? "" : "s") + " ticked.";
}

function restore(list) {
  boxes(list).forEach((box) => { box.checked = ticked.has(box.value); });
}

// Rows not shown any more (a refresh, another filter) are not in the form: carry their ids.
function carryHidden(list, bar) {
  bar.querySelectorAll("input[data-carried]").forEach((input) => input.remove());
  const shown = new Set(Array.prototype.map.call(boxes(list), (box) => box.value));
  ticked.forEach((id) => {
    if (shown.has(id)) { return; }
    const input = document.createElement("input");
    input.type = "hidden"; input.name = "client"; input.value = id;
    input.setAttribute("data-carried", "");
    bar.appendChild(input);
  });
}

export function setupPicking() {
  const toggle = document.querySelector("[data-pick-toggle]");
  const list = document.getElementById("caseload");
  const bar = document.getElementById("caseload-pick");
  if (!toggle || !list || !bar) { return; }
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const on = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    list.toggleAttribute("data-picking", on);
    bar.hidden = !on;
    if (!on) { ticked.clear(); restore(list); showCount(bar); }
  });
  list.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches('input[form="caseload-pick"]')) { return; }
    if (box.checked) { ticked.add(box.value); } else { ticked.delete(box.value); }
    restore(list);  // a client listed twice (pinned as unread) ticks in both places
    showCount(bar);
  });
  new MutationObserver(() => restore(list)).observe(list, { childList: true, subtree: true });
  bar.addEventListener("submit", () => carryHidden(list, bar));
}
