// Requests the page makes by itself (refreshes, read state, older texts). They carry a
// header that tells the server nobody is at the screen: they never extend the session.
import { answeredSignedOut, csrfToken } from "./session.js";

const BACKGROUND = "X-ClientComm-Background";

export function backgroundHeaders(accept) {
  const headers = { Accept: accept };
  headers[BACKGROUND] = "1";
  return headers;
}

// GET in the background: the answer's text (or parsed JSON), or null when there is none to
// use; a 401 shows "Signed out"; a 404 answers ``gone`` when the caller gives one (what
// the page showed was deleted). Rejects only when the network fails.
export function backgroundGet(url, accept, gone) {
  return fetch(url, { credentials: "same-origin", headers: backgroundHeaders(accept) })
    .then((r) => {
      if (r.status === 401) { answeredSignedOut(r); return null; }
      if (r.status === 404 && gone !== undefined) { return gone; }
      if (!r.ok) { return null; }
      return accept === "application/json" ? r.json() : r.text();
    });
}

// A form post in the background, with the page's CSRF token.
export function backgroundPost(url, fields) {
  const headers = backgroundHeaders("application/json");
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  const body = new URLSearchParams(Object.assign({ csrf_token: csrfToken() }, fields));
  return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body })
    .then((r) => {
      if (r.status === 401) { answeredSignedOut(r); return null; }
      return r.ok ? r.json() : null;
    });
}
