// Attachments: the compose box uploads a picked photo or PDF straight to the private media
// bucket (a presigned POST the app signs for this client), then the form carries only the
// upload's key. The app checks the key and the stored file again when the text is sent.

const ALLOWED = ["image/jpeg", "image/png", "image/gif", "application/pdf"];
const MAX_BYTES = 5 * 1024 * 1024;
const WRONG_TYPE = "Only a photo (JPEG, PNG or GIF) or a PDF can be sent.";
const TOO_BIG = "The file is larger than 5 MB, the most a picture message can carry.";
const FAILED = "The file could not be attached. Try again, or send the text without it.";

async function askForm(box, form, file) {
  const token = form.querySelector("input[name=csrf_token]");
  const asked = await fetch(box.getAttribute("data-upload-url"), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Accept": "application/json" },
    body: new URLSearchParams({
      csrf_token: token ? token.value : "",
      content_type: file.type,
      size: String(file.size),
    }),
  });
  const answer = await asked.json().catch(() => ({}));
  if (!asked.ok || !answer.url) { throw new Error(answer.error || FAILED); }
  return answer;
}

async function upload(answer, file) {
  const data = new FormData();
  Object.keys(answer.fields).forEach((name) => data.append(name, answer.fields[name]));
  data.append("file", file);  // S3 reads the fields first: the file goes last
  const stored = await fetch(answer.url, { method: "POST", body: data });
  if (!stored.ok) { throw new Error(FAILED); }
}

function setupAttachment(box) {
  const form = box.closest("form");
  const inputs = Array.from(box.querySelectorAll("[data-attach-input]"));
  const input = inputs[0];  // picks from the device; the others (the camera) fill the same slot
  if (!form || !input || !window.fetch) { return; }
  const key = box.querySelector("input[name=attachment_key]");
  const name = box.querySelector("input[name=attachment_name]");
  const picked = box.querySelector("[data-attach-picked]");
  const preview = box.querySelector("[data-attach-preview]");
  const label = box.querySelector("[data-attach-name]");
  const status = box.querySelector("[data-attach-status]");
  const hint = status.textContent;
  const text = form.querySelector("textarea[data-counter]");
  const submits = form.querySelectorAll("button[type=submit]");
  let shown = "";
  box.hidden = false;

  function recount() { if (text) { text.dispatchEvent(new Event("input")); } }
  function busy(on) { submits.forEach((b) => { if (on) { b.setAttribute("aria-disabled", "true"); b.disabled = true; } else { b.removeAttribute("aria-disabled"); b.disabled = false; } }); }
  function clear(message) {
    key.value = ""; name.value = ""; inputs.forEach((each) => { each.value = ""; });
    if (shown) { URL.revokeObjectURL(shown); shown = ""; }
    preview.hidden = true; preview.removeAttribute("src");
    picked.hidden = true; box.classList.remove("attach-has-file");
    status.textContent = message || hint;
    recount();
  }
  function show(file) {
    label.textContent = file.name;
    if (file.type.indexOf("image/") === 0) {
      shown = URL.createObjectURL(file);
      preview.src = shown; preview.hidden = false;
    }
    picked.hidden = false; box.classList.add("attach-has-file");
    status.textContent = "Attached: " + file.name + ". It goes as a picture message (MMS).";
    recount();
  }

  async function pickedFrom(chosen) {
    const file = chosen.files && chosen.files[0];
    if (!file) { clear(); return; }
    if (ALLOWED.indexOf(file.type) < 0) { clear(WRONG_TYPE); return; }
    if (file.size > MAX_BYTES) { clear(TOO_BIG); return; }
    busy(true);
    status.textContent = "Uploading " + file.name + "…";
    try {
      const answer = await askForm(box, form, file);
      await upload(answer, file);
      key.value = answer.key; name.value = file.name;
      show(file);
    } catch (problem) {
      clear(problem.message || FAILED);
    } finally {
      busy(false);
    }
  }
  inputs.forEach((each) => { each.addEventListener("change", () => pickedFrom(each)); });
  form.addEventListener("clientcomm:sent", () => clear());  // sent by the page's script
  box.querySelector("[data-attach-remove]").addEventListener("click", () => {
    clear("Attachment removed.");
    input.focus();
  });
}

export function setupAttachments() {
  document.querySelectorAll("[data-attach]").forEach(setupAttachment);
}
