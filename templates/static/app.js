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

  // --- Live updates: one cheap poll; refetch a region only when something changed ---
  // Polls are marked as background requests: they never count as someone being at the
  // screen, so the idle timeout still ends a session left open in a tab.
  var baseTitle = document.title;
  var lastSeq = null, lastUnread = null, pollTimer = null, signedOutAlready = false;
  var BACKGROUND = "X-ClientComm-Background";

  function backgroundHeaders(accept) {
    var headers = { Accept: accept };
    headers[BACKGROUND] = "1";
    return headers;
  }

  function signedOut(response) {
    if (signedOutAlready) { return; }
    signedOutAlready = true;
    if (pollTimer) { window.clearInterval(pollTimer); }
    response.json().catch(function () { return {}; }).then(function (data) {
      var target = data && data.signin;
      if (!target) { window.location.reload(); return; }
      var here = document.body.getAttribute("data-current-path");
      if (here && here !== "/") { target += "&next=" + encodeURIComponent(here); }
      window.location.assign(target);
    });
  }

  function replaceRegion(region) {
    var src = region.getAttribute("data-live-src");
    return fetch(src, { credentials: "same-origin", headers: backgroundHeaders("text/html") })
      .then(function (r) {
        if (r.status === 401) { signedOut(r); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html === null) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("#" + region.id) || doc.body;
        var nodes = Array.prototype.map.call(fresh.childNodes, function (n) {
          return document.importNode(n, true);
        });
        region.replaceChildren.apply(region, nodes);
      });
  }

  function notify(unread) {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    // No names or text in a notification: screens are seen by others.
    new Notification("ClientComm", { body: unread + " unread text" + (unread === 1 ? "" : "s") });
  }

  function poll() {
    if (signedOutAlready) { return; }
    fetch(document.body.getAttribute("data-activity-url"), {
      credentials: "same-origin", headers: backgroundHeaders("application/json")
    }).then(function (r) {
      if (r.status === 401) { signedOut(r); return null; }
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      document.title = (data.unread ? "(" + data.unread + ") " : "") + baseTitle;
      if (lastSeq !== null && data.seq !== lastSeq) {
        document.querySelectorAll("[data-live-src]").forEach(replaceRegion);
        if (lastUnread !== null && data.unread > lastUnread) { notify(data.unread); }
      }
      lastSeq = data.seq;
      lastUnread = data.unread;
    }).catch(function () { /* offline for a moment: try again next time */ });
  }

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

  document.addEventListener("DOMContentLoaded", function () {
    var summary = ["form-errors", "send-error", "schedule-errors", "schedule-notice"]
      .map(function (id) { return document.getElementById(id); })
      .filter(Boolean)[0];
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
    document.querySelectorAll("textarea[data-counter]").forEach(setupCounter);
    document.querySelectorAll("form[data-draft-key]").forEach(setupDraft);
    // A form that cannot be undone (cancelling a scheduled text) asks first. Delegated, so
    // the forms a live refresh brings in ask too; without JS the button's label says it all.
    document.addEventListener("submit", function (event) {
      var question = event.target.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); }
    });
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", clearDrafts);
    });
    if (document.body.hasAttribute("data-clear-drafts")) { clearDrafts(); }
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    if (document.body.getAttribute("data-activity-url")) {
      setupNotifications();
      poll();
      var every = parseInt(document.body.getAttribute("data-poll-ms") || "4000", 10);
      pollTimer = window.setInterval(poll, every);
    }
  });
})();
