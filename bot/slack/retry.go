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

	"github.com/slack-go/slack"
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

// rateLimitRetry is the slack.RetryHandler the Web API client retries 429s
// with (slack.OptionRetryConfig). Unlike slack-go's own handler it also
// reads Retry-After as an HTTP date, fails at once rather than wait longer
// than maxWait, and logs each retry with the method's name.
type rateLimitRetry struct {
	maxWait time.Duration
	log     *slog.Logger
	// pace turns the wait Slack asked for into the one slack-go sleeps;
	// tests record it and return zero. nil means wait as asked.
	pace func(time.Duration) time.Duration
}

var _ slack.RetryHandler = (*rateLimitRetry)(nil)

// ShouldRetry implements slack.RetryHandler.
func (h *rateLimitRetry) ShouldRetry(state *slack.RetryState, req *http.Request, resp *http.Response, _ error) (bool, time.Duration) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests || state.Attempt >= state.MaxRetries {
		return false, 0
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false, 0
	}
	d := retryAfter(resp.Header.Get("Retry-After"), time.Now())
	if d > h.maxWait {
		return false, 0
	}
	h.log.Warn("slack rate limited; retrying", "path", redactPath(req.URL.Path), "retry_after", d, "attempt", state.Attempt+1)
	if h.pace != nil {
		d = h.pace(d)
	}
	return true, d
}

// retryTransport retries requests that Slack answers with 429 Too Many
// Requests after waiting for the Retry-After it sent. It sits under
// response_url posts, which slack-go sends with a plain HTTP client and
// does not retry; Web API calls go through rateLimitRetry instead.
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
