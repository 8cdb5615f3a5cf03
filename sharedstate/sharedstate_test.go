package sharedstate_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot/bot/slack"
	"github.com/citebot/citebot/internal/scaletest"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/sharedstate"
)

var (
	_ slack.Deduper      = (*sharedstate.Deduper)(nil)
	_ slack.ThreadMemory = (*sharedstate.Threads)(nil)
	_ conversation.Store = (*sharedstate.Conversations)(nil)
)

// replicas opens two Stores on one Redis, as two citebot processes would.
func replicas(t *testing.T, url string, fallbacks *atomic.Int64) (a, b *sharedstate.Store) {
	t.Helper()
	open := func() *sharedstate.Store {
		s, err := sharedstate.New(url, sharedstate.Options{
			Prefix:     t.Name() + ":",
			Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
			OnFallback: func(string) { fallbacks.Add(1) },
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b = open(), open()
	if err := a.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestSharedState(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	rd := scaletest.StartRedis(t)
	ctx := context.Background()

	t.Run("dedup across replicas", func(t *testing.T) {
		var fb atomic.Int64
		a, b := replicas(t, rd.URL, &fb)
		da := sharedstate.NewDeduper(a, time.Minute, slack.NewMemoryDeduper(0, 0))
		db := sharedstate.NewDeduper(b, time.Minute, slack.NewMemoryDeduper(0, 0))
		// Ten deliveries of one event, racing on two replicas: one wins.
		var wg sync.WaitGroup
		var firsts atomic.Int64
		for i := range 10 {
			d := da
			if i%2 == 1 {
				d = db
			}
			wg.Go(func() {
				ok, err := d.FirstSeen(ctx, "event:Ev1")
				if err != nil {
					t.Error(err)
				}
				if ok {
					firsts.Add(1)
				}
			})
		}
		wg.Wait()
		if got := firsts.Load(); got != 1 {
			t.Errorf("got %d first deliveries, want 1", got)
		}
		if ok, _ := db.FirstSeen(ctx, "event:Ev2"); !ok {
			t.Error("a new event was taken for a repeat")
		}
		if fb.Load() != 0 {
			t.Errorf("%d fallbacks with Redis up", fb.Load())
		}
	})

	t.Run("conversation continues on the other replica", func(t *testing.T) {
		var fb atomic.Int64
		a, b := replicas(t, rd.URL, &fb)
		ca := sharedstate.NewConversations(a, conversation.Options{MaxTurns: 2}, nil)
		cb := sharedstate.NewConversations(b, conversation.Options{MaxTurns: 2}, nil)
		for i, q := range []string{"first?", "second?", "third?"} {
			c := ca
			if i == 1 {
				c = cb
			}
			if err := c.Add(ctx, "C1/1.0", conversation.Turn{Question: q, Answer: "a " + q, Answered: true}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := cb.Recent(ctx, "C1/1.0")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Question != "second?" || got[1].Question != "third?" || !got[1].Answered || got[1].At.IsZero() {
			t.Errorf("got %+v, want the last two turns, oldest first", got)
		}
		if none, _ := ca.Recent(ctx, "unknown"); len(none) != 0 {
			t.Errorf("unknown conversation: got %+v", none)
		}
	})

	t.Run("conversation expires", func(t *testing.T) {
		var fb atomic.Int64
		a, _ := replicas(t, rd.URL, &fb)
		c := sharedstate.NewConversations(a, conversation.Options{TTL: 50 * time.Millisecond}, nil)
		if err := c.Add(ctx, "short", conversation.Turn{Question: "q?"}); err != nil {
			t.Fatal(err)
		}
		// Redis expires the key itself; poll until it has (bounded).
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, _ := c.Recent(ctx, "short")
			if len(got) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("conversation still there after its TTL: %+v", got)
			}
			runtimePoll()
		}
	})

	t.Run("rate limit shared by replicas", func(t *testing.T) {
		var fb atomic.Int64
		a, b := replicas(t, rd.URL, &fb)
		la, err := sharedstate.NewLimiter(a, "user", 3, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		lb, _ := sharedstate.NewLimiter(b, "user", 3, time.Hour)
		var got []sharedstate.Decision
		for i := range 5 {
			l := la
			if i%2 == 1 {
				l = lb
			}
			got = append(got, l.Take(ctx, "U1"))
		}
		want := []struct{ ok, warn bool }{{true, false}, {true, false}, {true, false}, {false, true}, {false, false}}
		for i, w := range want {
			if got[i].OK != w.ok || got[i].Warn != w.warn {
				t.Errorf("question %d: got %+v, want ok %v warn %v", i+1, got[i], w.ok, w.warn)
			}
		}
		if w := got[3].Wait; w <= 0 || w > time.Hour {
			t.Errorf("wait %v, want within the refill interval", w)
		}
		if d := la.Take(ctx, "U2"); !d.OK {
			t.Errorf("another user was limited: %+v", d)
		}
		if _, err := sharedstate.NewLimiter(a, "x", 0, time.Second); err == nil {
			t.Error("a zero burst was accepted")
		}
	})

	t.Run("threads across replicas", func(t *testing.T) {
		var fb atomic.Int64
		a, b := replicas(t, rd.URL, &fb)
		ta := sharedstate.NewThreads(a, time.Minute, slack.NewMemoryThreads(0, 0))
		tb := sharedstate.NewThreads(b, time.Minute, slack.NewMemoryThreads(0, 0))
		if ok, err := tb.Follows(ctx, "C1/1.1"); ok || err != nil {
			t.Errorf("before any answer: got %v, %v; want false, nil", ok, err)
		}
		if err := ta.Follow(ctx, "C1/1.1"); err != nil {
			t.Fatal(err)
		}
		if ok, err := tb.Follows(ctx, "C1/1.1"); !ok || err != nil {
			t.Errorf("on the other replica: got %v, %v; want true, nil", ok, err)
		}
		if ok, _ := tb.Follows(ctx, "C1/2.2"); ok {
			t.Error("another thread is followed")
		}
		if fb.Load() != 0 {
			t.Errorf("%d fallbacks with Redis up", fb.Load())
		}
	})

	t.Run("redis down falls back to local state", func(t *testing.T) {
		var fb atomic.Int64
		a, _ := replicas(t, rd.URL, &fb)
		d := sharedstate.NewDeduper(a, time.Minute, slack.NewMemoryDeduper(0, 0))
		c := sharedstate.NewConversations(a, conversation.Options{}, nil)
		l, _ := sharedstate.NewLimiter(a, "down", 1, time.Hour)
		th := sharedstate.NewThreads(a, time.Minute, slack.NewMemoryThreads(0, 0))
		th.Follow(ctx, "C1/9.9") // while Redis is up: kept locally too

		rd.Kill()
		if ok, err := d.FirstSeen(ctx, "event:Down1"); !ok || err != nil {
			t.Errorf("first delivery with Redis down: got %v, %v; want true, nil", ok, err)
		}
		if ok, _ := d.FirstSeen(ctx, "event:Down1"); ok {
			t.Error("repeat with Redis down was not caught locally")
		}
		if err := c.Add(ctx, "D/1", conversation.Turn{Question: "q?"}); err != nil {
			t.Errorf("Add with Redis down: %v", err)
		}
		if got, err := c.Recent(ctx, "D/1"); err != nil || len(got) != 1 {
			t.Errorf("Recent with Redis down: %+v, %v; want the turn kept locally", got, err)
		}
		if !l.Take(ctx, "U").OK || l.Take(ctx, "U").OK {
			t.Error("local rate limit does not hold while Redis is down")
		}
		if ok, err := th.Follows(ctx, "C1/9.9"); !ok || err != nil {
			t.Errorf("thread followed before Redis went down: got %v, %v; want true, nil", ok, err)
		}
		th.Follow(ctx, "C1/8.8")
		if ok, _ := th.Follows(ctx, "C1/8.8"); !ok {
			t.Error("thread followed while Redis is down is forgotten")
		}
		if fb.Load() < 9 {
			t.Errorf("%d fallbacks counted, want one per call (9)", fb.Load())
		}
		rd.Restart(t)
	})
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "http://127.0.0.1:6379", "redis://127.0.0.1:6379/notanumber"} {
		if _, err := sharedstate.New(u, sharedstate.Options{}); err == nil {
			t.Errorf("New(%q): no error", u)
		}
	}
}

// runtimePoll yields briefly between polls of Redis's expiry.
func runtimePoll() { <-time.After(10 * time.Millisecond) }
