// citebot chat page: asks POST /v1/ask and shows the answer, its citation
// markers and sources; a source opens from GET /v1/sources/{name} with the
// quoted passage highlighted. Text from the server is only ever inserted
// as text nodes, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("ask-form"), input = $("question"), button = $("ask");
  const status = $("status"), result = $("result");
  const tokenRow = $("token-row"), tokenInput = $("token");
  // One conversation per page load, so follow-up questions keep context.
  const conversation = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
  let citations = [];

  tokenInput.value = sessionStorage.getItem("citebot-token") || "";
  if (tokenInput.value) tokenRow.hidden = false;

  function headers() {
    const h = { "Content-Type": "application/json" };
    const t = tokenInput.value.trim();
    if (t) {
      sessionStorage.setItem("citebot-token", t);
      h["Authorization"] = "Bearer " + t;
    }
    return h;
  }

  function setStatus(el, text, isError) {
    el.textContent = text;
    el.classList.toggle("error", !!isError);
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
      if (!resp.ok) return;
      const body = await resp.json();
      if (body && typeof body.question === "string" && body.question) {
        input.placeholder = body.question;
      }
    } catch (e) { /* keep the generic hint */ }
  }
  loadExample();

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    button.disabled = true;
    setStatus(status, "Thinking…");
    try {
      const resp = await fetch("/v1/ask", {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({ question: q, conversation_id: conversation }),
      });
      if (resp.status === 401) {
        tokenRow.hidden = false;
        tokenInput.focus();
        setStatus(status, "Enter the API token, then ask again.", true);
        return;
      }
      if (!resp.ok) {
        setStatus(status, await readError(resp), true);
        return;
      }
      showAnswer(await resp.json());
      setStatus(status, "");
    } catch (e) {
      setStatus(status, "Could not reach the server: " + e.message, true);
    } finally {
      button.disabled = false;
    }
  });

  // showAnswer renders the answer text, turning each [n] into a link to
  // citation n, and lists the citations with their quotes.
  function showAnswer(ans) {
    citations = ans.citations || [];
    const answer = $("answer");
    answer.replaceChildren();
    const text = ans.answer || "";
    const re = /\[(\d+)\]/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      const n = Number(m[1]);
      answer.append(text.slice(last, m.index));
      if (n >= 1 && n <= citations.length) {
        const a = document.createElement("a");
        a.href = "#cite-" + n;
        a.className = "marker";
        a.textContent = "[" + n + "]";
        a.title = citations[n - 1].source;
        a.addEventListener("click", (e) => { e.preventDefault(); openSource(n - 1); });
        answer.append(a);
      } else {
        answer.append(m[0]);
      }
      last = re.lastIndex;
    }
    answer.append(text.slice(last));

    const note = $("note");
    note.textContent = ans.note || "";
    note.hidden = !ans.note;

    const list = $("citations");
    list.replaceChildren();
    $("citations-heading").hidden = citations.length === 0;
    citations.forEach((c, i) => {
      const li = document.createElement("li");
      li.id = "cite-" + (i + 1);
      const title = document.createElement("strong");
      title.textContent = c.title || c.source;
      const open = document.createElement("button");
      open.type = "button";
      open.className = "source-link";
      open.textContent = c.source;
      open.title = "Open " + c.source + " with the quote highlighted";
      open.addEventListener("click", () => openSource(i));
      const quote = document.createElement("blockquote");
      quote.textContent = c.quote;
      li.append(title, " — ", open, quote);
      list.append(li);
    });
    result.hidden = false;
    $("source").hidden = true;
  }

  // openSource fetches citation i's file and shows it with the quote
  // marked, scrolled into view.
  async function openSource(i) {
    const c = citations[i];
    if (!c) return;
    const panel = $("source"), text = $("source-text"), st = $("source-status");
    $("source-title").textContent = c.title || c.source;
    $("source-name").textContent = c.source;
    text.replaceChildren();
    setStatus(st, "Loading…");
    panel.hidden = false;
    const path = c.source.split("/").map(encodeURIComponent).join("/");
    try {
      const resp = await fetch("/v1/sources/" + path + "?quote=" + encodeURIComponent(c.quote), { headers: headers() });
      if (!resp.ok) {
        setStatus(st, await readError(resp), true);
        return;
      }
      const doc = await resp.json();
      let first = null;
      for (const para of doc.paragraphs || []) {
        const p = document.createElement("p");
        for (const seg of para) {
          if (seg.mark) {
            const mk = document.createElement("mark");
            mk.textContent = seg.text;
            p.append(mk);
            first = first || mk;
          } else {
            p.append(seg.text);
          }
        }
        text.append(p);
      }
      setStatus(st, doc.quotes_found ? "The quoted passage is highlighted." : "The quote was not found verbatim in this file.", !doc.quotes_found);
      panel.scrollIntoView({ block: "start" });
      if (first) first.scrollIntoView({ block: "center" });
    } catch (e) {
      setStatus(st, "Could not load the source: " + e.message, true);
    }
  }

  $("source-close").addEventListener("click", () => { $("source").hidden = true; });
})();
