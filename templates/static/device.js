// What ClientComm keeps on this device, in one place, so that forgetting it is one call.
// Everything the app stores goes under names starting "clientcomm": Cache Storage caches
// (offline.js and the service worker) and IndexedDB databases (the outbox). Drafts in
// localStorage are drafts.js's and are cleared with them.
import { clearDrafts } from "./drafts.js";

export const PREFIX = "clientcomm";
export const OUTBOX_DB = "clientcomm-outbox";

// Forget every cache and database of ClientComm's on this device. Resolves when done (or
// when the browser has no such storage); never rejects, so a sign-out is never held up.
export async function clearDevice() {
  clearDrafts();
  const work = [];
  if (window.caches) {
    const names = await caches.keys().catch(() => []);
    names.filter((n) => n.indexOf(PREFIX) === 0).forEach((n) => work.push(caches.delete(n)));
  }
  if (window.indexedDB && indexedDB.databases) {
    const dbs = await indexedDB.databases().catch(() => []);
    dbs.filter((db) => db.name && db.name.indexOf(PREFIX) === 0).forEach((db) => {
      work.push(new Promise((done) => {
        const request = indexedDB.deleteDatabase(db.name);
        request.onsuccess = request.onerror = request.onblocked = () => done();
      }));
    });
  }
  await Promise.all(work.map((p) => Promise.resolve(p).catch(() => null)));
}
