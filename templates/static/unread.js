// Read state is each person's own: a conversation is marked read only once its newest text
// has been on screen in a focused, visible tab (not in a hidden or forgotten one). The page
// title counts the person's unread texts; a notification says how many, never who or what.
import { backgroundPost } from "./background.js";
import { isSignedOut } from "./session.js";

const baseTitle = document.title;
let lastUnread = null, reportedUpTo = "";

function notify(unread) {
  if (!("Notification" in window) || Notification.permission !== "granted") { return; }
  // No names or text in a notification: screens are seen by others.
  new Notification("ClientComm", { body: unread + " unread text" + (unread === 1 ? "" : "s") });
}

// The person's unread total, as the server last said: in the title, and a notification when
// it grew.
export function showUnreadTotal(unread, mayNotify) {
  document.title = (unread ? "(" + unread + ") " : "") + baseTitle;
  if (mayNotify && lastUnread !== null && unread > lastUnread) { notify(unread); }
  lastUnread = unread;
}

export function markReadIfSeen() {
  const region = document.querySelector("[data-watch-client][data-read-url]");
  if (!region || isSignedOut() || !region.hasAttribute("data-unread")) { return; }
  if (document.visibilityState !== "visible" || !document.hasFocus()) { return; }
  const rows = region.querySelectorAll("li.text-inbound");
  const newest = rows.length ? rows[rows.length - 1] : null;
  if (!newest) { return; }
  const box = newest.getBoundingClientRect();
  if (box.bottom <= 0 || box.top >= window.innerHeight) { return; }
  const at = newest.querySelector("time") && newest.querySelector("time").getAttribute("datetime");
  if (!at || at === reportedUpTo) { return; }
  reportedUpTo = at;
  backgroundPost(region.getAttribute("data-read-url"), { seen_up_to: at }).then((data) => {
    if (!data) { reportedUpTo = ""; return; }
    if (data.read) {
      region.removeAttribute("data-unread");
      const form = document.getElementById("mark-read-form");
      if (form) { form.remove(); }
    }
    showUnreadTotal(data.unread, false);
  }).catch(() => { reportedUpTo = ""; });
}

export function setupNotifications() {
  const button = document.getElementById("enable-notifications");
  if (!button || !("Notification" in window) || Notification.permission !== "default") {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    Notification.requestPermission().then(() => { button.hidden = true; });
  });
}

export function watchReading() {
  document.addEventListener("visibilitychange", markReadIfSeen);
  window.addEventListener("focus", markReadIfSeen);
  let scrolling = null;
  window.addEventListener("scroll", () => {
    window.clearTimeout(scrolling);
    scrolling = window.setTimeout(markReadIfSeen, 250);
  }, { passive: true });
  markReadIfSeen();
}
