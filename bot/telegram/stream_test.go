package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/generate"
)

// editMessageText plays the Bot API method for the fake: like Telegram it
// refuses to edit a message the bot never sent, invalid HTML, overlong
// text, and an edit that changes nothing.
func (f *fakeAPI) editMessageText(p map[string]string) (*models.Message, *apiFailure) {
	chat, err1 := strconv.ParseInt(p["chat_id"], 10, 64)
	id, err2 := strconv.Atoi(p["message_id"])
	if err1 != nil || err2 != nil {
		return nil, &apiFailure{Code: 400, Description: "Bad Request: message to edit not found"}
	}
	prev, found := "", false
	for _, c := range f.allCalls() {
		if c.ID == id && chatOf(c) == chat && (c.Method == "sendMessage" || c.Method == "editMessageText") {
			prev, found = c.Params["text"]+c.Params["reply_markup"], true
		}
	}
	if !found {
		f.t.Errorf("editMessageText: message %d in chat %d was never sent", id, chat)
		return nil, &apiFailure{Code: 400, Description: "Bad Request: message to edit not found"}
	}
	if p["text"]+p["reply_markup"] == prev {
		f.t.Errorf("editMessageText: message %d is not modified", id)
		return nil, &apiFailure{Code: 400, Description: "Bad Request: message is not modified"}
	}
	text := p["text"]
	if p["parse_mode"] == "HTML" {
		if err := checkTelegramHTML(text); err != nil {
			f.t.Errorf("editMessageText: invalid HTML: %v\n%s", err, text)
			return nil, &apiFailure{Code: 400, Description: "Bad Request: can't parse entities: " + err.Error()}
		}
		text = telegramText(text)
	}
	if n := len(utf16.Encode([]rune(text))); n > 4096 || strings.TrimSpace(text) == "" {
		f.t.Errorf("editMessageText: %d characters", n)
		return nil, &apiFailure{Code: 400, Description: "Bad Request: bad message text"}
	}
	if rm := p["reply_markup"]; rm != "" {
		if err := checkKeyboard(rm); err != nil {
			f.t.Errorf("editMessageText: %v: %s", err, rm)
			return nil, &apiFailure{Code: 400, Description: "Bad Request: " + err.Error()}
		}
	}
	me := f.me
	return &models.Message{ID: id, From: &me, Chat: models.Chat{ID: chat}, Text: text}, nil
}

var promptPassageRE = regexp.MustCompile(`(?s)<passage-[0-9a-f]+ n="(\d+)"[^>]*>\n(.*?)\n</passage-[0-9a-f]+>`)

