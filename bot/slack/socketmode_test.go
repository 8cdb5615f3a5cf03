package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot"
)

// socketHarness is a harness in Socket Mode only.
func socketHarness(t *testing.T, ans citebot.Answerer, configure func(*Options)) *harness {
	t.Helper()
	return newHarness(t, ans, func(o *Options) {
		o.SigningSecret = ""
		o.AppToken = testAppToken
		if configure != nil {
			configure(o)
		}
	})
}

// run starts Run and returns a function that stops it and returns its error.
func (h *harness) run(t *testing.T) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(deadline):
			t.Fatal("Run did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// envelope is a Socket Mode request as Slack sends it.
func envelope(id, typ string, payload any, retry int) string {
	raw, ok := payload.(string)
	if !ok {
		b, _ := json.Marshal(payload)
		raw = string(b)
	}
	b, _ := json.Marshal(map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"accepts_response_payload": typ == "slash_commands",
		"retry_attempt":            retry,
		"retry_reason":             map[bool]string{true: "timeout"}[retry > 0],
		"payload":                  json.RawMessage(raw),
	})
	return string(b)
}

// ack is an acknowledgement the client sent over the websocket.
type ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func (f *fakeSlack) nextAck(t *testing.T) ack {
	t.Helper()
	select {
	case m := <-f.acks:
		var a ack
		if err := json.Unmarshal([]byte(m), &a); err != nil {
			t.Fatalf("ack %q: %v", m, err)
		}
		return a
	case <-time.After(deadline):
		t.Fatal("timed out waiting for a Socket Mode ack")
		return ack{}
	}
}

func slashPayload(text, responseURL string) map[string]any {
	return map[string]any{
		"token": "legacy-verification-token", "team_id": "T1", "team_domain": "example",
		"channel_id": "C1", "channel_name": "general", "user_id": "U1", "user_name": "ann",
		"command": "/ask", "text": text, "api_app_id": "A1", "is_enterprise_install": "false",
		"response_url": responseURL, "trigger_id": newTriggerID(),
	}
}

func TestSocketModeSlashCommand(t *testing.T) {
	h := socketHarness(t, realEngine(t), nil)
	stop := h.run(t)
	h.slack.srv.SendToWebsocket(envelope("env-1", "slash_commands",
		slashPayload("when did Estonia ratify Ottawa?", h.hooks.url("socket")), 0))

	a := h.slack.nextAck(t)
	var reply commandReply
	_ = json.Unmarshal(a.Payload, &struct {
		ResponseType *string `json:"response_type"`
		Text         *string `json:"text"`
	}{&reply.ResponseType, &reply.Text})
	if a.EnvelopeID != "env-1" || reply.ResponseType != "ephemeral" || !strings.Contains(reply.Text, "Looking that up…") {
		t.Errorf("ack: got %s %s, want env-1 with an ephemeral Looking that up…", a.EnvelopeID, a.Payload)
	}
	got := h.hooks.next(t)
	for _, want := range []string{"2004", "*[1]* `000_2bc005b4439df7f9.txt`"} {
		if !strings.Contains(got.Raw, want) {
			t.Errorf("answer lacks %q:\n%s", want, got.Raw)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("Run: got %v, want nil after cancel", err)
	}
}

func TestSocketModeRetriedMentionAnsweredOnce(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := socketHarness(t, stub, nil)
	stop := h.run(t)
	event := eventJSON("Ev900", mention("<@UBOT> when did Estonia ratify?", "1700000005.000500", ""))
	h.slack.srv.SendToWebsocket(envelope("env-a", "events_api", event, 0))
	h.slack.srv.SendToWebsocket(envelope("env-b", "events_api", event, 1))

	acked := map[string]bool{}
	for range 2 {
		acked[h.slack.nextAck(t).EnvelopeID] = true
	}
	if !acked["env-a"] || !acked["env-b"] {
		t.Errorf("acked %v, want both deliveries acknowledged", acked)
	}
	answer := h.slack.next(t)
	if answer.ThreadTS != "1700000005.000500" || answer.Method != "chat.postMessage" || !strings.Contains(unescapeJSON(answer.Blocks), "2004") {
		t.Errorf("got %+v, want the answer posted in the mention's thread", answer)
	}
	// Each request is fully handed over before the next is read, so once
	// Run has returned and Close has drained, every answer has been sent.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_ = h.a.Close()
	if got := len(stub.asked()); got != 1 {
		t.Errorf("engine asked %d times, want 1", got)
	}
	h.slack.none(t)
}

func TestSocketModeFeedbackClick(t *testing.T) {
	h := socketHarness(t, &stubAnswerer{ans: sampleAnswer()}, nil)
	h.run(t)
	event := eventJSON("Ev1", mention("<@UBOT> when?", "1.1", ""))
	h.slack.srv.SendToWebsocket(envelope("env-1", "events_api", event, 0))
	h.slack.nextAck(t)
	value := buttonValue(t, h.slack.nextOf(t, "chat.postMessage").Blocks)

	h.slack.srv.SendToWebsocket(envelope("env-2", "interactive", clickPayload("U5", feedbackActionUp, value, h.hooks.url("sm")), 0))
	if a := h.slack.nextAck(t); a.EnvelopeID != "env-2" {
		t.Errorf("got ack for %s, want env-2", a.EnvelopeID)
	}
	if ack := h.hooks.next(t); !strings.Contains(ack.Raw, "Thanks, <@U5>") {
		t.Errorf("got %s, want thanks", ack.Raw)
	}
	lines, err := readFeedback(h.fb)
	if err != nil || len(lines) != 1 || lines[0].User != "U5" || lines[0].Question != "when?" || len(lines[0].Citations) != 2 {
		t.Errorf("got %+v, %v; want one line for U5 with the answer's citations", lines, err)
	}
}

func TestSocketModeUnknownRequestIsAcked(t *testing.T) {
	h := socketHarness(t, &stubAnswerer{}, nil)
	h.run(t)
	unknown := eventJSON("Ev1", map[string]any{"type": "brand_new_event", "user": "U1"})
	h.slack.srv.SendToWebsocket(envelope("env-x", "events_api", unknown, 0))
	if a := h.slack.nextAck(t); a.EnvelopeID != "env-x" {
		t.Errorf("got ack for %q, want env-x so Slack stops redelivering", a.EnvelopeID)
	}
}

func TestRunWithoutAppTokenReturnsAtOnce(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	if err := h.a.Run(context.Background()); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestRunFailsOnInvalidAppToken(t *testing.T) {
	h := socketHarness(t, &stubAnswerer{}, func(o *Options) { o.AppToken = "xapp-revoked" })
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	err := h.a.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("got %v, want invalid_auth", err)
	}
}
