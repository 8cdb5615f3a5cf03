// citebot chat page: a transcript of questions and answers. Each question
// goes to POST /v1/ask with the conversation's id, so that follow-ups are
// read in the light of earlier turns, and asks for Server-Sent Events so
// that a generated answer appears as it is written. Each answer shows its
// [n] markers and sources; a source opens from GET /v1/sources/{name} with
// the quoted passage marked. Text from the server is only ever inserted as
// text nodes, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("ask-form"), input = $("question"), button = $("ask");
  const status = $("status"), transcript = $("transcript");
  const tokenRow = $("token-row"), tokenInput = $("token");
  const wide = window.matchMedia("(min-width: 60rem)");

  let conversation = newID();
  let inFlight = null; // the AbortController of the question being answered
  let opener = null;   // the control that opened the source, for focus on close

  function newID() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  // A token typed earlier in this tab is sent again, but the box stays
  // hidden until the server answers 401: most servers need none.
  tokenInput.value = sessionStorage.getItem("citebot-token") || "";

  function headers(extra) {
    const h = Object.assign({}, extra);
    const t = tokenInput.value.trim();
    if (t) {
      sessionStorage.setItem("citebot-token", t);
      h["Authorization"] = "Bearer " + t;
    }
    return h;
  }

  function needToken() {
    tokenRow.hidden = false;
    tokenInput.focus();
  }

  function setStatus(el, text, isError) {
    el.textContent = text;
    el.classList.toggle("error", !!isError);
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function readError(resp) {
    try {
      const body = await resp.json();
      if (body && body.error) return body.error;
    } catch (e) { /* not JSON */ }
    return resp.status + " " + resp.statusText;
  }

  // The input suggests a question the loaded documents answer; without
  // one (the index is loading, or a token is needed) the generic hint stays.
  async function loadExample() {
    try {
      const resp = await fetch("/v1/example", { headers: headers() });
      if (resp.status === 401) { tokenRow.hidden = false; return; }
      if (!resp.ok) return;
      const body = await resp.json();
      if (body && typeof body.question === "string" && body.question) {
        input.placeholder = body.question;
      }
    } catch (e) { /* keep the generic hint */ }
  }
  loadExample();

  // newTurn adds a question to the transcript and returns the parts of its
  // turn that the answer fills in.
  function newTurn(q) {
    const li = el("li", "turn");
    const question = el("p", "question", q);
    const rewritten = el("p", "rewritten muted");
    rewritten.hidden = true;
    const answer = el("p", "answer pending", "Thinking…");
    const note = el("p", "note muted");
    note.hidden = true;
    const error = el("p", "error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    const sources = el("div", "sources");
    li.append(question, rewritten, answer, note, error, sources);
    transcript.append(li);
    return { li, rewritten, answer, note, error, sources, streamed: "" };
  }

  function turnError(turn, msg) {
    turn.answer.hidden = turn.streamed === "";
    turn.answer.classList.remove("pending");
    turn.error.textContent = msg;
    turn.error.hidden = false;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q || inFlight) return;
    const ctl = new AbortController();
    inFlight = ctl;
    button.disabled = true;
    setStatus(status, "");
    input.value = "";
    const turn = newTurn(q);
    turn.li.scrollIntoView({ block: "nearest" });
    try {
      const resp = await fetch("/v1/ask", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", "Accept": "text/event-stream, application/json" }),
        body: JSON.stringify({ question: q, conversation_id: conversation, stream: true }),
        signal: ctl.signal,
      });
      if (resp.status === 401) {
        // Not asked yet: take the question back so Ask sends it again.
        turn.li.remove();
        if (!input.value) input.value = q;
        setStatus(status, "Enter the API token, then ask again.", true);
        needToken();
        return;
      }
      if (!resp.ok) {
        turnError(turn, await readError(resp));
        return;
      }
      if ((resp.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
        await readStream(resp, turn);
      } else {
        showAnswer(turn, await resp.json());
      }
    } catch (e) {
      if (e.name !== "AbortError") turnError(turn, "Could not reach the server: " + e.message);
    } finally {
      if (inFlight === ctl) {
        inFlight = null;
        button.disabled = false;
        // Disabling the button dropped its focus; put it back where the
        // next question is typed, unless the token box asked for it.
        if (document.activeElement === button || document.activeElement === document.body) input.focus();
      }
    }
  });

  // readStream reads the Server-Sent Events of /v1/ask: "delta" events
  // append text as it is written, then "answer" replaces it with the whole
  // answer, or "error" ends the turn.
  async function readStream(resp, turn) {
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buf = "", done = false;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      buf += decoder.decode(r.value, { stream: true }).replace(/\r\n?/g, "\n");
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        let name = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).replace(/^ /, "");
        }
        let v;
        try { v = JSON.parse(data); } catch (e) { continue; }
        if (name === "delta" && typeof v.text === "string") {
          if (turn.streamed === "") turn.answer.textContent = "";
          turn.streamed += v.text;
          turn.answer.append(v.text);
        } else if (name === "answer") {
          showAnswer(turn, v);
          done = true;
        } else if (name === "error") {
          turnError(turn, v.error || "The answer failed.");
          done = true;
        }
      }
    }
    if (!done) turnError(turn, "The answer stopped before it was finished.");
  }

  // showAnswer fills a turn: the rewritten question when it differs, the
  // answer text with each [n] linked to citation n, a note, and the
  // sources, which a refusal calls its closest passages.
  function showAnswer(turn, ans) {
    const citations = ans.citations || [];
    const rq = ans.rewritten_question;
    if (rq && rq !== ans.question) {
      turn.rewritten.textContent = "Answered as: “" + rq + "”";
      turn.rewritten.hidden = false;
    }
    const answer = turn.answer;
    answer.classList.remove("pending");
    answer.hidden = false;
    answer.replaceChildren();
    const text = ans.answer || "";
    const re = /\[(\d+)\]/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      const n = Number(m[1]);
      answer.append(text.slice(last, m.index));
      if (n >= 1 && n <= citations.length) {
        const a = el("a", "marker", "[" + n + "]");
        a.href = "#";
        a.title = citations[n - 1].source;
        a.addEventListener("click", (e) => { e.preventDefault(); openSource(citations[n - 1], a); });
        answer.append(a);
      } else {
        answer.append(m[0]);
      }
      last = re.lastIndex;
    }
    answer.append(text.slice(last));

    turn.note.textContent = ans.note || "";
    turn.note.hidden = !ans.note;

    turn.sources.replaceChildren();
    if (citations.length === 0) return;
    const heading = el("h3", "", ans.answered === false ? "Closest passages" : "Sources");
    const list = el("ol", "citations");
    citations.forEach((c) => {
      const li = el("li");
      const where = c.source + (c.page > 0 ? ", p. " + c.page : "");
      const open = el("button", "source-link", where);
      open.type = "button";
      open.title = "Open " + where + " with the quote marked";
      open.addEventListener("click", () => openSource(c, open));
      li.append(el("strong", "", c.title || c.source), " — ", open);
      // An extractive answer already quotes the passage; show each
      // quote once.
      if (!text.includes(c.quote)) li.append(el("blockquote", "", c.quote));
      list.append(li);
    });
    turn.sources.append(heading, list);
  }

  // openSource fetches citation c's file and shows it in the source panel
  // with the quote marked and scrolled into view.
  async function openSource(c, from) {
    opener = from;
    const panel = $("source"), text = $("source-text"), st = $("source-status");
    $("source-title").textContent = c.title || c.source;
    // A PDF citation opens its page only, with the quote marked there.
    $("source-name").textContent = c.source + (c.page > 0 ? ", p. " + c.page : "");
    text.replaceChildren();
    setStatus(st, "Loading…");
    $("source-hint").hidden = true;
    panel.hidden = false;
    if (!wide.matches) panel.scrollIntoView({ block: "start" });
    const path = c.source.split("/").map(encodeURIComponent).join("/");
    try {
      const page = c.page > 0 ? "&page=" + c.page : "";
      const resp = await fetch("/v1/sources/" + path + "?quote=" + encodeURIComponent(c.quote) + page, { headers: headers() });
      if (resp.status === 401) {
        setStatus(st, "Enter the API token to read the source.", true);
        needToken();
        return;
      }
      if (!resp.ok) {
        setStatus(st, await readError(resp), true);
        return;
      }
      const doc = await resp.json();
      let first = null;
      for (const para of doc.paragraphs || []) {
        const p = el("p");
        for (const seg of para) {
          if (seg.mark) {
            const mk = el("mark", "", seg.text);
            p.append(mk);
            first = first || mk;
          } else {
            p.append(seg.text);
          }
        }
        text.append(p);
      }
      setStatus(st, doc.quotes_found ? "The quoted passage is marked." : "The quote was not found verbatim in this file.", !doc.quotes_found);
      // Scroll the text box only, not the page around it.
      if (first) text.scrollTop = first.offsetTop - text.clientHeight / 3;
    } catch (e) {
      setStatus(st, "Could not load the source: " + e.message, true);
    }
  }

  function closeSource() {
    $("source").hidden = true;
    $("source-hint").hidden = false;
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  }
  $("source-close").addEventListener("click", closeSource);

  // A new conversation forgets the transcript and starts a fresh id, so
  // that the next question is not read as a follow-up.
  $("new-conversation").addEventListener("click", () => {
    if (inFlight) inFlight.abort();
    inFlight = null;
    button.disabled = false;
    conversation = newID();
    transcript.replaceChildren();
    closeSource();
    setStatus(status, "");
    input.value = "";
    input.focus();
  });
})();
