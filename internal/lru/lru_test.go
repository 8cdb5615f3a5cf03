package lru

import (
	"testing"
	"time"
)

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c := New[int](3)
	for i, k := range []string{"a", "b", "c"} {
		c.Put(k, i)
	}
	c.Get("a") // a is now the most recently used
	c.Put("d", 3)
	for _, tt := range []struct {
		key  string
		want bool
	}{{"a", true}, {"b", false}, {"c", true}, {"d", true}} {
		if _, ok := c.Get(tt.key); ok != tt.want {
			t.Errorf("Get(%q): got present=%v, want %v", tt.key, ok, tt.want)
		}
	}
	if n := c.Len(); n != 3 {
		t.Errorf("got %d values, want 3", n)
	}
	c.Clear()
	if n := c.Len(); n != 0 {
		t.Errorf("after Clear: got %d values, want 0", n)
	}
}

func TestTTL(t *testing.T) {
	now := time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC)
	c := NewTTL[int](2, time.Minute, func() time.Time { return now })
	c.Put("a", 1)
	now = now.Add(50 * time.Second)
	c.Put("a", 2) // refreshes the expiry too
	now = now.Add(50 * time.Second)
	if v, ok := c.Get("a"); !ok || v != 2 {
		t.Errorf("Get(a): got %d, %v; want 2, true", v, ok)
	}
	now = now.Add(10 * time.Second)
	if _, ok := c.Get("a"); ok {
		t.Error("Get(a) at its expiry: still there")
	}
	if n := c.Len(); n != 0 {
		t.Errorf("got %d values after expiry, want 0", n)
	}
}

func TestAddIfAbsent(t *testing.T) {
	now := time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC)
	c := NewTTL[struct{}](2, time.Minute, func() time.Time { return now })
	steps := []struct {
		advance time.Duration
		key     string
		want    bool
	}{
		{0, "a", true},
		{0, "a", false},
		{30 * time.Second, "b", true},
		{31 * time.Second, "a", true}, // a expired
		{0, "b", false},
		{0, "c", true}, // evicts the least recently used, b
		{0, "b", true},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := c.AddIfAbsent(s.key, struct{}{}); got != s.want {
			t.Errorf("step %d AddIfAbsent(%q): got %v, want %v", i, s.key, got, s.want)
		}
	}
}
