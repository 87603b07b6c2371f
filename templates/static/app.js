// ClientComm: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // --- SMS segments: mirrors chalicelib/domain/segments.py (a browser test compares them) ---
  var GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENDED = "\f^{}\\[~]|€";

  function segmentInfo(body) {
    var chars = Array.from(body);
    var gsm = chars.every(function (ch) {
      return GSM_BASIC.indexOf(ch) >= 0 || GSM_EXTENDED.indexOf(ch) >= 0;
    });
    var widths = chars.map(function (ch) {
      if (gsm) { return GSM_EXTENDED.indexOf(ch) >= 0 ? 2 : 1; }
      return ch.codePointAt(0) > 0xFFFF ? 2 : 1;
    });
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var total = widths.reduce(function (a, b) { return a + b; }, 0);
    var segments = 0;
    if (chars.length) {
      if (total <= single) { segments = 1; } else {
        segments = 1;
        var used = 0;
        widths.forEach(function (w) {
          if (used + w > part) { segments += 1; used = 0; }
          used += w;
        });
      }
    }
    return { encoding: gsm ? "GSM-7" : "UCS-2", length: chars.length, segments: segments };
  }
  window.clientcommSegments = segmentInfo;

  // Each text box names its counter: <textarea data-counter="id of the hint">.
  function setupCounter(box) {
    var out = document.getElementById(box.getAttribute("data-counter"));
    if (!out) { return; }
    var max = parseInt(box.getAttribute("maxlength") || "1600", 10);
    function update() {
      var info = segmentInfo(box.value);
      var text = info.length + " / " + max + " characters · " + info.segments +
        " segment" + (info.segments === 1 ? "" : "s") + " (" + info.encoding + ")";
      if (info.segments > 1) { text += ". Longer than one text: it arrives in parts."; }
      if (info.encoding === "UCS-2" && info.length) {
        text += " Emoji or special letters make each part shorter (70).";
      }
      out.textContent = text;
      out.classList.toggle("counter-warning", info.segments > 1);
    }
    box.addEventListener("input", update);
    update();
  }

  // --- Drafts survive a lost connection or a reload: kept in this browser until sent ---
  // Keys carry the signed-in person's id (the page renders it), so the next person on a
  // shared browser never sees them; signing out removes every ClientComm draft.
  var DRAFT_PREFIX = "clientcomm-draft:";
  var OLD_DRAFT_PREFIX = "draft-";

  function clearDrafts() {
    if (!window.localStorage) { return; }
    var doomed = [];
    for (var i = 0; i < localStorage.length; i += 1) {
      var key = localStorage.key(i);
      if (key && (key.indexOf(DRAFT_PREFIX) === 0 || key.indexOf(OLD_DRAFT_PREFIX) === 0)) {
        doomed.push(key);
      }
    }
    doomed.forEach(function (key) { localStorage.removeItem(key); });
  }

  function setupDraft(form) {
    var key = form.getAttribute("data-draft-key");
    var box = form.querySelector("textarea[name=body]");
    if (!key || !box || !window.localStorage) { return; }
    // The page after a successful post says so in its query: "sent", or "name=value".
    var done = (form.getAttribute("data-draft-done") || "sent").split("=");
    var said = new URLSearchParams(window.location.search).get(done[0]);
    if (said && (done.length < 2 || said === done[1])) { localStorage.removeItem(key); }
    if (!box.value && localStorage.getItem(key)) {
      box.value = localStorage.getItem(key);
      box.dispatchEvent(new Event("input"));
    }
    box.addEventListener("input", function () {
      if (box.value) { localStorage.setItem(key, box.value); } else { localStorage.removeItem(key); }
    });
  }

  // --- Live updates: pushed over a WebSocket; a slow poll only when there is no socket ---
  // The page connects with the ticket it was rendered with. A push carries the changed row
  // (a caseload row, a conversation entry) and the page patches that row alone. Nothing
  // here counts as someone being at the screen: the idle timeout still ends the session.
  var baseTitle = document.title;
  var lastSeq = null, lastUnread = null, pollTimer = null, signedOutAlready = false;
  var socket = null, socketTries = 0, everConnected = false, reconnectTimer = null;
  var BACKGROUND = "X-ClientComm-Background";
  var FALLBACK_POLL_MS = 60000;  // at most once a minute, and only while the tab is visible
  var ACTIVE_KEY = "clientcomm-active-at", SIGNED_OUT_KEY = "clientcomm-signed-out";

  function backgroundHeaders(accept) {
    var headers = { Accept: accept };
    headers[BACKGROUND] = "1";
    return headers;
  }

  function signedOut(response) {
    response.json().catch(function () { return {}; }).then(function (data) {
      showSignedOut(data && data.reason === "idle" ? "idle" : "expired", true);
    });
  }

  // Pushes patched in so far. A refetched region rendered before a push arrived would undo
  // that push, so such an answer is thrown away and the region asked for again.
  var pushesApplied = 0;

  function replaceRegion(region, tries) {
    var src = region.getAttribute("data-live-src");
    var pushesBefore = pushesApplied;
    return fetch(src, { credentials: "same-origin", headers: backgroundHeaders("text/html") })
      .then(function (r) {
        if (r.status === 401) { signedOut(r); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        if (pushesApplied !== pushesBefore && (tries || 0) < 3) {
          replaceRegion(region, (tries || 0) + 1);
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("#" + region.id) || doc.body;
        keepOlderTexts(region, fresh);
        var nodes = Array.prototype.map.call(fresh.childNodes, function (n) {
          return document.importNode(n, true);
        });
        region.replaceChildren.apply(region, nodes);
        markOpenClient();
      });
  }

  function notify(unread) {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    // No names or text in a notification: screens are seen by others.
    new Notification("ClientComm", { body: unread + " unread text" + (unread === 1 ? "" : "s") });
  }

  // The unread total for the title and notifications: asked for when a push says a row
  // changed (never on a timer while the socket is up).
  function checkActivity(refreshRegions) {
    if (signedOutAlready) { return; }
    fetch(document.body.getAttribute("data-activity-url"), {
      credentials: "same-origin", headers: backgroundHeaders("application/json")
    }).then(function (r) {
      if (r.status === 401) { signedOut(r); return null; }
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      document.title = (data.unread ? "(" + data.unread + ") " : "") + baseTitle;
      if (refreshRegions && lastSeq !== null && data.seq !== lastSeq) {
        document.querySelectorAll("[data-live-src]").forEach(function (r) { replaceRegion(r); });
      }
      if (lastUnread !== null && data.unread > lastUnread) { notify(data.unread); }
      lastSeq = data.seq;
      lastUnread = data.unread;
    }).catch(function () { /* offline for a moment: try again next time */ });
  }

  function fromHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Follows the newest text unless the reader scrolled up; then a pill offers to jump.
  // "Near the bottom" means the end of the conversation is on screen (on a phone the
  // client's details follow it, so the page's own bottom is further down).
  function nearBottom(list) {
    var end = list.getBoundingClientRect().bottom;
    return end >= 0 && end <= window.innerHeight + 120;
  }

  function newMessagesPill(list) {
    var pill = document.getElementById("new-messages");
    if (!pill) {
      pill = document.createElement("button");
      pill.type = "button";
      pill.id = "new-messages";
      pill.className = "button new-messages";
      pill.textContent = "New messages ↓";
      pill.addEventListener("click", function () {
        var newest = list.lastElementChild;
        if (newest) { newest.scrollIntoView({ block: "end" }); }
        pill.hidden = true;
      });
      document.body.appendChild(pill);
    }
    pill.hidden = false;
  }

  function patchEntry(message) {
    pushesApplied += 1;
    var region = document.querySelector('[data-watch-client="' + message.client_id + '"]');
    if (!region) { return; }
    var row = fromHtml(message.html);
    var old = region.querySelector('[data-entry="' + message.entry_id + '"]');
    if (old) { old.replaceWith(row); return; }
    var list = region.querySelector("ol.conversation");
    if (!list) {
      list = document.createElement("ol");
      list.className = "conversation";
      var empty = region.querySelector(".conversation-empty");
      if (empty) { empty.replaceWith(list); } else { region.prepend(list); }
    }
    var follow = nearBottom(list);
    var previous = list.querySelector("#newest");
    if (previous) { previous.removeAttribute("id"); }
    row.id = "newest";
    list.appendChild(row);
    if (follow) { row.scrollIntoView({ block: "end" }); } else { newMessagesPill(list); }
    if (row.classList.contains("text-inbound")) {
      region.setAttribute("data-unread", "1");
      markReadIfSeen();
    }
  }

  // --- Read state is each person's own: a conversation is marked read only once its newest
  // text has been on screen in a focused, visible tab (not in a hidden or forgotten one).
  var reportedUpTo = "";

  function markReadIfSeen() {
    var region = document.querySelector("[data-watch-client][data-read-url]");
    if (!region || signedOutAlready || !region.hasAttribute("data-unread")) { return; }
    if (document.visibilityState !== "visible" || !document.hasFocus()) { return; }
    var rows = region.querySelectorAll("li.text-inbound");
    var newest = rows.length ? rows[rows.length - 1] : null;
    if (!newest) { return; }
    var box = newest.getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= window.innerHeight) { return; }
    var at = newest.querySelector("time") && newest.querySelector("time").getAttribute("datetime");
    if (!at || at === reportedUpTo) { return; }
    reportedUpTo = at;
    var token = document.querySelector("form[data-sign-out] input[name=csrf_token]");
    var headers = backgroundHeaders("application/json");
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    fetch(region.getAttribute("data-read-url"), {
      method: "POST", credentials: "same-origin", headers: headers,
      body: "csrf_token=" + encodeURIComponent(token ? token.value : "") +
        "&seen_up_to=" + encodeURIComponent(at)
    }).then(function (r) {
      if (r.status === 401) { signedOut(r); return null; }
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) { reportedUpTo = ""; return; }
      if (data.read) {
        region.removeAttribute("data-unread");
        var form = document.getElementById("mark-read-form");
        if (form) { form.remove(); }
      }
      document.title = (data.unread ? "(" + data.unread + ") " : "") + baseTitle;
      lastUnread = data.unread;
    }).catch(function () { reportedUpTo = ""; });
  }

  // An opt-out (or opt-in) arriving while the conversation is open changes the form at once.
  function applySendState(message) {
    var region = document.querySelector('[data-watch-client="' + message.client_id + '"]');
    if (!region) { return; }
    var blocked = !!message.blocked_reason;
    document.querySelectorAll("form.send-form, form.schedule-form").forEach(function (form) {
      form.querySelectorAll("textarea, input:not([type=hidden]), select, button")
        .forEach(function (field) { field.disabled = blocked; });
    });
    var note = document.getElementById("send-blocked");
    if (blocked) {
      if (!note) {
        note = document.createElement("div");
        note.id = "send-blocked";
        note.className = "alert alert-error";
        note.setAttribute("role", "alert");
        var form = document.querySelector("form.send-form");
        if (form) { form.prepend(note); }
      }
      note.textContent = message.blocked_reason;
    } else if (note) {
      note.remove();
    }
  }

  function patchClientRow(message) {
    pushesApplied += 1;
    // A client may be listed twice (pinned under "Unread texts" and in the list by name).
    document.querySelectorAll('#caseload [data-client="' + message.client_id + '"]')
      .forEach(function (old) { old.replaceWith(fromHtml(message.html)); });
    markOpenClient();
    if ("blocked_reason" in message) { applySendState(message); }
  }

  function onPush(message) {
    if (message.type === "entry") { patchEntry(message); }
    else if (message.type === "client") { patchClientRow(message); checkActivity(false); }
    else if (message.type === "signed-out") {
      showSignedOut(message.reason === "signed_out" ? "elsewhere" : message.reason, false);
    }
  }

  function connectSocket() {
    var base = document.body.getAttribute("data-socket-url");
    if (!base || !("WebSocket" in window) || signedOutAlready) { return false; }
    var url = base + "?ticket=" + encodeURIComponent(document.body.getAttribute("data-socket-ticket"));
    var watching = document.querySelector("[data-watch-client]");
    if (watching) { url += "&client=" + encodeURIComponent(watching.getAttribute("data-watch-client")); }
    socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      socketTries = 0;
      stopFallbackPoll();
      // Catch up once on what happened while there was no socket: after a drop, and on the
      // first connect too (the page was rendered a moment before its socket opened, and a
      // change in between, such as a status right after a send, would otherwise be missed).
      document.querySelectorAll("[data-live-src]").forEach(function (r) { replaceRegion(r); });
      if (everConnected) { checkActivity(false); }
      everConnected = true;
    });
    socket.addEventListener("message", function (event) {
      try { onPush(JSON.parse(event.data)); } catch (e) { /* not ours */ }
    });
    socket.addEventListener("close", function () {
      socket = null;
      if (signedOutAlready) { return; }
      socketTries += 1;
      startFallbackPoll();  // also finds out whether the session is over
      var wait = Math.min(60000, 1000 * Math.pow(2, socketTries)) * (0.5 + Math.random() / 2);
      reconnectTimer = window.setTimeout(connectSocket, wait);
    });
    return true;
  }

  function fallbackPoll() {
    if (document.visibilityState === "visible") { checkActivity(true); }
  }

  function startFallbackPoll() {
    if (pollTimer || signedOutAlready) { return; }
    fallbackPoll();
    pollTimer = window.setInterval(fallbackPoll, FALLBACK_POLL_MS);
  }

  function stopFallbackPoll() {
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  // --- Sessions end in every tab at once -----------------------------------------------
  // Each foreground page load or "stay signed in" stamps the time in localStorage; every tab
  // counts the idle timeout from the latest stamp, warns a minute before and signs out at
  // the end. The server is stricter still: it refuses the session itself.
  var idleTimer = null, warnTimer = null;

  function activeAt() {
    var stamped = parseInt((window.localStorage && localStorage.getItem(ACTIVE_KEY)) || "0", 10);
    return Math.max(stamped, loadedAt);
  }
  var loadedAt = Date.now();

  function scheduleIdle() {
    var minutes = parseInt(document.body.getAttribute("data-idle-minutes") || "0", 10);
    if (!minutes || signedOutAlready) { return; }
    window.clearTimeout(idleTimer);
    window.clearTimeout(warnTimer);
    // The server moves last-active at most once a minute: end a minute early, to be sure.
    var ends = activeAt() + (minutes - 1) * 60000;
    var warnAt = ends - 60000;
    hideIdleWarning();
    warnTimer = window.setTimeout(showIdleWarning, Math.max(0, warnAt - Date.now()));
    idleTimer = window.setTimeout(function () { showSignedOut("idle", true); },
      Math.max(0, ends - Date.now()));
  }

  function showIdleWarning() {
    if (signedOutAlready || document.getElementById("idle-warning")) { return; }
    var box = document.createElement("div");
    box.id = "idle-warning";
    box.className = "idle-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "idle-warning-text");
    box.innerHTML = '<p id="idle-warning-text">You will be signed out in a minute because ' +
      'nothing has happened for a while.</p>' +
      '<button type="button" class="button" id="stay-signed-in">Stay signed in</button>';
    document.body.appendChild(box);
    var stay = document.getElementById("stay-signed-in");
    stay.addEventListener("click", staySignedIn);
    stay.focus();
  }

  function hideIdleWarning() {
    var box = document.getElementById("idle-warning");
    if (box) { box.remove(); }
  }

  function staySignedIn() {
    // A deliberate foreground post: it counts as activity and moves last-active.
    var token = document.querySelector("form[data-sign-out] input[name=csrf_token]");
    var stay = document.body.getAttribute("data-stay-url");
    fetch(stay, {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: "csrf_token=" + encodeURIComponent(token ? token.value : "")
    }).then(function (r) {
      if (r.status === 401) { signedOut(r); return; }
      if (r.ok) { stampActive(); }
    }).catch(function () { /* offline: the warning stays */ });
  }

  function stampActive() {
    loadedAt = Date.now();
    if (window.localStorage) { localStorage.setItem(ACTIVE_KEY, String(loadedAt)); }
    scheduleIdle();
  }

  var SIGNED_OUT_TEXT = {
    idle: "You were signed out after a period without activity.",
    elsewhere: "You signed out in another tab or window.",
    expired: "Your session has ended."
  };

  // Clears what the page shows (names, texts) and says why; drafts of a session that merely
  // timed out stay for their writer, a sign-out removes them (as the sign-out form does).
  function showSignedOut(reason, tellOtherTabs) {
    if (signedOutAlready) { return; }
    signedOutAlready = true;
    stopFallbackPoll();
    window.clearTimeout(idleTimer);
    window.clearTimeout(warnTimer);
    window.clearTimeout(reconnectTimer);
    hideIdleWarning();
    if (socket) { socket.close(); }
    if (reason === "elsewhere") { clearDrafts(); }
    if (tellOtherTabs && window.localStorage) {
      localStorage.setItem(SIGNED_OUT_KEY, JSON.stringify({ reason: reason, at: Date.now() }));
    }
    var main = document.getElementById("main");
    var here = document.body.getAttribute("data-current-path") || "/caseload";
    var signin = (document.body.getAttribute("data-signin-url") || "/signin") +
      "?reason=" + (reason === "idle" ? "idle" : "signed_out") + "&next=" + encodeURIComponent(here);
    document.querySelectorAll(".site-header nav, .site-header .who").forEach(function (n) {
      n.remove();
    });
    document.title = "Signed out · ClientComm";
    if (main) {
      main.replaceChildren();
      var box = document.createElement("div");
      box.className = "signed-out";
      box.setAttribute("role", "alert");
      var heading = document.createElement("h1");
      heading.textContent = "Signed out";
      var text = document.createElement("p");
      text.textContent = SIGNED_OUT_TEXT[reason] || SIGNED_OUT_TEXT.expired;
      var link = document.createElement("a");
      link.className = "button";
      link.href = signin;
      link.textContent = "Sign in again";
      box.append(heading, text, link);
      main.append(box);
      main.focus();
    }
  }

  window.addEventListener("storage", function (event) {
    if (event.key === ACTIVE_KEY) { scheduleIdle(); }
    if (event.key === SIGNED_OUT_KEY && event.newValue) {
      var said = {};
      try { said = JSON.parse(event.newValue); } catch (e) { said = {}; }
      showSignedOut(said.reason === "idle" ? "idle" : "elsewhere", false);
    }
  });

  function setupNotifications() {
    var button = document.getElementById("enable-notifications");
    if (!button || !("Notification" in window) || Notification.permission !== "default") {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function () { button.hidden = true; });
    });
  }

  // --- Phone first: folded filters, the conversation opened at its newest text, older texts
  // loaded above the ones shown ---
  var NARROW = "(max-width: 47.99em)";

  // Filters are open in the HTML (nothing hidden without JS); a phone folds them unless
  // one is in use.
  function foldOnNarrowScreens() {
    if (!window.matchMedia || !window.matchMedia(NARROW).matches) { return; }
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (d) {
      d.open = false;
    });
  }

  // The reply box is docked at the bottom of the screen: texts scrolled into view stop above
  // it (CSS reads --reply-dock for their scroll margin).
  function measureReplyDock() {
    var dock = document.querySelector(".reply-dock");
    var height = dock ? dock.getBoundingClientRect().height : 0;
    document.documentElement.style.setProperty("--reply-dock", Math.ceil(height) + "px");
  }

  function openAtNewest() {
    var newest = document.querySelector("[data-watch-client] #newest");
    if (!newest || window.location.hash || document.activeElement !== document.body) { return; }
    newest.scrollIntoView({ block: "end" });
  }

  function olderStatus(region) {
    var status = document.getElementById("older-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "older-status";
      status.className = "sr-only";
      status.setAttribute("role", "status");
      region.parentNode.insertBefore(status, region);
    }
    return status;
  }

  // Prepends the older page to the texts shown (nothing shown is replaced), keeping the
  // reader's place on the screen; the no-JS link opens the older page by itself.
  function loadOlder(link) {
    var region = link.closest("[data-watch-client]");
    var list = region && region.querySelector("ol.conversation");
    if (!list || link.getAttribute("aria-disabled") === "true") { return; }
    link.setAttribute("aria-disabled", "true");
    fetch(link.getAttribute("data-older-src"), {
      credentials: "same-origin", headers: backgroundHeaders("text/html")
    }).then(function (r) {
      if (r.status === 401) { signedOut(r); return null; }
      if (!r.ok) { throw new Error("older texts: " + r.status); }
      return r.text();
    }).then(function (html) {
      if (html === null) { return; }
      var doc = new DOMParser().parseFromString(html, "text/html");
      var older = doc.querySelector("ol.conversation");
      var anchor = list.firstElementChild;
      var before = anchor ? anchor.getBoundingClientRect().top : 0;
      var added = 0;
      Array.prototype.slice.call(older ? older.children : []).reverse().forEach(function (li) {
        var id = li.getAttribute("data-entry");
        if (id && list.querySelector('[data-entry="' + id + '"]')) { return; }
        list.prepend(document.importNode(li, true));
        added += 1;
      });
      if (anchor) { window.scrollBy(0, anchor.getBoundingClientRect().top - before); }
      region.setAttribute("data-older-loaded", "");
      var next = doc.querySelector(".load-older");
      var mine = link.closest(".load-older");
      if (next) {
        mine.replaceWith(document.importNode(next, true));
        region.querySelector("[data-older-src]").focus();
      } else {
        mine.remove();
        list.setAttribute("tabindex", "-1");
        list.focus();
      }
      olderStatus(region).textContent = added + " older message" + (added === 1 ? "" : "s") +
        " loaded" + (next ? "." : ": this is the start of the conversation.");
    }).catch(function () {
      link.removeAttribute("aria-disabled");
      window.location.href = link.href;  // the whole older page, as without JS
    });
  }

  // A refetched conversation (after the socket came back) shows the newest texts only: the
  // older ones loaded before stay above them, with the "Load older" link that goes on.
  function keepOlderTexts(region, fresh) {
    if (!region.hasAttribute("data-older-loaded")) { return; }
    var freshList = fresh.querySelector("ol.conversation");
    var list = region.querySelector("ol.conversation");
    if (!freshList || !list) { return; }
    var kept = [];
    Array.prototype.some.call(list.children, function (li) {
      var id = li.getAttribute("data-entry");
      if (id && freshList.querySelector('[data-entry="' + id + '"]')) { return true; }
      kept.push(li);
      return false;
    });
    kept.reverse().forEach(function (li) { freshList.prepend(li); });
    var link = region.querySelector(".load-older");
    var freshLink = fresh.querySelector(".load-older");
    if (freshLink) { freshLink.remove(); }
    if (link) { fresh.insertBefore(link, fresh.firstChild); }
  }

  // Chrome leaves a half-visible link where it is when it takes focus: show all of it.
  function revealFocusedInStrip(event) {
    if (event.target.closest && event.target.closest(".header-strip")) {
      event.target.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  // --- Wide screens: the caseload beside the open conversation (an inbox) ---------------
  // Loaded only where it is shown; it becomes the page's #caseload region, so pushed rows,
  // and the refetch after the socket returns, keep it fresh as on the caseload page.
  var WIDE = "(min-width: 64em)";

  function markOpenClient() {
    var inbox = document.querySelector(".inbox[data-open-client]");
    if (!inbox) { return; }
    var open = inbox.getAttribute("data-open-client");
    inbox.querySelectorAll("[data-client]").forEach(function (row) {
      var link = row.querySelector(".client-name");
      var here = row.getAttribute("data-client") === open;
      row.classList.toggle("is-open", here);
      if (link && here) { link.setAttribute("aria-current", "page"); }
      else if (link) { link.removeAttribute("aria-current"); }
    });
  }

  function openInbox() {
    var inbox = document.querySelector(".inbox[data-inbox-src]");
    if (!inbox || document.getElementById("caseload") || !window.matchMedia ||
        !window.matchMedia(WIDE).matches) { return; }
    var src = inbox.getAttribute("data-inbox-src");
    fetch(src, { credentials: "same-origin", headers: backgroundHeaders("text/html") })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var region = document.createElement("div");
        region.id = "caseload";
        region.setAttribute("data-live-src", src);
        var doc = new DOMParser().parseFromString(html, "text/html");
        region.append.apply(region, Array.prototype.map.call(doc.body.childNodes, function (n) {
          return document.importNode(n, true);
        }));
        var all = document.createElement("p");
        var link = document.createElement("a");
        all.className = "inbox-all";
        link.href = src.split("/live")[0];
        link.textContent = "Whole caseload, search and filters";
        all.append(link);
        inbox.replaceChildren(region, all);
        inbox.hidden = false;
        inbox.closest(".client-layout").classList.add("has-inbox");
        markOpenClient();
        var open = inbox.querySelector(".is-open");  // scroll the pane alone, not the page
        if (open) {
          inbox.scrollTop += open.getBoundingClientRect().top -
            inbox.getBoundingClientRect().top - inbox.clientHeight / 3;
        }
      })
      .catch(function () { /* the page works without the list */ });
  }

  function setupPhoneFirst() {
    openInbox();
    foldOnNarrowScreens();
    document.addEventListener("focusin", revealFocusedInStrip);
    measureReplyDock();
    var dock = document.querySelector(".reply-dock");
    if (dock && "ResizeObserver" in window) {  // an error or "opted out" note makes it taller
      new ResizeObserver(measureReplyDock).observe(dock);
    }
    openAtNewest();
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-older-src]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      loadOlder(link);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = ["form-errors", "send-error", "schedule-errors", "schedule-notice"]
      .map(function (id) { return document.getElementById(id); })
      .filter(Boolean)[0];
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
    document.querySelectorAll("textarea[data-counter]").forEach(setupCounter);
    setupPhoneFirst();
    document.querySelectorAll("form[data-draft-key]").forEach(setupDraft);
    // A form that cannot be undone (cancelling a scheduled text) asks first. Delegated, so
    // the forms a live refresh brings in ask too; without JS the button's label says it all.
    document.addEventListener("submit", function (event) {
      var question = event.target.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); }
    });
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", function () {
        clearDrafts();
        if (window.localStorage) {  // the other tabs of this browser show "signed out" too
          localStorage.setItem(SIGNED_OUT_KEY, JSON.stringify({ reason: "elsewhere", at: Date.now() }));
        }
      });
    });
    if (document.body.hasAttribute("data-clear-drafts")) { clearDrafts(); }
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    if (document.body.getAttribute("data-activity-url")) {
      setupNotifications();
      stampActive();
      checkActivity(false);
      if (!connectSocket()) { startFallbackPoll(); }
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible" && pollTimer) { fallbackPoll(); }
        markReadIfSeen();
      });
      window.addEventListener("focus", markReadIfSeen);
      var scrolling = null;
      window.addEventListener("scroll", function () {
        window.clearTimeout(scrolling);
        scrolling = window.setTimeout(markReadIfSeen, 250);
      }, { passive: true });
      markReadIfSeen();
    }
  });
})();
