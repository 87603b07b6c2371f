// Court-date and client imports: applies one chunk after another until the import is done, showing
// the progress. Without this file the page works too: each Continue press applies a chunk.
(function () {
  "use strict";

  var form = document.querySelector("form[data-import-apply]");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) { return; }
  var holder = form.querySelector("[data-import-progress]");
  var bar = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  var button = form.querySelector("button[type=submit]");
  var running = false;

  function show(data) {
    bar.max = data.rows_total;
    bar.value = data.next_row;
    bar.textContent = data.next_row + " of " + data.rows_total;
    status.textContent = data.summary || (data.status + " " + data.applied.added +
      " added, " + data.applied.moved + " moved so far.");
  }

  function stop(message) {
    running = false;
    button.disabled = false;
    button.textContent = "Continue";
    status.textContent = message;
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

  function next() {
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
          status.textContent = "Done. Loading the summary…";
          window.location.reload();
          return;
        }
        next();
      })
      .catch(function (error) {
        stop("Stopped: the last step did not go through (" + error.message + "). " +
          "Nothing applied is lost; press Continue to go on from here.");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (running) { return; }
    running = true;
    button.disabled = true;
    holder.hidden = false;
    status.textContent = "Applying…";
    next();
  });
})();
