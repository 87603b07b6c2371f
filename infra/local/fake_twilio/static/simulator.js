// Phone simulator for the local fake Twilio.
// Every piece of data is rendered with textContent, never parsed as HTML, so message text
// from the app or a tester can't inject markup.
"use strict";

(function () {
  const POLL_MS = 1500;
  const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
  const SHOWN_TYPES = ["image/jpeg", "image/png", "image/gif"]; // others become links
  const E164 = /^\+[1-9][0-9]{1,14}$/;
  const $ = (id) => document.getElementById(id);
  const els = {
    phoneForm: $("phone-form"), phone: $("phone"), phoneError: $("phone-error"),
    recent: $("recent"), recentList: $("recent-list"), department: $("department"),
    empty: $("conversation-empty"), messages: $("messages"),
    sendForm: $("send-form"), body: $("body"), attachment: $("attachment"),
    sendStatus: $("send-status"),
    autoReply: $("auto-reply"), autoReplyList: $("auto-reply-list"),
  };
  const state = { phone: "", items: new Map(), recentKey: "", labels: {} };

  async function getJSON(url, options) {
    const response = await fetch(url, Object.assign({ cache: "no-store" }, options));
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || "HTTP " + response.status);
    return data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeHref(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  function timeText(rfc2822) {
    const date = new Date(rfc2822);
    return isNaN(date) ? "" : date.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  function statusText(m) {
    if (!m.incoming) return "";
    if (m.error_code) return "Status: " + m.status + " (error " + m.error_code + ")";
    return "Status: " + m.status;
  }

  function renderMessage(m) {
    const item = el("li", "message " + (m.incoming ? "incoming" : "outgoing"));
    const who = m.incoming
      ? "From " + m.department_label + " (" + m.department + ")"
      : "You to " + m.department_label + " (" + m.department + ")";
    const time = timeText(m.date_created);
    item.append(el("p", "meta", time ? who + ", " + time : who));
    if (m.body) item.append(el("p", "text", m.body));
    (m.media || []).forEach((media, index) => item.append(renderMedia(m, media, index)));
    m.media_urls.forEach((url, index) => {
      const href = safeHref(url);
      const para = el("p", "media");
      if (href) {
        const link = el("a", "", "Attachment " + (index + 1));
        link.href = href;
        link.rel = "noopener noreferrer";
        para.append(link);
      } else {
        para.textContent = "Attachment " + (index + 1) + ": " + url;
      }
      item.append(para);
    });
    const status = el("p", "meta status", statusText(m));
    if (m.status === "undelivered" || m.status === "failed") status.classList.add("failed");
    item.append(status);
    return item;
  }

  // Media the fake holds is served from its own origin (/simulator/media/ME...).
  function renderMedia(m, media, index) {
    const para = el("p", "media");
    const name = (m.incoming ? "Picture " : "Picture you sent ") + (index + 1);
    if (SHOWN_TYPES.includes(media.content_type) && media.url.startsWith("/simulator/media/")) {
      const image = el("img");
      image.src = media.url;
      image.alt = name;
      para.append(image);
    } else {
      const link = el("a", "", "Attachment " + (index + 1) + " (" + media.content_type + ")");
      link.href = media.url;
      para.append(link);
    }
    return para;
  }

  function readAttachment(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(new Error("could not read the file"));
      reader.readAsDataURL(file);
    });
  }

  // Append new messages and update statuses in place, so the live log only announces news.
  function renderConversation(messages) {
    messages.forEach((m) => {
      const known = state.items.get(m.sid);
      if (!known) {
        const item = renderMessage(m);
        state.items.set(m.sid, { statusNode: item.querySelector(".status"), status: m.status });
        els.messages.append(item);
      } else if (known.status !== m.status) {
        known.status = m.status;
        known.statusNode.textContent = statusText(m);
        known.statusNode.classList.toggle("failed", m.status === "undelivered" || m.status === "failed");
      }
    });
    els.empty.hidden = messages.length > 0;
    if (!messages.length) els.empty.textContent = "No texts yet between this phone and the departments.";
  }

  function renderRecent(phones) {
    const key = JSON.stringify(phones) + "|" + state.phone;
    if (key === state.recentKey) return; // rebuilding would steal keyboard focus
    state.recentKey = key;
    els.recentList.replaceChildren();
    phones.forEach((phone) => {
      const button = el("button", "", phone);
      button.type = "button";
      button.setAttribute("aria-pressed", String(phone === state.phone));
      button.addEventListener("click", () => choosePhone(phone));
      const item = el("li");
      item.append(button);
      els.recentList.append(item);
    });
    els.recent.hidden = phones.length === 0;
  }

  function choosePhone(phone) {
    els.phone.value = phone;
    if (!E164.test(phone)) {
      els.phone.setAttribute("aria-invalid", "true");
      els.phoneError.textContent = "Enter a number like +13855550101.";
      els.phoneError.hidden = false;
      els.phone.focus();
      return;
    }
    els.phone.removeAttribute("aria-invalid");
    els.phoneError.hidden = true;
    if (phone !== state.phone) {
      state.phone = phone;
      state.items.clear();
      els.messages.replaceChildren();
      const url = new URL(window.location.href);
      url.searchParams.set("phone", phone);
      window.history.replaceState(null, "", url);
    }
    refresh();
  }

  async function refresh() {
    try {
      const phones = await getJSON("/simulator/api/phones");
      renderRecent(phones.phones);
      if (!state.phone) return;
      const asked = state.phone;
      const data = await getJSON("/simulator/api/phones/" + encodeURIComponent(asked) + "/messages");
      if (asked === state.phone) renderConversation(data.messages);
    } catch (error) {
      els.sendStatus.textContent = "Could not reach the fake Twilio: " + error.message;
    }
  }

  async function send(event) {
    event.preventDefault();
    const body = els.body.value;
    if (!state.phone) {
      els.sendStatus.textContent = "Choose this phone's number first.";
      els.phone.focus();
      return;
    }
    const file = els.attachment.files[0];
    if (!body.trim() && !file) {
      els.sendStatus.textContent = "Type a message or choose a photo first.";
      els.body.focus();
      return;
    }
    if (file && file.size > MAX_ATTACHMENT_BYTES) {
      els.sendStatus.textContent = "That file is over 5 MB; a phone could not send it as an MMS.";
      els.attachment.focus();
      return;
    }
    els.sendStatus.textContent = "Sending…";
    try {
      const payload = { from: state.phone, to: els.department.value, body: body };
      if (file) {
        const type = file.type || "application/octet-stream";
        payload.media = [{ content_type: type, data: await readAttachment(file) }];
      }
      const result = await getJSON("/simulator/api/inbound", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
      els.body.value = "";
      els.attachment.value = "";
      els.sendStatus.textContent = result.status_code
        ? "Sent. The app answered HTTP " + result.status_code + "."
        : "Stored, but the app was not reached: " + (result.error || "no webhook");
      els.autoReplyList.replaceChildren(...result.replies.map((text) => el("li", "", text)));
      els.autoReply.hidden = result.replies.length === 0;
      refresh();
    } catch (error) {
      els.sendStatus.textContent = "Not sent: " + error.message;
    }
  }

  async function init() {
    const config = await getJSON("/simulator/api/config");
    config.numbers.forEach((n) => {
      const option = el("option", "", n.label + " (" + n.number + ")");
      option.value = n.number;
      els.department.append(option);
    });
    els.phoneForm.addEventListener("submit", (event) => {
      event.preventDefault();
      choosePhone(els.phone.value.trim());
    });
    els.sendForm.addEventListener("submit", send);
    const fromUrl = new URL(window.location.href).searchParams.get("phone");
    if (fromUrl) choosePhone(fromUrl);
    else refresh();
    window.setInterval(refresh, POLL_MS);
  }

  init().catch((error) => {
    els.sendStatus.textContent = "Could not load the simulator: " + error.message;
  });
})();
