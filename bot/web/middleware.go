package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/citebot/citebot/internal/ratelimit"
	"github.com/citebot/citebot/metrics"
)

// Rate limits questions per client: a bucket of Burst questions that
// refills one question every Every. The zero Rate is unlimited.
type Rate struct {
	Burst int
	Every time.Duration
}

// Unlimited reports whether r places no limit.
func (r Rate) Unlimited() bool { return r.Burst <= 0 || r.Every <= 0 }

// guard holds the protection state: the API token's digest, the
// per-client limiters and the concurrency semaphore.
type guard struct {
	token   [sha256.Size]byte // SHA-256 of the API token; zero when open
	open    bool
	hosts   func(host string) bool // nil: any Host header
	sem     chan struct{}
	clients *clientLimiter
	rec     metrics.Recorder
	log     *slog.Logger
}

func newGuard(opts Options, log *slog.Logger) *guard {
	g := &guard{open: opts.APIToken == "", log: log, rec: opts.Observer.Recorder()}
	if !g.open {
		g.token = sha256.Sum256([]byte(opts.APIToken))
	} else {
		g.hosts = hostsFor(opts.ListenAddr)
	}
	if opts.MaxConcurrent > 0 {
		g.sem = make(chan struct{}, opts.MaxConcurrent)
	}
	if !opts.RatePerClient.Unlimited() {
		g.clients = newClientLimiter(opts.RatePerClient)
	}
	return g
}

// needsToken reports whether path is behind the API token. The health
// probes, the page and its static files stay open (they hold no corpus
// data and orchestrators and browsers must reach them), and so do the
// Slack and Telegram webhooks, which carry their own signatures.
func needsToken(path string) bool {
	return strings.HasPrefix(path, "/v1/") || path == "/metrics" || strings.HasPrefix(path, "/debug/pprof")
}

// limited reports whether path counts toward the per-client rate and the
// concurrency limit: it answers questions, or serves a source document,
// which for a large file costs as much memory and time as an answer.
func limited(path string) bool {
	return path == "/v1/ask" || strings.HasPrefix(path, "/v1/ask/") || strings.HasPrefix(path, "/v1/sources/")
}

// wrap returns next behind request IDs, the token check, the per-client
// rate limit and the concurrency limit, in that order. Questions and
// source documents share one bucket per client and one concurrency limit.
func (g *guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !metrics.ValidRequestID(id) {
			id = metrics.NewRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		r = r.WithContext(metrics.WithRequestID(r.Context(), id))
		path := r.URL.Path

		if !g.open && needsToken(path) && !g.authorized(r) {
			g.reject(r, id, "unauthorized")
			w.Header().Set("WWW-Authenticate", `Bearer realm="citebot"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong API token: send Authorization: Bearer <token>")
			return
		}
		if g.hosts != nil && needsToken(path) && !g.hosts(requestHost(r)) {
			g.reject(r, id, "wrong_host")
			writeError(w, http.StatusForbidden, "this server answers only requests addressed to its listen address; set CITEBOT_API_TOKEN to serve it under other host names")
			return
		}
		if !limited(path) {
			next.ServeHTTP(w, r)
			return
		}
		if g.clients != nil {
			if wait, ok := g.clients.allow(clientAddr(r), time.Now()); !ok {
				g.reject(r, id, "rate_limited")
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				writeError(w, http.StatusTooManyRequests, "too many requests from this address; retry after "+w.Header().Get("Retry-After")+"s")
				return
			}
		}
		if g.sem != nil {
			select {
			case g.sem <- struct{}{}:
				defer func() { <-g.sem }()
			default:
				// Refuse at once rather than queue: a queue only adds
				// latency to every caller when the server is saturated.
				g.reject(r, id, "busy")
				w.Header().Set("Retry-After", "1")
				writeError(w, http.StatusServiceUnavailable, "server busy: too many requests at once; retry shortly")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authorized compares the bearer token in constant time. Both sides are
// hashed first so that the comparison does not leak the token's length.
func (g *guard) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
	return subtle.ConstantTimeCompare(got[:], g.token[:]) == 1
}

func (g *guard) reject(r *http.Request, id, reason string) {
	g.rec.Rejected(reason)
	g.log.LogAttrs(r.Context(), slog.LevelDebug, "request rejected",
		slog.String("request_id", id), slog.String("reason", reason),
		slog.String("path", r.URL.Path), slog.String("client", clientAddr(r)))
}

// hostsFor returns which Host headers a server without an API token
// accepts on its API, given the address it listens on. A page on another
// site that a browser is tricked into sending to the server (DNS
// rebinding: evil.example resolving to 127.0.0.1) carries its own host
// name, so a server bound to loopback answers only loopback names, and one
// bound to a given address only that address. A server on every interface
// (":8080") accepts any name; citebot warns that such an API is open.
func hostsFor(listen string) func(string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return nil
	}
	if isLoopback(host) {
		return isLoopback
	}
	return func(h string) bool { return strings.EqualFold(h, host) }
}

// isLoopback reports whether host names this machine's loopback interface:
// localhost (and, as RFC 6761 reserves them, names under .localhost) or a
// loopback IP address.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// requestHost is the host name of r's Host header, without port or
// brackets.
func requestHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		return h
	}
	return strings.Trim(r.Host, "[]")
}

// clientAddr is the client's IP address. Behind a reverse proxy it is the
// proxy's: X-Forwarded-For is not trusted, since any client can set it.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientLimiter is a token bucket per client address.
type clientLimiter struct{ k *ratelimit.Keyed }

func newClientLimiter(r Rate) *clientLimiter {
	return &clientLimiter{k: ratelimit.New(r.Burst, r.Every)}
}

// allow takes one question from addr's bucket. When the bucket is empty
// it reports how long until the next question is allowed.
func (c *clientLimiter) allow(addr string, now time.Time) (time.Duration, bool) {
	d := c.k.Take(addr, now)
	if d.OK {
		return 0, true
	}
	return max(d.Wait, time.Second), false
}
