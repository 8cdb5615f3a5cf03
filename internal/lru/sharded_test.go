package lru

import (
	"fmt"
	"sync"
	"testing"
)

func TestSharded(t *testing.T) {
	s := NewSharded[int](64, 8)
	for i := range 64 {
		s.Put(fmt.Sprint(i), i)
	}
	if got := s.Len(); got == 0 || got > 64 {
		t.Fatalf("Len = %d after 64 puts into 64 places, want 1..64", got)
	}
	for i := range 1000 {
		s.Put(fmt.Sprint(i), i)
	}
	if got := s.Len(); got > 64 {
		t.Errorf("Len = %d, want at most the capacity 64", got)
	}
	s.Put("k", 7)
	if got, ok := s.Get("k"); !ok || got != 7 {
		t.Errorf("Get(k) = %d, %v, want 7, true", got, ok)
	}
	if _, ok := s.Get("absent"); ok {
		t.Errorf("Get(absent) found a value")
	}
	s.Clear()
	if got := s.Len(); got != 0 {
		t.Errorf("Len after Clear = %d, want 0", got)
	}
	if got := NewSharded[int](0, 0).shards; len(got) != 1 || got[0].cap != 1 {
		t.Errorf("NewSharded(0, 0): %d shards, want 1 of capacity 1", len(got))
	}
}

func TestShardedConcurrent(t *testing.T) {
	s := NewSharded[int](128, 16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprint((g * i) % 300)
				s.Put(k, i)
				s.Get(k)
			}
		})
	}
	wg.Wait()
	if got := s.Len(); got > 128 {
		t.Errorf("Len = %d, want at most 128", got)
	}
}
