"""Look (样式): local CJK fonts only (no web-font download) and a layout that works at 390 px."""

from __future__ import annotations

FONTS = (
    "system-ui", "-apple-system", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "sans-serif",
)  # fmt: skip
MONO_FONTS = ("ui-monospace", "Menlo", "Consolas", "WenQuanYi Micro Hei Mono", "monospace")

CSS = """
.gradio-container { max-width: 1280px !important; width: 100% !important; margin: 0 auto !important; }
.gradio-container > .main, .gradio-container .wrap, .gradio-container main { min-width: 0 !important; max-width: 100% !important; }
#pa-title h1 { font-size: 1.4em; margin: .2em 0; }
#pa-title p { margin: 0; color: var(--body-text-color-subdued); font-size: .92em; }
.pa-msg { line-height: 1.75; overflow-wrap: anywhere; word-break: break-word; }
.pa-q { overflow-wrap: anywhere; }
.pa-short { font-weight: 700; font-size: 1.06em; margin-bottom: .35em; }
.pa-answer { margin-bottom: .4em; }
.pa-refusal strong { color: #b45309; }
.pa-curated-badge { display: inline-block; font-size: .8em; color: #047857; border: 1px solid #047857; border-radius: 4px; padding: 0 .4em; margin-bottom: .3em; }
.pa-error { color: #b91c1c; }
.pa-pending { opacity: .85; }
.pa-ref { font-size: .75em; color: #2563eb; margin: 0 1px; }
/* a marker opens the cited document (ui.viewer); hover or tap shows the quote */
.pa-cite { position: relative; display: inline-block; cursor: pointer; border-radius: 4px; padding: 0 1px; }
.pa-cite:hover, .pa-cite:focus { background: #dbeafe; outline: none; }
.pa-tip { display: none; position: absolute; z-index: 30; top: 100%; right: 0; width: max-content;
          max-width: min(22em, 55vw); padding: .35em .55em; border-radius: 6px; background: #1f2937;
          color: #f9fafb; font-size: .85rem; line-height: 1.5; font-weight: 400; white-space: normal;
          box-shadow: 0 2px 8px rgba(0, 0, 0, .25); }
.pa-cite:hover .pa-tip, .pa-cite:focus .pa-tip { display: block; }
.pa-open { display: inline-block; margin-top: .3em; color: #2563eb; cursor: pointer; font-size: .9em; }
.pa-open:hover, .pa-open:focus { text-decoration: underline; outline: none; }
#pa-chat .message, #pa-chat .message-row, #pa-chat .bubble-wrap { overflow: visible; }
#pa-viewer-col { min-width: 0 !important; }
#pa-viewer { max-height: 68vh; overflow-y: auto; border: 1px solid var(--border-color-primary); border-radius: 8px;
             padding: .5em .7em; background: var(--background-fill-primary); }
.pa-viewer-head { padding-bottom: .3em; margin-bottom: .4em; border-bottom: 1px solid var(--border-color-primary); }
.pa-viewer-head .pa-title { display: block; font-weight: 600; }
.pa-doc { line-height: 1.8; overflow-wrap: anywhere; word-break: break-word; }
.pa-doc mark.pa-cited { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 2px; }
.pa-sources-head, .pa-related-head { font-size: .88em; color: var(--body-text-color-subdued); margin-top: .5em; }
.pa-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .35em .6em;
             margin: .4em 0; background: var(--background-fill-primary); }
.pa-source > summary { cursor: pointer; font-weight: 600; list-style-position: outside; margin-left: 1em; }
.pa-n { color: #2563eb; }
.pa-sum-meta { display: block; font-weight: 400; font-size: .82em; color: var(--body-text-color-subdued); }
.pa-snippet { display: block; font-weight: 400; font-size: .9em; }
.pa-tag { display: inline-block; font-size: .78em; font-weight: 600; color: #92400e; background: #fef3c7;
          border-radius: 4px; padding: 0 .35em; }
.pa-meta { font-size: .84em; color: var(--body-text-color-subdued); margin-top: .3em; }
.pa-quote { margin: .4em 0 !important; padding: .35em .6em !important; border-left: 3px solid #3b82f6 !important;
            background: var(--background-fill-secondary); }
.pa-msg mark { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 2px; }
.pa-original > summary { cursor: pointer; color: #2563eb; font-size: .9em; }
.pa-context { font-size: .9em; padding: .4em; margin-top: .3em;
              background: var(--background-fill-secondary); border-radius: 6px; }
.pa-text { overflow-wrap: anywhere; }
.pa-quiz { line-height: 1.7; overflow-wrap: anywhere; }
.pa-item { margin-bottom: .7em; }
.pa-key { font-size: .9em; color: var(--body-text-color-subdued); }
#pa-ask-row { align-items: stretch; }
/* 我的对话 (ui.conversations): the list scrolls inside the sidebar; 猜你想问 wraps under the answer */
#pa-conv-list { max-height: 60vh; overflow-y: auto; }
#pa-conv-list label { overflow-wrap: anywhere; }
#pa-suggest-row { flex-wrap: wrap; gap: 6px; align-items: center; }
#pa-suggest-head { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
.pa-suggest { flex: 1 1 auto !important; white-space: normal !important; text-align: left; }
.gradio-container .column, .gradio-container .tabitem, .gradio-container .tabs { min-width: 0 !important; }
#pa-docs, #pa-hits { min-width: 0 !important; max-width: 100% !important; overflow-x: auto; }
#pa-ask-btn { min-width: 72px !important; }
@media (max-width: 480px) {
  .gradio-container { padding: 4px 6px !important; }
  #pa-title h1 { font-size: 1.2em; }
  #pa-chat { height: 62vh !important; }
  .pa-msg { font-size: .95em; }
  #pa-chat .message-row { max-width: 100% !important; margin-left: 0 !important; margin-right: 0 !important; }
  #pa-chat .message { max-width: 100% !important; padding: 8px !important; }
  .pa-source { padding: .3em .4em; }
  /* a fingertip needs 40 px: markers grow without pushing the lines apart */
  .pa-cite { display: inline-flex; align-items: center; justify-content: center; min-width: 40px;
             min-height: 40px; margin: -11px 0; vertical-align: middle; }
  .pa-open { padding: .6em 0; }
  #pa-viewer { max-height: 60vh; }
  /* the viewer goes below the chat, full width */
  #pa-chat-row { flex-wrap: wrap !important; }
  #pa-chat-col, #pa-viewer-col, #pa-convs-col { flex: 1 1 100% !important; min-width: 100% !important; }
  #pa-conv-list { max-height: 30vh; }
  .pa-suggest, #pa-conv-list label, #pa-convs-col button { min-height: 40px; }
  /* tables scroll sideways instead of squeezing every column to one character */
  #pa-quiz-review th, #pa-quiz-review td { min-width: 4.5em !important; }
  #pa-quiz-review table { width: max-content; }
  #pa-docs table { min-width: 520px; }
  /* 👍/👎 and the trash icon are 18 px by default: too small for a fingertip */
  #pa-up-btn, #pa-down-btn, #pa-viewer-bar button { min-height: 40px; }
  #pa-chat button.icon-button { min-width: 40px !important; min-height: 40px !important;
                                display: inline-flex; align-items: center; justify-content: center; }
}
"""
