// Package ratelimit is a token bucket per key (a Slack user, a Telegram
// chat, a client address) on golang.org/x/time/rate, with the "slow down"
// warning the chat adapters give once per refusal streak.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Decision is a limiter's answer for one question.
type Decision struct {
	// OK is true when the asker had a token and may ask.
	OK bool
	// Wait is how long until the next token, when OK is false.
	Wait time.Duration
	// Warn is true for the first refusal since the asker last got a token,
	// so that a user who keeps asking is told to slow down once.
	Warn bool
}

// Keyed holds a bucket of burst tokens per key, refilled one token every
// every. Buckets that have refilled completely are forgotten, since a key
// whose bucket is full is indistinguishable from a new one, so memory
// stays bounded by the keys active within one refill period. It is safe
// for concurrent use.
type Keyed struct {
	limit rate.Limit
	burst int
	full  time.Duration // time for an empty bucket to refill

	mu    sync.Mutex
	m     map[string]*bucket
	sweep int       // forget full buckets when the map reaches this size
	last  time.Time // or when a refill period has passed since the last sweep
}

type bucket struct {
	lim    *rate.Limiter
	warned bool // refused since it last had a token
}

// minSweep is the map size below which full buckets are only forgotten
// once a refill period has passed.
const minSweep = 1024

// New returns a limiter of burst tokens per key, one more every every.
// burst and every must be positive.
func New(burst int, every time.Duration) *Keyed {
	return &Keyed{limit: rate.Every(every), burst: burst, full: every * time.Duration(burst),
		m: map[string]*bucket{}, sweep: minSweep}
}

// Take takes a token from key's bucket at now.
func (k *Keyed) Take(key string, now time.Time) Decision {
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.m[key]
	if b == nil {
		if len(k.m) >= k.sweep || now.Sub(k.last) >= k.full {
			k.forgetFull(now)
		}
		b = &bucket{lim: rate.NewLimiter(k.limit, k.burst)}
		k.m[key] = b
	}
	if b.lim.AllowN(now, 1) {
		b.warned = false
		return Decision{OK: true}
	}
	res := b.lim.ReserveN(now, 1)
	d := Decision{Wait: res.DelayFrom(now), Warn: !b.warned}
	res.CancelAt(now)
	b.warned = true
	return d
}

// Len is the number of buckets held.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// forgetFull drops full buckets. k.mu must be held.
func (k *Keyed) forgetFull(now time.Time) {
	for key, b := range k.m {
		if b.lim.TokensAt(now) >= float64(k.burst) {
			delete(k.m, key)
		}
	}
	k.sweep = max(minSweep, 2*len(k.m))
	k.last = now
}
