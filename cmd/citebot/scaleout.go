package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/citebot/citebot/bot/slack"
	"github.com/citebot/citebot/bot/telegram"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/weaviate"
	"github.com/citebot/citebot/sharedstate"
)

// openIndex returns the configured index: nil for the embedded one, which
// the engine makes itself, or a Weaviate index. It makes no request.
func openIndex(cfg config.Config, log *slog.Logger) (index.Index, error) {
	if cfg.Index.Backend != config.IndexWeaviate {
		return nil, nil
	}
	return weaviate.New(cfg.Index.WeaviateURL, weaviate.Options{
		APIKey: cfg.Index.WeaviateAPIKey.Reveal(),
		Logger: log,
	})
}

// buildEngineWhenReachable builds the engine like buildEngine, but while
// Weaviate is unreachable it logs the URL and tries again with backoff
// (1 s doubling to 30 s) until ctx ends, instead of giving up: readiness
// stays 503 meanwhile, and the replica joins once Weaviate is back. Other
// errors, such as a schema mismatch, end it at once.
func buildEngineWhenReachable(ctx context.Context, cfg config.Config, log *slog.Logger, mods ...func(*retrieval.Options)) (*retrieval.Engine, []corpus.Document, error) {
	wait := time.Second
	for {
		eng, docs, _, err := buildEngine(ctx, cfg, log, readStore, nil, mods...)
		if err == nil || !errors.Is(err, weaviate.ErrUnavailable) || ctx.Err() != nil {
			return eng, docs, err
		}
		log.Error("index unavailable; not ready, retrying", "err", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, err
		case <-t.C:
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// shared is the state replicas share: in Redis with CITEBOT_REDIS_URL,
// else nil, and everything stays in the process.
type shared struct {
	store *sharedstate.Store
	conv  *sharedstate.Conversations
}

// newShared connects the shared state to Redis when one is configured,
// counting fallbacks to local state in citebot_shared_state_fallbacks_total.
// An unreachable Redis at start is a warning, not an error: the state
// falls back to the process until Redis answers.
func newShared(ctx context.Context, cfg config.Config, log *slog.Logger, reg prometheus.Registerer) (*shared, error) {
	if cfg.Redis.URL == "" {
		return nil, nil
	}
	fallbacks := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "citebot_shared_state_fallbacks_total",
		Help: "Calls that used this replica's own state because Redis was unavailable, by what they were for.",
	}, []string{"what"})
	if reg != nil {
		if err := reg.Register(fallbacks); err != nil {
			return nil, fmt.Errorf("redis metrics: %w", err)
		}
	}
	st, err := sharedstate.New(cfg.Redis.URL, sharedstate.Options{
		Logger:     log,
		OnFallback: func(what string) { fallbacks.WithLabelValues(what).Inc() },
	})
	if err != nil {
		return nil, err
	}
	if cfg.Telegram.Enabled() && !cfg.Telegram.Webhook() {
		// Redis means replicas, and Telegram lets one process poll.
		log.Warn("telegram long-polls: with several replicas only one may poll a bot, so set TELEGRAM_WEBHOOK_URL for webhook mode (docs/scale-out.md)")
	}
	if err := st.Ping(ctx); err != nil {
		log.Warn("redis unreachable at start; using this replica's own state until it answers", "err", err)
	} else {
		log.Info("shared state in redis", "redis", cfg.Redis)
	}
	return &shared{store: st, conv: sharedstate.NewConversations(st, conversation.Options{}, nil)}, nil
}

// engineOptions puts the conversation memory in Redis.
func (s *shared) engineOptions(o *retrieval.Options) {
	if s != nil {
		o.Conversations = s.conv
	}
}

// slack shares event dedup, the threads the bot answers in and the
// per-user rate limit.
func (s *shared) slack(o slack.Options) (slack.Options, error) {
	if s == nil {
		return o, nil
	}
	o.Deduper = sharedstate.NewDeduper(s.store, 0, slack.NewMemoryDeduper(0, 0))
	o.Threads = sharedstate.NewThreads(s.store, 0, slack.NewMemoryThreads(0, 0))
	if o.UserRateLimit > 0 {
		window := o.UserRateWindow
		if window <= 0 {
			window = slack.DefaultUserRateWindow
		}
		every := window / time.Duration(o.UserRateLimit)
		l, err := sharedstate.NewLimiter(s.store, "slack-user", o.UserRateLimit, max(every, time.Millisecond))
		if err != nil {
			return o, err
		}
		o.RateLimiter = slackLimiter{l}
	}
	return o, nil
}

// telegram shares the per-chat rate limit.
func (s *shared) telegram(o telegram.Options) (telegram.Options, error) {
	if s == nil || o.RatePerChat.Burst < 0 {
		return o, nil
	}
	burst, every := o.RatePerChat.Burst, o.RatePerChat.Every
	if burst == 0 {
		burst = 4 // telegram.Rate's defaults
	}
	if every <= 0 {
		every = 6 * time.Second
	}
	l, err := sharedstate.NewLimiter(s.store, "telegram-chat", burst, every)
	if err != nil {
		return o, err
	}
	o.RateLimiter = telegramLimiter{l}
	return o, nil
}

func (s *shared) Close() error {
	if s == nil {
		return nil
	}
	return s.store.Close()
}

type slackLimiter struct{ l *sharedstate.Limiter }

func (s slackLimiter) Allow(ctx context.Context, user string) (bool, time.Duration) {
	d := s.l.Take(ctx, user)
	return d.OK, d.Wait
}

type telegramLimiter struct{ l *sharedstate.Limiter }

func (t telegramLimiter) Allow(ctx context.Context, chat int64) (bool, bool) {
	d := t.l.Take(ctx, fmt.Sprint(chat))
	return d.OK, d.Warn
}

var (
	_ slack.RateLimiter    = slackLimiter{}
	_ telegram.RateLimiter = telegramLimiter{}
	_ slack.Deduper        = (*sharedstate.Deduper)(nil)
	_ slack.ThreadMemory   = (*sharedstate.Threads)(nil)
)
