// Ticked caseload rows for the action bar (groups, mass texts). A pushed row or a refreshed
// list replaces the row's HTML, which would untick it: the ticked ids are kept here and put
// back on every new checkbox. The bar says how many are ticked (announced politely).

const ticked = new Set();

function boxes(list) {
  return list.querySelectorAll('input[type="checkbox"][form="caseload-pick"]');
}

function showCount(list) {
  const note = document.querySelector("[data-picked-count]");
  if (!note) { return; }
  const n = ticked.size;
  note.textContent = n === 0
    ? "Tick clients to put them in a group or text them together."
    : n + " client" + (n === 1 ? "" : "s") + " ticked.";
}

function restore(list) {
  boxes(list).forEach((box) => { box.checked = ticked.has(box.value); });
}

export function setupPicking() {
  const list = document.querySelector("[data-picking]");
  if (!list) { return; }
  boxes(list).forEach((box) => { if (box.checked) { ticked.add(box.value); } });
  list.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches('input[form="caseload-pick"]')) { return; }
    if (box.checked) { ticked.add(box.value); } else { ticked.delete(box.value); }
    restore(list);  // a client listed twice (pinned as unread) ticks in both places
    showCount(list);
  });
  new MutationObserver(() => restore(list)).observe(list, { childList: true, subtree: true });
  // Rows of another page of the caseload are not in the form: carry their ids along.
  const form = document.getElementById("caseload-pick");
  form.addEventListener("submit", () => {
    form.querySelectorAll("input[data-carried]").forEach((input) => input.remove());
    const shown = new Set(Array.prototype.map.call(boxes(list), (box) => box.value));
    ticked.forEach((id) => {
      if (shown.has(id)) { return; }
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "client"; input.value = id;
      input.setAttribute("data-carried", "");
      form.appendChild(input);
    });
  });
}
