// Forms other than the compose box are not kept for later (scheduling a text, changing or
// cancelling one, appointment changes...): what they change must be checked against the
// server's current state at once. Without a connection the page says so and keeps what
// was typed, instead of losing it to the browser's "No internet" page.
//
// One listener on the window, so it runs after every other submit listener (a "Cancel
// this text?" answered No has already stopped the post). Offline as the browser knows it:
// refused at once. Online, the form posts at once as without JavaScript, leaving a note of
// what was typed for this tab; the next page of ours forgets it. Only when the person comes
// Back to this page without any page of ours in between (the post never reached us, so
// the browser showed its error page) are the fields filled in again, with the message.

const OFFLINE = "You are offline: scheduling and appointment changes need a connection. " +
  "Nothing was saved; try again when you are connected.";
const NOTE = "clientcomm-posting";
const FRESH_MS = 30 * 60000;

function applies(form) {
  return form.method === "post" && !form.matches("form.send-form, form[data-sign-out]") &&
    !form.target;
}

function formIndex(form) {
  return Array.prototype.indexOf.call(document.forms, form);
}

function typed(form) {
  return Array.prototype.filter.call(form.elements, (el) =>
    el.name && !["hidden", "file", "submit", "button", "password"].includes(el.type))
    .map((el) => [el.name, el.type === "checkbox" || el.type === "radio" ? el.checked : el.value]);
}

export function sayOffline(form) {
  let note = form.querySelector(":scope > .offline-refusal");
  if (!note) {
    note = document.createElement("div");
    note.className = "alert alert-error offline-refusal";
    note.setAttribute("role", "alert");
    note.setAttribute("tabindex", "-1");
    form.prepend(note);
  }
  const p = document.createElement("p");
  p.textContent = OFFLINE;
  note.replaceChildren(p);
  note.focus();
}

function remember(form) {
  if (!window.sessionStorage) { return; }
  try {
    sessionStorage.setItem(NOTE, JSON.stringify({
      page: location.pathname + location.search, form: formIndex(form), at: Date.now(),
      fields: typed(form)
    }));
  } catch (e) { /* storage full or refused: the post goes anyway */ }
}

function fillIn(form, fields) {
  const used = {};
  fields.forEach(([name, value]) => {
    const all = Array.prototype.filter.call(form.elements, (el) => el.name === name);
    const el = all[used[name] || 0];
    used[name] = (used[name] || 0) + 1;
    if (!el) { return; }
    if (el.type === "checkbox" || el.type === "radio") { el.checked = !!value; } else {
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
}

// Read once and forgotten on every page of ours; used only when coming Back to its page
// (``keptWhole``: from the back-forward cache, what was typed is still there).
function cameBackAfterAFailedPost(keptWhole) {
  if (!window.sessionStorage) { return; }
  const raw = sessionStorage.getItem(NOTE);
  sessionStorage.removeItem(NOTE);
  if (!raw) { return; }
  const how = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  if (!keptWhole && (!how || how.type !== "back_forward")) { return; }
  let note = null;
  try { note = JSON.parse(raw); } catch (e) { return; }
  if (!note || note.page !== location.pathname + location.search ||
      Date.now() - note.at > FRESH_MS) { return; }
  const form = document.forms[note.form];
  if (!form || !applies(form)) { return; }
  if (!keptWhole) { fillIn(form, note.fields || []); }
  sayOffline(form);
}

export function setupOfflineForms() {
  if (!document.body.getAttribute("data-user")) {  // signed out: forget what was typed
    if (window.sessionStorage) { sessionStorage.removeItem(NOTE); }
    return;
  }
  cameBackAfterAFailedPost(false);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) { cameBackAfterAFailedPost(true); }
  });
  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !applies(form)) {
      return;
    }
    if (!navigator.onLine) {
      event.preventDefault();
      sayOffline(form);
      return;
    }
    remember(form);
  });
}
