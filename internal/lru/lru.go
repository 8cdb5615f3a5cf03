// Package lru is a small least-recently-used cache, safe for concurrent
// use, for the caches that must stay bounded: question vectors, word sets,
// spelling variants.
package lru

import (
	"container/list"
	"sync"
)

// Cache holds at most its capacity of values by key, dropping the least
// recently used first.
type Cache[V any] struct {
	mu    sync.Mutex
	cap   int
	order *list.List
	items map[string]*list.Element
}

type entry[V any] struct {
	key string
	val V
}

// New returns an empty cache that holds at most capacity values.
func New[V any](capacity int) *Cache[V] {
	return &Cache[V]{cap: capacity, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the value for key and marks it as recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry[V]).val, true
}

// Put stores val under key, dropping the least recently used value when
// the cache is full.
func (c *Cache[V]) Put(key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*entry[V]).val = val
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&entry[V]{key: key, val: val})
	for c.order.Len() > c.cap {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*entry[V]).key)
	}
}

// Clear empties the cache.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}
