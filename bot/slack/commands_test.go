package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot"
)

// decodeReply reads the immediate JSON reply to a slash command.
func decodeReply(t *testing.T, resp *http.Response) commandReply {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	var r struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return commandReply{ResponseType: r.ResponseType, Text: r.Text}
}

func TestSlashCommandAnswersFromCorpus(t *testing.T) {
	for _, inChannel := range []bool{false, true} {
		t.Run(fmt.Sprintf("in_channel=%v", inChannel), func(t *testing.T) {
			h := newHarness(t, realEngine(t), func(o *Options) { o.InChannel = inChannel })
			reply := decodeReply(t, h.send(t, "/slack/commands", form,
				commandForm("/ask", "when did Estonia ratify Ottawa?", h.hooks.url("estonia"))))
			if reply.ResponseType != "ephemeral" || !strings.Contains(reply.Text, "Looking that up…") {
				t.Errorf("acknowledgement: got %+v, want ephemeral Looking that up…", reply)
			}

			got := h.hooks.next(t)
			wantType := map[bool]string{false: "ephemeral", true: "in_channel"}[inChannel]
			if got.Msg.ResponseType != wantType || got.Msg.ReplaceOriginal == inChannel {
				t.Errorf("got response_type %q replace_original %v, want %q %v",
					got.Msg.ResponseType, got.Msg.ReplaceOriginal, wantType, !inChannel)
			}
			if !strings.HasSuffix(got.Path, "/estonia/"+hookSecret) {
				t.Errorf("posted to %s, want the command's response_url", got.Path)
			}
			for _, want := range []string{"2004", "*[1]* `000_2bc005b4439df7f9.txt`", "<@U1> asked: when did Estonia ratify Ottawa?", feedbackActionUp} {
				if !strings.Contains(got.Raw, want) {
					t.Errorf("answer lacks %q:\n%s", want, got.Raw)
				}
			}
			_ = h.a.Close()
			h.hooks.none(t)
		})
	}
}

func TestSlashCommandHelp(t *testing.T) {
	stub := &stubAnswerer{}
	h := newHarness(t, stub, nil)
	for _, text := range []string{"", "   ", "help", " HELP ", "help?"} {
		reply := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", text, h.hooks.url("help"))))
		if reply.ResponseType != "ephemeral" || !strings.Contains(reply.Text, "`/ask What do the documents say about …?`") {
			t.Errorf("text %q: got %+v, want usage help", text, reply)
		}
	}
	_ = h.a.Close()
	if q := stub.asked(); len(q) != 0 {
		t.Errorf("engine asked %v for help", q)
	}
	h.hooks.none(t)
}

func TestSlashCommandRefusals(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*Options)
		command   string
		want      string
	}{
		{"other command", nil, "/other", "Sorry, I only answer /ask."},
		{"custom command name", func(o *Options) { o.Command = "/cite" }, "/ask", "Sorry, I only answer /cite."},
		{"channel not allowed", func(o *Options) { o.Allowlist = []string{"C9", "T9"} }, "/ask", notAllowedText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := &stubAnswerer{}
			h := newHarness(t, stub, tt.configure)
			reply := decodeReply(t, h.send(t, "/slack/commands", form, commandForm(tt.command, "a question", h.hooks.url("x"))))
			if reply.Text != tt.want {
				t.Errorf("got %q, want %q", reply.Text, tt.want)
			}
			_ = h.a.Close()
			if q := stub.asked(); len(q) != 0 {
				t.Errorf("engine asked %v", q)
			}
		})
	}
}

func TestSlashCommandAllowlistByTeam(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) { o.Allowlist = []string{"T1"} })
	reply := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when?", h.hooks.url("team"))))
	if !strings.Contains(reply.Text, "Looking that up") {
		t.Errorf("got %q, want the question accepted", reply.Text)
	}
	h.hooks.next(t)
}

