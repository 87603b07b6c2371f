// Ticking caseload rows for the action bar (groups, mass texts). "Select" in the title row
// turns ticking on: each row of the caseload gets a checkbox (added here, so no other list
// that shows caseload rows, and no pushed row, carries one) and the bar appears below the
// list; off, a phone shows as many clients as before. A pushed row or a refreshed list
// replaces a row's HTML: its checkbox is added again, ticked if it was. The bar says how
// many are ticked (announced politely) and stays in sight at the bottom of the screen while
// any are.

const ticked = new Set();
let picking = false;

function boxes(list) {
  return list.querySelectorAll('input[type="checkbox"][form="caseload-pick"]');
}

function addBoxes(list) {
  list.querySelectorAll(".client-row[data-client]").forEach((row) => {
    if (row.querySelector(".pick")) { return; }
    const id = row.getAttribute("data-client");
    const name = row.querySelector(".client-name");
    const label = document.createElement("label");
    label.className = "pick";
    const box = document.createElement("input");
    box.type = "checkbox"; box.name = "client"; box.value = id;
    box.setAttribute("form", "caseload-pick");
    box.checked = ticked.has(id);
    const words = document.createElement("span");
    words.className = "sr-only";
    words.textContent = "Tick " + (name ? name.textContent.trim() : "this client");
    label.append(box, words);
    row.prepend(label);
  });
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
    picking = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", picking ? "true" : "false");
    list.toggleAttribute("data-picking", picking);
    bar.hidden = !picking;
    if (picking) { addBoxes(list); return; }
    ticked.clear();
    list.querySelectorAll(".pick").forEach((label) => label.remove());
    showCount(bar);
  });
  list.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches('input[form="caseload-pick"]')) { return; }
    if (box.checked) { ticked.add(box.value); } else { ticked.delete(box.value); }
    // a client listed twice (pinned as unread) ticks in both places
    boxes(list).forEach((other) => { other.checked = ticked.has(other.value); });
    showCount(bar);
  });
  new MutationObserver(() => { if (picking) { addBoxes(list); } })
    .observe(list, { childList: true, subtree: true });
  bar.addEventListener("submit", () => carryHidden(list, bar));
}
