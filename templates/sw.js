// ClientComm's service worker (issue 23): reading offline. Plain JS, no build step.
//
// What it keeps (docs/decisions.md, "What ClientComm keeps on a device"):
// - the shell: the static files (as they are fetched, and those a page posts to it) and
//   the page shown for a page not kept ("You are offline ...");
// - pages the server marked with X-ClientComm-Keep (the signed-in officer's own caseload
//   and the first view of their own clients' conversations), for 7 days, for that officer
//   only: a page marked for someone else wipes everything kept first.
// Nothing else: no query, no POST answer, no /api, no media, no export, no print view.
// Pages are network first; only when the network fails is a kept copy (or the offline
// page) shown. Static files are served from the shell when kept, refreshed behind.
// Signing out deletes these caches (static/device.js), so nothing is served after it:
// every cache name starts "clientcomm", which is what device.js deletes.

const SHELL = "clientcomm-shell";
const PAGES = "clientcomm-pages";
const KEEP_HEADER = "X-ClientComm-Keep";
const KEPT_AT_HEADER = "X-ClientComm-Kept-At";
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;
const ROOT = self.registration.scope;  // "https://host/" or "https://host/api/"
const STATIC_ROOT = ROOT + "static/";
const OFFLINE_PAGE = ROOT + "offline";
const OWNER = ROOT + "kept-for";  // whose pages PAGES holds (a cache entry of its own)

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.add(OFFLINE_PAGE)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(dropOldPages().then(() => self.clients.claim()));
});

// A page tells the worker the script and style files it loaded before the worker was
// in charge, so they are kept for reading offline too; and the offline page comes back
// after a sign-out deleted the shell with everything else.
// The first page (the caseload) came before the worker: it may ask for itself to be
// fetched again, and kept under the same rule as any page.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (Array.isArray(data.keepStatic)) {
    event.waitUntil(keepStaticFiles(data.keepStatic.filter(isStaticFile).concat([OFFLINE_PAGE])));
  }
  if (typeof data.keepPage === "string" && data.keepPage.startsWith(ROOT)) {
    event.waitUntil(fetch(data.keepPage, { credentials: "same-origin" })
      .then((response) => keepIfAllowed(data.keepPage, response)).catch(() => null));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (isStaticFile(request.url)) {
    event.respondWith(staticFile(event));
  }
  // anything else (the API, media, exports) goes to the network untouched, never kept
});

function isStaticFile(url) {
  return typeof url === "string" && url.startsWith(STATIC_ROOT) && url.indexOf("?") < 0;
}

async function navigate(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    return (await keptCopy(request.url)) || (await caches.match(OFFLINE_PAGE)) || bareOfflinePage();
  }
  event.waitUntil(keepIfAllowed(request.url, response.clone()).catch(() => null));
  return response;
}

// Keep a page only when the server said so, for the person it named, and only a plain
// answer to a plain GET of a URL without a query.
async function keepIfAllowed(url, response) {
  const owner = response.headers.get(KEEP_HEADER);
  const plain = response.status === 200 && !response.redirected && response.type === "basic";
  if (!owner || !plain || new URL(url).search || response.url !== url) { return; }
  const keptFor = await keptOwner();
  if (keptFor && keptFor !== owner) { await wipe(); }  // another person on this device
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT_HEADER, String(Date.now()));
  const body = await response.blob();
  const cache = await caches.open(PAGES);
  await cache.put(OWNER, new Response(owner));
  await cache.put(url, new Response(body, { status: 200, headers: headers }));
  await dropOldPages();
}

async function keptOwner() {
  const cache = await caches.open(PAGES);
  const found = await cache.match(OWNER);
  return found ? found.text() : "";
}

// A kept page, marked so that its script shows "Offline, as of ..." (body[data-kept-copy]).
async function keptCopy(url) {
  if (!(await caches.has(PAGES))) { return null; }
  const cache = await caches.open(PAGES);
  const kept = await cache.match(url);
  if (!kept) { return null; }
  if (isTooOld(kept)) { await cache.delete(url); return null; }
  const html = (await kept.text()).replace("<body", "<body data-kept-copy");
  return new Response(html, { status: 200, headers: kept.headers });
}

// After a sign-out deleted the shell, until a signed-in page brings the offline page back.
function bareOfflinePage() {
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Offline · ClientComm</title></head><body><main><h1>You are offline</h1>" +
    "<p>You are offline and this page was not saved on this device.</p></main></body></html>";
  const headers = { "Content-Type": "text/html; charset=utf-8" };
  return new Response(html, { status: 200, headers: headers });
}

function isTooOld(response) {
  const at = parseInt(response.headers.get(KEPT_AT_HEADER) || "0", 10);
  return !at || Date.now() - at > KEEP_MS;
}

async function dropOldPages() {
  if (!(await caches.has(PAGES))) { return; }
  const cache = await caches.open(PAGES);
  const requests = await cache.keys();
  await Promise.all(requests.filter((r) => r.url !== OWNER).map(async (r) => {
    const kept = await cache.match(r);
    if (!kept || isTooOld(kept)) { await cache.delete(r); }
  }));
}

async function wipe() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith("clientcomm")).map((n) => caches.delete(n)));
}

// A static file: the kept copy at once when there is one (its URL names its content once
// static URLs carry a hash), refreshed from the network behind it; else the network.
async function staticFile(event) {
  const request = event.request;
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  const fresh = fetch(request).then((response) => {
    if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh.catch(() => Response.error());
}

async function keepStaticFiles(urls) {
  const cache = await caches.open(SHELL);
  await Promise.all(urls.map(async (url) => {
    if (!(await cache.match(url))) { await cache.add(url).catch(() => null); }
  }));
}
