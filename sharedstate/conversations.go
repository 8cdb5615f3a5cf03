package sharedstate

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/citebot/citebot/retrieval/conversation"
)

// Conversations is a conversation.Store in Redis: each
// conversation is a list of JSON turns, capped at MaxTurns and expiring
// TTL after its last turn, so that a follow-up answered by another replica
// still reads the turns before it.
type Conversations struct {
	s     *Store
	opts  conversation.Options
	local conversation.Store
}

var _ conversation.Store = (*Conversations)(nil)

// NewConversations returns a Redis conversation store bounded by opts
// (zero values use retrieval's defaults; MaxConversations is left to
// Redis's own memory policy, since each conversation expires). local
// serves while Redis is unavailable.
func NewConversations(s *Store, opts conversation.Options, local conversation.Store) *Conversations {
	if opts.TTL <= 0 {
		opts.TTL = conversation.DefaultTTL
	}
	if opts.MaxTurns <= 0 {
		opts.MaxTurns = conversation.DefaultMaxTurns
	}
	if local == nil {
		local = conversation.NewMemory(opts)
	}
	return &Conversations{s: s, opts: opts, local: local}
}

// Recent returns the conversation's turns, oldest first.
func (c *Conversations) Recent(ctx context.Context, id string) ([]conversation.Turn, error) {
	var raw []string
	ok := c.s.do(ctx, "conversations", func(ctx context.Context) error {
		var err error
		raw, err = c.s.rdb.LRange(ctx, c.s.key("conv", id), 0, -1).Result()
		return err
	})
	if !ok {
		return c.local.Recent(ctx, id)
	}
	turns := make([]conversation.Turn, 0, len(raw))
	for _, r := range raw {
		var t conversation.Turn
		if err := json.Unmarshal([]byte(r), &t); err != nil {
			// A turn written by another version is skipped, not fatal:
			// the follow-up is then read on its own.
			c.s.log.Warn("redis: unreadable conversation turn skipped", "conversation", id, "err", err)
			continue
		}
		turns = append(turns, t)
	}
	return turns, nil
}

// Add appends t and renews the conversation's expiry, in one transaction.
func (c *Conversations) Add(ctx context.Context, id string, t conversation.Turn) error {
	if t.At.IsZero() {
		t.At = time.Now()
	}
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("conversation %s: %w", id, err)
	}
	key := c.s.key("conv", id)
	ok := c.s.do(ctx, "conversations", func(ctx context.Context) error {
		_, err := c.s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.RPush(ctx, key, b)
			p.LTrim(ctx, key, int64(-c.opts.MaxTurns), -1)
			p.PExpire(ctx, key, c.opts.TTL)
			return nil
		})
		return err
	})
	if !ok {
		return c.local.Add(ctx, id, t)
	}
	return nil
}
