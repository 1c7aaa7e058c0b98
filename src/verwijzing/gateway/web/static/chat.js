// The citizen's chat page: talks to the gateway's JSON API (GET /chat, POST /chat, POST /chat/wis).
// No framework and no inline code, so the page's Content-Security-Policy can allow only 'self'.
// Text from the server is only ever set as text (textContent), never parsed as HTML.
"use strict";

(function () {
  const BEZIG = "Even geduld, ik denk na…";
  const FOUT = "Er ging iets mis. Je bericht is niet verstuurd. Probeer het zo opnieuw.";
  const LEEG = "Typ eerst een bericht.";
  const GESCHIEDENIS_FOUT = "Je vorige berichten kan ik nu niet tonen. Probeer het zo opnieuw.";
  const GEWIST = "Je gesprek is gewist. Je kan opnieuw beginnen.";
  const WISSEN_FOUT = "Wissen is niet gelukt. Probeer het zo opnieuw.";
  const NIEUW = "Nieuw bericht van de consulent.";
  // While a consulent has the conversation, the page asks for new messages this often.
  const VRAAG_OPNIEUW_MS = 4000;
  const WIE = { user: "Jij:", bot: "Assistent:", consulent: "Consulent:", melding: "Bericht:" };

  const el = (id) => document.getElementById(id);
  const log = el("berichten");
  const bezig = el("bezig");
  const formulier = el("formulier");
  const invoer = el("bericht");
  const verstuur = el("verstuur");
  const fout = el("fout");
  const keuzes = el("keuzes");
  const keuzeknoppen = el("keuzeknoppen");
  const wis = el("wis");
  const wisBevestig = el("wis-bevestig");
  const wisJa = el("wis-ja");
  const wisNee = el("wis-nee");
  const wisStatus = el("wis-status");
  const dossier = el("dossier");
  const dossierCode = el("dossier-code");

  let busy = false;
  let quietTimer = null;

  // Messages drawn in `draw` are not read aloud: after a reload a screen reader should not read
  // the whole conversation again. Browsers announce changes a moment later, so the log stays
  // quiet for a second, or until the person sends something.
  function quietly(draw) {
    log.setAttribute("aria-live", "off");
    draw();
    window.clearTimeout(quietTimer);
    quietTimer = window.setTimeout(speak, 1000);
  }

  function speak() {
    window.clearTimeout(quietTimer);
    log.setAttribute("aria-live", "polite");
  }

  // --- talking to the gateway ---------------------------------------------------------------

  async function call(method, url, body) {
    const options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (e) {
      return { ok: false, error: null };  // no network, or the gateway is down
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    const error = data && typeof data.error === "string" ? data.error : null;
    return { ok: response.ok && data !== null && Array.isArray(data.messages), data: data, error: error };
  }

  // --- drawing ----------------------------------------------------------------------------------

  const LINK = /https?:\/\/[^\s<>"]+/g;

  // One line of text, with web addresses as links (only http and https).
  function appendLine(parent, line) {
    let last = 0;
    for (const match of line.matchAll(LINK)) {
      let url = match[0].replace(/[.,;:!?)]+$/, "");
      let address;
      try {
        address = new URL(url);
      } catch (e) {
        continue;
      }
      if (address.protocol !== "http:" && address.protocol !== "https:") continue;
      parent.append(line.slice(last, match.index));
      const link = document.createElement("a");
      link.href = address.href;
      link.textContent = url;
      parent.append(link);
      last = match.index + url.length;
    }
    parent.append(line.slice(last));
  }

  function messageElement(from, text) {
    const item = document.createElement("div");
    item.className = "bericht " + (from === "user" ? "jij" : from === "consulent" ? "consulent" : "bot");
    const who = document.createElement("span");
    who.className = "wie";
    who.textContent = WIE[from] || WIE.bot;
    const body = document.createElement("p");
    String(text).split("\n").forEach(function (line, i) {
      if (i > 0) body.append(document.createElement("br"));
      if (from !== "user") appendLine(body, line);  // the assistant's links (e.g. the calendar invite)
      else body.append(line);
    });
    item.append(who, " ", body);
    return item;
  }

  function appendMessage(message) {
    const item = messageElement(message.from, message.text || "");
    log.append(item);
    return item;
  }

  function showChoices(buttons) {
    keuzeknoppen.replaceChildren();
    if (!buttons || buttons.length === 0) {
      keuzes.hidden = true;
      return;
    }
    buttons.forEach(function (b) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () {
        send(b.payload, b.title, false);
      });
      keuzeknoppen.append(button);
    });
    keuzes.hidden = false;
  }

  // The buttons of the last message count, when it is the assistant's.
  function choicesOf(messages) {
    const last = messages[messages.length - 1];
    return last && last.from === "bot" ? last.buttons || [] : [];
  }

  function setBusy(on) {
    busy = on;
    verstuur.disabled = on;
    keuzeknoppen.querySelectorAll("button").forEach(function (b) { b.disabled = on; });
    log.setAttribute("aria-busy", on ? "true" : "false");
    bezig.textContent = on ? BEZIG : "";
  }

  function showError(text) {
    fout.textContent = text || "";
  }

  function keepFocus() {
    // A pressed choice is gone after the reply: go on typing in the message box.
    const active = document.activeElement;
    if (!active || active === document.body || !document.body.contains(active) || active.disabled) {
      invoer.focus();
    }
  }

  // --- sending ------------------------------------------------------------------------------------

  async function send(payload, shown, typed) {
    if (busy) return;
    speak();
    showError("");
    wisStatus.textContent = "";
    setBusy(true);
    const pending = appendMessage({ from: "user", text: shown });
    pending.classList.add("bezig-verstuurd");
    const result = await call("POST", "/chat", { message: payload });
    if (result.ok) {
      pending.classList.remove("bezig-verstuurd");
      if (typed && invoer.value === payload) invoer.value = "";
      const messages = result.data.messages;
      setBusy(false);
      messages.forEach(appendMessage);
      showChoices(choicesOf(messages));
      seen = null;  // the next look redraws what the server has (the person's line included)
      showCode(result.data.dossier);
      followCase(result.data.overdracht);
    } else {
      pending.remove();
      setBusy(false);
      showError(result.error || FOUT);  // what was typed stays in the box
    }
    keepFocus();
    invoer.scrollIntoView({ block: "nearest" });
  }

  formulier.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = invoer.value.trim();
    if (busy) return;
    if (!text) {
      showError(LEEG);
      invoer.focus();
      return;
    }
    send(text, text, true);
  });

  // --- the conversation so far (after a reload) -----------------------------------------------------

  async function redraw() {
    busy = true;  // a message sent now would land before the old ones
    const result = await call("GET", "/chat");
    busy = false;
    if (!result.ok) {
      showError(GESCHIEDENIS_FOUT);
      return;
    }
    const messages = result.data.messages;
    quietly(function () {
      messages.forEach(appendMessage);
      showChoices(choicesOf(messages));
    });
    seen = messages.length;
    showCode(result.data.dossier);
    followCase(result.data.overdracht);
  }

  // The conversation's case code, to give at a counter or on the phone (none before a first message).
  function showCode(code) {
    dossierCode.textContent = code || "";
    dossier.hidden = !code;
  }

  // --- a consulent has the conversation: ask for new messages until it is handed back ---------------

  let seen = 0;
  let caseTimer = null;

  function followCase(overdracht) {
    window.clearTimeout(caseTimer);
    if (overdracht) caseTimer = window.setTimeout(askAgain, VRAAG_OPNIEUW_MS);
  }

  async function askAgain() {
    if (busy) {
      followCase(true);
      return;
    }
    const result = await call("GET", "/chat");
    if (!result.ok) {
      followCase(true);  // a moment offline: try again
      return;
    }
    const messages = result.data.messages;
    if (messages.length !== seen) {  // redrawn only when something came: the page does not jump
      // News is an answer of the consulent that the page did not show yet.
      const shown = log.querySelectorAll(".bericht.consulent").length;
      const fresh = messages.filter(function (m) { return m.from === "consulent"; }).length > shown;
      quietly(function () {
        log.replaceChildren();
        messages.forEach(appendMessage);
        showChoices(choicesOf(messages));
      });
      if (fresh) bezig.textContent = NIEUW;
      seen = messages.length;
    }
    followCase(result.data.overdracht);
  }

  // --- "Wis mijn gesprek", with a second step ---------------------------------------------------------

  function showConfirm(open) {
    wisBevestig.hidden = !open;
    wis.setAttribute("aria-expanded", open ? "true" : "false");
  }

  wis.addEventListener("click", function () {
    wisStatus.textContent = "";
    showConfirm(wisBevestig.hidden);
  });

  wisNee.addEventListener("click", function () {
    showConfirm(false);
    wis.focus();
  });

  wisBevestig.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      showConfirm(false);
      wis.focus();
    }
  });

  wisJa.addEventListener("click", async function () {
    if (busy) return;
    setBusy(true);
    wisJa.disabled = true;
    const result = await call("POST", "/chat/wis", {});
    wisJa.disabled = false;
    setBusy(false);
    if (!result.ok) {
      wisStatus.textContent = result.error || WISSEN_FOUT;
      return;
    }
    quietly(function () {
      log.replaceChildren();
      showChoices([]);
    });
    showCode(null);
    showError("");
    showConfirm(false);
    wisStatus.textContent = GEWIST;
    invoer.focus();
  });

  redraw();
})();
