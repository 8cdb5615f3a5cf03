package slack

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults for retrying Slack's 429 (rate limited) answers.
const (
	// DefaultMaxRetries is how often a rate-limited call is retried.
	DefaultMaxRetries = 3
	// DefaultMaxRetryAfter is the longest Retry-After honoured; a longer
	// one fails the call at once rather than hold an answer for minutes.
	DefaultMaxRetryAfter = 2 * time.Minute
	// defaultRetryAfter is used when a 429 carries no usable Retry-After.
	defaultRetryAfter = time.Second
)

// retryTransport retries requests that Slack answers with 429 Too Many
// Requests after waiting for the Retry-After it sent. It sits under both the
// Web API client and response_url posts, which slack-go does not retry.
type retryTransport struct {
	base       http.RoundTripper
	maxRetries int
	maxWait    time.Duration
	// wait sleeps for d or until ctx is done; tests replace it.
	wait func(ctx context.Context, d time.Duration) error
	log  *slog.Logger
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(req.Context())
			r.Body = body
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || attempt >= t.maxRetries ||
			(req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return resp, err
		}
		d := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if d > t.maxWait {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
		// The path names the API method; the URL itself may be a
		// response_url, which is a credential, so it is not logged.
		t.log.Warn("slack rate limited; retrying", "path", redactPath(req.URL.Path), "retry_after", d, "attempt", attempt+1)
		if err := t.wait(req.Context(), d); err != nil {
			return nil, err
		}
	}
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil && secs >= 0 {
		if secs > int64(24*time.Hour/time.Second) {
			return 24 * time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(h); err == nil {
		return max(0, at.Sub(now))
	}
	return defaultRetryAfter
}

var apiMethodRE = regexp.MustCompile(`^[a-z]+(\.[a-zA-Z]+)+$`)

// redactPath names the Web API method (chat.postMessage) of a request path
// and hides anything else: response_url and webhook paths are credentials.
func redactPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	if apiMethodRE.MatchString(p) {
		return p
	}
	return "(redacted)"
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
