package slack

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot/internal/lru"
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
	d := &MemoryDeduper{cache: lru.NewTTL[struct{}](3, time.Minute, clock.now)}
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
	if got := d.cache.Len(); got > 3 {
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
