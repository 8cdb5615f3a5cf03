package telegram

import (
	"context"
	"sync"
	"time"
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

// maxBuckets bounds the limiter's memory. Past it, full buckets (chats that
// have not asked for a while) are forgotten; they would start full anyway.
const maxBuckets = 10000

// limiter is a per-chat token bucket. It is safe for concurrent use.
type limiter struct {
	burst float64
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	warned bool // the chat has been told to slow down since it last got a token
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
	return &limiter{burst: float64(r.Burst), every: r.Every, now: now, buckets: map[int64]*bucket{}}
}

// allow takes a token from chat's bucket. When the bucket is empty it
// returns ok == false, and warn == true the first time only, so a chat that
// keeps asking gets one "slow down" and is then ignored until it has a
// token again. A nil limiter allows everything.
func (l *limiter) allow(chat int64) (ok, warn bool) {
	if l == nil {
		return true, false
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[chat]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[chat] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		b.warned = false
		return true, false
	}
	if b.warned {
		return false, false
	}
	b.warned = true
	return false, true
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(l.burst, b.tokens+float64(el)/float64(l.every))
	}
	b.last = now
}

// prune forgets full buckets. l.mu must be held.
func (l *limiter) prune(now time.Time) {
	for chat, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, chat)
		}
	}
}
