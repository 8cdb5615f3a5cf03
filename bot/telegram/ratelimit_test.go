package telegram

import (
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiter(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := newLimiter(Rate{Burst: 2, Every: 10 * time.Second}, clock.now)
	type step struct {
		advance  time.Duration
		chat     int64
		ok, warn bool
	}
	steps := []step{
		{0, 1, true, false},
		{0, 1, true, false},
		{0, 1, false, true},  // over: told once
		{0, 1, false, false}, // then ignored
		{0, 2, true, false},  // other chats unaffected
		{5 * time.Second, 1, false, false},
		{5 * time.Second, 1, true, false}, // one token earned back
		{0, 1, false, true},               // and a new episode warns again
		{time.Hour, 1, true, false},
		{0, 1, true, false}, // the bucket refills only up to Burst
		{0, 1, false, true},
	}
	for i, s := range steps {
		clock.advance(s.advance)
		ok, warn := l.allow(s.chat)
		if ok != s.ok || warn != s.warn {
			t.Fatalf("step %d: allow(%d) = %v, %v; want %v, %v", i, s.chat, ok, warn, s.ok, s.warn)
		}
	}
}

func TestLimiterDefaultsAndOff(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	l := newLimiter(Rate{}, clock.now)
	for i := 0; i < 4; i++ {
		if ok, _ := l.allow(7); !ok {
			t.Fatalf("question %d refused; the default burst is 4", i+1)
		}
	}
	if ok, _ := l.allow(7); ok {
		t.Fatal("fifth question allowed at once; want the default limit")
	}
	off := newLimiter(Rate{Burst: -1}, clock.now)
	for i := 0; i < 100; i++ {
		if ok, warn := off.allow(7); !ok || warn {
			t.Fatal("a negative Burst must turn the limit off")
		}
	}
}

func TestLimiterForgetsIdleChats(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	l := newLimiter(Rate{Burst: 1, Every: time.Second}, clock.now)
	for chat := int64(0); chat < 10000; chat++ {
		l.allow(chat)
	}
	clock.advance(time.Minute)
	l.allow(-1) // triggers pruning of the now-full buckets
	if n := l.k.Len(); n != 1 {
		t.Fatalf("%d buckets kept, want 1", n)
	}
}
