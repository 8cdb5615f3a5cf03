package retrieval

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Defaults for ConversationOptions.
const (
	DefaultConversationTTL  = 30 * time.Minute
	DefaultMaxConversations = 10000
	DefaultMaxTurns         = 6
)

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

// ConversationStore keeps the recent turns of each conversation, so that a
// follow-up can be read in the light of the questions before it. The
// in-memory store serves one process; a shared store (such as Redis) lets
// replicas continue each other's conversations.
type ConversationStore interface {
	// Recent returns a conversation's live turns, oldest first; none for an
	// unknown or expired conversation.
	Recent(ctx context.Context, id string) ([]Turn, error)
	// Add appends a turn to a conversation, starting it if needed.
	Add(ctx context.Context, id string, t Turn) error
}

// ConversationOptions bounds a MemoryConversations. Zero values use the
// defaults above.
type ConversationOptions struct {
	// TTL is how long a conversation lives after its last turn.
	TTL time.Duration
	// MaxConversations caps the conversations kept; the least recently
	// used goes first.
	MaxConversations int
	// MaxTurns caps the turns kept per conversation; the oldest goes first.
	MaxTurns int
}

// MemoryConversations is a ConversationStore in process memory, bounded in
// age and size. It is safe for concurrent use.
type MemoryConversations struct {
	opts  ConversationOptions
	now   func() time.Time
	mu    sync.Mutex
	order *list.List // of *conversation, most recently used first
	byID  map[string]*list.Element
}

type conversation struct {
	id    string
	turns []Turn
	last  time.Time
}

var _ ConversationStore = (*MemoryConversations)(nil)

// NewMemoryConversations returns an empty store.
func NewMemoryConversations(opts ConversationOptions) *MemoryConversations {
	if opts.TTL <= 0 {
		opts.TTL = DefaultConversationTTL
	}
	if opts.MaxConversations <= 0 {
		opts.MaxConversations = DefaultMaxConversations
	}
	if opts.MaxTurns <= 0 {
		opts.MaxTurns = DefaultMaxTurns
	}
	return &MemoryConversations{opts: opts, now: time.Now, order: list.New(), byID: map[string]*list.Element{}}
}

// Recent returns the conversation's turns, oldest first.
func (m *MemoryConversations) Recent(_ context.Context, id string) ([]Turn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byID[id]
	if !ok {
		return nil, nil
	}
	c := el.Value.(*conversation)
	if m.now().Sub(c.last) > m.opts.TTL {
		m.order.Remove(el)
		delete(m.byID, id)
		return nil, nil
	}
	return append([]Turn(nil), c.turns...), nil
}

// Add appends t, dropping the oldest turn beyond MaxTurns and the least
// recently used conversations beyond MaxConversations or past their TTL.
func (m *MemoryConversations) Add(_ context.Context, id string, t Turn) error {
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
	for m.order.Len() > 0 {
		last := m.order.Back()
		old := last.Value.(*conversation)
		if m.order.Len() <= m.opts.MaxConversations && now.Sub(old.last) <= m.opts.TTL {
			break
		}
		m.order.Remove(last)
		delete(m.byID, old.id)
	}
	return nil
}

// Len is the number of conversations held, expired ones included until
// they are pruned.
func (m *MemoryConversations) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}
