package sharedstate

import (
	"context"
	"time"
)

// ThreadFollower remembers conversation threads. It is the shape of
// slack.ThreadMemory; slack.MemoryThreads is the usual local fallback.
type ThreadFollower interface {
	Follow(ctx context.Context, key string) error
	Follows(ctx context.Context, key string) (bool, error)
}

// DefaultThreadTTL is how long a thread the bot answered in keeps taking
// follow-ups without a mention.
const DefaultThreadTTL = 7 * 24 * time.Hour

// Threads is a ThreadFollower in Redis (SET key EX ttl, EXISTS key), so
// that a follow-up in a Slack thread is answered whichever replica Slack
// sends it to. While Redis is down it uses local, this replica's own
// memory.
type Threads struct {
	s     *Store
	ttl   time.Duration
	local ThreadFollower
}

// NewThreads returns a Threads that remembers a thread for ttl (0 means
// DefaultThreadTTL) after the bot's last answer in it.
func NewThreads(s *Store, ttl time.Duration, local ThreadFollower) *Threads {
	if ttl <= 0 {
		ttl = DefaultThreadTTL
	}
	return &Threads{s: s, ttl: ttl, local: local}
}

// Follow implements slack.ThreadMemory. The local memory records the
// thread too, so that it still counts if Redis goes down later.
func (t *Threads) Follow(ctx context.Context, key string) error {
	t.local.Follow(ctx, key)
	t.s.do(ctx, "threads", func(ctx context.Context) error {
		return t.s.rdb.Set(ctx, t.s.key("thread", key), 1, t.ttl).Err()
	})
	return nil
}

// Follows implements slack.ThreadMemory.
func (t *Threads) Follows(ctx context.Context, key string) (bool, error) {
	var n int64
	if t.s.do(ctx, "threads", func(ctx context.Context) error {
		var err error
		n, err = t.s.rdb.Exists(ctx, t.s.key("thread", key)).Result()
		return err
	}) {
		return n > 0, nil
	}
	return t.local.Follows(ctx, key)
}
