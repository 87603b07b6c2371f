// The open conversation: pushed texts patched in (following the newest unless the reader
// scrolled up), the send form following an opt-out, and older texts loaded above the ones
// shown.
import { backgroundHeaders } from "./background.js";
import { answeredSignedOut } from "./session.js";
import { markReadIfSeen } from "./unread.js";

export function fromHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Follows the newest text unless the reader scrolled up; then a pill offers to jump.
// "Near the bottom" means the end of the conversation is on screen (on a phone the
// client's details follow it, so the page's own bottom is further down).
function nearBottom(list) {
  const end = list.getBoundingClientRect().bottom;
  return end >= 0 && end <= window.innerHeight + 120;
}

function newMessagesPill(list) {
  let pill = document.getElementById("new-messages");
  if (!pill) {
    pill = document.createElement("button");
    pill.type = "button";
    pill.id = "new-messages";
    pill.className = "button new-messages";
    pill.textContent = "New messages ↓";
    pill.addEventListener("click", () => {
      const newest = list.lastElementChild;
      if (newest) { newest.scrollIntoView({ block: "end" }); }
      pill.hidden = true;
    });
    document.body.appendChild(pill);
  }
  pill.hidden = false;
}

// Where a pushed entry goes: by its place in the conversation (``data-key``: its time,
// then its id), so the page shows the order a reload shows (a STOP's note and Twilio's
// confirmation are stored together and may be pushed in either order). Returns false for
// an entry older than the texts shown while older ones exist unshown: it belongs to
// another page of the conversation.
// The conversation's own list of texts: a direct child of the region. The "Scheduled to
// send" list below it is an ol.conversation too, and the first one when nothing has been
// texted yet: a pushed text must never land in it.
function textsOf(node) {
  return node.querySelector(":scope > ol.conversation");
}

function insertInOrder(region, list, row) {
  const key = row.getAttribute("data-key") || "";
  let before = list.lastElementChild;
  while (before && key && (before.getAttribute("data-key") || "") > key) {
    before = before.previousElementSibling;
  }
  if (before) { before.after(row); return true; }
  if (region.querySelector(".load-older")) { return false; }
  list.prepend(row);
  return true;
}

export function patchEntry(message) {
  const region = document.querySelector('[data-watch-client="' + message.client_id + '"]');
  if (!region) { return; }
  const row = fromHtml(message.html);
  const old = region.querySelector('[data-entry="' + message.entry_id + '"]');
  if (old) {
    if (old.id === "newest") { row.id = "newest"; }
    old.replaceWith(row);
    return;
  }
  let list = textsOf(region);
  if (!list) {
    list = document.createElement("ol");
    list.className = "conversation";
    const empty = region.querySelector(".conversation-empty");
    if (empty) { empty.replaceWith(list); } else { region.prepend(list); }
  }
  const follow = nearBottom(list);
  if (!insertInOrder(region, list, row)) { return; }
  if (row === list.lastElementChild) {
    const previous = list.querySelector("#newest");
    if (previous) { previous.removeAttribute("id"); }
    row.id = "newest";
    if (follow) { row.scrollIntoView({ block: "end" }); } else { newMessagesPill(list); }
  }
  if (row.classList.contains("text-inbound")) {
    region.setAttribute("data-unread", "1");
    markReadIfSeen();
  }
}

// An opt-out (or opt-in) arriving while the conversation is open changes the form at once:
// the fields, and the one note that says why sending is off (rendered with the page, or
// added here), with the hint under the schedule form.
export function applySendState(message) {
  const region = document.querySelector('[data-watch-client="' + message.client_id + '"]');
  if (!region) { return; }
  const reason = message.blocked_reason || "";
  document.querySelectorAll("form.send-form, form.schedule-form").forEach((form) => {
    form.querySelectorAll("textarea, input:not([type=hidden]), select, button")
      .forEach((field) => { field.disabled = !!reason; });
  });
  if (reason) { showSendingOff(reason); } else { hideSendingOff(); }
}

function showSendingOff(reason) {
  let note = document.getElementById("send-off");
  if (!note) {
    const form = document.querySelector("form.send-form");
    if (!form) { return; }
    note = document.createElement("div");
    note.id = "send-off";
    note.className = "alert alert-error";
    note.setAttribute("role", "alert");
    form.prepend(note);
  }
  const text = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = "Sending is off.";
  text.append(strong, " " + reason);
  note.replaceChildren(text);
  const box = document.querySelector("form.send-form textarea");
  if (box) { describedBy(box, "send-off", true); }
  const schedule = document.querySelector("form.schedule-form");
  if (schedule && !document.getElementById("schedule-off")) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.id = "schedule-off";
    hint.textContent = "Nothing can be scheduled while sending is off (the reason is given " +
      "above, under the text box).";
    schedule.prepend(hint);
  }
}

function hideSendingOff() {
  ["send-off", "schedule-off"].forEach((id) => {
    const gone = document.getElementById(id);
    if (gone) { gone.remove(); }
    document.querySelectorAll('[aria-describedby~="' + id + '"]')
      .forEach((el) => describedBy(el, id, false));
  });
}

function describedBy(el, id, on) {
  const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/)
    .filter((x) => x && x !== id);
  if (on) { ids.push(id); }
  if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); }
  else { el.removeAttribute("aria-describedby"); }
}

