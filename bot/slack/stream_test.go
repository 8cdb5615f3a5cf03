package slack

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot/retrieval"
)

var promptPassageRE = regexp.MustCompile(`(?s)<passage-[0-9a-f]+ n="(\d+)"[^>]*>\n(.*?)\n</passage-[0-9a-f]+>`)

// gatedModel plays an OpenAI-compatible chat server for the real go-openai
// client. It streams the first sentence of an answer citing the passage
// with "Estonia in 2004", then waits for gate before it writes the rest:
// the test opens the gate once Slack has shown the first sentence, which
// shows that the message is edited while the model is still writing.
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
		send("Estonia ratified the Ottawa Convention in 2004 [" + n + "]. Its")
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

func TestMentionAnswerIsEditedAsTheModelWrites(t *testing.T) {
	gate := make(chan struct{})
	gen := retrieval.NewGenerator(realEngine(t).(*retrieval.Engine), gatedModel(t, gate), "test-model",
		retrieval.GeneratorOptions{Logger: slog.New(slog.DiscardHandler)})
	h := newHarness(t, gen, func(o *Options) { o.StreamInterval = 5 * time.Millisecond })
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev200", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000002.000200", "")))

	placeholder := h.slack.next(t)
	if placeholder.Method != "chat.postMessage" || !strings.Contains(placeholder.Text, "Looking that up") {
		t.Fatalf("got %+v, want the placeholder first", placeholder)
	}
	partial := h.slack.next(t)
	if partial.Method != "chat.update" || partial.TS != placeholder.TS {
		t.Fatalf("got %s of %s, want chat.update of the placeholder", partial.Method, partial.TS)
	}
	if b := unescapeJSON(partial.Blocks); !strings.Contains(b, "Estonia ratified the Ottawa Convention in 2004 [1]. …") || strings.Contains(b, "ratification") {
		t.Errorf("partial edit shows %s, want the first sentence marked as unfinished", b)
	}
	close(gate)

	var final call
	for {
		c := h.slack.next(t)
		if c.Method != "chat.update" || c.TS != placeholder.TS {
			t.Fatalf("got %s of %s, want only edits of the placeholder", c.Method, c.TS)
		}
		if strings.Contains(c.Blocks, feedbackActionUp) {
			final = c
			break
		}
	}
	blocks := unescapeJSON(final.Blocks)
	for _, want := range []string{"Estonia ratified the Ottawa Convention in 2004 [1]. Its ratification came in 2004 [1].", "`000_2bc005b4439df7f9.txt`", "Estonia in 2004"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("final answer lacks %q:\n%s", want, blocks)
		}
	}
	_ = h.a.Close()
	h.slack.none(t) // no edit lands after the final answer
}

func TestStreamingOffKeepsOneEdit(t *testing.T) {
	gate := make(chan struct{})
	close(gate)
	gen := retrieval.NewGenerator(realEngine(t).(*retrieval.Engine), gatedModel(t, gate), "test-model",
		retrieval.GeneratorOptions{Logger: slog.New(slog.DiscardHandler)})
	h := newHarness(t, gen, nil) // StreamInterval zero: off
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev201", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000003.000300", "")))
	if c := h.slack.next(t); c.Method != "chat.postMessage" {
		t.Fatalf("got %s, want the placeholder", c.Method)
	}
	final := h.slack.next(t)
	if final.Method != "chat.update" || !strings.Contains(unescapeJSON(final.Blocks), "2004") {
		t.Errorf("got %s %s, want the whole answer in one edit", final.Method, final.Blocks)
	}
	_ = h.a.Close()
	h.slack.none(t)
}
