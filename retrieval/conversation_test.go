package retrieval

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestMemoryConversations(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC)
	m := NewMemoryConversations(ConversationOptions{TTL: time.Minute, MaxConversations: 2, MaxTurns: 3})
	m.now = func() time.Time { return now }
	add := func(id, q string) {
		t.Helper()
		if err := m.Add(ctx, id, Turn{Question: q, Standalone: q}); err != nil {
			t.Fatal(err)
		}
	}
	questions := func(id string) string {
		t.Helper()
		turns, err := m.Recent(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, tu := range turns {
			s += tu.Question
		}
		return s
	}

	for i := range 5 {
		add("a", fmt.Sprint(i))
	}
	if got := questions("a"); got != "234" {
		t.Errorf("got turns %q, want the last 3, %q", got, "234")
	}

	now = now.Add(30 * time.Second)
	add("b", "x")
	add("c", "y") // a third conversation: the least recently used, a, goes
	if got := questions("a"); got != "" {
		t.Errorf("got %q for an evicted conversation, want none", got)
	}
	if got := questions("b") + questions("c"); got != "xy" {
		t.Errorf("got %q, want b and c kept", got)
	}

	now = now.Add(61 * time.Second)
	if got := questions("b"); got != "" {
		t.Errorf("got %q after the TTL, want none", got)
	}
	add("c", "z") // an expired conversation starts over
	if got := questions("c"); got != "z" {
		t.Errorf("got %q, want only the turn after expiry", got)
	}
	if m.Len() > 2 {
		t.Errorf("holding %d conversations, want at most 2", m.Len())
	}
}
