package slack

import (
	"context"
	"time"

	"github.com/citebot/citebot/internal/lru"
)

// Deduper remembers keys for a while so that an event Slack delivers more
// than once (it retries anything not acknowledged within 3 s, in HTTP and
// Socket Mode alike) is handled once. The in-memory MemoryDeduper suits one
// process; a shared store such as Redis (SET key NX EX ttl) can implement it
// for several.
type Deduper interface {
	// FirstSeen records key and reports whether it was new, that is not
	// recorded within the store's time-to-live.
	FirstSeen(ctx context.Context, key string) (bool, error)
}

// Defaults for NewMemoryDeduper. Slack's last retry comes about five
// minutes after the first delivery, so an hour leaves a wide margin.
const (
	DefaultDedupSize = 10000
	DefaultDedupTTL  = time.Hour
)

// MemoryDeduper is a Deduper that keeps at most size keys, each for ttl, in
// memory. When full it forgets the oldest key first. It is safe for
// concurrent use.
type MemoryDeduper struct {
	cache *lru.Cache[struct{}]
}

var _ Deduper = (*MemoryDeduper)(nil)

// NewMemoryDeduper returns a MemoryDeduper. size <= 0 means
// DefaultDedupSize and ttl <= 0 means DefaultDedupTTL.
func NewMemoryDeduper(size int, ttl time.Duration) *MemoryDeduper {
	if size <= 0 {
		size = DefaultDedupSize
	}
	if ttl <= 0 {
		ttl = DefaultDedupTTL
	}
	return &MemoryDeduper{cache: lru.NewTTL[struct{}](size, ttl, time.Now)}
}

// FirstSeen implements Deduper. It never returns an error.
func (d *MemoryDeduper) FirstSeen(_ context.Context, key string) (bool, error) {
	return d.cache.AddIfAbsent(key, struct{}{}), nil
}
