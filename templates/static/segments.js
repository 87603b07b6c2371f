// SMS segments: mirrors chalicelib/domain/segments.py (a browser test compares them), and
// the counter under each text box.

const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "\f^{}\\[~]|€";

export function segmentInfo(body) {
  const chars = Array.from(body);
  const gsm = chars.every((ch) => GSM_BASIC.indexOf(ch) >= 0 || GSM_EXTENDED.indexOf(ch) >= 0);
  const widths = chars.map((ch) => {
    if (gsm) { return GSM_EXTENDED.indexOf(ch) >= 0 ? 2 : 1; }
    return ch.codePointAt(0) > 0xFFFF ? 2 : 1;
  });
  const single = gsm ? 160 : 70, part = gsm ? 153 : 67;
  const total = widths.reduce((a, b) => a + b, 0);
  let segments = 0;
  if (chars.length) {
    segments = 1;
    if (total > single) {
      let used = 0;
      widths.forEach((w) => {
        if (used + w > part) { segments += 1; used = 0; }
        used += w;
      });
    }
  }
  return { encoding: gsm ? "GSM-7" : "UCS-2", length: chars.length, segments: segments };
}

// Each text box names its counter: <textarea data-counter="id of the hint">.
export function setupCounter(box) {
  const out = document.getElementById(box.getAttribute("data-counter"));
  if (!out) { return; }
  const max = parseInt(box.getAttribute("maxlength") || "1600", 10);
  const attached = box.form && box.form.querySelector("input[name=attachment_key]");
  function update() {
    const info = segmentInfo(box.value);
    if (attached && attached.value) {  // Twilio bills an MMS as one message, not by segment
      out.textContent = info.length + " / " + max + " characters · MMS (picture message): " +
        "billed as one MMS, not per segment.";
      out.classList.remove("counter-warning");
      return;
    }
    let text = info.length + " / " + max + " characters · " + info.segments +
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
