package web

import (
	"fmt"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/metrics"
)

func TestAnswerCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newAnswerCache(nil, 3, time.Hour, metrics.Nop{}, nil)
	for i := 0; i < 3; i++ {
		c.put(fmt.Sprint(i), citebot.Answer{Text: fmt.Sprint(i)})
	}
	c.get("0") // 0 is now the most recently used
	c.put("3", citebot.Answer{Text: "3"})
	if _, ok := c.get("1"); ok {
		t.Error("1 should have been evicted as least recently used")
	}
	for _, k := range []string{"0", "2", "3"} {
		if a, ok := c.get(k); !ok || a.Text != k {
			t.Errorf("get(%s) = %v %v", k, a, ok)
		}
	}
	if n := c.len(); n != 3 {
		t.Errorf("len %d, want 3", n)
	}
	if got := cacheKey("  a \t b\n"); got != "a b" {
		t.Errorf("cacheKey: got %q", got)
	}
}

func TestAnswerCacheExpires(t *testing.T) {
	now := time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC)
	c := newAnswerCache(nil, 3, time.Minute, metrics.Nop{}, func() time.Time { return now })
	c.put("q", citebot.Answer{Text: "a"})
	now = now.Add(59 * time.Second)
	if _, ok := c.get("q"); !ok {
		t.Error("got a miss before the TTL, want a hit")
	}
	now = now.Add(time.Second)
	if _, ok := c.get("q"); ok {
		t.Error("got a hit at the TTL, want the answer expired")
	}
	if n := c.len(); n != 0 {
		t.Errorf("len %d after expiry, want 0", n)
	}
}
