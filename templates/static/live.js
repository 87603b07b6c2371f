// Live updates: pushed over a WebSocket; a slow poll only when there is no socket.
// The page connects with the ticket it was rendered with. A push carries the changed row
// (a caseload row, a conversation entry) and the page patches that row alone. A push can
// still be lost (a dropped connection, a failed post), so the page also catches up by
// itself: it refetches what it shows when its socket (re)opens and whenever it becomes
// visible or focused again. Nothing here counts as someone being at the screen: the idle
// timeout still ends the session.
import { backgroundGet } from "./background.js";
import {
  applySendState, fromHtml, keepOlderTexts, patchEntry, watchedClientChanged
} from "./conversation.js";
import { markOpenClient } from "./layout.js";
import { isSignedOut, showSignedOut, whenSignedOut } from "./session.js";
import { showUnreadTotal } from "./unread.js";

const FALLBACK_POLL_MS = 60000;  // at most once a minute, and only while the tab is visible
const CATCH_UP_MS = 300;  // focus and visibility arrive together: one catch-up for both
const REFRESH_MS = 250;  // the pushes of one change (a row, then its entry) ask once
let lastSeq = null, pollTimer = null, catchUpTimer = null;
let socket = null, socketTries = 0, everConnected = false, reconnectTimer = null;

// Pushes patched in so far. A refetched region rendered before a push arrived would undo
// that push, so such an answer is thrown away and the region asked for again.
let pushesApplied = 0;
// Per region: the HTML last put in, and the pushes applied by then. A refetch that brings
// the same HTML with no push since changes nothing, so the page is left as it is (the
// reader's focus and place stay where they are).
const shown = new WeakMap();
const refreshTimers = new WeakMap();

// Region refetches under way: ``body[data-refreshing="0"]`` says the page has caught up
// with everything it asked for (tests wait on it before a change they need it to see).
let refreshing = 0;

const GONE = {};  // a region's source answered 404: what it showed was deleted

function replaceRegion(region, tries) {
  const pushesBefore = pushesApplied;
  document.body.dataset.refreshing = String(++refreshing);
  return backgroundGet(region.getAttribute("data-live-src"), "text/html", GONE).then((html) => {
    if (html === null) { return; }
    if (html === GONE) { showGone(region); return; }
    if (pushesApplied !== pushesBefore && (tries || 0) < 3) {
      replaceRegion(region, (tries || 0) + 1);
      return;
    }
    const before = shown.get(region);
    if (before && before.html === html && before.pushes === pushesApplied) { return; }
    shown.set(region, { html: html, pushes: pushesApplied });
    const doc = new DOMParser().parseFromString(html, "text/html");
    const fresh = doc.querySelector("#" + region.id) || doc.body;
    // The first catch-up (the socket opening just after the page loads) mostly brings what
    // the page already shows: replacing it anyway could split a tap that is under way (its
    // press on the old link, its release on the new one: no click, no navigation). Compared
    // before keepOlderTexts, which moves the older texts the region shows into ``fresh``.
    if (sameNodes(region.childNodes, fresh.childNodes)) { return; }
    keepOlderTexts(region, fresh);
    const focused = focusedIn(region);
    const kept = editedRows(region);
    const nodes = Array.prototype.map.call(fresh.childNodes, (n) => document.importNode(n, true));
    region.replaceChildren(...nodes);
    putBack(region, kept);
    refocus(region, focused);
    markOpenClient();
  }).catch(() => { /* offline for a moment: the next catch-up asks again */ })
    .finally(() => { document.body.dataset.refreshing = String(--refreshing); });
}

// A region whose item was deleted (a group someone else deleted) says so, in the words of
// its ``data-gone``, and is no longer refetched; without one it is left as it was.
function showGone(region) {
  const words = region.getAttribute("data-gone");
  if (!words) { return; }
  const note = document.createElement("p");
  note.className = "alert";
  note.setAttribute("role", "status");
  note.textContent = words;
  region.removeAttribute("data-live-src");
  region.replaceChildren(note);
}

