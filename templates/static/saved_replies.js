// A text box's "Saved replies" (the compose box's, and the scheduling boxes' on the client
// and edit pages): a <details> (keyboard and screen readers know it; without this script
// it links to the page that keeps them) whose list is asked of the
// server when it opens, each reply already filled in for this client in their language.
// Choosing one puts its text in the box where the cursor was (at the end if the box was
// never used), as plain text, then returns to the box: it stays editable, and the segment
// counter and the kept draft follow through the input event.
import { backgroundGet } from "./background.js";

function note(text) {
  const p = document.createElement("p");
  p.className = "muted";
  p.textContent = text;
  return p;
}

// Two pickers may be open on one page (the compose box's and the scheduling box's): each
// list's ids (headings that name their lists) get the box's id in front, so none repeats.
function ownIds(fragment, prefix) {
  fragment.querySelectorAll("[id]").forEach((el) => { el.id = prefix + el.id; });
  fragment.querySelectorAll("[aria-labelledby]").forEach((el) => {
    const ids = el.getAttribute("aria-labelledby").split(/\s+/).filter(Boolean);
    el.setAttribute("aria-labelledby", ids.map((id) => prefix + id).join(" "));
  });
}

function insertAtCursor(box, text, used) {
  const start = used ? box.selectionStart : box.value.length;
  const end = used ? box.selectionEnd : box.value.length;
  let piece = text;
  if (start === end && start > 0 && !/\s$/.test(box.value.slice(0, start))) { piece = " " + piece; }
  if (start === end && end < box.value.length && !/^\s/.test(box.value.slice(end))) { piece += " "; }
  box.setRangeText(piece, start, end, "end");
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.focus();
}

export function setupPicker(details) {
  const box = document.getElementById(details.getAttribute("data-for") || "");
  const list = details.querySelector(".picker-body");
  if (!box || !list) { return; }
  // Has the person put the cursor in the box yet? Focus alone does not: Tab passing through
  // a box that already holds a text (the edit page's, a kept draft) leaves the cursor at its
  // start, and the reply belongs after that text, not glued in front of it.
  let used = false;
  ["click", "select", "input"].forEach((name) => {
    box.addEventListener(name, () => { used = true; });
  });
  box.addEventListener("keyup", (event) => {
    if (event.key !== "Tab" && event.key !== "Shift") { used = true; }
  });
  let loaded = false;
  function load() {
    if (!loaded) { list.replaceChildren(note("Loading saved replies…")); }
    list.setAttribute("aria-busy", "true");
    backgroundGet(details.getAttribute("data-picker-src"), "text/html")
      .then((html) => {
        if (html === null) { throw new Error("no list"); }
        const template = document.createElement("template");
        template.innerHTML = html;
        ownIds(template.content, box.id + "-");
        list.replaceChildren(template.content);
        loaded = true;
      })
      .catch(() => {
        if (!loaded) {
          list.replaceChildren(note("Saved replies could not be loaded. Close and open " +
            "“Saved replies” to try again."));
        }
      })
      .finally(() => { list.removeAttribute("aria-busy"); });
  }
  details.addEventListener("toggle", () => { if (details.open) { load(); } });
  if (details.open) { load(); }  // opened before this deferred module ran: no toggle comes
  list.addEventListener("click", (event) => {
    const choice = event.target.closest("button.saved-reply");
    if (!choice || box.disabled) { return; }
    insertAtCursor(box, choice.getAttribute("data-text") || "", used);
    used = true;
    details.open = false;
  });
  details.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && details.open) {
      details.open = false;
      details.querySelector("summary").focus();
    }
  });
}

document.querySelectorAll("details[data-picker-src]").forEach(setupPicker);
