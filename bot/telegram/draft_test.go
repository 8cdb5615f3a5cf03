package telegram

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// sendMessageDraft plays the Bot API method for the fake: like Telegram it
// offers drafts in private chats only (user IDs are positive, group IDs
// negative), wants a non-zero integer draft_id, and refuses invalid HTML
// and overlong or empty text.
func (f *fakeAPI) sendMessageDraft(p map[string]string) *apiFailure {
	chat, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return &apiFailure{Code: 400, Description: "Bad Request: chat not found"}
	}
	if chat <= 0 {
		return &apiFailure{Code: 400, Description: "Bad Request: TEXTDRAFT_PEER_INVALID"}
	}
	if id, err := strconv.ParseInt(p["draft_id"], 10, 64); err != nil || id == 0 {
		f.t.Errorf("sendMessageDraft: draft_id %q is not a non-zero integer", p["draft_id"])
		return &apiFailure{Code: 400, Description: "Bad Request: invalid draft_id"}
	}
	text := p["text"]
	if p["parse_mode"] == "HTML" {
		if err := checkTelegramHTML(text); err != nil {
			f.t.Errorf("sendMessageDraft: invalid HTML: %v\n%s", err, text)
			return &apiFailure{Code: 400, Description: "Bad Request: can't parse entities: " + err.Error()}
		}
		text = telegramText(text)
	}
	if n := len(utf16.Encode([]rune(text))); n > 4096 || strings.TrimSpace(text) == "" {
		f.t.Errorf("sendMessageDraft: %d characters", n)
		return &apiFailure{Code: 400, Description: "Bad Request: bad draft text"}
	}
	return nil
}

func TestPrivateAnswerIsStreamedAsDraft(t *testing.T) {
	gate := make(chan struct{})
	h := start(t, streamingGenerator(t, gate), Options{StreamInterval: 5 * time.Millisecond}, nil)
	q := h.ask(textMessage(privateChat(611), 611, estoniaQuestion))

	draft := h.f.waitCalls(t, "sendMessageDraft", 1)[0]
	if got, want := draft.Params["draft_id"], strconv.Itoa(q.ID); got != want {
		t.Errorf("draft_id = %s, want the question's ID %s", got, want)
	}
	if chatOf(draft) != 611 || draft.Params["parse_mode"] != "HTML" {
		t.Errorf("draft params %v, want HTML in chat 611", draft.Params)
	}
	if text := telegramText(draft.Params["text"]); text != "Estonia ratified the Ottawa <Convention> in 2004 [1]. …" {
		t.Errorf("draft %q, want the first sentence, escaped, marked as unfinished", text)
	}
	// The model is still writing: nothing is persisted yet.
	if n := len(h.f.callsOf("sendMessage")); n != 0 {
		t.Errorf("%d messages sent while the answer is being written, want only the draft", n)
	}
	close(gate)

	final := h.waitReply(t, q.ID)
	checkAnswerMessage(t, final, q.ID)
	text := telegramText(final.Params["text"])
	for _, want := range []string{"Estonia ratified the Ottawa <Convention> in 2004 [1]. Its ratification came in 2004 [1].", "Sources", estoniaSource, "Estonia in 2004"} {
		if !strings.Contains(text, want) {
			t.Errorf("final answer lacks %q:\n%s", want, text)
		}
	}
	if !isFinal(final.Params) {
		t.Errorf("final answer has no feedback buttons: %q", final.Params["reply_markup"])
	}
	if n := len(h.f.callsOf("editMessageText")); n != 0 {
		t.Errorf("%d edits, want none: the draft shows the partial text", n)
	}
	for _, d := range h.f.callsOf("sendMessageDraft") {
		if d.Params["draft_id"] != draft.Params["draft_id"] {
			t.Errorf("draft_id changed from %s to %s within one answer", draft.Params["draft_id"], d.Params["draft_id"])
		}
	}
	if n := len(h.repliesTo(q.ID)); n != 1 {
		t.Errorf("sent %d replies, want the final answer only", n)
	}
}

func TestDraftRefusedFallsBackToEdits(t *testing.T) {
	gate := make(chan struct{})
	h := start(t, streamingGenerator(t, gate), Options{StreamInterval: 5 * time.Millisecond}, nil)
	// A Bot API server that predates drafts.
	h.f.fail("sendMessageDraft", apiFailure{Code: 404, Description: "Not Found: method not found"})
	q := h.ask(textMessage(privateChat(612), 612, estoniaQuestion))

	first := h.waitReply(t, q.ID)
	if text := telegramText(first.Params["text"]); text != "Estonia ratified the Ottawa <Convention> in 2004 [1]. …" {
		t.Errorf("first reply %q, want the partial text the draft could not show", text)
	}
	close(gate)
	h.f.waitFor(t, "the final edit", func() bool {
		for _, c := range h.f.callsOf("editMessageText") {
			if c.ID == first.ID && isFinal(c.Params) {
				return true
			}
		}
		return false
	})
	if n := len(h.f.callsOf("sendMessageDraft")); n != 1 {
		t.Errorf("%d sendMessageDraft calls, want 1: a refusal is not tried again", n)
	}
	if n := len(h.repliesTo(q.ID)); n != 1 {
		t.Errorf("sent %d replies, want the one that was edited", n)
	}
}

func TestDraftIsRefreshedBeforeItFades(t *testing.T) {
	h := start(t, realEngine(t), Options{}, nil)
	h.f.waitCalls(t, "getUpdates", 1)
	d := &draftMessage{a: h.a, m: textMessage(privateChat(613), 613, estoniaQuestion)}
	ctx := context.Background()
	for range 3 {
		if !d.showPartial(ctx, "Estonia ratified") {
			t.Fatal("showPartial reported no draft shown")
		}
	}
	if n := len(h.f.callsOf("sendMessageDraft")); n != 1 {
		t.Errorf("%d drafts for unchanged text, want 1", n)
	}
	d.sentAt = d.sentAt.Add(-draftRefresh) // the model has been silent a while
	d.showPartial(ctx, "Estonia ratified")
	drafts := h.f.callsOf("sendMessageDraft")
	if len(drafts) != 2 || drafts[1].Params["text"] != drafts[0].Params["text"] {
		t.Errorf("drafts %v, want the same text sent again before it fades", drafts)
	}
}
