package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot"
)

const jsonType = "application/json"

func TestURLVerification(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	body := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	resp := h.send(t, "/slack/events", jsonType, body)
	if got := readBody(t, resp); resp.StatusCode != http.StatusOK || got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("got %d %q, want 200 and the challenge", resp.StatusCode, got)
	}
}

func TestAppMentionAnsweredInThread(t *testing.T) {
	h := newHarness(t, realEngine(t), func(o *Options) { o.PlaceholderDelay = time.Hour })
	resp := h.send(t, "/slack/events", jsonType,
		eventJSON("Ev100", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000001.000100", "")))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d, want 200", resp.StatusCode)
	}

	// The answer is ready at once, so it is posted without a placeholder.
	answer := h.slack.nextOf(t, "chat.postMessage")
	if answer.Channel != "C1" || answer.ThreadTS != "1700000001.000100" {
		t.Fatalf("answer: got %+v, want it in the thread of 1700000001.000100", answer)
	}
	blocks := unescapeJSON(answer.Blocks)
	for _, want := range []string{`"text":"*2004* [1]"`, "*[1]* `000_2bc005b4439df7f9.txt`", feedbackActionUp} {
		if !strings.Contains(blocks, want) {
			t.Errorf("answer lacks %q:\n%s", want, blocks)
		}
	}
	// The lead comes first and the quoted sentence once, under its source.
	quote := "Lithuania and Belarus ratified the convention in 2003, Estonia in 2004"
	if got := strings.Count(blocks, quote); got != 1 {
		t.Errorf("the quote shows %d times, want once:\n%s", got, blocks)
	}
	if strings.Index(blocks, "*2004*") > strings.Index(blocks, quote) {
		t.Errorf("the lead answer does not come before the sources:\n%s", blocks)
	}
	_ = h.a.Close()
	h.slack.none(t)
}

func TestSlowMentionGetsAPlaceholder(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer(), release: make(chan struct{}), started: make(chan struct{}, 1)}
	// A delay shorter than the test's patience: the engine is held, so
	// the placeholder must come first.
	h := newHarness(t, stub, func(o *Options) { o.PlaceholderDelay = time.Millisecond })
	resp := h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	// The engine is still holding the answer, yet Slack already has its 200.
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d, want 200", resp.StatusCode)
	}
	<-stub.started
	placeholder := h.slack.nextOf(t, "chat.postMessage")
	if !strings.Contains(placeholder.Text, "Looking that up") || placeholder.ThreadTS != "1.1" {
		t.Errorf("got %+v, want the placeholder in the thread", placeholder)
	}
	close(stub.release)
	if c := h.slack.nextOf(t, "chat.update"); c.TS != placeholder.TS || !strings.Contains(unescapeJSON(c.Blocks), "2004") {
		t.Errorf("got %+v, want the placeholder replaced by the answer", c)
	}
	_ = h.a.Close()
	h.slack.none(t)
}

func TestThreadFollowUpsAreOneConversation(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when did Estonia ratify?", "1700000001.000100", "")))
	h.slack.nextOf(t, "chat.postMessage")
	h.send(t, "/slack/events", jsonType, eventJSON("Ev2", mention("<@UBOT> and Latvia?", "1700000009.000900", "1700000001.000100")))
	if answer := h.slack.nextOf(t, "chat.postMessage"); answer.ThreadTS != "1700000001.000100" {
		t.Errorf("follow-up went to thread %q, want 1700000001.000100", answer.ThreadTS)
	}
	_ = h.a.Close()
	want := []citebot.Question{
		{Text: "when did Estonia ratify?", ConversationID: "slack:C1/1700000001.000100"},
		{Text: "and Latvia?", ConversationID: "slack:C1/1700000001.000100"},
	}
	stub.wantAsked(t, want)
}

func TestDirectMessageAnsweredInThread(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	im := map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "when did Estonia ratify?", "ts": "1700000002.000200"}
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", im))
	// A status shows while answering, instead of a placeholder.
	status := h.slack.nextOf(t, "assistant.threads.setStatus")
	if status.Channel != "D1" || status.ThreadTS != "1700000002.000200" || status.Form.Get("status") != statusText ||
		status.Form.Get("loading_messages") != strings.Join(loadingMessages, ",") {
		t.Errorf("status: got %+v, want it in the DM's thread with loading messages", status.Form)
	}
	answer := h.slack.nextOf(t, "chat.postMessage")
	if answer.Channel != "D1" || answer.ThreadTS != "1700000002.000200" || !strings.Contains(unescapeJSON(answer.Blocks), "2004") {
		t.Errorf("got %+v, want the answer in the DM's thread", answer)
	}
	_ = h.a.Close()
	if got := stub.asked(); len(got) != 1 || got[0].Text != "when did Estonia ratify?" || got[0].ConversationID != "slack:D1/1700000002.000200" {
		t.Errorf("got %+v", got)
	}
}

