package sharedstate

import (
	"context"
	"fmt"
	"time"

	"github.com/citebot/citebot/internal/ratelimit"
	"github.com/redis/go-redis/v9"
)

// Decision is a rate limiter's answer for one question.
type Decision = ratelimit.Decision

// Limiter is a token bucket per key (a Slack user, a Telegram chat) kept
// in Redis, so that one limit holds across replicas: a bucket of Burst
// tokens, refilled one token every Every. Redis's clock is the only clock,
// so replicas whose clocks differ still agree.
type Limiter struct {
	s     *Store
	name  string
	burst int
	every time.Duration
	local *ratelimit.Keyed // while Redis is unavailable
}

// takeScript takes a token from bucket KEYS[1] (ARGV: burst, refill
// interval in µs) atomically and returns {ok, warn, wait µs}.
var takeScript = redis.NewScript(`
local burst = tonumber(ARGV[1])
local every = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'last', 'warned')
local tokens, last, warned = tonumber(b[1]), tonumber(b[2]), b[3] == '1'
if tokens == nil or last == nil then
  tokens, last, warned = burst, now, false
end
if now > last then
  tokens = math.min(burst, tokens + (now - last) / every)
  last = now
end
local ok, warn, wait = 0, 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
  warned = false
else
  wait = math.ceil((1 - tokens) * every)
  if not warned then
    warn = 1
    warned = true
  end
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'last', string.format('%.0f', last), 'warned', warned and '1' or '0')
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * every / 1000) + 1000)
return {ok, warn, wait}
`)

// NewLimiter returns a limiter of burst questions refilled one every
// every, under name (such as "slack-user") in Redis. burst <= 0 or
// every <= 0 is an error: leave the limiter out to allow everything.
func NewLimiter(s *Store, name string, burst int, every time.Duration) (*Limiter, error) {
	if burst <= 0 || every <= 0 {
		return nil, fmt.Errorf("rate limit %s: burst %d and interval %v must be positive", name, burst, every)
	}
	return &Limiter{s: s, name: name, burst: burst, every: every, local: ratelimit.New(burst, every)}, nil
}

// Take takes a token from key's bucket.
func (l *Limiter) Take(ctx context.Context, key string) Decision {
	var res []int64
	ok := l.s.do(ctx, "ratelimit", func(ctx context.Context) error {
		var err error
		res, err = takeScript.Run(ctx, l.s.rdb, []string{l.s.key("rate", l.name, key)}, l.burst, l.every.Microseconds()).Int64Slice()
		if err == nil && len(res) != 3 {
			err = fmt.Errorf("rate limit script returned %d values, want 3", len(res))
		}
		return err
	})
	if !ok {
		return l.local.Take(key, l.s.now())
	}
	return Decision{OK: res[0] == 1, Warn: res[1] == 1, Wait: time.Duration(res[2]) * time.Microsecond}
}
