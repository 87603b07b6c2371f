// Drafts survive a lost connection or a reload: kept in this browser until sent. Keys carry
// the signed-in person's id (the page renders it), so the next person on a shared browser
// never sees them; signing out removes every ClientComm draft.

const DRAFT_PREFIX = "clientcomm-draft:";
const OLD_DRAFT_PREFIX = "draft-";

export function clearDrafts() {
  if (!window.localStorage) { return; }
  const doomed = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key && (key.indexOf(DRAFT_PREFIX) === 0 || key.indexOf(OLD_DRAFT_PREFIX) === 0)) {
      doomed.push(key);
    }
  }
  doomed.forEach((key) => localStorage.removeItem(key));
}

export function setupDraft(form) {
  const key = form.getAttribute("data-draft-key");
  const box = form.querySelector("textarea[name=body]");
  if (!key || !box || !window.localStorage) { return; }
  // The page after a successful post says so in its query: "sent", or "name=value".
  const done = (form.getAttribute("data-draft-done") || "sent").split("=");
  const said = new URLSearchParams(window.location.search).get(done[0]);
  if (said && (done.length < 2 || said === done[1])) { localStorage.removeItem(key); }
  if (!box.value && localStorage.getItem(key)) {
    box.value = localStorage.getItem(key);
    box.dispatchEvent(new Event("input"));
  }
  box.addEventListener("input", () => {
    if (box.value) { localStorage.setItem(key, box.value); } else { localStorage.removeItem(key); }
  });
}
