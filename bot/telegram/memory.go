package telegram

import "sync"

// recent is a map that remembers only its newest entries: past its size
// the oldest is forgotten. The adapter uses it for what it must remember
// about past messages (which answer a feedback button belongs to, which
// conversation a reply continues, which updates were already handled)
// without growing forever. It is safe for concurrent use.
type recent[K comparable, V any] struct {
	mu    sync.Mutex
	m     map[K]V
	order []K // ring buffer of keys, oldest at next
	next  int
}

func newRecent[K comparable, V any](size int) *recent[K, V] {
	size = max(size, 1)
	return &recent[K, V]{m: make(map[K]V, size), order: make([]K, 0, size)}
}

// get returns the value stored for k.
func (c *recent[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// put stores v for k, forgetting the oldest entry if the map is full.
func (c *recent[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(k, v)
}

// add stores v for k unless k is present, and reports whether it stored.
func (c *recent[K, V]) add(k K, v V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return false
	}
	c.putLocked(k, v)
	return true
}

func (c *recent[K, V]) putLocked(k K, v V) {
	if _, ok := c.m[k]; ok {
		c.m[k] = v
		return
	}
	if len(c.order) < cap(c.order) {
		c.order = append(c.order, k)
	} else {
		delete(c.m, c.order[c.next])
		c.order[c.next] = k
		c.next = (c.next + 1) % len(c.order)
	}
	c.m[k] = v
}
