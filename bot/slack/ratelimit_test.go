package slack

import (
	"testing"
	"time"
)

func TestUserLimiter(t *testing.T) {
	clock := newFakeClock()
	l := newUserLimiter(2, time.Minute, clock.now)
	steps := []struct {
		advance  time.Duration
		user     string
		want     bool
		wantWait time.Duration
	}{
		{0, "U1", true, 0},
		{0, "U1", true, 0},
		{0, "U1", false, 30 * time.Second}, // one token refills every 30 s
		{0, "U2", true, 0},                 // users are independent
		{10 * time.Second, "U1", false, 20 * time.Second},
		{20 * time.Second, "U1", true, 0},
		{0, "U1", false, 30 * time.Second},
	}
	for i, s := range steps {
		clock.advance(s.advance)
		ok, wait := l.allow(s.user)
		if ok != s.want || wait.Round(time.Millisecond) != s.wantWait {
			t.Errorf("step %d allow(%s): got %v, %v; want %v, %v", i, s.user, ok, wait, s.want, s.wantWait)
		}
	}
}

func TestUserLimiterOffAndPruned(t *testing.T) {
	if l := newUserLimiter(0, time.Minute, time.Now); l != nil {
		t.Fatal("a zero limit built a limiter")
	}
	var off *userLimiter
	if ok, _ := off.allow("U1"); !ok {
		t.Error("nil limiter refused")
	}
	clock := newFakeClock()
	l := newUserLimiter(1, time.Second, clock.now)
	for i := range 10000 {
		l.allow(string(rune('a'+i%26)) + string(rune(i)))
	}
	clock.advance(time.Second)
	l.allow("new")
	if got := l.k.Len(); got > 1 {
		t.Errorf("got %d buckets after all refilled, want the refilled ones pruned", got)
	}
}
