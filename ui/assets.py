"""The page's one script (脚本), served as a file (``ui.viewer.AssetsMiddleware``): the CSP admits
scripts from this origin only, so Gradio's ``js=`` (evaluated from strings) cannot be used.

What it does, and nothing else:

* a click, tap, Enter or Space on a citation marker (``.pa-cite``) or a source's 在全文中查看
  (``.pa-open``) writes ``<answer id>:<n>|<count>`` into the hidden box ``#pa-view-req`` and fires its
  ``input`` event, which asks the server (``ui.viewer``) for the document; the answer id is read from the
  message's class ``pa-a-<id>`` and ``n`` from the marker's class ``pa-c<n>`` (the chat's HTML sanitizer
  keeps classes, not ``data-`` attributes);
* when the viewer shows a new page, it brings the viewer into view and scrolls it (not the chat) to the
  marked span (``mark.pa-cited``), or to its top when the span is on another page.
"""

from __future__ import annotations

VIEWER_JS = """\
(() => {
  "use strict";
  const ANSWER = /(?:^|\\s)pa-a-([0-9a-f]{32})(?:\\s|$)/;
  const CITE = /(?:^|\\s)pa-c(\\d{1,3})(?:\\s|$)/;
  let count = 0;
  let shown = null;

  function target(event) {
    return event.target instanceof Element ? event.target.closest(".pa-cite, .pa-open") : null;
  }

  function request(el) {
    const msg = el.closest(".pa-msg");
    const answer = msg ? ANSWER.exec(msg.className) : null;
    const cite = CITE.exec(el.className);
    const box = document.querySelector("#pa-view-req textarea, #pa-view-req input");
    if (!answer || !cite || !box) return false;
    count += 1;
    box.value = answer[1] + ":" + cite[1] + "|" + count;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  document.addEventListener("click", (event) => {
    const el = target(event);
    if (el && request(el)) event.preventDefault();
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const el = target(event);
    if (el && request(el)) event.preventDefault();
  }, true);

  function reveal() {
    const doc = document.querySelector("#pa-viewer .pa-viewer-doc");
    if (!doc || doc === shown) return;
    shown = doc;
    const mark = doc.querySelector("mark.pa-cited");
    const box = document.getElementById("pa-viewer");
    if (!box) return;
    box.scrollIntoView({ block: "nearest" });  // below the chat on a phone
    if (mark) {  // within the viewer only: the chat keeps its place
      const offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top;
      box.scrollTop += offset - box.clientHeight / 3;
    } else {
      box.scrollTop = 0;
    }
  }
  new MutationObserver(() => requestAnimationFrame(reveal)).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
"""
