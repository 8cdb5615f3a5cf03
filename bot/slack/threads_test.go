package slack

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/citebot/citebot"
)

// threadMessage is a message.channels (or message.groups) event.
func threadMessage(channelType, text, ts, threadTS string) map[string]any {
	m := map[string]any{"type": "message", "channel_type": channelType, "channel": "C1", "user": "U1", "text": text, "ts": ts, "event_ts": ts}
	if threadTS != "" {
		m["thread_ts"] = threadTS
	}
	return m
}

func TestFollowUpsInAnsweredThreadsNeedNoMention(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) { o.PlaceholderDelay = time.Hour })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when did Estonia ratify?", "1.1", "")))
	h.slack.nextOf(t, "chat.postMessage")

	ignored := map[string]map[string]any{
		"chatter outside threads":       threadMessage("channel", "lunch?", "1.2", ""),
		"reply in a thread not ours":    threadMessage("channel", "and Latvia?", "2.1", "2.0"),
		"reply addressed to a person":   threadMessage("channel", "<@U7> what do you think?", "1.3", "1.1"),
		"reply mentioning the bot":      threadMessage("channel", "<@UBOT> and Latvia?", "1.4", "1.1"), // app_mention answers it
		"bot's own reply":               {"type": "message", "channel_type": "channel", "channel": "C1", "bot_id": "B1", "text": "x", "ts": "1.5", "thread_ts": "1.1"},
		"edit in the thread":            {"type": "message", "subtype": "message_changed", "channel_type": "channel", "channel": "C1", "ts": "1.6", "message": map[string]any{"user": "U1", "text": "x", "ts": "1.2", "thread_ts": "1.1"}},
		"direct message thread in mpim": {"type": "message", "channel_type": "mpim", "channel": "G9", "user": "U1", "text": "and Latvia?", "ts": "1.7", "thread_ts": "1.1"},
	}
	for name, ev := range ignored {
		if resp := h.send(t, "/slack/events", jsonType, eventJSON("EvIgn-"+name, ev)); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: got %d, want 200", name, resp.StatusCode)
		}
	}
	h.send(t, "/slack/events", jsonType, eventJSON("Ev2", threadMessage("channel", "and Latvia?", "1.8", "1.1")))
	if c := h.slack.nextOf(t, "chat.postMessage"); c.ThreadTS != "1.1" {
		t.Errorf("follow-up answered in thread %q, want 1.1", c.ThreadTS)
	}
	// The same follow-up delivered as app_mention too is answered once.
	h.send(t, "/slack/events", jsonType, eventJSON("Ev3", mention("and Latvia?", "1.8", "1.1")))
	_ = h.a.Close()
	h.slack.none(t)
	want := []citebot.Question{
		{Text: "when did Estonia ratify?", ConversationID: "slack:C1/1.1"},
		{Text: "and Latvia?", ConversationID: "slack:C1/1.1"},
	}
	stub.wantAsked(t, want)
}

func TestFollowUpsInPrivateChannels(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) { o.PlaceholderDelay = time.Hour })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	h.slack.nextOf(t, "chat.postMessage")
	h.send(t, "/slack/events", jsonType, eventJSON("Ev2", threadMessage("group", "and then?", "1.2", "1.1")))
	if c := h.slack.nextOf(t, "chat.postMessage"); c.ThreadTS != "1.1" {
		t.Errorf("got thread %q, want 1.1", c.ThreadTS)
	}
}

func TestThreadMemoryIsBounded(t *testing.T) {
	ctx := context.Background()
	m := NewMemoryThreads(100, 0)
	for i := range 110 {
		m.Follow(ctx, threadKey("C1", time.Unix(int64(i), 0).String()))
	}
	if got := m.Len(); got != 100 {
		t.Errorf("remembers %d threads, want at most %d", got, 100)
	}
	if ok, _ := m.Follows(ctx, threadKey("C1", time.Unix(0, 0).String())); ok {
		t.Error("the oldest thread is still remembered")
	}
	if ok, _ := m.Follows(ctx, threadKey("C1", time.Unix(109, 0).String())); !ok {
		t.Error("the newest thread is forgotten")
	}
}

// brokenThreads is a shared thread memory that is down.
type brokenThreads struct{}

func (brokenThreads) Follow(context.Context, string) error { return errors.New("store down") }
func (brokenThreads) Follows(context.Context, string) (bool, error) {
	return false, errors.New("store down")
}

// TestThreadMemoryFailureKeepsQuiet checks that when the thread memory
// fails, a mention is still answered and a message without one is left
// alone: the bot cannot tell it joined that thread.
func TestThreadMemoryFailureKeepsQuiet(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) { o.PlaceholderDelay = time.Hour; o.Threads = brokenThreads{} })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	h.slack.nextOf(t, "chat.postMessage")
	h.send(t, "/slack/events", jsonType, eventJSON("Ev2", threadMessage("channel", "and then?", "1.2", "1.1")))
	h.send(t, "/slack/events", jsonType, eventJSON("Ev3", mention("<@UBOT> and now?", "1.3", "1.1")))
	if c := h.slack.nextOf(t, "chat.postMessage"); c.ThreadTS != "1.1" {
		t.Errorf("got thread %q, want the answer to the mention in thread 1.1", c.ThreadTS)
	}
	var got []string
	for _, q := range stub.asked() {
		got = append(got, q.Text)
	}
	if want := []string{"when?", "and now?"}; !slices.Equal(got, want) {
		t.Errorf("asked %q, want %q (the two mentions only)", got, want)
	}
}

func TestAddressedElsewhere(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"and Latvia?", false},
		{"<@U7> what do you think?", true},
		{"<@U7|ann> see above", true},
		{"<@U7> <@UBOT> and Latvia?", false},
		{"see <#C2|general>", false},
	}
	for _, tt := range tests {
		if got := addressedElsewhere(tt.text, "UBOT"); got != tt.want {
			t.Errorf("addressedElsewhere(%q): got %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestChannelTalkDoesNotReachTheDeduper(t *testing.T) {
	dedup := &recordingDeduper{Deduper: NewMemoryDeduper(0, 0), seen: map[string][]bool{}}
	h := newHarness(t, &stubAnswerer{ans: sampleAnswer()}, func(o *Options) { o.Deduper = dedup })
	for i, ev := range []map[string]any{
		threadMessage("channel", "lunch?", "1.2", ""),
		threadMessage("channel", "and Latvia?", "2.1", "2.0"),
	} {
		h.send(t, "/slack/events", jsonType, eventJSON("EvTalk"+string(rune('A'+i)), ev))
	}
	_ = h.a.Close()
	dedup.mu.Lock()
	defer dedup.mu.Unlock()
	if len(dedup.seen) != 0 {
		t.Errorf("the Deduper was asked about %v, want nothing for channel talk", dedup.seen)
	}
}
