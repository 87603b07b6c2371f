// The outbox's IndexedDB store: one record per text waiting on this device, keyed by its
// one-time id (draft_id). device.js deletes the whole database at sign-out.
//
// A record: { draft_id, user_id, client_id, url (where it is posted), body, to_phone,
// attachment_key, attachment_name, written_at (ISO time), order (its place among the
// texts written on this device), state ("waiting" | "refused"), attempted (a request for
// it may have reached ClientComm: its body must never change under that id), reason }.
import { OUTBOX_DB } from "./device.js";

const TEXTS = "texts";

function opened() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    const request = indexedDB.open(OUTBOX_DB, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(TEXTS, { keyPath: "draft_id" });
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();  // let a sign-out delete the database
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("outbox database blocked"));
  });
}

// Runs ``work(store)`` in one transaction; resolves with what its request answered.
async function inStore(mode, work) {
  const db = await opened();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(TEXTS, mode);
      const request = work(tx.objectStore(TEXTS));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

// Is there an outbox on this device at all? Reading must not create one: a device that
// never kept a text keeps no database either.
async function exists() {
  if (!indexedDB.databases) { return true; }
  const dbs = await indexedDB.databases().catch(() => null);
  return !dbs || dbs.some((db) => db.name === OUTBOX_DB);
}

// This person's texts on this device, in the order they were written.
export async function textsOf(userId) {
  if (!(await exists())) { return []; }
  const all = await inStore("readonly", (store) => store.getAll());
  return (all || []).filter((t) => t.user_id === userId).sort((a, b) => a.order - b.order);
}

export function keep(text) { return inStore("readwrite", (store) => store.put(text)); }

export function forget(draftId) { return inStore("readwrite", (store) => store.delete(draftId)); }

export async function find(draftId) {
  if (!(await exists())) { return undefined; }
  return inStore("readonly", (store) => store.get(draftId));
}
