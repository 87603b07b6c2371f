// How the outbox shows in an open conversation: below the texts the server knows of, one
// outbound bubble per text waiting on this device ("Waiting for a connection", Edit and
// Discard), refused ones with the reason, sent ones until the conversation shows them.
// Its own list beside the conversation's region, so a live refresh never wipes it. Every
// word from a record goes in as text, never as HTML.

const STATES = { waiting: "Waiting for a connection", refused: "Not sent", sent: "Sent" };

function region(clientId) {
  return document.querySelector('[data-watch-client="' + clientId + '"]');
}

function listFor(clientId, create) {
  let list = document.getElementById("outbox");
  if (list || !create) { return list; }
  const conversation = region(clientId);
  if (!conversation) { return null; }
  list = document.createElement("ol");
  list.id = "outbox";
  list.className = "conversation outbox";
  list.setAttribute("aria-label", "Texts kept on this device");
  conversation.after(list);
  // A sent text leaves the outbox once the conversation shows it (by push or refresh).
  new MutationObserver(() => dropShown(conversation, list))
    .observe(conversation, { childList: true, subtree: true });
  return list;
}

function dropShown(conversation, list) {
  list.querySelectorAll("li.outbox-sent").forEach((li) => {
    if (conversation.querySelector('[data-entry="' + li.getAttribute("data-outbox") + '"]')) {
      li.remove();
    }
  });
}

function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

function shortly(body) {
  return body.length > 40 ? body.slice(0, 40) + "…" : body;
}

function button(label, what, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "button " + className;
  const hidden = document.createElement("span");
  hidden.className = "sr-only";
  hidden.textContent = " the text “" + shortly(what) + "”";
  b.append(label, hidden);
  b.addEventListener("click", onClick);
  return b;
}

function writtenAt(iso) {
  const when = new Date(iso);
  const time = document.createElement("time");
  time.dateTime = iso;
  time.textContent = when.toLocaleString([], {
    month: "short", day: "numeric", hour: "numeric", minute: "2-digit"
  });
  return time;
}

function bubble(text, actions) {
  const li = document.createElement("li");
  li.className = "text text-outbound outbox-" + text.state +
    (text.state === "refused" ? " text-problem" : "");
  li.setAttribute("data-outbox", text.draft_id);
  li.append(paragraph("text-body", text.body));
  if (text.attachment_name) { li.append(paragraph("muted attach-name", "With a file: " + text.attachment_name)); }
  const meta = document.createElement("p");
  meta.className = "text-meta";
  const status = document.createElement("span");
  status.className = "status outbox-status";
  status.textContent = STATES[text.state] || STATES.waiting;
  meta.append("Written ", writtenAt(text.written_at), " · ", status);
  li.append(meta);
  if (text.state === "refused") {
    li.append(paragraph("text-problem-reason", "Not sent: " + text.reason));
  } else if (text.reason) {
    li.append(paragraph("hint", text.reason));
  }
  if (text.state === "sent") { return li; }
  const row = document.createElement("div");
  row.className = "button-row text-actions";
  if (text.state === "waiting" && !text.attempted) {
    row.append(button("Edit", text.body, "button-secondary", () => actions.edit(text, li)));
  }
  row.append(button("Discard", text.body, "button-danger", () => actions.discard(text)));
  li.append(row);
  return li;
}

// Shows ``texts`` (this client's records) in place of what the outbox showed; texts shown
// as sent stay until the conversation has them.
export function showOutbox(clientId, texts, actions) {
  const list = listFor(clientId, texts.length > 0);
  if (!list) { return; }
  const wanted = new Set(texts.map((t) => t.draft_id));
  list.querySelectorAll("li[data-outbox]").forEach((li) => {
    if (!wanted.has(li.getAttribute("data-outbox")) && !li.classList.contains("outbox-sent")) {
      li.remove();
    }
  });
  texts.forEach((text) => {
    const old = list.querySelector('li[data-outbox="' + text.draft_id + '"]');
    if (old && old.hasAttribute("data-editing")) { return; }
    const fresh = bubble(text, actions);
    if (old) { old.replaceWith(fresh); } else { list.append(fresh); }
  });
}

export function showSent(text) {
  const list = listFor(text.client_id, false);
  if (!list || !region(text.client_id)) { return; }  // another client's page
  const old = list.querySelector('li[data-outbox="' + text.draft_id + '"]');
  const fresh = bubble(Object.assign({}, text, { state: "sent", reason: "" }), {});
  if (old) { old.replaceWith(fresh); } else { list.append(fresh); }
  dropShown(region(text.client_id), list);
}

// The bubble's text becomes a labelled box with Save and Cancel; ``save(body)`` resolves
// with a refusal to show ("" when saved).
export function editInPlace(text, li, save, done) {
  li.setAttribute("data-editing", "");
  const id = "outbox-edit-" + text.draft_id;
  const label = document.createElement("label");
  label.setAttribute("for", id);
  label.textContent = "Change the waiting text";
  const box = document.createElement("textarea");
  box.id = id;
  box.rows = 3;
  box.value = text.body;
  const problem = paragraph("text-problem-reason", "");
  problem.setAttribute("role", "alert");
  const row = document.createElement("div");
  row.className = "button-row text-actions";
  const saveButton = document.createElement("button");
  saveButton.type = "button";
  saveButton.className = "button";
  saveButton.textContent = "Save change";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button button-secondary";
  cancel.textContent = "Cancel change";
  row.append(saveButton, cancel);
  li.replaceChildren(label, box, problem, row);
  box.focus();
  saveButton.addEventListener("click", async () => {
    const refused = await save(box.value);
    if (refused) { problem.textContent = refused; return; }
    li.removeAttribute("data-editing");
    done();
  });
  cancel.addEventListener("click", () => { li.removeAttribute("data-editing"); done(); });
}