// gatedModel plays an OpenAI-compatible chat server for the real go-openai
// client: it streams the first sentence of an answer citing the passage
// with "Estonia in 2004", and the rest only once gate is closed.
func gatedModel(t *testing.T, gate <-chan struct{}) *openai.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req openai.ChatCompletionRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !req.Stream {
			http.Error(w, `{"error":{"message":"want a streamed request"}}`, http.StatusBadRequest)
			return
		}
		n := "0"
		for _, m := range promptPassageRE.FindAllStringSubmatch(req.Messages[len(req.Messages)-1].Content, -1) {
			if strings.Contains(m[2], "Estonia in 2004") {
				n = m[1]
				break
			}
		}
		w.Header().Set("Content-Type", "text/event-stream")
		send := func(s string) {
			b, _ := json.Marshal(openai.ChatCompletionStreamResponse{Choices: []openai.ChatCompletionStreamChoice{{Delta: openai.ChatCompletionStreamChoiceDelta{Content: s}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			w.(http.Flusher).Flush()
		}
		// citebot shows a sentence once the next one has begun.
		send("Estonia ratified the Ottawa <Convention> in 2004 [" + n + "]. Its")
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		send(" ratification came in 2004 [" + n + "].")
		b, _ := json.Marshal(openai.ChatCompletionStreamResponse{Choices: []openai.ChatCompletionStreamChoice{{FinishReason: openai.FinishReasonStop}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(cfg)
}

// streamingGenerator is the real Generator over the real engine, with a
// model that waits for gate before it finishes its answer.
func streamingGenerator(t *testing.T, gate <-chan struct{}) *generate.Generator {
	return generate.New(realEngine(t).(*retrieval.Engine), gatedModel(t, gate), "test-model",
		generate.Options{Logger: slog.New(slog.DiscardHandler)})
}

// shortGroupInterval lets group streams update as often as private ones,
// so that tests need not wait out groupStreamInterval.
func shortGroupInterval(a *Adapter) { a.groupInterval = 0 }

// isFinal tells the final answer, with its feedback buttons, from interim
// text.
func isFinal(params map[string]string) bool { return strings.Contains(params["reply_markup"], "fb:up") }

func TestGroupAnswerIsEditedAsTheModelWrites(t *testing.T) {
	gate := make(chan struct{})
	var mu sync.Mutex
	var waits []time.Duration
	h := start(t, streamingGenerator(t, gate), Options{StreamInterval: 5 * time.Millisecond}, func(a *Adapter) {
		shortGroupInterval(a)
		a.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		}
	})
	// Telegram refuses the final edit once, asking for a wait.
	h.f.fail("editMessageText", apiFailure{Code: 429, Description: "Too Many Requests: retry after 4", RetryAfter: 4, When: isFinal})
	q := h.ask(textMessage(groupChat(-100601), 601, "@"+testUsername+" "+estoniaQuestion))

	first := h.waitReply(t, q.ID)
	checkAnswerMessage(t, first, q.ID)
	if text := telegramText(first.Params["text"]); text != "Estonia ratified the Ottawa <Convention> in 2004 [1]. …" {
		t.Errorf("first reply %q, want the first sentence, escaped, marked as unfinished", text)
	}
	close(gate)

	var final apiCall
	h.f.waitFor(t, "the final edit", func() bool {
		for _, c := range h.f.callsOf("editMessageText") {
			if c.ID != 0 && isFinal(c.Params) {
				final = c
				return true
			}
		}
		return false
	})
	for _, c := range h.f.callsOf("editMessageText") {
		if id, _ := strconv.Atoi(c.Params["message_id"]); id != first.ID {
			t.Errorf("edited message %d, want only the reply %d", id, first.ID)
		}
	}
	text := telegramText(final.Params["text"])
	for _, want := range []string{"Estonia ratified the Ottawa <Convention> in 2004 [1]. Its ratification came in 2004 [1].", "Sources", estoniaSource, "Estonia in 2004"} {
		if !strings.Contains(text, want) {
			t.Errorf("final answer lacks %q:\n%s", want, text)
		}
	}
	if n := len(h.repliesTo(q.ID)); n != 1 {
		t.Errorf("sent %d replies, want the one that was edited", n)
	}
	if n := len(h.f.callsOf("sendMessageDraft")); n != 0 {
		t.Errorf("%d drafts in a group, want none: Telegram offers them in private chats", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(waits) != fmt.Sprint([]time.Duration{4 * time.Second}) {
		t.Errorf("waited %v before retrying the final edit, want [4s] as retry_after asked", waits)
	}
}

func TestInterimUpdatesPauseAfter429(t *testing.T) {
	tests := []struct {
		name   string
		chat   models.Chat
		method string // what shows the partial text there
	}{
		{"group", groupChat(-100602), "sendMessage"},
		{"private", privateChat(602), "sendMessageDraft"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, realEngine(t), Options{}, nil)
			h.f.waitCalls(t, "getUpdates", 1)
			h.f.fail(tt.method, apiFailure{Code: 429, Description: "Too Many Requests: retry after 30", RetryAfter: 30})
			view := h.a.newView(textMessage(tt.chat, 602, estoniaQuestion))
			ctx := context.Background()
			if view.showPartial(ctx, "Estonia") {
				t.Error("showPartial reported the text shown after a 429")
			}
			view.showPartial(ctx, "Estonia ratified")
			if n := len(h.f.callsOf(tt.method)); n != 1 {
				t.Errorf("%d %s calls, want 1: none during retry_after", n, tt.method)
			}
		})
	}
}

func TestStreamIntervalInGroups(t *testing.T) {
	a := &Adapter{opts: Options{StreamInterval: 100 * time.Millisecond}, groupInterval: groupStreamInterval}
	if got := a.streamInterval(privateChat(1)); got != 100*time.Millisecond {
		t.Errorf("private chat: got %v, want the option", got)
	}
	if got := a.streamInterval(groupChat(2)); got != groupStreamInterval {
		t.Errorf("group: got %v, want %v", got, groupStreamInterval)
	}
}
