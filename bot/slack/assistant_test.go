package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func threadStarted(channel, ts string) map[string]any {
	return map[string]any{
		"type": "assistant_thread_started", "event_ts": ts,
		"assistant_thread": map[string]any{"user_id": "U1", "channel_id": channel, "thread_ts": ts,
			"context": map[string]any{"channel_id": "C1", "team_id": "T1"}},
	}
}

func TestAssistantThreadGetsPromptsFromTheCorpus(t *testing.T) {
	examples := []string{"What is the Ottawa Convention?", "What are the Baltic States?", "what is the ottawa convention?",
		"Who signed the letter?", "  ", "When did Estonia ratify it?", "A fifth question?"}
	h := newHarness(t, &stubAnswerer{}, func(o *Options) { o.ExampleQuestions = func() []string { return examples } })
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", threadStarted("D1", "9.1")))
	c := h.slack.nextOf(t, "assistant.threads.setSuggestedPrompts")
	if c.Channel != "D1" || c.ThreadTS != "9.1" || c.Form.Get("title") != suggestedPromptsTitle {
		t.Errorf("got %v, want prompts for the thread D1/9.1", c.Form)
	}
	var prompts []struct{ Title, Message string }
	if err := json.Unmarshal([]byte(c.Form.Get("prompts")), &prompts); err != nil {
		t.Fatal(err)
	}
	want := []string{"What is the Ottawa Convention?", "What are the Baltic States?", "Who signed the letter?", "When did Estonia ratify it?"}
	if len(prompts) != len(want) {
		t.Fatalf("got %d prompts %+v, want %d", len(prompts), prompts, len(want))
	}
	for i, w := range want {
		if prompts[i].Message != w || prompts[i].Title != w {
			t.Errorf("prompt %d: got %+v, want %q", i, prompts[i], w)
		}
	}
}

func TestAssistantThreadWithoutExamplesGetsNoPrompts(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*Options)
	}{
		{"no examples configured", nil},
		{"index still loading", func(o *Options) { o.ExampleQuestions = func() []string { return nil } }},
		{"channel not allowed", func(o *Options) {
			o.ExampleQuestions = func() []string { return []string{"What?"} }
			o.Allowlist = []string{"C9"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, &stubAnswerer{}, tt.configure)
			h.send(t, "/slack/events", jsonType, eventJSON("Ev1", threadStarted("D1", "9.1")))
			_ = h.a.Close()
			h.slack.none(t)
		})
	}
}

func TestAssistantThreadIsTitledOnce(t *testing.T) {
	h := newHarness(t, &stubAnswerer{ans: sampleAnswer()}, func(o *Options) { o.PlaceholderDelay = time.Hour })
	long := "when did Estonia ratify the convention that bans anti-personnel landmines, and who else did it in the same years?"
	for i, text := range []string{long, "and Latvia?"} {
		im := map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": text,
			"ts": "9." + string(rune('2'+i)), "thread_ts": "9.1"}
		h.send(t, "/slack/events", jsonType, eventJSON("Ev"+string(rune('A'+i)), im))
		if i == 0 {
			title := h.slack.nextOf(t, "assistant.threads.setTitle")
			if got := title.Form.Get("title"); !strings.HasPrefix(got, "when did Estonia ratify") || len([]rune(got)) > maxThreadTitleRunes {
				t.Errorf("title: got %q, want the question cut to %d characters", got, maxThreadTitleRunes)
			}
		}
		if c := h.slack.nextOf(t, "assistant.threads.setStatus"); c.ThreadTS != "9.1" {
			t.Errorf("status in thread %q, want 9.1", c.ThreadTS)
		}
		if c := h.slack.nextOf(t, "chat.postMessage"); c.ThreadTS != "9.1" {
			t.Errorf("answer in thread %q, want 9.1", c.ThreadTS)
		}
	}
	_ = h.a.Close()
	h.slack.none(t)
}

func TestDirectMessageFallsBackToAPlaceholder(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer(), release: make(chan struct{})}
	h := newHarness(t, stub, func(o *Options) { o.PlaceholderDelay = time.Millisecond })
	h.slack.refuse("assistant.threads.setStatus", "not_allowed_token_type")
	im := map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "when?", "ts": "3.3"}
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", im))
	h.slack.nextOf(t, "assistant.threads.setStatus") // refused
	placeholder := h.slack.nextOf(t, "chat.postMessage")
	if !strings.Contains(placeholder.Text, "Looking that up") || placeholder.ThreadTS != "3.3" {
		t.Errorf("got %+v, want the placeholder once Slack refused the status", placeholder)
	}
	close(stub.release)
	if c := h.slack.nextOf(t, "chat.update"); c.TS != placeholder.TS {
		t.Errorf("got an edit of %s, want of the placeholder", c.TS)
	}
}

func TestDirectMessageWhileTheIndexLoads(t *testing.T) {
	ready := make(chan struct{})
	h := newHarness(t, &stubAnswerer{ans: sampleAnswer()}, func(o *Options) { o.Ready = ready; o.AppToken = testAppToken })
	stop := h.run(t)
	im := map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "when?", "ts": "4.4"}
	h.slack.srv.SendToWebsocket(envelope("env-l", "events_api", eventJSON("EvL", im), 0))
	h.slack.nextAck(t)
	if c := h.slack.nextOf(t, "assistant.threads.setStatus"); c.Form.Get("loading_messages") != strings.Join(indexLoadingMessages, ",") {
		t.Errorf("got %v, want the status to say the index is loading", c.Form)
	}
	close(ready)
	if c := h.slack.nextOf(t, "chat.postMessage"); !strings.Contains(unescapeJSON(c.Blocks), "2004") {
		t.Errorf("got %s, want the answer once the index loaded", c.Blocks)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}
