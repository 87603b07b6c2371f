// Court-date and client imports: applies one chunk after another until the import is done, showing
// the progress. Without this file the page works too: each Continue press applies a chunk.
// On a client import's page the form sits in a region other tabs' pushes refresh: this tab
// holds that region while it applies (its own answers say how far it got) and lets go after.
(function () {
  "use strict";

  if (!document.querySelector("form[data-import-apply]") || !window.fetch ||
      !window.URLSearchParams || !window.FormData) { return; }
  var running = false;
  var held = null;  // the live region this tab keeps from being refetched while it applies

  function find(selector) { return document.querySelector(selector); }

  function show(data) {
    var bar = document.getElementById("import-progress");
    var status = document.getElementById("import-status");
    var holder = find("form[data-import-apply] [data-import-progress]");
    if (holder) { holder.hidden = false; }
    if (bar) {
      bar.max = data.rows_total;
      bar.value = data.next_row;
      bar.textContent = data.next_row + " of " + data.rows_total;
    }
    if (status) {
      status.textContent = data.summary || (data.status + " " + data.applied.added +
        " added, " + data.applied.moved + " moved so far.");
    }
  }

  function hold(form) {
    var region = form.closest("[data-live-src]");
    if (!region) { return; }
    held = { region: region, src: region.getAttribute("data-live-src") };
    region.removeAttribute("data-live-src");
  }

  function letGo() {
    if (held) { held.region.setAttribute("data-live-src", held.src); held = null; }
  }

  function stop(form, message) {
    running = false;
    letGo();
    var button = form.querySelector("button[type=submit]");
    button.disabled = false;
    button.textContent = "Continue";
    document.getElementById("import-status").textContent = message;
  }

  function answer(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") < 0) {
      throw new Error(response.ok ? "an unexpected answer" : "HTTP " + response.status);
    }
    return response.json().then(function (data) {
      if (response.status === 401 && data.signin) {  // signed out meanwhile
        window.location.assign(data.signin);
        return null;
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return data;
    });
  }

  function next(form) {
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form))
    })
      .then(answer)
      .then(function (data) {
        if (!data) { return; }
        show(data);
        if (data.done) {
          document.getElementById("import-status").textContent = "Done. Loading the summary…";
          window.location.reload();
          return;
        }
        next(form);
      })
      .catch(function (error) {
        stop(form, "Stopped: the last step did not go through (" + error.message + "). " +
          "Nothing applied is lost; press Continue to go on from here.");
      });
  }

  // Delegated: a form a push brought in (another tab started applying) works the same.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-import-apply]")) { return; }
    event.preventDefault();
    if (running) { return; }
    running = true;
    hold(form);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var holder = form.querySelector("[data-import-progress]");
    if (holder) { holder.hidden = false; }
    document.getElementById("import-status").textContent = "Applying…";
    next(form);
  });
})();
