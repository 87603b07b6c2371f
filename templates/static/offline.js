// Reading offline (issue 23): registers the service worker (templates/sw.js), hands it the
// page's own script and style files, and says when what is shown is not live: "Offline, as
// of 10:42 AM" on a copy kept on this device (the worker marks it body[data-kept-copy]),
// "Offline" when the connection drops under an open page. The time is the page's render
// time in the jurisdiction's zone, as every other time on the page.
import { idlePassed, showSignedOut } from "./session.js";

const OFFLINE_TEXT = "Offline. New texts and changes will not appear until the connection returns.";

export function setupOffline() {
  registerWorker();
  const kept = document.body.hasAttribute("data-kept-copy");
  if (kept && idlePassed()) {  // a copy opened after the idle timeout: forget, not show
    showSignedOut("idle", true);
    return;
  }
  if (kept) { say(keptText(true)); } else if (navigator.onLine === false) { say(OFFLINE_TEXT); }
  window.addEventListener("offline", () => say(kept ? keptText(true) : OFFLINE_TEXT));
  window.addEventListener("online", () => say(kept ? keptText(false) : ""));
}

function say(text) {
  const banner = document.getElementById("offline-banner");
  if (!banner) { return; }
  banner.replaceChildren();
  banner.hidden = !text;  // hidden, it is no "status" to anyone (tests and readers alike)
  if (text) {
    const line = document.createElement("p");
    line.className = "offline-banner-text wrap";
    line.textContent = text;
    banner.append(line);
  }
}

function keptText(offline) {
  const at = madeAt();
  if (offline) {
    return "Offline, as of " + at +
      ". This is the copy saved on this device; it shows nothing newer.";
  }
  return "Connection back. This copy was saved at " + at + ": reload the page for the latest.";
}

// "10:42 AM", or "Dec 3, 10:42 AM" when not made today, in the jurisdiction's zone.
function madeAt() {
  const made = new Date(document.body.getAttribute("data-rendered-at") || "");
  if (isNaN(made.getTime())) { return "an earlier visit"; }
  const zone = document.body.getAttribute("data-zone") || undefined;
  const dayFormat = new Intl.DateTimeFormat("en-US", { timeZone: zone, dateStyle: "medium" });
  const day = (d) => dayFormat.format(d);
  const sameDay = day(made) === day(new Date());
  const options = { timeZone: zone, hour: "numeric", minute: "2-digit" };
  if (!sameDay) { Object.assign(options, { month: "short", day: "numeric" }); }
  return new Intl.DateTimeFormat("en-US", options).format(made);
}

function registerWorker() {
  const url = document.body.getAttribute("data-worker-url");
  if (!url || !("serviceWorker" in navigator)) { return; }
  const firstLoad = !navigator.serviceWorker.controller;
  navigator.serviceWorker.register(url, { scope: url.replace(/sw\.js$/, "") })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      if (!registration.active) { return; }
      registration.active.postMessage({ keepStatic: pageFiles() });
      if (firstLoad && isOwnCaseload()) {
        // this page came before the worker: it asks the server for it again to keep it
        registration.active.postMessage({ keepPage: window.location.href });
      }
    })
    .catch(() => { /* no worker (private window, old browser): pages work online as ever */ });
}

function isOwnCaseload() {
  return /\/caseload$/.test(window.location.pathname) && !window.location.search;
}

// The script and style files this page loaded (the worker keeps those under its static/).
function pageFiles() {
  const urls = (performance.getEntriesByType ? performance.getEntriesByType("resource") : [])
    .map((entry) => entry.name);
  document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon]").forEach((node) => {
    urls.push(node.src || node.href);
  });
  return urls.filter((u, i) => u && urls.indexOf(u) === i);
}
