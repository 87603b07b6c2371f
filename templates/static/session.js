// Sessions end in every tab at once. Each foreground page load or "stay signed in" stamps
// the time in localStorage; every tab counts the idle timeout from the latest stamp, warns
// a minute before and signs out at the end. The server is stricter still: it refuses the
// session itself. A sign-out in one tab shows "Signed out" in the others.
import { clearDrafts } from "./drafts.js";
import { countUnsent, forgetDevice, unsentWarning } from "./forgetting.js";

const ACTIVE_KEY = "clientcomm-active-at", SIGNED_OUT_KEY = "clientcomm-signed-out";
const SIGNED_OUT_TEXT = {
  idle: "You were signed out after a period without activity.",
  elsewhere: "You signed out in another tab or window.",
  expired: "Your session has ended."
};

let signedOutAlready = false, idleTimer = null, warnTimer = null;
let loadedAt = Date.now();
const stoppers = [];

export function isSignedOut() { return signedOutAlready; }

// What else must stop when the session ends (the socket, the poll): registered by them.
export function whenSignedOut(stop) { stoppers.push(stop); }

export function csrfToken() {
  const token = document.querySelector("form[data-sign-out] input[name=csrf_token]");
  return token ? token.value : "";
}

// A background request answered 401: the session is over; the answer says why.
export function answeredSignedOut(response) {
  response.json().catch(() => ({})).then((data) => {
    showSignedOut(data && data.reason === "idle" ? "idle" : "expired", true);
  });
}

function activeAt() {
  const stamped = parseInt((window.localStorage && localStorage.getItem(ACTIVE_KEY)) || "0", 10);
  return Math.max(stamped, loadedAt);
}

// Whether the idle timeout has passed since the last activity this device saw (a copy
// kept for reading offline, opened long after, is forgotten rather than shown).
export function idlePassed() {
  const minutes = parseInt(document.body.getAttribute("data-idle-minutes") || "0", 10);
  const stamped = parseInt((window.localStorage && localStorage.getItem(ACTIVE_KEY)) || "0", 10);
  return Boolean(minutes && stamped && Date.now() > stamped + (minutes - 1) * 60000);
}

function scheduleIdle() {
  const minutes = parseInt(document.body.getAttribute("data-idle-minutes") || "0", 10);
  if (!minutes || signedOutAlready) { return; }
  window.clearTimeout(idleTimer);
  window.clearTimeout(warnTimer);
  // The server moves last-active at most once a minute: end a minute early, to be sure.
  const ends = activeAt() + (minutes - 1) * 60000;
  const warnAt = ends - 60000;
  hideIdleWarning();
  warnTimer = window.setTimeout(showIdleWarning, Math.max(0, warnAt - Date.now()));
  idleTimer = window.setTimeout(() => showSignedOut("idle", true), Math.max(0, ends - Date.now()));
}

function showIdleWarning() {
  if (signedOutAlready || document.getElementById("idle-warning")) { return; }
  const box = document.createElement("div");
  box.id = "idle-warning";
  box.className = "idle-warning";
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-labelledby", "idle-warning-text");
  box.innerHTML = '<p id="idle-warning-text">You will be signed out in a minute because ' +
    'nothing has happened for a while.</p>' +
    '<button type="button" class="button" id="stay-signed-in">Stay signed in</button>';
  document.body.appendChild(box);
  const stay = document.getElementById("stay-signed-in");
  stay.addEventListener("click", staySignedIn);
  stay.focus();
  countUnsent().then((count) => {  // the outbox goes with the sign-out
    if (!count || !box.isConnected) { return; }
    const unsent = document.createElement("p");
    unsent.textContent = unsentWarning(count, "being signed out");
    box.insertBefore(unsent, stay);
  });
}

function hideIdleWarning() {
  const box = document.getElementById("idle-warning");
  if (box) { box.remove(); }
}

function staySignedIn() {
  // A deliberate foreground post: it counts as activity and moves last-active.
  fetch(document.body.getAttribute("data-stay-url"), {
    method: "POST", credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
    body: "csrf_token=" + encodeURIComponent(csrfToken())
  }).then((r) => {
    if (r.status === 401) { answeredSignedOut(r); return; }
    if (r.ok) { stampActive(); }
  }).catch(() => { /* offline: the warning stays */ });
}

export function stampActive() {
  loadedAt = Date.now();
  if (window.localStorage) { localStorage.setItem(ACTIVE_KEY, String(loadedAt)); }
  scheduleIdle();
}

// Clears what the page shows (names, texts) and what this device kept, and says why.
export function showSignedOut(reason, tellOtherTabs) {
  if (signedOutAlready) { return; }
  signedOutAlready = true;
  stoppers.forEach((stop) => stop());
  window.clearTimeout(idleTimer);
  window.clearTimeout(warnTimer);
  hideIdleWarning();
  // Whatever was kept on this device goes, drafts with it (docs/decisions.md, "What
  // ClientComm keeps on a device"); the warning a minute before said so about unsent texts.
  forgetDevice();
  if (tellOtherTabs && window.localStorage) {
    localStorage.setItem(SIGNED_OUT_KEY, JSON.stringify({ reason: reason, at: Date.now() }));
  }
  const main = document.getElementById("main");
  const here = document.body.getAttribute("data-current-path") || "/caseload";
  const signin = (document.body.getAttribute("data-signin-url") || "/signin") +
    "?reason=" + (reason === "idle" ? "idle" : "signed_out") + "&next=" + encodeURIComponent(here);
  document.querySelectorAll(".site-header .site-menu").forEach((n) => n.remove());
  document.title = "Signed out · ClientComm";
  if (main) {
    main.replaceChildren();
    const box = document.createElement("div");
    box.className = "signed-out";
    box.setAttribute("role", "alert");
    const heading = document.createElement("h1");
    heading.textContent = "Signed out";
    const text = document.createElement("p");
    text.textContent = SIGNED_OUT_TEXT[reason] || SIGNED_OUT_TEXT.expired;
    const link = document.createElement("a");
    link.className = "button";
    link.href = signin;
    link.textContent = "Sign in again";
    box.append(heading, text, link);
    main.append(box);
    main.focus();
  }
}

export function setupSessions() {
  window.addEventListener("storage", (event) => {
    if (event.key === ACTIVE_KEY) { scheduleIdle(); }
    if (event.key === SIGNED_OUT_KEY && event.newValue) {
      let said = {};
      try { said = JSON.parse(event.newValue); } catch (e) { said = {}; }
      showSignedOut(said.reason === "idle" ? "idle" : "elsewhere", false);
    }
  });
  document.querySelectorAll("form[data-sign-out]").forEach((form) => {
    form.addEventListener("submit", () => {
      clearDrafts();
      if (window.localStorage) {  // the other tabs of this browser show "signed out" too
        localStorage.setItem(SIGNED_OUT_KEY, JSON.stringify({ reason: "elsewhere", at: Date.now() }));
      }
    });
  });
  if (document.body.hasAttribute("data-clear-drafts")) { clearDrafts(); }
}
