package slack

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable time source.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMemoryDeduper(t *testing.T) {
	clock := newFakeClock()
	d := NewMemoryDeduper(3, time.Minute)
	d.cache.now = clock.now
	ctx := context.Background()
	seen := func(key string) bool {
		ok, err := d.FirstSeen(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	steps := []struct {
		advance time.Duration
		key     string
		want    bool
	}{
		{0, "a", true},
		{0, "a", false}, // a retry
		{30 * time.Second, "a", false},
		{31 * time.Second, "a", true}, // expired after a minute
		{0, "b", true},
		{0, "c", true},
		{0, "d", true},  // evicts a, the oldest
		{0, "a", true},  // so a is new again
		{0, "d", false}, // d is still there
	}
	for i, s := range steps {
		clock.advance(s.advance)
		if got := seen(s.key); got != s.want {
			t.Errorf("step %d FirstSeen(%q): got %v, want %v", i, s.key, got, s.want)
		}
	}
	if got := d.cache.len(); got > 3 {
		t.Errorf("got %d keys, want at most 3", got)
	}
}

func TestMemoryDeduperConcurrent(t *testing.T) {
	d := NewMemoryDeduper(0, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for i := range 64 {
		wg.Go(func() {
			ok, _ := d.FirstSeen(context.Background(), fmt.Sprint("k", i%8))
			if ok {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 8 {
		t.Errorf("got %d first sightings of 8 keys, want 8", firsts)
	}
}

func TestTTLCacheSetReplaces(t *testing.T) {
	clock := newFakeClock()
	c := newTTLCache[int](2, time.Minute, clock.now)
	c.set("a", 1)
	clock.advance(50 * time.Second)
	c.set("a", 2) // refreshes the expiry too
	clock.advance(50 * time.Second)
	if v, ok := c.get("a"); !ok || v != 2 {
		t.Errorf("get(a): got %d, %v; want 2, true", v, ok)
	}
	clock.advance(11 * time.Second)
	if _, ok := c.get("a"); ok {
		t.Error("get(a) after its TTL: still there")
	}
}
