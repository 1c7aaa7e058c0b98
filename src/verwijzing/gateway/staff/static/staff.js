// The console's one script: on a page that names a stream (data-stroom on <main>), a part of the
// page is fetched again each time the server says it changed (Server-Sent Events), so the queue
// and a conversation update without a reload. Without JavaScript the pages work as they are, with
// their "Vernieuwen" link. No inline code, no HTML from strings: the new part is parsed by the
// browser's DOMParser from our own page and moved in as nodes.
"use strict";

(function () {
  const main = document.querySelector("main[data-stroom]");
  if (!main || !window.EventSource) return;
  const status = document.getElementById("stroom-status");
  const parts = Array.from(main.querySelectorAll("[data-live]")).map(function (el) { return el.id; });
  let first = true;

  async function refresh() {
    let html;
    try {
      const response = await fetch(window.location.pathname + window.location.search,
                                   { credentials: "same-origin", headers: { "Accept": "text/html" } });
      if (!response.ok) return;
      html = await response.text();
    } catch (e) {
      return;  // offline a moment: the next event tries again
    }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    let changed = false;
    parts.forEach(function (id) {
      const now = document.getElementById(id);
      const next = fresh.getElementById(id);
      if (!now || !next || now.innerHTML === next.innerHTML) return;
      if (now.contains(document.activeElement)) return;  // never move what someone is using
      now.replaceWith(document.importNode(next, true));
      changed = true;
    });
    if (changed && status) status.textContent = main.getAttribute("data-nieuw") || "Bijgewerkt.";
  }

  const stream = new EventSource(main.getAttribute("data-stroom"));
  stream.addEventListener("bijgewerkt", function () {
    if (first) {  // the first event only says how things stand: the page already shows that
      first = false;
      return;
    }
    refresh();
  });
})();