// Rows (``data-keep="<key>"``) the person has started changing (a ticked box, a typed
// word) stay as they are when their region is refetched: a refresh must never undo work.
// A kept row also keeps the version it was read at, so saving it after someone else's
// change is refused (and shown) rather than overwriting that change.
function editedRows(region) {
  const kept = new Map();
  region.querySelectorAll("[data-keep]").forEach((row) => {
    if (edited(row)) { kept.set(row.getAttribute("data-keep"), row); }
  });
  return kept;
}

function edited(row) {
  return Array.prototype.some.call(row.querySelectorAll("input, textarea, select"), (el) => {
    if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, (o) => o.selected !== o.defaultSelected);
    }
    return el.type !== "hidden" && el.value !== el.defaultValue;
  });
}

// The fresh copy of each kept row gives way to the row as the person left it (a row
// deleted meanwhile is not brought back: saving it could only be refused).
function putBack(region, kept) {
  if (!kept.size) { return; }
  region.querySelectorAll("[data-keep]").forEach((row) => {
    const mine = kept.get(row.getAttribute("data-keep"));
    if (mine && mine !== row) { row.replaceWith(mine); }
  });
}

// The same nodes, but for blank text between them (the page and the fragment are indented
// differently around the region's contents).
function sameNodes(shownNodes, freshNodes) {
  const kept = (nodes) => Array.prototype.filter.call(nodes, (n) =>
    n.nodeType !== Node.TEXT_NODE || n.textContent.trim() !== "");
  const shown = kept(shownNodes), fresh = kept(freshNodes);
  return shown.length === fresh.length && shown.every((node, i) => node.isEqualNode(fresh[i]));
}

// What had the keyboard focus inside a region, said so its copy in the fresh HTML can be
// found again: the row it is in, its tag, link and words.
function focusedIn(region) {
  const el = document.activeElement;
  if (!el || el === document.body || !region.contains(el)) { return null; }
  const row = el.closest("[data-entry], [data-client]");
  let within = null;
  if (row && row.hasAttribute("data-entry")) {
    within = '[data-entry="' + row.getAttribute("data-entry") + '"]';
  } else if (row) {
    within = '[data-client="' + row.getAttribute("data-client") + '"]';
  }
  return { node: el, within: within, tag: el.tagName, href: el.getAttribute("href"),
    text: el.textContent.trim() };
}

function refocus(region, was) {
  if (!was) { return; }
  if (region.contains(was.node)) {  // in a row kept as it was: the very same field
    was.node.focus({ preventScroll: true });
    return;
  }
  const scope = (was.within && region.querySelector(was.within)) || region;
  const same = Array.prototype.find.call(scope.querySelectorAll(was.tag), (el) =>
    el.getAttribute("href") === was.href && el.textContent.trim() === was.text);
  if (same) { same.focus({ preventScroll: true }); }
}

function refreshRegions() {
  document.querySelectorAll("[data-live-src]").forEach((r) => { replaceRegion(r); });
}

// Asks for ``region`` again shortly (the outbox does, once a waiting text was sent).
export function refreshSoon(region) {
  // A region that is costly to read (a mass text's progress) says how often at most:
  // pushes meanwhile wait for that one refresh instead of putting it off again.
  const every = Number(region.getAttribute("data-refresh-every")) || 0;
  if (every) {
    if (refreshTimers.get(region)) { return; }
    refreshTimers.set(region, window.setTimeout(() => {
      refreshTimers.delete(region);
      replaceRegion(region);
    }, every));
    return;
  }
  window.clearTimeout(refreshTimers.get(region));
  refreshTimers.set(region, window.setTimeout(() => replaceRegion(region), REFRESH_MS));
}

