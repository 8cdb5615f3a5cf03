package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/lru"
	"github.com/citebot/citebot/metrics"
)

// answerCache keeps recent answers to standalone questions (no
// conversation), keyed by the question with its whitespace collapsed. The
// engine is deterministic for such a question over a fixed index, so a hit
// returns exactly what the engine would. The cache belongs to one answerer
// and corpus and is dropped when SetAnswerer or SetDocuments installs
// another; entries also expire after a TTL, which bounds how stale an
// answer can be when the index changes behind the server's back (a shared
// Weaviate index that another process re-ingests). Case and punctuation are
// kept in the key because the engine reads them (capitalised words mark
// names).
type answerCache struct {
	box     *answererBox
	answers *lru.Cache[citebot.Answer]
	rec     metrics.Recorder
}

// newAnswerCache returns a cache of size answers, each kept for ttl; now
// reads the clock, nil meaning time.Now.
func newAnswerCache(box *answererBox, size int, ttl time.Duration, rec metrics.Recorder, now func() time.Time) *answerCache {
	return &answerCache{box: box, answers: lru.NewTTL[citebot.Answer](size, ttl, now), rec: rec}
}

func cacheKey(q string) string { return strings.Join(strings.Fields(q), " ") }

func (c *answerCache) get(key string) (citebot.Answer, bool) {
	ans, ok := c.answers.Get(key)
	c.rec.CacheLookup(ok)
	return ans, ok
}

func (c *answerCache) put(key string, ans citebot.Answer) { c.answers.Put(key, ans) }

func (c *answerCache) len() int { return c.answers.Len() }

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
		if s.cache.CompareAndSwap(c, newAnswerCache(box, s.opts.CacheSize, s.opts.CacheTTL, s.opts.Observer.Recorder(), nil)) {
			continue
		}
	}
}

// cacheHeader is the response header that says how the answer cache served
// a question: hit, miss, or bypass (asked with Cache-Control: no-cache, or
// not cacheable: in a conversation, or with the cache off).
const cacheHeader = "X-Cache"

// bypassCache reports whether a request asks not to be answered from the
// cache, with Cache-Control: no-cache or no-store as in HTTP caching, so
// that a load test can measure the engine itself.
func bypassCache(r *http.Request) bool {
	for _, v := range r.Header.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			switch strings.ToLower(strings.TrimSpace(d)) {
			case "no-cache", "no-store":
				return true
			}
		}
	}
	return false
}

// cached answers q from the cache when it can. It returns the cache to
// store a fresh answer in (nil for none) and its key.
func (s *Server) cached(ctx context.Context, w http.ResponseWriter, r *http.Request, box *answererBox, q citebot.Question) (c *answerCache, key string, ans citebot.Answer, hit bool) {
	if q.ConversationID != "" || bypassCache(r) {
		w.Header().Set(cacheHeader, "bypass")
		return nil, "", ans, false
	}
	if c = s.cacheFor(box); c == nil {
		w.Header().Set(cacheHeader, "bypass")
		return nil, "", ans, false
	}
	start := time.Now()
	key = cacheKey(q.Text)
	if ans, hit = c.get(key); hit {
		ans.Question = q.Text
		s.opts.Observer.Cached(ctx, "web", q, ans, time.Since(start))
		w.Header().Set(cacheHeader, "hit")
		return c, key, ans, true
	}
	w.Header().Set(cacheHeader, "miss")
	return c, key, ans, false
}

// keep stores a fresh answer in c when it is final and complete: answered
// or refused by the corpus, with no note and not cut short. Errors, model
// fallbacks (including refusals made while the model was down) and cut
// answers are not kept, since asking again may do better.
func (s *Server) keep(c *answerCache, key string, ans citebot.Answer, err error) {
	if c == nil || err != nil || ans.Note != "" || ans.Truncated {
		return
	}
	if o := s.opts.Observer.Outcome(ans, nil); o == metrics.Answered || o == metrics.Refused {
		c.put(key, ans)
	}
}

// answer answers q with box's answerer through the cache and the
// Observer.
func (s *Server) answer(ctx context.Context, w http.ResponseWriter, r *http.Request, box *answererBox, q citebot.Question) (citebot.Answer, error) {
	c, key, ans, hit := s.cached(ctx, w, r, box, q)
	if hit {
		return ans, nil
	}
	ans, err := s.opts.Observer.Answer(ctx, box.a, "web", q)
	s.keep(c, key, ans, err)
	return ans, err
}
