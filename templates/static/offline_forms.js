// Forms other than the compose box are not kept for later (scheduling a text, changing or
// cancelling one, appointment changes...): what they change must be checked against the
// server's current state at once. Without a connection the page says so and keeps what
// was typed, instead of the browser's "No internet" page.
//
// One listener on the window, so it runs after every other submit listener (a "Cancel
// this text?" question answered No has already stopped the post). Offline as the browser
// knows it: refused at once. Otherwise a cheap HEAD request first proves the app answers;
// only then does the form post as it would without JavaScript.

const OFFLINE = "You are offline: scheduling and appointment changes need a connection. " +
  "Nothing was saved; try again when you are connected.";
const PROBE_MS = 15000;

function applies(form, submitter) {
  return form.method === "post" && !form.matches("form.send-form, form[data-sign-out]") &&
    !form.target && !(submitter && (submitter.hasAttribute("formaction") ||
      submitter.hasAttribute("formmethod") || submitter.hasAttribute("formtarget")));
}

function sayOffline(form) {
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

async function answers(url) {
  const stop = new AbortController();
  const timer = window.setTimeout(() => stop.abort(), PROBE_MS);
  try {
    await fetch(url, { method: "HEAD", credentials: "same-origin", cache: "no-store",
      signal: stop.signal });
    return true;  // any answer at all: the app is reachable
  } catch (e) {
    return false;
  } finally {
    window.clearTimeout(timer);
  }
}

// The button pressed says which action a form with several takes: a form posted by
// script leaves it out, so it goes in as a hidden field.
function carrySubmitter(form, submitter) {
  form.querySelectorAll("input[data-carried-submitter]").forEach((old) => old.remove());
  if (!submitter || !submitter.name) { return; }
  const carried = document.createElement("input");
  carried.type = "hidden";
  carried.name = submitter.name;
  carried.value = submitter.value;
  carried.setAttribute("data-carried-submitter", "");
  form.append(carried);
}

export function setupOfflineForms() {
  if (!document.body.getAttribute("data-user") || !window.fetch) { return; }
  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) { return; }
    if (!applies(form, event.submitter)) { return; }
    event.preventDefault();
    if (form.hasAttribute("data-checking-connection")) { return; }
    if (!navigator.onLine) { sayOffline(form); return; }
    form.setAttribute("data-checking-connection", "");
    answers(form.action).then((reachable) => {
      form.removeAttribute("data-checking-connection");
      if (!reachable) { sayOffline(form); return; }
      const note = form.querySelector(":scope > .offline-refusal");
      if (note) { note.remove(); }
      carrySubmitter(form, event.submitter);
      HTMLFormElement.prototype.submit.call(form);
    });
  });
}
