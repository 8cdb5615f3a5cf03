package slack

import (
	"container/list"
	"context"
	"sync"
	"time"
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
	cache *ttlCache[struct{}]
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
	return &MemoryDeduper{cache: newTTLCache[struct{}](size, ttl, time.Now)}
}

// FirstSeen implements Deduper. It never returns an error.
func (d *MemoryDeduper) FirstSeen(_ context.Context, key string) (bool, error) {
	return d.cache.addIfAbsent(key, struct{}{}), nil
}

// ttlCache is a bounded map whose entries expire ttl after they were set.
// Entries are kept in insertion order, which is also expiry order, so
// pruning only ever looks at the front.
type ttlCache[V any] struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *ttlEntry[V], oldest first
	items map[string]*list.Element
}

type ttlEntry[V any] struct {
	key     string
	value   V
	expires time.Time
}

func newTTLCache[V any](size int, ttl time.Duration, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{size: size, ttl: ttl, now: now, order: list.New(), items: make(map[string]*list.Element)}
}

// addIfAbsent stores value under key unless a live entry exists, and
// reports whether it stored it.
func (c *ttlCache[V]) addIfAbsent(key string, value V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.pruneLocked(now)
	if _, ok := c.items[key]; ok {
		return false
	}
	c.addLocked(key, value, now)
	return true
}

// set stores value under key, replacing any entry.
func (c *ttlCache[V]) set(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.pruneLocked(now)
	if el, ok := c.items[key]; ok {
		c.removeLocked(el)
	}
	c.addLocked(key, value, now)
}

func (c *ttlCache[V]) addLocked(key string, value V, now time.Time) {
	c.items[key] = c.order.PushBack(&ttlEntry[V]{key: key, value: value, expires: now.Add(c.ttl)})
	for c.order.Len() > c.size {
		c.removeLocked(c.order.Front())
	}
}

// get returns the live value under key.
func (c *ttlCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked(c.now())
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	return el.Value.(*ttlEntry[V]).value, true
}

func (c *ttlCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *ttlCache[V]) pruneLocked(now time.Time) {
	for el := c.order.Front(); el != nil; el = c.order.Front() {
		if el.Value.(*ttlEntry[V]).expires.After(now) {
			return
		}
		c.removeLocked(el)
	}
}

func (c *ttlCache[V]) removeLocked(el *list.Element) {
	delete(c.items, el.Value.(*ttlEntry[V]).key)
	c.order.Remove(el)
}
