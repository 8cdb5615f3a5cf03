package slack

import (
	"context"
	"sync"
	"time"
)

// RateLimiter decides whether a user may ask now and, if not, how long
// until they may. A shared implementation (Redis) lets replicas apply one
// limit per user.
type RateLimiter interface {
	Allow(ctx context.Context, user string) (ok bool, retryAfter time.Duration)
}

// allow applies the shared limiter if there is one, else the in-process one.
func (a *Adapter) allow(ctx context.Context, user string) (bool, time.Duration) {
	if a.shared != nil {
		return a.shared.Allow(ctx, user)
	}
	return a.limiter.allow(user)
}

// userLimiter allows each user n questions per window, refilled smoothly
// (a token bucket per user). A nil *userLimiter allows everything.
type userLimiter struct {
	mu      sync.Mutex
	n       float64
	window  time.Duration
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxLimiterUsers bounds memory: past it, users whose bucket has refilled
// completely are forgotten, which loses nothing.
const maxLimiterUsers = 10000

func newUserLimiter(n int, window time.Duration, now func() time.Time) *userLimiter {
	if n <= 0 {
		return nil
	}
	if window <= 0 {
		window = time.Minute
	}
	return &userLimiter{n: float64(n), window: window, now: now, buckets: make(map[string]*bucket)}
}

// allow takes a token for user and reports whether there was one; if not,
// it also says how long until the next one.
func (l *userLimiter) allow(user string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.n / l.window.Seconds() // tokens per second
	b, ok := l.buckets[user]
	if !ok {
		if len(l.buckets) >= maxLimiterUsers {
			l.pruneLocked(now, rate)
		}
		b = &bucket{tokens: l.n, last: now}
		l.buckets[user] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.n, b.tokens+elapsed*rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
	return false, wait
}

func (l *userLimiter) pruneLocked(now time.Time, rate float64) {
	for user, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*rate >= l.n {
			delete(l.buckets, user)
		}
	}
}
