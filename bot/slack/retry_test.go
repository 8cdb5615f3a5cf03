package slack

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/internal/retry"
	"github.com/slack-go/slack"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"7", 7 * time.Second},
		{"0", 0},
		{" 30 ", 30 * time.Second},
		{"", defaultRetryAfter},
		{"soon", defaultRetryAfter},
		{"-3", defaultRetryAfter},
		{"Wed, 01 Jan 2025 00:00:20 GMT", 20 * time.Second},
		{"Tue, 31 Dec 2024 00:00:00 GMT", 0},
		{"99999999999", 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRetryTransport(t *testing.T) {
	tests := []struct {
		name       string
		limited    int32
		retryAfter string
		body       func() io.Reader // nil: a replayable body
		wantStatus int
		wantCalls  int32
		wantWaits  []time.Duration
	}{
		{"retries then succeeds", 2, "5", nil, 200, 3, []time.Duration{5 * time.Second, 5 * time.Second}},
		{"gives up after max retries", 10, "1", nil, 429, 4, []time.Duration{time.Second, time.Second, time.Second}},
		{"too long a wait fails at once", 1, "3600", nil, 429, 1, nil},
		{"unreplayable body is not retried", 1, "1", func() io.Reader { return io.MultiReader(strings.NewReader("x")) }, 429, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls, limited atomic.Int32
			limited.Store(tt.limited)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if b, _ := io.ReadAll(r.Body); string(b) != "x" {
					t.Errorf("attempt %d got body %q, want x", calls.Load(), b)
				}
				if limited.Add(-1) >= 0 {
					w.Header().Set("Retry-After", tt.retryAfter)
					w.WriteHeader(http.StatusTooManyRequests)
				}
			}))
			defer srv.Close()
			var waits []time.Duration
			client := &http.Client{Transport: &retryTransport{
				base: http.DefaultTransport, maxRetries: 3, maxWait: DefaultMaxRetryAfter,
				wait: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
				log:  slog.New(slog.DiscardHandler),
			}}
			var body io.Reader = strings.NewReader("x")
			if tt.body != nil {
				body = tt.body()
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/chat.postMessage", body)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || calls.Load() != tt.wantCalls || len(waits) != len(tt.wantWaits) {
				t.Fatalf("got status %d, %d calls, waits %v; want %d, %d, %v", resp.StatusCode, calls.Load(), waits, tt.wantStatus, tt.wantCalls, tt.wantWaits)
			}
			for i := range waits {
				if waits[i] != tt.wantWaits[i] {
					t.Errorf("wait %d: got %v, want %v", i, waits[i], tt.wantWaits[i])
				}
			}
		})
	}
}

func TestRetryTransportStopsWhenContextEnds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	client := &http.Client{Transport: &retryTransport{
		base: http.DefaultTransport, maxRetries: 3, maxWait: time.Minute,
		// The real wait, with a context that is already over.
		wait: func(ctx context.Context, d time.Duration) error { cancel(); return retry.Sleep(ctx, d) },
		log:  slog.New(slog.DiscardHandler),
	}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if _, err := client.Do(req); err == nil {
		t.Fatal("got nil error, want the context's")
	}
}

func TestRateLimitRetry(t *testing.T) {
	h := &rateLimitRetry{maxWait: time.Minute, log: slog.New(slog.DiscardHandler)}
	tests := []struct {
		name       string
		status     int
		retryAfter string
		attempt    int
		wantRetry  bool
		wantWait   time.Duration
	}{
		{"429 with seconds", http.StatusTooManyRequests, "7", 0, true, 7 * time.Second},
		{"429 with a date", http.StatusTooManyRequests, time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat), 0, true, 29 * time.Second},
		{"429 without a header", http.StatusTooManyRequests, "", 1, true, defaultRetryAfter},
		{"429 asking too long", http.StatusTooManyRequests, "3600", 0, false, 0},
		{"429 out of retries", http.StatusTooManyRequests, "1", 3, false, 0},
		{"server error", http.StatusInternalServerError, "1", 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, "https://slack.com/api/chat.postMessage", strings.NewReader("x"))
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{"Retry-After": {tt.retryAfter}}}
			retry, wait := h.ShouldRetry(&slack.RetryState{Attempt: tt.attempt, MaxRetries: 3}, req, resp, nil)
			// A date's wait shrinks while the test runs; a second's slack.
			if retry != tt.wantRetry || wait > tt.wantWait+time.Second || wait < tt.wantWait {
				t.Errorf("got %v %v, want %v %v", retry, wait, tt.wantRetry, tt.wantWait)
			}
		})
	}
}

// TestSlackGoHonoursRetryAfter shows that the handler's wait is really
// waited by slack-go's retrying client, with no transport of ours.
func TestSlackGoHonoursRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
	}))
	defer srv.Close()
	h := &rateLimitRetry{maxWait: time.Minute, log: slog.New(slog.DiscardHandler)}
	api := slack.New(testBotToken, slack.OptionAPIURL(srv.URL+"/"),
		slack.OptionRetryConfig(slack.RetryConfig{MaxRetries: 1, Handlers: []slack.RetryHandler{h}}))
	start := time.Now()
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); calls.Load() != 2 || took < time.Second {
		t.Errorf("got %d calls in %v, want a retry after Retry-After's second", calls.Load(), took)
	}
}

func TestRedactPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/chat.postMessage":            "chat.postMessage",
		"/commands/T1/123/secretpart":      "(redacted)",
		"/services/T1/B1/webhooksecret123": "(redacted)",
	} {
		if got := redactPath(in); got != want {
			t.Errorf("redactPath(%q): got %q, want %q", in, got, want)
		}
	}
}
