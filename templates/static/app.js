// ClientComm: small progressive enhancements. Every page works without these modules.
// One plain ES module per concern, no build step: segments (the counter), drafts, session
// (idle timeout and signing out everywhere), background (requests that are not activity),
// unread (read state, title, notifications), live (pushes, refreshes), conversation
// (pushed texts, older texts) and layout (phone first, the wide-screen inbox).
import { setupAttachments } from "./attach.js";
import { setupConversation } from "./conversation.js";
import { setupDraft } from "./drafts.js";
import { forgetAnotherPerson, setupForgetting } from "./forgetting.js";
import { setupLayout } from "./layout.js";
import { setupLive } from "./live.js";
import { setupOffline } from "./offline.js";
import { setupOfflineForms } from "./offline_forms.js";
import { setupOutbox } from "./outbox.js";
import { setupPicking } from "./picking.js";
import { segmentInfo, setupCounter } from "./segments.js";
import { setupSessions, stampActive } from "./session.js";
import { setupNotifications, watchReading } from "./unread.js";

window.clientcommSegments = segmentInfo;

function focusFirstProblem() {
  const summary = ["form-errors", "send-error", "schedule-errors", "schedule-notice"]
    .map((id) => document.getElementById(id))
    .filter(Boolean)[0];
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
}

function start() {
  focusFirstProblem();
  document.querySelectorAll("textarea[data-counter]").forEach(setupCounter);
  setupAttachments();
  setupLayout();
  setupConversation();
  setupPicking();
  setupOffline();
  setupOutbox();
  setupOfflineForms();
  document.querySelectorAll("form[data-draft-key]").forEach(setupDraft);
  // A form that cannot be undone (cancelling a scheduled text) asks first. Delegated, so
  // the forms a live refresh brings in ask too; without JS the button's label says it all.
  document.addEventListener("submit", (event) => {
    const question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  setupSessions();
  setupForgetting();
  document.querySelectorAll("[data-print]").forEach((b) => {
    b.addEventListener("click", () => window.print());
  });
  if (document.body.getAttribute("data-activity-url")) {
    setupNotifications();
    stampActive();
    setupLive();
    watchReading();
  }
}

// Modules run after the document is parsed; DOMContentLoaded may not have fired yet.
// Another person's data on this device is deleted before this page does anything else.
function begin() { forgetAnotherPerson().then(start, start); }

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", begin);
} else {
  begin();
}