// Lists that no single pushed row can patch (a supervisor's scheduled texts, the unclaimed
// queue and a waiting number's texts) say which pushes make them stale: they are fetched
// again, once for a burst.
function refreshListsOn(kind) {
  document.querySelectorAll('[data-live-src][data-refresh-on~="' + kind + '"]')
    .forEach((region) => refreshSoon(region));
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

// Back at the page (its tab shown again, its window focused): whatever a lost push would
// have brought is fetched now, once for a burst of such events.
function catchUpSoon() {
  if (isSignedOut() || document.visibilityState !== "visible") { return; }
  window.clearTimeout(catchUpTimer);
  catchUpTimer = window.setTimeout(() => {
    refreshRegions();
    checkActivity(false);
    checkUnclaimed();
  }, CATCH_UP_MS);
}

// The navigation's count of the department's unclaimed numbers, pushed when the queue
// grows or shrinks, asked for when the page catches up.
function showUnclaimed(message) {
  document.querySelectorAll("[data-unclaimed-count]").forEach((holder) => {
    holder.replaceChildren(...Array.prototype.map.call(
      new DOMParser().parseFromString(message.html, "text/html").body.childNodes,
      (n) => document.importNode(n, true)));
  });
}

function checkUnclaimed() {
  const url = document.body.getAttribute("data-unclaimed-url");
  if (!url || isSignedOut()) { return; }
  backgroundGet(url, "application/json").then((data) => { if (data) { showUnclaimed(data); } })
    .catch(() => { /* offline for a moment: the next catch-up asks again */ });
}

function patchClientRow(message) {
  // A client may be listed twice (pinned under "Unread texts" and in the list by name).
  document.querySelectorAll('#caseload [data-client="' + message.client_id + '"]')
    .forEach((old) => old.replaceWith(fromHtml(message.html)));
  markOpenClient();
  if ("blocked_reason" in message) { applySendState(message); }
  const stale = watchedClientChanged(message);
  if (stale) { refreshSoon(stale); }
  const appointments = appointmentsChanged(message);
  if (appointments) { refreshSoon(appointments); }
}

// An open client page's appointment list, when the pushed row says the client's appointments
// are no longer what the list shows (a "Y" or "N" just arrived, an outcome, a correction).
function appointmentsChanged(message) {
  if (!("appointments" in message)) { return null; }
  const list = document.querySelector('[data-appointments-of="' + message.client_id + '"]');
  if (!list || list.getAttribute("data-appointments") === message.appointments) { return null; }
  list.setAttribute("data-appointments", message.appointments);
  return list;
}

function onPush(message) {
  if (message.type === "entry") { pushesApplied += 1; patchEntry(message); }
  else if (message.type === "client") {
    pushesApplied += 1;
    patchClientRow(message);
    checkActivity(false);
    refreshListsOn("client");
  } else if (message.type === "unclaimed") {
    showUnclaimed(message);
    refreshListsOn("unclaimed");
  } else if (message.type === "client-import") {  // an import this page may show moved on
    refreshListsOn("client-import-" + message.import_id);
  } else if (message.type === "settings") {  // groups, saved replies, formats, courthouses
    refreshListsOn("settings-" + message.what);
  } else if (message.type === "mass-text") {  // one started, written or cancelled
    refreshListsOn("mass-text");
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
    if (everConnected) { checkActivity(false); checkUnclaimed(); }
    everConnected = true;
    document.body.dataset.live = "open";  // tests and tools can wait for it
  });
  socket.addEventListener("message", (event) => {
    let message = null;
    try { message = JSON.parse(event.data); } catch (e) { return; /* not ours */ }
    onPush(message);
  });
  socket.addEventListener("close", () => {
    socket = null;
    document.body.dataset.live = "closed";
    if (isSignedOut()) { return; }
    socketTries += 1;
    startFallbackPoll();  // also finds out whether the session is over
    const wait = Math.min(60000, 1000 * Math.pow(2, socketTries)) * (0.5 + Math.random() / 2);
    reconnectTimer = window.setTimeout(connectSocket, wait);
  });
  return true;
}

function fallbackPoll() {  // not while the device knows it is offline (no errors to make)
  if (document.visibilityState === "visible" && navigator.onLine !== false) { checkActivity(true); }
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
    window.clearTimeout(catchUpTimer);
    if (socket) { socket.close(); }
  });
  checkActivity(false);
  if (!connectSocket()) { startFallbackPoll(); }
  document.addEventListener("visibilitychange", catchUpSoon);
  window.addEventListener("focus", catchUpSoon);
}
