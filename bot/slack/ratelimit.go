package slack

import (
	"context"
	"time"

	"github.com/citebot/citebot/internal/ratelimit"
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
	k   *ratelimit.Keyed
	now func() time.Time
}

func newUserLimiter(n int, window time.Duration, now func() time.Time) *userLimiter {
	if n <= 0 {
		return nil
	}
	if window <= 0 {
		window = time.Minute
	}
	return &userLimiter{k: ratelimit.New(n, window/time.Duration(n)), now: now}
}

// allow takes a token for user and reports whether there was one; if not,
// it also says how long until the next one.
func (l *userLimiter) allow(user string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	d := l.k.Take(user, l.now())
	return d.OK, d.Wait
}
