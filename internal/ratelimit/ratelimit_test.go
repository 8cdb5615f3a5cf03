package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

func TestTakeWaitsAndWarnsOnce(t *testing.T) {
	k := New(2, 30*time.Second)
	now := time.Unix(1_700_000_000, 0)
	steps := []struct {
		advance time.Duration
		key     string
		want    Decision
	}{
		{0, "a", Decision{OK: true}},
		{0, "a", Decision{OK: true}},
		{0, "a", Decision{Wait: 30 * time.Second, Warn: true}},
		{0, "a", Decision{Wait: 30 * time.Second}}, // warned once already
		{0, "b", Decision{OK: true}},               // keys are independent
		{10 * time.Second, "a", Decision{Wait: 20 * time.Second}},
		{20 * time.Second, "a", Decision{OK: true}},
		{0, "a", Decision{Wait: 30 * time.Second, Warn: true}}, // a new streak
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		got := k.Take(s.key, now)
		got.Wait = got.Wait.Round(time.Millisecond)
		if got != s.want {
			t.Errorf("step %d Take(%s): got %+v, want %+v", i, s.key, got, s.want)
		}
	}
}

func TestForgetsFullBuckets(t *testing.T) {
	k := New(1, time.Minute)
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < 3000; i++ {
		if d := k.Take(fmt.Sprintf("10.0.%d.%d", i/256, i%256), now); !d.OK {
			t.Fatalf("client %d refused its first question", i)
		}
	}
	// Each client has used its one question, so none is idle yet: the map
	// holds them all.
	if n := k.Len(); n != 3000 {
		t.Fatalf("got %d buckets, want 3000", n)
	}
	later := now.Add(time.Hour)
	if d := k.Take("192.0.2.1", later); !d.OK {
		t.Fatal("new client refused")
	}
	if n := k.Len(); n != 1 {
		t.Errorf("after every bucket refilled: %d buckets kept, want only the new client", n)
	}
	if d := k.Take("192.0.2.1", later); d.OK || d.Wait != time.Minute {
		t.Errorf("second question: got %+v, want refused with a wait of a minute", d)
	}
}
