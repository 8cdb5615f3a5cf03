package web

import (
	"fmt"
	"testing"

	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

func TestAnswerCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newAnswerCache(nil, 3, metrics.Nop{})
	for i := 0; i < 3; i++ {
		c.put(fmt.Sprint(i), retrieval.Answer{Text: fmt.Sprint(i)})
	}
	c.get("0") // 0 is now the most recently used
	c.put("3", retrieval.Answer{Text: "3"})
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
