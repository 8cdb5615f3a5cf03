// Package lru is a small least-recently-used cache, safe for concurrent
// use, for the caches that must stay bounded: question vectors, word sets,
// spelling variants, answers and the chat adapters' recent events.
package lru

import (
	"container/list"
	"sync"
	"time"
)

// Cache holds at most its capacity of values by key, dropping the least
// recently used first. With a TTL, a value also expires that long after it
// was put.
type Cache[V any] struct {
	mu    sync.Mutex
	cap   int
	ttl   time.Duration // 0: values never expire
	now   func() time.Time
	order *list.List // front is most recently used
	items map[string]*list.Element
}

type entry[V any] struct {
	key     string
	val     V
	expires time.Time
}

// New returns an empty cache that holds at most capacity values.
func New[V any](capacity int) *Cache[V] {
	return NewTTL[V](capacity, 0, nil)
}

// NewTTL returns an empty cache that holds at most capacity values, each
// for ttl after it was put (0 means forever). now reads the clock; nil
// means time.Now.
func NewTTL[V any](capacity int, ttl time.Duration, now func() time.Time) *Cache[V] {
	if now == nil {
		now = time.Now
	}
	return &Cache[V]{cap: capacity, ttl: ttl, now: now, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the live value for key and marks it as recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.liveLocked(key)
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[V]).val, true
}

// Put stores val under key, replacing any value and its expiry, and drops
// the least recently used value when the cache is full.
func (c *Cache[V]) Put(key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, val)
}

// AddIfAbsent stores val under key unless a live value is there, and
// reports whether it stored it.
func (c *Cache[V]) AddIfAbsent(key string, val V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.liveLocked(key); ok {
		return false
	}
	c.putLocked(key, val)
	return true
}

// Len is the number of values held, expired ones not yet dropped
// included.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Clear empties the cache.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}

// liveLocked finds key's element, dropping it if it has expired.
func (c *Cache[V]) liveLocked(key string) (*list.Element, bool) {
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	if c.ttl > 0 && !c.now().Before(el.Value.(*entry[V]).expires) {
		c.removeLocked(el)
		return nil, false
	}
	return el, true
}

func (c *Cache[V]) putLocked(key string, val V) {
	var expires time.Time
	if c.ttl > 0 {
		expires = c.now().Add(c.ttl)
	}
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[V])
		e.val, e.expires = val, expires
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&entry[V]{key: key, val: val, expires: expires})
	for c.order.Len() > c.cap {
		c.removeLocked(c.order.Back())
	}
}

func (c *Cache[V]) removeLocked(el *list.Element) {
	c.order.Remove(el)
	delete(c.items, el.Value.(*entry[V]).key)
}
