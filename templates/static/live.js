// Live updates: pushed over a WebSocket; a slow poll only when there is no socket.
// The page connects with the ticket it was rendered with. A push carries the changed row
// (a caseload row, a conversation entry) and the page patches that row alone. Nothing
// here counts as someone being at the screen: the idle timeout still ends the session.
import { backgroundGet } from "./background.js";
import { applySendState, fromHtml, keepOlderTexts, patchEntry } from "./conversation.js";
import { markOpenClient } from "./layout.js";
import { isSignedOut, showSignedOut, whenSignedOut } from "./session.js";
import { showUnreadTotal } from "./unread.js";

const FALLBACK_POLL_MS = 60000;  // at most once a minute, and only while the tab is visible
let lastSeq = null, pollTimer = null;
let socket = null, socketTries = 0, everConnected = false, reconnectTimer = null;

// Pushes patched in so far. A refetched region rendered before a push arrived would undo
// that push, so such an answer is thrown away and the region asked for again.
let pushesApplied = 0;

function replaceRegion(region, tries) {
  const pushesBefore = pushesApplied;
  return backgroundGet(region.getAttribute("data-live-src"), "text/html").then((html) => {
    if (html === null) { return; }
    if (pushesApplied !== pushesBefore && (tries || 0) < 3) {
      replaceRegion(region, (tries || 0) + 1);
      return;
    }
    const doc = new DOMParser().parseFromString(html, "text/html");
    const fresh = doc.querySelector("#" + region.id) || doc.body;
    keepOlderTexts(region, fresh);
    const nodes = Array.prototype.map.call(fresh.childNodes, (n) => document.importNode(n, true));
    region.replaceChildren(...nodes);
    markOpenClient();
  });
}

function refreshRegions() {
  document.querySelectorAll("[data-live-src]").forEach((r) => { replaceRegion(r); });
}

// The unread total for the title and notifications: asked for when a push says a row
// changed (never on a timer while the socket is up).
function checkActivity(refresh) {
  if (isSignedOut()) { return; }
  backgroundGet(document.body.getAttribute("data-activity-url"), "application/json")
    .then((data) => {
      if (!data) { return; }
      if (refresh && lastSeq !== null && data.seq !== lastSeq) { refreshRegions(); }
      showUnreadTotal(data.unread, true);
      lastSeq = data.seq;
    }).catch(() => { /* offline for a moment: try again next time */ });
}

function patchClientRow(message) {
  // A client may be listed twice (pinned under "Unread texts" and in the list by name).
  document.querySelectorAll('#caseload [data-client="' + message.client_id + '"]')
    .forEach((old) => old.replaceWith(fromHtml(message.html)));
  markOpenClient();
  if ("blocked_reason" in message) { applySendState(message); }
}

function onPush(message) {
  if (message.type === "entry") { pushesApplied += 1; patchEntry(message); }
  else if (message.type === "client") {
    pushesApplied += 1;
    patchClientRow(message);
    checkActivity(false);
  } else if (message.type === "signed-out") {
    showSignedOut(message.reason === "signed_out" ? "elsewhere" : message.reason, false);
  }
}

function connectSocket() {
  const base = document.body.getAttribute("data-socket-url");
  if (!base || !("WebSocket" in window) || isSignedOut()) { return false; }
  let url = base + "?ticket=" + encodeURIComponent(document.body.getAttribute("data-socket-ticket"));
  const watching = document.querySelector("[data-watch-client]");
  if (watching) { url += "&client=" + encodeURIComponent(watching.getAttribute("data-watch-client")); }
  socket = new WebSocket(url);
  socket.addEventListener("open", () => {
    socketTries = 0;
    stopFallbackPoll();
    // Catch up once on what happened while there was no socket: after a drop, and on the
    // first connect too (the page was rendered a moment before its socket opened, and a
    // change in between, such as a status right after a send, would otherwise be missed).
    refreshRegions();
    if (everConnected) { checkActivity(false); }
    everConnected = true;
  });
  socket.addEventListener("message", (event) => {
    let message = null;
    try { message = JSON.parse(event.data); } catch (e) { return; /* not ours */ }
    onPush(message);
  });
  socket.addEventListener("close", () => {
    socket = null;
    if (isSignedOut()) { return; }
    socketTries += 1;
    startFallbackPoll();  // also finds out whether the session is over
    const wait = Math.min(60000, 1000 * Math.pow(2, socketTries)) * (0.5 + Math.random() / 2);
    reconnectTimer = window.setTimeout(connectSocket, wait);
  });
  return true;
}

function fallbackPoll() {
  if (document.visibilityState === "visible") { checkActivity(true); }
}

function startFallbackPoll() {
  if (pollTimer || isSignedOut()) { return; }
  fallbackPoll();
  pollTimer = window.setInterval(fallbackPoll, FALLBACK_POLL_MS);
}

function stopFallbackPoll() {
  if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
}

export function setupLive() {
  whenSignedOut(() => {
    stopFallbackPoll();
    window.clearTimeout(reconnectTimer);
    if (socket) { socket.close(); }
  });
  checkActivity(false);
  if (!connectSocket()) { startFallbackPoll(); }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && pollTimer) { fallbackPoll(); }
  });
}