// recordingDeduper wraps a Deduper and notes its verdicts.
type recordingDeduper struct {
	Deduper
	mu   sync.Mutex
	seen map[string][]bool
	err  error
}

func (d *recordingDeduper) FirstSeen(ctx context.Context, key string) (bool, error) {
	if d.err != nil {
		return false, d.err
	}
	ok, err := d.Deduper.FirstSeen(ctx, key)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[key] = append(d.seen[key], ok)
	return ok, err
}

func TestRetriedEventIsAnsweredOnce(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	dedup := &recordingDeduper{Deduper: NewMemoryDeduper(0, 0), seen: map[string][]bool{}}
	h := newHarness(t, stub, func(o *Options) { o.Deduper = dedup })
	body := eventJSON("Ev777", mention("<@UBOT> when?", "1700000003.000300", ""))
	for _, retry := range []string{"", "1", "2", "3"} {
		var hdr []string
		if retry != "" {
			hdr = []string{"X-Slack-Retry-Num", retry, "X-Slack-Retry-Reason", "http_timeout"}
		}
		if resp := h.send(t, "/slack/events", jsonType, body, hdr...); resp.StatusCode != http.StatusOK {
			t.Errorf("retry %q: got %d, want 200 so Slack stops retrying", retry, resp.StatusCode)
		}
	}
	// The same message delivered as another event (app_mention and
	// message.im overlap) is not answered twice either.
	h.send(t, "/slack/events", jsonType, eventJSON("Ev778", mention("<@UBOT> when?", "1700000003.000300", "")))
	_ = h.a.Close() // waits for everything started
	if got := len(stub.asked()); got != 1 {
		t.Errorf("engine asked %d times, want 1", got)
	}
	h.slack.nextOf(t, "chat.postMessage") // the answer
	h.slack.none(t)
	// The retries were recognised by their event_id.
	if got := fmt.Sprint(dedup.seen["event:Ev777"]); got != "[true false false false]" {
		t.Errorf("event_id verdicts: got %s, want the first new and the three retries seen", got)
	}
}

func TestDedupStoreFailureStillAnswers(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	dedup := &recordingDeduper{err: errors.New("redis: connection refused")}
	h := newHarness(t, stub, func(o *Options) { o.Deduper = dedup })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	if c := h.slack.next(t); c.Method != "chat.postMessage" {
		t.Errorf("got %s, want an answer despite the failing store", c.Method)
	}
	if !strings.Contains(h.logs.String(), "dedup store failed") {
		t.Error("store failure not logged")
	}
}

func TestIgnoredEvents(t *testing.T) {
	events := map[string]map[string]any{
		"other bot mention": {"type": "app_mention", "user": "U2", "bot_id": "B2", "text": "<@UBOT> hi", "ts": "1.1", "channel": "C1"},
		"own message in DM": {"type": "message", "channel_type": "im", "channel": "D1", "bot_id": "B1", "text": "answer", "ts": "1.2"},
		"own user in DM":    {"type": "message", "channel_type": "im", "channel": "D1", "user": "UBOT", "text": "answer", "ts": "1.3"},
		"bot message":       {"type": "message", "subtype": "bot_message", "channel_type": "im", "channel": "D1", "text": "x", "ts": "1.4"},
		"edit":              {"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D1", "ts": "1.5", "message": map[string]any{"user": "U1", "text": "edited", "ts": "1.0"}},
		"edited mention":    {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "ts": "1.6", "channel": "C1", "edited": map[string]any{"user": "U1", "ts": "1.7"}},
		"join":              {"type": "message", "subtype": "channel_join", "channel_type": "channel", "channel": "C1", "user": "U1", "text": "<@U1> has joined", "ts": "1.8"},
		"channel message":   {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1", "text": "chatter", "ts": "1.9"},
		"reaction":          {"type": "reaction_added", "user": "U1", "reaction": "+1", "item": map[string]any{"type": "message", "channel": "C1", "ts": "1.0"}},
		"unknown type":      {"type": "something_new", "user": "U1"},
	}
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	i := 0
	for name, ev := range events {
		i++
		resp := h.send(t, "/slack/events", jsonType, eventJSON("EvIgnored"+string(rune('A'+i)), ev))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: got %d, want 200", name, resp.StatusCode)
		}
	}
	_ = h.a.Close()
	if got := stub.asked(); len(got) != 0 {
		t.Errorf("engine asked %+v", got)
	}
	h.slack.none(t)
}

func TestMalformedEventIsRefused(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	if resp := h.send(t, "/slack/events", jsonType, `{"type":`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("got %d, want 400", resp.StatusCode)
	}
}

func TestEventAllowlist(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) { o.Allowlist = []string{"C2"} })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", ""))) // C1: ignored
	allowed := mention("<@UBOT> when?", "1.2", "")
	allowed["channel"] = "C2"
	h.send(t, "/slack/events", jsonType, eventJSON("Ev2", allowed))
	_ = h.a.Close()
	if got := stub.asked(); len(got) != 1 || got[0].ConversationID != "slack:C2/1.2" {
		t.Errorf("got %+v, want only the C2 question", got)
	}
}