func TestSlashCommandEngineFailures(t *testing.T) {
	tests := []struct {
		name string
		stub *stubAnswerer
		want string
	}{
		{"error", &stubAnswerer{err: errors.New("index exploded")}, failedText},
		{"not ready", &stubAnswerer{err: fmt.Errorf("answer: %w", citebot.ErrNotReady)}, notReadyText},
		{"too long", &stubAnswerer{err: citebot.ErrQuestionTooLong}, "That question is too long. Please keep it under 2000 characters."},
		{"timeout", &stubAnswerer{release: make(chan struct{})}, timeoutText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.stub, func(o *Options) {
				o.InChannel = true
				if tt.stub.release != nil {
					o.AnswerTimeout = 20 * time.Millisecond // only the stuck engine may time out
				}
			})
			decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when?", h.hooks.url("fail"))))
			got := h.hooks.next(t)
			// An apology is for the asker only, whatever the visibility
			// of answers, and replaces "Looking that up…".
			if got.Msg.ResponseType != "ephemeral" || !got.Msg.ReplaceOriginal || got.Msg.Text != tt.want {
				t.Errorf("got %s %v %q, want ephemeral replacement %q", got.Msg.ResponseType, got.Msg.ReplaceOriginal, got.Msg.Text, tt.want)
			}
			if strings.Contains(got.Raw, "exploded") {
				t.Error("the engine's error reached the user")
			}
		})
	}
}

func TestEngineThatIgnoresContextStillTimesOut(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	h := newHarness(t, answererFunc(func() { <-block }), func(o *Options) { o.AnswerTimeout = 20 * time.Millisecond })
	decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when?", h.hooks.url("stuck"))))
	if got := h.hooks.next(t); got.Msg.Text != timeoutText {
		t.Errorf("got %q, want the timeout apology", got.Msg.Text)
	}
}

// answererFunc runs f and answers nothing; it ignores its context.
type answererFunc func()

func (f answererFunc) Answer(_ context.Context, q citebot.Question) (citebot.Answer, error) {
	f()
	return citebot.Answer{Question: q.Text}, nil
}

func TestSlashCommandUserRateLimit(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	clock := newFakeClock()
	h := newHarness(t, stub, func(o *Options) { o.UserRateLimit = 1; o.UserRateWindow = time.Minute })
	h.a.limiter.now = clock.now
	first := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when?", h.hooks.url("r1"))))
	second := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "and then?", h.hooks.url("r2"))))
	if !strings.Contains(first.Text, "Looking that up") {
		t.Errorf("first: got %q", first.Text)
	}
	if want := rateLimitedText(time.Minute); second.Text != want {
		t.Errorf("second: got %q, want %q", second.Text, want)
	}
	clock.advance(time.Minute)
	third := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "and now?", h.hooks.url("r3"))))
	if !strings.Contains(third.Text, "Looking that up") {
		t.Errorf("after the window: got %q", third.Text)
	}
	_ = h.a.Close()
	if got := len(stub.asked()); got != 2 {
		t.Errorf("engine asked %d times, want 2", got)
	}
}

func TestResponseURLRateLimitIsRetried(t *testing.T) {
	h := newHarness(t, &stubAnswerer{ans: sampleAnswer()}, nil)
	h.hooks.limited.Store(2)
	decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when?", h.hooks.url("429"))))
	got := h.hooks.next(t)
	if !strings.Contains(got.Raw, "2004") {
		t.Errorf("got %s, want the answer after retries", got.Raw)
	}
	for i := range 2 {
		if d := h.nextWait(t); d != 3*time.Second {
			t.Errorf("wait %d: got %v, want Retry-After 3s", i, d)
		}
	}
}

// TestFailedResponseURLIsNotLogged checks that when posting to a
// response_url fails, the log says so without the URL, which is a
// credential. (The harness fails any test whose logs hold hookSecret.)
func TestFailedResponseURLIsNotLogged(t *testing.T) {
	h := newHarness(t, realEngine(t), nil)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL + "/commands/T1/gone/" + hookSecret
	dead.Close() // posts to it are refused
	decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when did Estonia ratify Ottawa?", deadURL)))
	_ = h.a.Close() // waits for the answer's delivery to fail
	if logs := h.logs.String(); !strings.Contains(logs, "could not deliver answer") || !strings.Contains(logs, "post to response_url") {
		t.Errorf("the failed delivery was not logged:\n%s", logs)
	}
}

// TestReplayedSlashCommandIsAnsweredOnce checks that a signed command sent
// again within Slack's five minutes, same trigger_id and all, is not
// processed again.
func TestReplayedSlashCommandIsAnsweredOnce(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	body := commandForm("/ask", "when did Estonia ratify Ottawa?", h.hooks.url("replay"))
	for range 3 {
		decodeReply(t, h.send(t, "/slack/commands", form, body))
	}
	_ = h.a.Close()
	if n := len(stub.asked()); n != 1 {
		t.Errorf("engine asked %d times, want 1", n)
	}
	h.hooks.next(t)
	h.hooks.none(t)
}
