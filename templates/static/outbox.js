// The outbox: texts written without a connection, kept on this device and sent when the
// connection returns (issue 23). This module: the compose form and the bubbles' buttons.
// Records are outbox_store.js's, bubbles outbox_view.js's, sending outbox_sending.js's.
//
// With JavaScript the compose form sends by fetch. Offline, or when the request fails for
// lack of a connection, the text is kept with its one-time id and the box clears for the
// next one under a new id. Waiting texts are sent one at a time, in the order written per
// client, each under ITS OWN id, when the connection returns (the "online" event, a page
// loaded online, a retry timer while any wait): the server sends an id at most once, so a
// retry after a lost answer never sends twice. A text once attempted is never edited (its
// id could already stand for that body); one never attempted can be.
import {
  answerOf, connectionBack, editing, flush, post, refreshConversation, retrySoon, userId,
  whenChanged
} from "./outbox_sending.js";
import { find, forget, keep, textsOf } from "./outbox_store.js";
import { editInPlace, showOutbox } from "./outbox_view.js";
import { answeredSignedOut } from "./session.js";

export { unsentCount } from "./outbox_sending.js";

const SAVED = "Kept on this device: it will be sent when the connection returns.";
const NO_ANSWER = "ClientComm did not answer as expected, so the text may not have gone. " +
  "Send it again: it will not be sent twice.";
const NOT_KEPT = "There is no connection and this device could not keep the text. Send it " +
  "again when you are connected: it will not be sent twice.";
function newDraftId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- the compose form ---------------------------------------------------------------

function fieldsOf(form) {
  const data = new FormData(form);
  const fields = {};
  ["body", "draft_id", "to_phone", "attachment_key", "attachment_name"].forEach((name) => {
    fields[name] = String(data.get(name) || "");
  });
  return fields;
}

function say(form, id, className, role, message) {
  ["send-error", "send-status"].forEach((old) => {
    const gone = document.getElementById(old);
    if (gone) { gone.remove(); }
  });
  if (!message) { return; }
  const note = document.createElement(id === "send-error" ? "div" : "p");
  note.id = id;
  note.className = className;
  note.setAttribute("role", role);
  if (id === "send-error") {
    const p = document.createElement("p");
    p.textContent = message;
    note.append(p);
  } else {
    note.textContent = message;
  }
  const field = form.querySelector(".field");
  form.insertBefore(note, field);
}

function showError(form, message) { say(form, "send-error", "alert alert-error", "alert", message); }
function showStatus(form, message) { say(form, "send-status", "muted", "status", message); }

// Ready for the next text: a new one-time id, and an empty box (drafts.js forgets the
// draft) unless the person already typed something else while this one was on its way.
function nextText(form, fields) {
  const box = form.querySelector("textarea[name=body]");
  if (box.value === fields.body) {
    box.value = "";
    box.dispatchEvent(new Event("input"));
  }
  form.querySelector("input[name=draft_id]").value = newDraftId();
  const file = form.querySelector("input[name=attachment_key]");
  if (file && file.value === fields.attachment_key) {
    form.dispatchEvent(new CustomEvent("clientcomm:sent"));  // attach.js clears the file
  }
}

function busy(form, on) {
  const off = !!document.getElementById("send-off");  // an opt-out pushed meanwhile
  form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = on || off; });
  form.setAttribute("aria-busy", on ? "true" : "false");
}

async function waitingFor(clientId) {
  return (await textsOf(userId())).filter((t) => t.client_id === clientId && t.state === "waiting");
}

async function queue(form, fields, attempted) {
  const texts = await textsOf(userId());
  const last = texts.length ? texts[texts.length - 1].order : 0;
  const text = Object.assign({}, fields, {
    user_id: userId(),
    client_id: form.getAttribute("data-outbox-client"),
    url: form.action,
    written_at: new Date().toISOString(),
    order: Math.max(Date.now(), last + 1),
    state: "waiting",
    attempted: attempted,
    reason: ""
  });
  await keep(text);
  nextText(form, fields);
  showStatus(form, SAVED);
  await render();
  retrySoon();
}

async function sendFromForm(form, fields) {
  // Texts already waiting for this client go first: this one waits behind them.
  if (!navigator.onLine || (await waitingFor(form.getAttribute("data-outbox-client"))).length) {
    await queue(form, fields, false);
    flush();
    return;
  }
  let response = null;
  try {
    response = await post(form.action, fields, false);
  } catch (e) {  // no connection: the request may or may not have arrived
    await queue(form, fields, true);
    return;
  }
  if (response.status === 401) { answeredSignedOut(response); return; }
  const answer = await answerOf(response);
  const outcome = answer && answer.outcome;
  if (outcome === "sent") {
    nextText(form, fields);
    showStatus(form, answer.message);
    refreshConversation(form.getAttribute("data-outbox-client"));
    return;
  }
  showError(form, (answer && answer.reason) || NO_ANSWER);
  // A definite answer used up the id (as the page without JavaScript gets a new form).
  if (["refused", "invalid", "pending"].indexOf(outcome) >= 0) {
    if (outcome === "pending") { nextText(form, fields); } else {
      form.querySelector("input[name=draft_id]").value = newDraftId();
    }
  }
}

function setupForm(form) {
  form.addEventListener("submit", (event) => {
    if (event.defaultPrevented || !window.fetch || !window.indexedDB) { return; }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }
    const fields = fieldsOf(form);
    if (!fields.body.trim() && !fields.attachment_key) {
      showError(form, "Type a text to send.");
      return;
    }
    // One at a time: the next send waits until this one is kept or answered, so no two
    // texts ever leave with the same one-time id.
    busy(form, true);
    sendFromForm(form, fields).catch(() => showError(form, NOT_KEPT))
      .finally(() => busy(form, false));
  });
}

// --- the bubbles ----------------------------------------------------------------------

const actions = {
  edit(text, li) {
    editing.add(text.draft_id);
    editInPlace(text, li, async (body) => {
      const now = await find(text.draft_id);
      if (!now || now.attempted || now.state !== "waiting") {
        return "It is being sent already, so it can no longer be changed.";
      }
      if (!body.trim()) { return "Type a text, or discard it."; }
      await keep(Object.assign(now, { body: body }));
      return "";
    }, async () => {
      editing.delete(text.draft_id);
      await render();
      const again = document.querySelector('#outbox li[data-outbox="' + text.draft_id + '"] button');
      if (again) { again.focus(); }
      flush();
    });
  },
  async discard(text) {
    editing.delete(text.draft_id);
    await forget(text.draft_id);
    await render();
    const box = document.querySelector("form.send-form textarea[name=body]");
    if (box) { box.focus(); }
  }
};

async function render() {
  const form = document.querySelector("form.send-form[data-outbox-client]");
  if (!form) { return; }
  const clientId = form.getAttribute("data-outbox-client");
  const texts = (await textsOf(userId())).filter((t) => t.client_id === clientId);
  showOutbox(clientId, texts, actions);
}

export function setupOutbox() {
  if (!userId() || !window.indexedDB) { return; }
  const form = document.querySelector("form.send-form[data-outbox-client]");
  if (form) { setupForm(form); }
  whenChanged(render);
  render().catch(() => { /* no IndexedDB here: the form posts as without JavaScript */ });
  window.addEventListener("online", connectionBack);
  flush();
}
