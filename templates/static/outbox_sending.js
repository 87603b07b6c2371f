// Sending what waits in the outbox: one text at a time, in the order written per client,
// each under its own one-time id (the server sends an id at most once, so a retry after a
// lost answer never sends twice), one tab at a time (Web Locks where there are). Retried
// on a timer while texts wait; outbox.js calls ``flush`` when the connection returns.
import { refreshSoon } from "./live.js";
import { find, forget, keep, textsOf } from "./outbox_store.js";
import { showSent } from "./outbox_view.js";
import { answeredSignedOut, csrfToken, isSignedOut } from "./session.js";

const RETRY_MS = [2000, 5000, 15000, 30000, 60000];
let flushing = false, retryTimer = null, misses = 0, staleForm = false;
let changed = async () => {};

// Texts being edited on this page: they, and the texts after them, wait.
export const editing = new Set();

export function userId() { return document.body.getAttribute("data-user") || ""; }

// What to call when the outbox changed (outbox.js shows it again).
export function whenChanged(show) { changed = show; }

// How many texts are waiting on this device for the signed-in person (for the sign-out
// warning); 0 when the device keeps none.
export async function unsentCount() {
  const user = userId();
  if (!user) { return 0; }
  try {
    return (await textsOf(user)).filter((t) => t.state === "waiting").length;
  } catch (e) {
    return 0;
  }
}

export function post(url, fields, background) {
  const headers = {
    Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded"
  };
  if (background) { headers["X-ClientComm-Background"] = "1"; }
  const body = new URLSearchParams(Object.assign({}, fields, { csrf_token: csrfToken() }));
  return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body });
}

export function answerOf(response) { return response.json().catch(() => null); }

export function refreshConversation(clientId) {
  const region = document.querySelector('[data-watch-client="' + clientId + '"]');
  if (region) { refreshSoon(region); }
}

// One waiting text: "sent", "refused", "later" (this client's next ones wait), "offline"
// or "stop" (nothing more now).
async function sendWaiting(text) {
  text.attempted = true;  // from here on its id may stand for this body: no more edits
  await keep(text);
  await changed();
  let response = null;
  try {
    response = await post(text.url, {
      body: text.body, draft_id: text.draft_id, to_phone: text.to_phone,
      attachment_key: text.attachment_key, attachment_name: text.attachment_name
    }, true);
  } catch (e) {
    return "offline";
  }
  if (response.status === 401) { answeredSignedOut(response); return "stop"; }
  const answer = await answerOf(response);
  const outcome = answer && answer.outcome;
  if (outcome === "sent") {
    await forget(text.draft_id);
    showSent(text);
    refreshConversation(text.client_id);
    return "sent";
  }
  if (outcome === "refused" || outcome === "invalid") {
    await keep(Object.assign(text, { state: "refused", reason: answer.reason }));
    return "refused";
  }
  if (outcome === "stale_form") {  // nothing goes until a reload brings a fresh token
    staleForm = true;
    await keep(Object.assign(text, {
      reason: "This page is out of date: reload it and the text will be sent."
    }));
    return "stop";
  }
  // Pending, not saved, or no usable answer: the same id again later.
  await keep(Object.assign(text, { reason: (answer && answer.outcome === "pending" && answer.reason) || "" }));
  return "later";
}

async function sendAll() {
  const held = new Set();
  let result = "sent";
  for (const listed of await textsOf(userId())) {
    if (listed.state !== "waiting" || held.has(listed.client_id)) { continue; }
    if (editing.has(listed.draft_id)) { held.add(listed.client_id); continue; }
    const text = await find(listed.draft_id);  // another tab may have sent or discarded it
    if (!text || text.state !== "waiting") { continue; }
    const done = await sendWaiting(text);
    if (done === "offline" || done === "stop") { result = done; break; }
    if (done === "later") { held.add(text.client_id); result = "later"; }
  }
  return result;
}

// Sends what waits, once at a time across this person's tabs (Web Locks where there are).
export async function flush() {
  if (flushing || staleForm || isSignedOut() || !userId()) { return; }
  if (!navigator.onLine) {  // nothing can go: look again later (and on the "online" event)
    misses += 1;
    retrySoon();
    return;
  }
  flushing = true;
  window.clearTimeout(retryTimer);
  let result = "sent";
  try {
    result = navigator.locks
      ? await navigator.locks.request("clientcomm-outbox", sendAll)
      : await sendAll();
  } catch (e) {
    result = "later";
  } finally {
    flushing = false;
  }
  misses = result === "sent" ? 0 : misses + 1;
  await changed();
  retrySoon();
}

// The "online" event: whatever waits goes now, and the retries start over.
export function connectionBack() {
  misses = 0;
  flush();
}

export async function retrySoon() {
  window.clearTimeout(retryTimer);
  if (staleForm || isSignedOut() || !(await unsentCount())) { return; }
  const wait = RETRY_MS[Math.min(misses, RETRY_MS.length - 1)];
  retryTimer = window.setTimeout(flush, wait);
}

