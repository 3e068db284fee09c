"""The live-reload client: a script added to served HTML only, fed by Server-Sent Events.

Every served page carries the generation of the build it came from. The server sends
the current generation and build error on connect and after every rebuild: a page
from an older generation reloads; a page from the current one shows the error as an
overlay (text, never markup) or removes it. Nothing here reaches the built ``site/``.
"""

from __future__ import annotations

import json
import re

PREFIX = "/__digest__/"  # outside any sub-path, so it never shadows a page
SCRIPT_PATH = PREFIX + "livereload.js"
EVENTS_PATH = PREFIX + "events"
OVERLAY_ID = "digest-build-error"

SCRIPT = """\
(() => {
  "use strict";
  const generation = document.currentScript.dataset.generation;
  const overlayId = "__OVERLAY__";
  function show(text) {
    let box = document.getElementById(overlayId);
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:2147483647;" +
        "max-height:60vh;overflow:auto;margin:0;padding:1em 1.25em;" +
        "background:#2b0b0b;color:#ffe9e9;border-top:4px solid #e5484d;" +
        "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      const title = document.createElement("strong");
      title.textContent = "digest: the rebuild failed; this is the last good site.";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.style.cssText = "float:right;font:inherit;";
      close.addEventListener("click", () => box.remove());
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.75em 0 0;";
      box.append(close, title, pre);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text;  // text, so the message is never markup
  }
  const events = new EventSource("__EVENTS__");
  events.addEventListener("build", (message) => {
    const state = JSON.parse(message.data);
    if (state.generation !== generation) {
      events.close();
      location.reload();
    } else if (state.error) {
      show(state.error);
    } else {
      document.getElementById(overlayId)?.remove();
    }
  });
})();
""".replace("__OVERLAY__", OVERLAY_ID).replace("__EVENTS__", EVENTS_PATH)

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def tag(generation: str) -> bytes:
    """The script element that loads the client for a page of this generation."""
    value = generation.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<script src="{SCRIPT_PATH}" data-generation="{value}"></script>'.encode()


def inject(html: bytes, generation: str) -> bytes:
    """``html`` with the client added before its last ``</body>`` (else at the end)."""
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + tag(generation) + b"\n" + html[at:]


def event(generation: str, error: str | None) -> bytes:
    """One Server-Sent Event: the served generation and the failed build's message."""
    data = json.dumps({"generation": generation, "error": error})  # one line: \\n is escaped
    return f"event: build\ndata: {data}\n\n".encode()


KEEP_ALIVE = b": keep-alive\n\n"
