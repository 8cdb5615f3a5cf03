package slack

import (
	"context"
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

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/generate"
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

// generator is the real Generator over the default corpus, writing
// through gatedModel.
func generator(t *testing.T, gate <-chan struct{}) *generate.Generator {
	return generate.New(realEngine(t).(*retrieval.Engine), gatedModel(t, gate), "test-model",
		generate.Options{Logger: slog.New(slog.DiscardHandler)})
}

const (
	firstSentence = "Estonia ratified the Ottawa Convention in 2004 [1]."
	wholeAnswer   = "Estonia ratified the Ottawa Convention in 2004 [1]. Its ratification came in 2004 [1]."
)

func TestMentionAnswerIsStreamedNatively(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, generator(t, gate), func(o *Options) {
		o.StreamInterval = 5 * time.Millisecond
		o.PlaceholderDelay = time.Hour
	})
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev200", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000002.000200", "")))

	start := h.slack.nextOf(t, "chat.startStream")
	f := start.Form
	if start.Channel != "C1" || start.ThreadTS != "1700000002.000200" || f.Get("recipient_user_id") != "U1" || f.Get("recipient_team_id") != "T1" {
		t.Errorf("start: got %v, want the thread with recipient U1 of T1", f)
	}
	if start.Text != firstSentence {
		t.Errorf("start: got %q, want the first sentence while the model still writes", start.Text)
	}
	close(gate)

	streamed := start.Text
	var stop call
	for stop.Method == "" {
		switch c := h.slack.next(t); c.Method {
		case "chat.appendStream":
			if c.TS != start.TS {
				t.Fatalf("append to %s, want the stream %s", c.TS, start.TS)
			}
			streamed += c.Text
		case "chat.stopStream":
			stop = c
		default:
			t.Fatalf("got %s, want only appends and then the stop", c.Method)
		}
	}
	if streamed != wholeAnswer {
		t.Errorf("streamed %q, want %q", streamed, wholeAnswer)
	}
	blocks := unescapeJSON(stop.Blocks)
	for _, want := range []string{":books: *Sources*", "`000_2bc005b4439df7f9.txt`", "Estonia in 2004",
		`"type":"context_actions"`, `"type":"feedback_buttons"`, feedbackActionNative} {
		if !strings.Contains(blocks, want) {
			t.Errorf("stop lacks %q:\n%s", want, blocks)
		}
	}
	// A click on the feedback_buttons is recorded with the answer, and
	// only the clicker is thanked: Slack shows the click on the buttons.
	value := nativeButtonValue(t, stop.Blocks, "positive_button")
	h.send(t, "/slack/interactivity", form, clickForm(clickPayload("U2", feedbackActionNative, value, h.hooks.url("native"))))
	ack := h.hooks.next(t)
	if ack.Msg.ReplaceOriginal || ack.Msg.ResponseType != "ephemeral" || !strings.Contains(ack.Raw, ":+1: Thanks, <@U2>") {
		t.Errorf("acknowledgement: got %s, want an ephemeral thanks", ack.Raw)
	}
	_ = h.a.Close()
	h.slack.none(t) // nothing lands after the stream stopped
	lines, err := readFeedback(h.fb)
	if err != nil || len(lines) != 1 || lines[0].Verdict != "up" || lines[0].Answer != wholeAnswer || len(lines[0].Citations) == 0 {
		t.Errorf("got %+v, %v; want one 👍 with the streamed answer and its citations", lines, err)
	}
}

// nativeButtonValue digs a feedback_buttons element's button value
// ("positive_button" or "negative_button") out of posted blocks.
func nativeButtonValue(t *testing.T, blocksJSON, button string) string {
	t.Helper()
	var blocks []struct {
		Type     string                       `json:"type"`
		Elements []map[string]json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			var v struct {
				Value string `json:"value"`
			}
			if raw, ok := e[button]; ok && json.Unmarshal(raw, &v) == nil {
				return v.Value
			}
		}
	}
	t.Fatalf("no %s in %s", button, blocksJSON)
	return ""
}

func TestStreamFallsBackToEditsWhenSlackRefuses(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, generator(t, gate), func(o *Options) {
		o.StreamInterval = 5 * time.Millisecond
		o.PlaceholderDelay = time.Hour
	})
	h.slack.refuse("chat.startStream", "channel_type_not_supported")
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev201", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000003.000300", "")))

	h.slack.nextOf(t, "chat.startStream") // refused
	partial := h.slack.nextOf(t, "chat.postMessage")
	if b := unescapeJSON(partial.Blocks); !strings.Contains(b, firstSentence+" …") || strings.Contains(b, "ratification") {
		t.Errorf("partial answer shows %s, want the first sentence marked as unfinished", b)
	}
	close(gate)
	final := lastEdit(t, h, partial.TS)
	blocks := unescapeJSON(final.Blocks)
	for _, want := range []string{wholeAnswer, "`000_2bc005b4439df7f9.txt`", "Estonia in 2004", feedbackActionUp} {
		if !strings.Contains(blocks, want) {
			t.Errorf("final answer lacks %q:\n%s", want, blocks)
		}
	}
	_ = h.a.Close()
	h.slack.none(t)
}

