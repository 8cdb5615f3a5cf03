package redact_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/internal/redact"
)

func TestScrubberString(t *testing.T) {
	s := redact.New("my-api-token-123", "short", "my-api-token")
	tests := []struct{ in, want string }{
		{"Bearer my-api-token-123 sent", "Bearer [redacted] sent"},
		{"prefix my-api-token only", "prefix [redacted] only"},
		{"short stays", "short stays"},
		{`Post "https://hooks.slack.com/commands/T1/123/abcDEF": dial tcp: refused`, `Post "https://hooks.slack.com/[redacted]": dial tcp: refused`},
		{"https://hooks.slack-gov.com/services/T/B/x", "https://hooks.slack-gov.com/[redacted]"},
		{"<html>GET /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe</html>", "<html>GET /bot[redacted]/getMe</html>"},
		{"token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "token [redacted]"},
		{"slack xoxb-1234-5678-abcdefgh and xapp-1-A0-123-abcdef", "slack [redacted] and [redacted]"},
		{"key sk-proj-abcdefghijklmnop1234", "key [redacted]"},
		{"took 1.5s at 12:30:45", "took 1.5s at 12:30:45"},
	}
	for _, tt := range tests {
		if got := s.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var none *redact.Scrubber
	if got := none.String("https://hooks.slack.com/a/b"); got != "https://hooks.slack.com/[redacted]" {
		t.Errorf("nil Scrubber: got %q", got)
	}
}

// TestHandlerScrubsEverything checks that a secret cannot reach the log
// through the message, a string, an error (a *url.Error holding a
// response URL), a group, or attributes added with With and WithGroup.
func TestHandlerScrubsEverything(t *testing.T) {
	const tok = "123456:TG-secret-token"
	var buf bytes.Buffer
	log := slog.New(redact.Handler(slog.NewJSONHandler(&buf, nil), redact.New(tok)))
	uerr := &url.Error{Op: "Post", URL: "https://hooks.slack.com/actions/T1/99/SECRETPATH", Err: errors.New("connection refused")}
	log.With("base", "bot"+tok).WithGroup("g").Warn("failed for "+tok,
		"err", fmt.Errorf("deliver: %w", uerr),
		"path", "/bot"+tok+"/sendMessage",
		slog.Group("inner", "v", tok),
		"n", 3, "took", time.Second)
	out := buf.String()
	for _, secret := range []string{tok, "SECRETPATH", "TG-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{`"n":3`, `"deliver: Post \"https://hooks.slack.com/[redacted]\": connection refused"`, `"base":"bot[redacted]"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}

	// Wrapping again adds secrets rather than losing the first ones.
	buf.Reset()
	log = slog.New(redact.Handler(redact.Handler(slog.NewTextHandler(&buf, nil), redact.New(tok)), redact.New("other-secret")))
	log.Info("x", "a", tok, "b", "other-secret")
	if out := buf.String(); strings.Contains(out, tok) || strings.Contains(out, "other-secret") {
		t.Errorf("log holds a secret: %s", out)
	}
}

func TestError(t *testing.T) {
	const hook = "http://127.0.0.1:9/commands/T1/42/SECRETPATH"
	inner := &url.Error{Op: "Post", URL: hook, Err: context.DeadlineExceeded}
	err := redact.Error(fmt.Errorf("post to response_url: %w", inner), redact.New(hook))
	if strings.Contains(err.Error(), "SECRETPATH") {
		t.Errorf("got %q, want the URL hidden", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is lost the cause: %v", err)
	}
	if redact.Error(nil, nil) != nil {
		t.Error("Error(nil) is not nil")
	}
}
