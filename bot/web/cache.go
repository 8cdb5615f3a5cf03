package web

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

// answerCache keeps recent answers to standalone questions (no
// conversation), keyed by the question with its whitespace collapsed. The
// engine is deterministic for such a question, so a hit returns exactly
// what the engine would; the cache belongs to one answerer and is dropped
// when SetAnswerer installs another. Case and punctuation are kept in the
// key because the engine reads them (capitalised words mark names).
type answerCache struct {
	box *answererBox
	max int
	mu  sync.Mutex
	ll  *list.List // front is most recently used
	byQ map[string]*list.Element
	rec metrics.Recorder
}

type cacheEntry struct {
	key string
	ans retrieval.Answer
}

func newAnswerCache(box *answererBox, size int, rec metrics.Recorder) *answerCache {
	return &answerCache{box: box, max: size, ll: list.New(), byQ: map[string]*list.Element{}, rec: rec}
}

func cacheKey(q string) string { return strings.Join(strings.Fields(q), " ") }

func (c *answerCache) get(key string) (retrieval.Answer, bool) {
	c.mu.Lock()
	e, ok := c.byQ[key]
	var ans retrieval.Answer
	if ok {
		c.ll.MoveToFront(e)
		ans = e.Value.(*cacheEntry).ans
	}
	c.mu.Unlock()
	c.rec.CacheLookup(ok)
	return ans, ok
}

func (c *answerCache) put(key string, ans retrieval.Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byQ[key]; ok {
		e.Value.(*cacheEntry).ans = ans
		c.ll.MoveToFront(e)
		return
	}
	c.byQ[key] = c.ll.PushFront(&cacheEntry{key: key, ans: ans})
	if c.ll.Len() > c.max {
		old := c.ll.Remove(c.ll.Back()).(*cacheEntry)
		delete(c.byQ, old.key)
	}
}

func (c *answerCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// cacheFor returns the answer cache for box, or nil when caching is off or
// box has since been replaced.
func (s *Server) cacheFor(box *answererBox) *answerCache {
	if s.opts.CacheSize < 0 {
		return nil
	}
	for {
		c := s.cache.Load()
		if c != nil && c.box == box {
			return c
		}
		if s.ans.Load() != box {
			return nil
		}
		if s.cache.CompareAndSwap(c, newAnswerCache(box, s.opts.CacheSize, s.opts.Observer.Recorder())) {
			continue
		}
	}
}

// answer answers q with box's answerer through the cache and the
// Observer. Only answers that are final are cached: answered or refused,
// never errors or model fallbacks, which a retry may improve on.
func (s *Server) answer(ctx context.Context, box *answererBox, q retrieval.Question) (retrieval.Answer, error) {
	var c *answerCache
	var key string
	if q.ConversationID == "" {
		c = s.cacheFor(box)
	}
	if c != nil {
		start := time.Now()
		key = cacheKey(q.Text)
		if ans, ok := c.get(key); ok {
			ans.Question = q.Text
			s.opts.Observer.Cached(ctx, "web", q, ans, time.Since(start))
			return ans, nil
		}
	}
	ans, err := s.opts.Observer.Answer(ctx, box.a, "web", q)
	if c != nil && err == nil {
		if o := s.opts.Observer.Outcome(ans, nil); o == metrics.Answered || o == metrics.Refused {
			c.put(key, ans)
		}
	}
	return ans, err
}
