// Phone first: filters folded on a phone, the site menu, and on a wide screen the caseload
// beside the open conversation (an inbox).
import { backgroundHeaders } from "./background.js";

export const NARROW = "(max-width: 47.99em)";
const WIDE = "(min-width: 64em)";

// Filters are open in the HTML (nothing hidden without JS); a phone folds them unless
// one is in use.
function foldOnNarrowScreens() {
  if (!window.matchMedia || !window.matchMedia(NARROW).matches) { return; }
  document.querySelectorAll("details[data-fold-narrow]").forEach((d) => { d.open = false; });
}

// The site menu (a <details>, which works without this) closes as menus do: with Escape,
// giving the focus back to its button, and when the reader clicks or tabs elsewhere.
function setupMenu() {
  const menu = document.querySelector(".site-menu");
  if (!menu) { return; }
  const button = menu.querySelector("summary");
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && button.offsetParent !== null) {
      menu.open = false;
      button.focus();
    }
  });
  const closeOutside = (event) => {
    if (menu.open && button.offsetParent !== null && !menu.contains(event.target)) {
      menu.open = false;
    }
  };
  document.addEventListener("click", closeOutside);
  document.addEventListener("focusin", closeOutside);
}

// The server opens the caseload in inbox order on a phone (unread first, then the most
// recent contact) unless the reader picked an order: it learns which kind of screen this
// is from a cookie, kept up to date here (web/caseload_order.py).
function tellTheScreen() {
  if (!window.matchMedia) { return; }
  const screen = "cc_screen=" + (window.matchMedia(NARROW).matches ? "narrow" : "wide");
  if (document.cookie.split("; ").indexOf(screen) >= 0) { return; }
  document.cookie = screen + "; path=/; max-age=31536000; samesite=lax" +
    (window.location.protocol === "https:" ? "; secure" : "");
}

// The inbox marks the client whose conversation is open.
export function markOpenClient() {
  const inbox = document.querySelector(".inbox[data-open-client]");
  if (!inbox) { return; }
  const open = inbox.getAttribute("data-open-client");
  inbox.querySelectorAll("[data-client]").forEach((row) => {
    const link = row.querySelector(".client-name");
    const here = row.getAttribute("data-client") === open;
    row.classList.toggle("is-open", here);
    if (link && here) { link.setAttribute("aria-current", "page"); }
    else if (link) { link.removeAttribute("aria-current"); }
  });
}

// Loaded only where it is shown; it becomes the page's #caseload region, so pushed rows,
// and the refetch after the socket returns, keep it fresh as on the caseload page.
function openInbox() {
  const inbox = document.querySelector(".inbox[data-inbox-src]");
  if (!inbox || document.getElementById("caseload") || !window.matchMedia ||
      !window.matchMedia(WIDE).matches) { return; }
  const src = inbox.getAttribute("data-inbox-src");
  fetch(src, { credentials: "same-origin", headers: backgroundHeaders("text/html") })
    .then((r) => (r.ok ? r.text() : null))
    .then((html) => {
      if (html === null) { return; }
      const region = document.createElement("div");
      region.id = "caseload";
      region.setAttribute("data-live-src", src);
      const doc = new DOMParser().parseFromString(html, "text/html");
      region.append(...Array.prototype.map.call(doc.body.childNodes,
        (n) => document.importNode(n, true)));
      const all = document.createElement("p");
      const link = document.createElement("a");
      all.className = "inbox-all";
      link.href = src.split("/live")[0];
      link.textContent = "Whole caseload, search and filters";
      all.append(link);
      inbox.replaceChildren(region, all);
      inbox.hidden = false;
      inbox.closest(".client-layout").classList.add("has-inbox");
      markOpenClient();
      const open = inbox.querySelector(".is-open");  // scroll the pane alone, not the page
      if (open) {
        inbox.scrollTop += open.getBoundingClientRect().top -
          inbox.getBoundingClientRect().top - inbox.clientHeight / 3;
      }
    })
    .catch(() => { /* the page works without the list */ });
}

export function setupLayout() {
  tellTheScreen();
  openInbox();
  foldOnNarrowScreens();
  setupMenu();
}
