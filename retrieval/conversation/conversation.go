// Package conversation reads follow-up questions in the light of the ones
// before them: Rewriter makes "and Latvia?" stand on its own, and the
// Store interface the engine and the generator consume keeps the recent
// turns of each conversation (Memory in process; sharedstate implements
// it in Redis).
package conversation

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultTTL              = 30 * time.Minute
	DefaultMaxConversations = 10000
	DefaultMaxTurns         = 6
	DefaultMaxBytes         = 32 << 20
)

// MaxIDLen is the longest ConversationID, in bytes, that
// adapters pass on. Their own IDs ("slack:C0123/1700000000.123456",
// "telegram:-1001234567890:42") are far shorter; an HTTP client's is
// checked against it before the "web:" prefix is added.
const MaxIDLen = 128

// Turn is one question of a conversation and how it was answered.
type Turn struct {
	// Question is the text as the user typed it.
	Question string
	// Standalone is the question as it was answered: Question rewritten,
	// when it was a follow-up, to stand on its own.
	Standalone string
	// Answer is the answer's text, for context when rewriting the next
	// follow-up.
	Answer   string
	Answered bool
	At       time.Time
}

// Store keeps the recent turns of each conversation, so that a
// follow-up can be read in the light of the questions before it. The
// in-memory store serves one process; a shared store (such as Redis) lets
// replicas continue each other's conversations.
type Store interface {
	// Recent returns a conversation's live turns, oldest first; none for an
	// unknown or expired conversation.
	Recent(ctx context.Context, id string) ([]Turn, error)
	// Add appends a turn to a conversation, starting it if needed.
	Add(ctx context.Context, id string, t Turn) error
}

// Options bounds a Memory. Zero values use the
// defaults above.
type Options struct {
	// TTL is how long a conversation lives after its last turn.
	TTL time.Duration
	// MaxConversations caps the conversations kept; the least recently
	// used goes first.
	MaxConversations int
	// MaxTurns caps the turns kept per conversation; the oldest goes first.
	MaxTurns int
	// MaxBytes caps the memory the conversations hold, counted as the
	// bytes of their IDs and turn texts plus a fixed overhead for each;
	// the least recently used go first. A store shared by replicas leaves
	// this to its server.
	MaxBytes int64
}

// Memory is a Store in process memory, bounded in
// age and size. It is safe for concurrent use.
type Memory struct {
	opts  Options
	now   func() time.Time
	mu    sync.Mutex
	order *list.List // of *conversation, most recently used first
	byID  map[string]*list.Element
	bytes int64 // sum of the conversations' sizes
}

type conversation struct {
	id    string
	turns []Turn
	last  time.Time
	size  int64
}

// Fixed costs counted by MaxBytes besides the texts: a conversation's list
// element, map entry and header, and a Turn's fields.
const (
	conversationOverhead = 160
	turnOverhead         = 96
)

func (c *conversation) measure() int64 {
	n := int64(conversationOverhead + len(c.id))
	for _, t := range c.turns {
		n += int64(turnOverhead + len(t.Question) + len(t.Standalone) + len(t.Answer))
	}
	return n
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty store.
func NewMemory(opts Options) *Memory {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.MaxConversations <= 0 {
		opts.MaxConversations = DefaultMaxConversations
	}
	if opts.MaxTurns <= 0 {
		opts.MaxTurns = DefaultMaxTurns
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	return &Memory{opts: opts, now: time.Now, order: list.New(), byID: map[string]*list.Element{}}
}

// Recent returns the conversation's turns, oldest first.
func (m *Memory) Recent(_ context.Context, id string) ([]Turn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byID[id]
	if !ok {
		return nil, nil
	}
	c := el.Value.(*conversation)
	if m.now().Sub(c.last) > m.opts.TTL {
		m.remove(el)
		return nil, nil
	}
	return append([]Turn(nil), c.turns...), nil
}

// Add appends t, dropping the oldest turn beyond MaxTurns and the least
// recently used conversations beyond MaxConversations or MaxBytes, or past
// their TTL. A conversation too big for MaxBytes on its own keeps only its
// latest turn.
func (m *Memory) Add(_ context.Context, id string, t Turn) error {
	now := m.now()
	if t.At.IsZero() {
		t.At = now
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var c *conversation
	if el, ok := m.byID[id]; ok {
		c = el.Value.(*conversation)
		if now.Sub(c.last) > m.opts.TTL {
			c.turns = nil
		}
		m.order.MoveToFront(el)
	} else {
		c = &conversation{id: id}
		m.byID[id] = m.order.PushFront(c)
	}
	c.last = now
	c.turns = append(c.turns, t)
	if n := len(c.turns) - m.opts.MaxTurns; n > 0 {
		c.turns = append(c.turns[:0:0], c.turns[n:]...)
	}
	m.bytes -= c.size
	c.size = c.measure()
	for len(c.turns) > 1 && c.size > m.opts.MaxBytes {
		c.turns = append(c.turns[:0:0], c.turns[1:]...)
		c.size = c.measure()
	}
	m.bytes += c.size
	for m.order.Len() > 0 {
		last := m.order.Back()
		old := last.Value.(*conversation)
		if m.order.Len() <= m.opts.MaxConversations && now.Sub(old.last) <= m.opts.TTL &&
			(m.bytes <= m.opts.MaxBytes || old == c) {
			break
		}
		m.remove(last)
	}
	return nil
}

func (m *Memory) remove(el *list.Element) {
	c := m.order.Remove(el).(*conversation)
	delete(m.byID, c.id)
	m.bytes -= c.size
}

// Bytes is the memory the conversations hold, as MaxBytes counts it.
func (m *Memory) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// Len is the number of conversations held, expired ones included until
// they are pruned.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}
