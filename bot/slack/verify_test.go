package slack

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The example request from Slack's documentation on verifying requests
// (https://docs.slack.dev/authentication/verifying-requests-from-slack).
const (
	docsBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docsTimestamp = 1531420618
	docsSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSignatureFromSlackDocs(t *testing.T) {
	// Our signing helper must reproduce the published signature, or the
	// rest of this test would prove nothing.
	if got := sign(testSecret, docsTimestamp, docsBody); got != docsSignature {
		t.Fatalf("sign(docs example): got %s, want %s", got, docsSignature)
	}
	stub := &stubAnswerer{}
	h := newHarness(t, stub, func(o *Options) { o.Command = "/webhook-collect" })

	// The published request is correctly signed but years old: a replay.
	resp := h.sendRaw(t, "/slack/commands", docsBody,
		"Content-Type", form,
		"X-Slack-Request-Timestamp", strconv.Itoa(docsTimestamp),
		"X-Slack-Signature", docsSignature)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("stale docs example: got %d, want 401", resp.StatusCode)
	}

	// The same body signed now is accepted and processed: its empty text
	// gets the usage help.
	resp = h.send(t, "/slack/commands", form, docsBody)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "answers questions from the article collection") {
		t.Errorf("freshly signed docs example: got %d %s, want 200 with usage help", resp.StatusCode, body)
	}
	if !strings.Contains(h.logs.String(), "timestamp more than 5 minutes off") {
		t.Errorf("the refusal was not logged with its reason:\n%s", h.logs.String())
	}
}

func TestBadSignaturesGet401(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	bodies := map[string]string{
		"/slack/commands":      commandForm("/ask", "when did Estonia ratify Ottawa?", h.hooks.url("sig")),
		"/slack/events":        eventJSON("Ev1", mention("<@UBOT> when?", "1700000001.000100", "")),
		"/slack/interactivity": "payload=" + url.QueryEscape(clickPayload("U1", feedbackActionUp, `{"id":"x"}`, h.hooks.url("sig"))),
	}
	now := time.Now().Unix()
	ts := func(t int64) string { return strconv.FormatInt(t, 10) }
	cases := []struct {
		name    string
		headers func(body string) []string
		body    func(body string) string
	}{
		{"missing headers", func(string) []string { return nil }, nil},
		{"missing signature", func(string) []string { return []string{"X-Slack-Request-Timestamp", ts(now)} }, nil},
		{"missing timestamp", func(b string) []string { return []string{"X-Slack-Signature", sign(testSecret, now, b)} }, nil},
		{"wrong secret", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now), "X-Slack-Signature", sign("another-secret", now, b)}
		}, nil},
		{"tampered body", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now), "X-Slack-Signature", sign(testSecret, now, b)}
		}, func(b string) string { return strings.Replace(b, "U1", "U9", 1) }},
		{"stale timestamp", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now - 360), "X-Slack-Signature", sign(testSecret, now-360, b)}
		}, nil},
		{"future timestamp", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now + 360), "X-Slack-Signature", sign(testSecret, now+360, b)}
		}, nil},
		{"timestamp not signed", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now - 1), "X-Slack-Signature", sign(testSecret, now, b)}
		}, nil},
		{"not hex", func(string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now), "X-Slack-Signature", "v0=" + strings.Repeat("zz", 32)}
		}, nil},
		{"wrong version", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now), "X-Slack-Signature", "v1=" + sign(testSecret, now, b)[3:]}
		}, nil},
		{"truncated", func(b string) []string {
			return []string{"X-Slack-Request-Timestamp", ts(now), "X-Slack-Signature", sign(testSecret, now, b)[:40]}
		}, nil},
	}
	for path, body := range bodies {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				sent := body
				if c.body != nil {
					sent = c.body(body)
				}
				headers := append([]string{"Content-Type", form}, c.headers(body)...)
				if path == "/slack/events" {
					headers[1] = "application/json"
				}
				resp := h.sendRaw(t, path, sent, headers...)
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("got %d, want 401", resp.StatusCode)
				}
				if b := readBody(t, resp); strings.Contains(b, "Looking") || strings.Contains(b, "challenge") {
					t.Errorf("a refused request was processed: %s", b)
				}
			})
		}
	}
	// Nothing may have been started: wait for any background work, then
	// check that the engine, Slack and the feedback log saw nothing.
	_ = h.a.Close()
	if got := stub.asked(); len(got) != 0 {
		t.Errorf("engine asked %v", got)
	}
	h.slack.none(t)
	h.hooks.none(t)
	if _, err := readFeedback(h.fb); err == nil {
		t.Error("feedback.jsonl was written")
	}
}

func TestOversizedBodyRefused(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	resp := h.send(t, "/slack/events", "application/json", strings.Repeat("x", maxBodyBytes+1))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("got %d, want 413", resp.StatusCode)
	}
}
