package sharedstate

import (
	"context"
	"time"
)

// FirstSeener records keys and reports whether each was new. It is the
// shape of slack.Deduper; slack.MemoryDeduper is the usual local fallback.
type FirstSeener interface {
	FirstSeen(ctx context.Context, key string) (bool, error)
}

// DefaultDedupTTL is how long an event key is remembered. Slack's last
// retry comes about five minutes after the first delivery.
const DefaultDedupTTL = time.Hour

// Deduper is a FirstSeener in Redis: the first replica to SET a key (NX,
// with an expiry) handles the event, and every later delivery, to any
// replica, is a repeat.
type Deduper struct {
	s     *Store
	ttl   time.Duration
	local FirstSeener
}

// NewDeduper returns a Deduper that remembers keys for ttl (0 means
// DefaultDedupTTL) and uses local while Redis is unavailable.
func NewDeduper(s *Store, ttl time.Duration, local FirstSeener) *Deduper {
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &Deduper{s: s, ttl: ttl, local: local}
}

// FirstSeen implements slack.Deduper.
func (d *Deduper) FirstSeen(ctx context.Context, key string) (bool, error) {
	var first bool
	ok := d.s.do(ctx, "dedup", func(ctx context.Context) error {
		var err error
		first, err = d.s.rdb.SetNX(ctx, d.s.key("dedup", key), 1, d.ttl).Result()
		return err
	})
	if ok {
		return first, nil
	}
	return d.local.FirstSeen(ctx, key)
}