// The open client's caseload row says how many texts wait and whether texts can go. When
// either changed, the conversation's list of scheduled texts (a text just sent leaves it;
// its opt-out note goes with a START) is out of date: returns the region to refetch.
export function watchedClientChanged(message) {
  const region = document.querySelector('[data-watch-client="' + message.client_id + '"]');
  if (!region) { return null; }
  let stale = false;
  const facts = {
    "data-scheduled-count": "scheduled_count" in message ? String(message.scheduled_count) : null,
    "data-sending-off": "blocked_reason" in message ? (message.blocked_reason ? "off" : "") : null
  };
  Object.keys(facts).forEach((name) => {
    if (facts[name] === null || region.getAttribute(name) === facts[name]) { return; }
    region.setAttribute(name, facts[name]);
    stale = true;
  });
  return stale ? region : null;
}

// The reply box is docked at the bottom of the screen: texts scrolled into view stop above
// it (CSS reads --reply-dock for their scroll margin).
function measureReplyDock() {
  const dock = document.querySelector(".reply-dock");
  const height = dock ? dock.getBoundingClientRect().height : 0;
  document.documentElement.style.setProperty("--reply-dock", Math.ceil(height) + "px");
}

function openAtNewest() {
  const newest = document.querySelector("[data-watch-client] #newest");
  if (!newest || window.location.hash || document.activeElement !== document.body) { return; }
  newest.scrollIntoView({ block: "end" });
}

function olderStatus(region) {
  let status = document.getElementById("older-status");
  if (!status) {
    status = document.createElement("p");
    status.id = "older-status";
    status.className = "sr-only";
    status.setAttribute("role", "status");
    region.parentNode.insertBefore(status, region);
  }
  return status;
}

// Prepends the older page to the texts shown (nothing shown is replaced), keeping the
// reader's place on the screen; the no-JS link opens the older page by itself. A catch-up
// may replace the region's texts while the older page is on its way (the texts shown then
// start later, and older ones put above them would leave a gap): the older page is then
// asked for again, from the texts shown now.
function loadOlder(link) {
  const region = link.closest("[data-watch-client]");
  const shownFrom = oldestShown(region);
  if (shownFrom === null || link.getAttribute("aria-disabled") === "true") { return; }
  link.setAttribute("aria-disabled", "true");
  fetch(link.getAttribute("data-older-src"), {
    credentials: "same-origin", headers: backgroundHeaders("text/html")
  }).then((r) => {
    if (r.status === 401) { answeredSignedOut(r); return null; }
    if (!r.ok) { throw new Error("older texts: " + r.status); }
    return r.text();
  }).then((html) => {
    if (html === null) { return; }
    if (oldestShown(region) !== shownFrom) {
      const again = region.querySelector("[data-older-src]");
      if (again) { loadOlder(again); }
      return;
    }
    const doc = new DOMParser().parseFromString(html, "text/html");
    const older = textsOf(doc.body);
    const list = textsOf(region);
    const anchor = list.firstElementChild;
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    let added = 0;
    Array.prototype.slice.call(older ? older.children : []).reverse().forEach((li) => {
      const id = li.getAttribute("data-entry");
      if (id && list.querySelector('[data-entry="' + id + '"]')) { return; }
      list.prepend(document.importNode(li, true));
      added += 1;
    });
    if (anchor) { window.scrollBy(0, anchor.getBoundingClientRect().top - before); }
    region.setAttribute("data-older-loaded", "");
    const next = doc.querySelector(".load-older");
    const mine = region.querySelector(".load-older");
    if (next && mine) {
      mine.replaceWith(document.importNode(next, true));
      region.querySelector("[data-older-src]").focus();
    } else {
      if (mine) { mine.remove(); }
      list.setAttribute("tabindex", "-1");
      list.focus();
    }
    olderStatus(region).textContent = added + " older message" + (added === 1 ? "" : "s") +
      " loaded" + (next ? "." : ": this is the start of the conversation.");
  }).catch(() => {
    link.removeAttribute("aria-disabled");
    window.location.href = link.href;  // the whole older page, as without JS
  });
}

// The first text of the region's list (its id, "" for an empty list), or null without one.
function oldestShown(region) {
  const list = region && textsOf(region);
  if (!list) { return null; }
  const first = list.firstElementChild;
  return first ? first.getAttribute("data-entry") || "" : "";
}

// A refetched conversation (after the socket came back) shows the newest texts only: the
// older ones loaded before stay above them, with the "Load older" link that goes on.
export function keepOlderTexts(region, fresh) {
  if (!region.hasAttribute("data-older-loaded")) { return; }
  const freshList = textsOf(fresh);
  const list = textsOf(region);
  if (!freshList || !list) { return; }
  const kept = [];
  Array.prototype.some.call(list.children, (li) => {
    const id = li.getAttribute("data-entry");
    if (id && freshList.querySelector('[data-entry="' + id + '"]')) { return true; }
    kept.push(li);
    return false;
  });
  kept.reverse().forEach((li) => freshList.prepend(li));
  const link = region.querySelector(".load-older");
  const freshLink = fresh.querySelector(".load-older");
  if (freshLink) { freshLink.remove(); }
  if (link) { fresh.insertBefore(link, fresh.firstChild); }
}

export function setupConversation() {
  measureReplyDock();
  const dock = document.querySelector(".reply-dock");
  if (dock && "ResizeObserver" in window) {  // an error or "opted out" note makes it taller
    new ResizeObserver(measureReplyDock).observe(dock);
  }
  openAtNewest();
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-older-src]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    loadOlder(link);
  });
}