// lastEdit reads chat.update calls of ts until the one with the feedback
// buttons, which is the final answer.
func lastEdit(t *testing.T, h *harness, ts string) call {
	t.Helper()
	for {
		c := h.slack.nextOf(t, "chat.update")
		if c.TS != ts {
			t.Fatalf("edit of %s, want only edits of %s", c.TS, ts)
		}
		if strings.Contains(c.Blocks, feedbackActionUp) {
			return c
		}
	}
}

func TestStreamEditsAPlaceholderAlreadyShown(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, generator(t, gate), func(o *Options) {
		o.StreamInterval = 5 * time.Millisecond
		o.PlaceholderDelay = -1 // at once
	})
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev202", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000004.000400", "")))
	placeholder := h.slack.nextOf(t, "chat.postMessage")
	if !strings.Contains(placeholder.Text, "Looking that up") {
		t.Fatalf("got %+v, want the placeholder first", placeholder)
	}
	partial := h.slack.nextOf(t, "chat.update")
	if partial.TS != placeholder.TS || !strings.Contains(unescapeJSON(partial.Blocks), firstSentence+" …") {
		t.Errorf("got %+v, want the placeholder edited with the first sentence", partial)
	}
	close(gate)
	if final := lastEdit(t, h, placeholder.TS); !strings.Contains(unescapeJSON(final.Blocks), wholeAnswer) {
		t.Errorf("final answer: got %s", final.Blocks)
	}
	_ = h.a.Close()
	h.slack.none(t)
}

// rewrittenStream streams one text and then returns another, as the
// Generator does when it rejects the model's answer part-way and falls
// back on the quoted one.
type rewrittenStream struct{ stubAnswerer }

func (s *rewrittenStream) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	delta("The model said something unsupported.")
	<-s.release
	return s.Answer(ctx, q)
}

func TestStreamReplacedWhenTheFinalAnswerDiffers(t *testing.T) {
	s := &rewrittenStream{stubAnswerer{ans: sampleAnswer(), release: make(chan struct{})}}
	h := newHarness(t, s, func(o *Options) {
		o.StreamInterval = time.Millisecond
		o.PlaceholderDelay = time.Hour
	})
	im := map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "when?", "ts": "5.5", "thread_ts": "5.0"}
	h.send(t, "/slack/events", jsonType, eventJSON("Ev203", im))
	if c := h.slack.nextOf(t, "assistant.threads.setTitle"); c.Form.Get("title") != "when?" || c.ThreadTS != "5.0" {
		t.Errorf("title: got %v, want the question", c.Form)
	}
	h.slack.nextOf(t, "assistant.threads.setStatus")
	start := h.slack.nextOf(t, "chat.startStream")
	if start.ThreadTS != "5.0" || start.Text != "The model said something unsupported." {
		t.Errorf("start: got %+v", start)
	}
	close(s.release)
	if stop := h.slack.nextOf(t, "chat.stopStream"); stop.Blocks != "" {
		t.Errorf("stop: got blocks %s, want the stream stopped as it is", stop.Blocks)
	}
	final := h.slack.nextOf(t, "chat.update")
	blocks := unescapeJSON(final.Blocks)
	if final.TS != start.TS || !strings.Contains(blocks, "*2004*") || strings.Contains(blocks, "unsupported") || !strings.Contains(blocks, feedbackActionUp) {
		t.Errorf("got %s of %s: %s, want the stream replaced by the final answer", final.Method, final.TS, blocks)
	}
	_ = h.a.Close()
	h.slack.none(t)
}

func TestStreamingOffPostsTheAnswerOnce(t *testing.T) {
	gate := make(chan struct{})
	close(gate)
	h := newHarness(t, generator(t, gate), func(o *Options) { o.PlaceholderDelay = time.Hour }) // StreamInterval zero: off
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev204", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000005.000500", "")))
	// gatedModel only streams, so the Generator falls back on the quoted
	// answer; either way it arrives whole, in one message.
	if final := h.slack.nextOf(t, "chat.postMessage"); !strings.Contains(unescapeJSON(final.Blocks), "2004") {
		t.Errorf("got %s, want the whole answer in one message", final.Blocks)
	}
	_ = h.a.Close()
	h.slack.none(t)
}

func TestStreamReplacedWhenSlackRefusesToStopIt(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, generator(t, gate), func(o *Options) {
		o.StreamInterval = time.Millisecond
		o.PlaceholderDelay = time.Hour
	})
	h.slack.refuse("chat.stopStream", "invalid_blocks")
	h.send(t, "/slack/events", jsonType,
		eventJSON("Ev205", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000006.000600", "")))
	start := h.slack.nextOf(t, "chat.startStream")
	close(gate)
	for {
		c := h.slack.next(t)
		if c.Method == "chat.appendStream" || c.Method == "chat.stopStream" {
			continue
		}
		if c.Method != "chat.update" || c.TS != start.TS {
			t.Fatalf("got %s of %s, want the stream replaced with chat.update", c.Method, c.TS)
		}
		if blocks := unescapeJSON(c.Blocks); !strings.Contains(blocks, wholeAnswer) || !strings.Contains(blocks, feedbackActionUp) {
			t.Errorf("got %s, want the whole answer with its buttons", blocks)
		}
		break
	}
	_ = h.a.Close()
	h.slack.none(t)
}
