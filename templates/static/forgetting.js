// Forgetting (issue 23): whatever ClientComm kept on this device (device.js) goes when its
// person's session ends: signing out (after a warning about texts written offline and not
// yet sent), the sign-in page a session's end leads to (signed out, idle, deactivated,
// expired), the idle timeout in an open tab (session.js), and another person signing in on
// this device (the device remembers whose it last was).
import { clearDevice } from "./device.js";
import { unsentCount } from "./outbox.js";

const DEVICE_USER_KEY = "clientcomm-device-user";

// Forget everything, and whose it was. Never rejects.
export function forgetDevice() {
  return clearDevice().then(() => {
    if (window.localStorage) { localStorage.removeItem(DEVICE_USER_KEY); }
  });
}

// How many texts wait in the outbox; 0 when it cannot say within two seconds, so that a
// stuck database never stops anyone signing out.
export function countUnsent() {
  const giveUp = new Promise((done) => window.setTimeout(() => done(0), 2000));
  return Promise.race([Promise.resolve().then(unsentCount), giveUp]).catch(() => 0);
}

// "2 texts written offline have not been sent; signing out deletes them from this device."
export function unsentWarning(count, ending) {
  const texts = count === 1 ? "1 text written offline has" : count + " texts written offline have";
  return texts + " not been sent; " + ending + " deletes " + (count === 1 ? "it" : "them") +
    " from this device.";
}

// Runs before anything else on a page: when the page's person is not the one this device
// last served, everything kept for the other person is deleted first.
export function forgetAnotherPerson() {
  const user = document.body.getAttribute("data-user");
  if (!user || !window.localStorage) { return Promise.resolve(); }
  const last = localStorage.getItem(DEVICE_USER_KEY);
  const cleared = last && last !== user ? clearDevice() : Promise.resolve();
  return cleared.then(() => localStorage.setItem(DEVICE_USER_KEY, user));
}

export function setupForgetting() {
  const body = document.body;
  if (body.hasAttribute("data-forget-device") || body.hasAttribute("data-clear-drafts")) {
    forgetDevice();
  }
  // Capturing, so the warning comes before the form's own listeners (session.js tells the
  // other tabs): a sign-out called off in the warning never happens anywhere.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-sign-out]")) { return; }
    if (form.getAttribute("data-forgotten") === "1") { return; }  // the second pass: go
    event.preventDefault();
    event.stopPropagation();
    countUnsent().then((count) => {
      if (count > 0 && !window.confirm(unsentWarning(count, "signing out"))) { return null; }
      return forgetDevice().then(() => {
        form.setAttribute("data-forgotten", "1");
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }, true);
}
