package web

import (
	"fmt"
	"testing"
	"time"
)

func TestClientLimiterForgetsIdleClients(t *testing.T) {
	c := newClientLimiter(Rate{Burst: 1, Every: time.Minute})
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < 3000; i++ {
		if _, ok := c.allow(fmt.Sprintf("10.0.%d.%d", i/256, i%256), now); !ok {
			t.Fatalf("client %d refused its first question", i)
		}
	}
	// Each client has used its one question, so none is idle yet: the map
	// holds them all.
	if len(c.m) != 3000 {
		t.Fatalf("got %d buckets, want 3000", len(c.m))
	}
	later := now.Add(time.Hour)
	if _, ok := c.allow("192.0.2.1", later); !ok {
		t.Fatal("new client refused")
	}
	if len(c.m) > c.sweep || len(c.m) > 1 {
		t.Errorf("after every bucket refilled: %d buckets kept, want only the new client", len(c.m))
	}
	wait, ok := c.allow("192.0.2.1", later)
	if ok || wait < time.Second || wait > time.Minute {
		t.Errorf("second question: ok %v, wait %v; want refused with a wait up to a minute", ok, wait)
	}
}
