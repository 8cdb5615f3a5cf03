// Package sharedstate keeps the state that citebot replicas must share in
// Redis: which Slack events have been handled, which Slack threads the bot
// answers in, conversation memory for follow-ups, and per-user and
// per-chat rate limits. With it several citebot processes behind one load
// balancer act as one bot.
//
// Redis being down must not stop answers, so every piece degrades to the
// process's own memory when a Redis call fails: it logs a warning, counts
// the fallback through Options.OnFallback, and tries Redis again a moment
// later. Replicas may then answer a retried event twice or miss the
// previous turn of a thread, which is better than not answering.
package sharedstate

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults for Options.
const (
	DefaultTimeout  = 500 * time.Millisecond
	DefaultCooldown = 2 * time.Second
	DefaultPrefix   = "citebot:"
)

// Options tunes a Store. The zero value is the default.
type Options struct {
	// Prefix starts every key, so that several bots can share a Redis
	// database; "" means DefaultPrefix.
	Prefix string
	// Timeout bounds one Redis call, connecting included; 0 means
	// DefaultTimeout. An answer waits at most this long for a Redis
	// that has gone away.
	Timeout time.Duration
	// Cooldown is how long after a failure the store keeps to local state
	// before it tries Redis again; 0 means DefaultCooldown.
	Cooldown time.Duration
	// Logger receives fallback warnings; nil means slog.Default().
	Logger *slog.Logger
	// OnFallback, when set, is called each time a call falls back to
	// local state; what is "dedup", "conversations", "ratelimit" or "threads". For
	// metrics.
	OnFallback func(what string)
}

// Store is a connection to Redis and the fallback bookkeeping that the
// Deduper, Conversations and Limiter built on it share. It is safe for
// concurrent use.
type Store struct {
	rdb  *redis.Client
	opts Options
	log  *slog.Logger
	url  string // redacted, for messages

	mu        sync.Mutex
	downUntil time.Time
	warnedAt  time.Time
	now       func() time.Time
}

// New returns a Store for the Redis at rawURL (redis://, rediss:// or
// unix://). It does not connect: use Ping to check the server at start.
func New(rawURL string, opts Options) (*Store, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Cooldown <= 0 {
		opts.Cooldown = DefaultCooldown
	}
	ro.DialTimeout = opts.Timeout
	ro.ReadTimeout = opts.Timeout
	ro.WriteTimeout = opts.Timeout
	ro.PoolTimeout = opts.Timeout
	ro.MaxRetries = 1
	ro.DisableIdentity = true
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Store{rdb: redis.NewClient(ro), opts: opts, log: log, url: redacted(ro), now: time.Now}, nil
}

// redacted names the server without its password.
func redacted(o *redis.Options) string {
	if o.Network == "unix" {
		return "unix://" + o.Addr
	}
	return fmt.Sprintf("redis://%s/%d", o.Addr, o.DB)
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis %s: %w", s.url, err)
	}
	return nil
}

// Close closes the connections to Redis.
func (s *Store) Close() error { return s.rdb.Close() }

// key is k under the store's prefix.
func (s *Store) key(parts ...string) string {
	k := s.opts.Prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// do runs f against Redis unless Redis failed within the cooldown, and
// reports whether it succeeded. On failure the caller uses local state.
func (s *Store) do(ctx context.Context, what string, f func(ctx context.Context) error) bool {
	s.mu.Lock()
	down := s.now().Before(s.downUntil)
	s.mu.Unlock()
	if !down {
		cctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		err := f(cctx)
		cancel()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			// The caller gave up; Redis is not to blame.
			return false
		}
		s.failed(what, err)
	}
	if s.opts.OnFallback != nil {
		s.opts.OnFallback(what)
	}
	return false
}

// failed starts a cooldown and warns, at most once a minute.
func (s *Store) failed(what string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.downUntil = now.Add(s.opts.Cooldown)
	if now.Sub(s.warnedAt) >= time.Minute {
		s.warnedAt = now
		s.log.Warn("redis unavailable; using this replica's own state until it is back",
			"redis", s.url, "what", what, "err", err)
	}
}
