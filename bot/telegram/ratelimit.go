package telegram

import (
	"context"
	"strconv"
	"time"

	"github.com/citebot/citebot/internal/ratelimit"
)

// RateLimiter decides whether a chat may ask now; warn is true the first
// time it may not since it last could, so the chat is told to slow down
// once. A shared implementation (Redis) lets replicas apply one limit per
// chat.
type RateLimiter interface {
	Allow(ctx context.Context, chat int64) (ok, warn bool)
}

// allow applies the shared limiter if there is one, else the in-process one.
func (a *Adapter) allow(ctx context.Context, chat int64) (ok, warn bool) {
	if a.shared != nil {
		return a.shared.Allow(ctx, chat)
	}
	return a.limit.allow(chat)
}

// Rate limits how often one chat may ask: a token bucket holding Burst
// questions that refills one question every Every.
type Rate struct {
	// Burst is how many questions a chat may ask at once. 0 means 4;
	// negative turns the limit off.
	Burst int
	// Every is how long it takes to earn one more question. 0 means 6s,
	// which with the default Burst keeps a busy group under Telegram's
	// limit of 20 bot messages a minute.
	Every time.Duration
}

// limiter is a per-chat token bucket. A nil limiter allows everything.
type limiter struct {
	k   *ratelimit.Keyed
	now func() time.Time
}

func newLimiter(r Rate, now func() time.Time) *limiter {
	if r.Burst < 0 {
		return nil
	}
	if r.Burst == 0 {
		r.Burst = 4
	}
	if r.Every <= 0 {
		r.Every = 6 * time.Second
	}
	return &limiter{k: ratelimit.New(r.Burst, r.Every), now: now}
}

// allow takes a token from chat's bucket. When the bucket is empty it
// returns ok == false, and warn == true the first time only, so a chat that
// keeps asking gets one "slow down" and is then ignored until it has a
// token again. A nil limiter allows everything.
func (l *limiter) allow(chat int64) (ok, warn bool) {
	if l == nil {
		return true, false
	}
	d := l.k.Take(strconv.FormatInt(chat, 10), l.now())
	return d.OK, d.Warn
}
