package lru

import "hash/maphash"

// Sharded is a cache split by key into Caches of its own, each with its
// own lock, for caches that many goroutines read at once: with one lock,
// every answer's reads of the engine's caches queued behind each other.
// Each shard drops its own least recently used values, so eviction is
// LRU within a shard and only roughly LRU across them.
type Sharded[V any] struct {
	seed   maphash.Seed
	shards []*Cache[V]
}

// NewSharded returns an empty cache of shards shards that holds about
// capacity values in all (at least one per shard).
func NewSharded[V any](capacity, shards int) *Sharded[V] {
	shards = max(shards, 1)
	s := &Sharded[V]{seed: maphash.MakeSeed(), shards: make([]*Cache[V], shards)}
	for i := range s.shards {
		s.shards[i] = New[V](max((capacity+shards-1)/shards, 1))
	}
	return s
}

func (s *Sharded[V]) shard(key string) *Cache[V] {
	return s.shards[maphash.String(s.seed, key)%uint64(len(s.shards))]
}

// Get returns the value for key and marks it as recently used.
func (s *Sharded[V]) Get(key string) (V, bool) { return s.shard(key).Get(key) }

// Put stores val under key.
func (s *Sharded[V]) Put(key string, val V) { s.shard(key).Put(key, val) }

// Len is the number of values held.
func (s *Sharded[V]) Len() int {
	n := 0
	for _, c := range s.shards {
		n += c.Len()
	}
	return n
}

// Clear empties the cache.
func (s *Sharded[V]) Clear() {
	for _, c := range s.shards {
		c.Clear()
	}
}