func TestMentionEngineFailureApologises(t *testing.T) {
	tests := []struct {
		name string
		stub *stubAnswerer
		want string
	}{
		{"error", &stubAnswerer{err: errors.New("boom")}, failedText},
		{"timeout", &stubAnswerer{release: make(chan struct{})}, timeoutText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.stub, func(o *Options) {
				o.PlaceholderDelay = -1 // at once
				if tt.stub.release != nil {
					o.AnswerTimeout = 20 * time.Millisecond // only the stuck engine may time out
				}
			})
			h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
			placeholder, reply := h.slack.next(t), h.slack.next(t)
			if reply.Method != "chat.update" || reply.TS != placeholder.TS || reply.Text != tt.want {
				t.Errorf("got %s %q, want the placeholder replaced by %q", reply.Method, reply.Text, tt.want)
			}
		})
	}
}

func TestMentionHelpAndRateLimit(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) { o.UserRateLimit = 1 })
	h.a.limiter.now = newFakeClock().now // time stands still
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT>", "1.1", "")))
	if c := h.slack.next(t); c.Method != "chat.postMessage" || c.ThreadTS != "1.1" || !strings.Contains(c.Text, "answers questions") {
		t.Errorf("bare mention: got %+v, want usage help in the thread", c)
	}
	h.send(t, "/slack/events", jsonType, eventJSON("Ev2", mention("<@UBOT> when?", "1.2", "")))
	h.slack.nextOf(t, "chat.postMessage")
	h.send(t, "/slack/events", jsonType, eventJSON("Ev3", mention("<@UBOT> and now?", "1.3", "")))
	c := h.slack.next(t)
	if c.Method != "chat.postEphemeral" || c.User != "U1" || c.ThreadTS != "1.3" || !strings.Contains(c.Text, "faster than I can keep up") {
		t.Errorf("over the limit: got %+v, want a polite ephemeral", c)
	}
	_ = h.a.Close()
	if got := len(stub.asked()); got != 1 {
		t.Errorf("engine asked %d times, want 1", got)
	}
}

func TestWebAPIRateLimitIsRetried(t *testing.T) {
	h := newHarness(t, &stubAnswerer{ans: sampleAnswer()}, nil)
	h.slack.limited.Store(1)
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	if d := h.nextWait(t); d != 7*time.Second {
		t.Errorf("got wait %v, want Retry-After 7s", d)
	}
	if answer := h.slack.nextOf(t, "chat.postMessage"); !strings.Contains(unescapeJSON(answer.Blocks), "2004") {
		t.Errorf("got %+v, want the answer", answer)
	}
	if got := h.slack.rateLimited.Load(); got != 1 {
		t.Errorf("Slack answered 429 %d times, want 1", got)
	}
}

func TestWebAPIRateLimitGivesUp(t *testing.T) {
	h := newHarness(t, &stubAnswerer{ans: sampleAnswer()}, func(o *Options) { o.MaxRetries = 2; o.PlaceholderDelay = -1 })
	h.slack.limited.Store(100)
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	_ = h.a.Close()
	// The placeholder and then the answer each try 1 + 2 times.
	if got := len(h.waits); got != 4 {
		t.Errorf("got %d waits, want 4", got)
	}
	if !strings.Contains(h.logs.String(), "could not deliver answer") {
		t.Errorf("failure not logged:\n%s", h.logs.String())
	}
}

func TestCloseDrainsAnswersInFlight(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer(), release: make(chan struct{}), started: make(chan struct{}, 1)}
	h := newHarness(t, stub, func(o *Options) { o.PlaceholderDelay = -1 })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	<-stub.started
	closed := make(chan struct{})
	go func() {
		_ = h.a.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while an answer was in flight")
	default:
	}
	close(stub.release)
	select {
	case <-closed:
	case <-time.After(deadline):
		t.Fatal("Close did not return")
	}
	// Both calls were made before Close returned: no waiting needed.
	for _, want := range []string{"chat.postMessage", "chat.update"} {
		select {
		case c := <-h.slack.calls:
			if c.Method != want {
				t.Errorf("got %s, want %s", c.Method, want)
			}
		default:
			t.Fatalf("%s not made before Close returned", want)
		}
	}
}

func TestClosedAdapterRefusesNewWork(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	_ = h.a.Close()
	// Slack redelivers an event that got no 2xx, so a restarting
	// instance must not swallow it.
	if resp := h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", ""))); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("event: got %d, want 503", resp.StatusCode)
	}
	if reply := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when?", h.hooks.url("c")))); reply.Text != restartingText {
		t.Errorf("command: got %q, want %q", reply.Text, restartingText)
	}
	if got := stub.asked(); len(got) != 0 {
		t.Errorf("engine asked %+v", got)
	}
}
