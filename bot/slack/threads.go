package slack

import (
	"context"
	"strings"
	"time"

	"github.com/citebot/citebot/internal/lru"
)

// Follow-ups in channel threads: once the bot has answered in a thread,
// later messages there are questions to it, without a mention. Which
// threads those are is kept by a ThreadMemory: in this process's memory by
// default (after a restart a follow-up needs a mention again), or in a
// store that replicas share, such as Redis, so that a follow-up reaching
// another replica is answered too. A mention also renews the memory.

// ThreadMemory remembers the channel threads the bot answers in.
type ThreadMemory interface {
	// Follow records the thread key.
	Follow(ctx context.Context, key string) error
	// Follows reports whether key was recorded within the memory's
	// time-to-live.
	Follows(ctx context.Context, key string) (bool, error)
}

// Defaults for NewMemoryThreads.
const (
	DefaultThreadMemorySize = 10000
	DefaultThreadMemoryTTL  = 7 * 24 * time.Hour
)

// MemoryThreads is a ThreadMemory that keeps at most size threads, each
// for ttl, in memory, forgetting the oldest first. It is safe for
// concurrent use.
type MemoryThreads struct {
	cache *lru.Cache[struct{}]
}

var _ ThreadMemory = (*MemoryThreads)(nil)

// NewMemoryThreads returns a MemoryThreads. size <= 0 means
// DefaultThreadMemorySize and ttl <= 0 means DefaultThreadMemoryTTL.
func NewMemoryThreads(size int, ttl time.Duration) *MemoryThreads {
	if size <= 0 {
		size = DefaultThreadMemorySize
	}
	if ttl <= 0 {
		ttl = DefaultThreadMemoryTTL
	}
	return &MemoryThreads{cache: lru.NewTTL[struct{}](size, ttl, time.Now)}
}

// Follow implements ThreadMemory. It never returns an error.
func (m *MemoryThreads) Follow(_ context.Context, key string) error {
	m.cache.Put(key, struct{}{})
	return nil
}

// Follows implements ThreadMemory. It never returns an error.
func (m *MemoryThreads) Follows(_ context.Context, key string) (bool, error) {
	_, ok := m.cache.Get(key)
	return ok, nil
}

// Len reports how many threads m remembers.
func (m *MemoryThreads) Len() int { return m.cache.Len() }

func threadKey(channel, threadTS string) string { return channel + "/" + threadTS }

// followThread remembers that the bot answers in this channel thread.
func (a *Adapter) followThread(ctx context.Context, channel, threadTS string) {
	if err := a.threads.Follow(ctx, threadKey(channel, threadTS)); err != nil {
		a.log.Warn("slack: thread memory failed; follow-ups there will need a mention", "err", err)
	}
}

// followsThread reports whether the bot answered in this channel thread.
// When the memory fails it says no: the bot stays out of a conversation
// it cannot place rather than answering people talking to each other.
func (a *Adapter) followsThread(ctx context.Context, channel, threadTS string) bool {
	ok, err := a.threads.Follows(ctx, threadKey(channel, threadTS))
	if err != nil {
		a.log.Warn("slack: thread memory failed", "err", err)
		return false
	}
	return ok
}

// addressedElsewhere reports whether a thread message is meant for someone
// else: it mentions users, and the bot is not among them. Such a message
// is conversation between people, not a question to the bot.
func addressedElsewhere(text, botUser string) bool {
	mentions := false
	for _, m := range slackTokenRE.FindAllStringSubmatch(text, -1) {
		id, ok := strings.CutPrefix(m[1], "@")
		if !ok {
			continue
		}
		id, _, _ = strings.Cut(id, "|")
		if id == botUser {
			return false
		}
		mentions = true
	}
	return mentions
}

// mentionsUser reports whether text mentions user.
func mentionsUser(text, user string) bool {
	return user != "" && (strings.Contains(text, "<@"+user+">") || strings.Contains(text, "<@"+user+"|"))
}
