// Reading offline (issue 23): the service worker's registration and the "offline" banner.

export function setupOffline() {}
