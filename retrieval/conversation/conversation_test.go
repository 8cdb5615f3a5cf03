package conversation

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMemoryConversations(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC)
	m := NewMemory(Options{TTL: time.Minute, MaxConversations: 2, MaxTurns: 3})
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

// TestMemoryConversationsBoundedByBytes checks that many conversations
// with long IDs and turns cannot hold more memory than MaxBytes, and that
// the most recent one survives.
func TestMemoryConversationsBoundedByBytes(t *testing.T) {
	ctx := context.Background()
	const limit = 1 << 20
	m := NewMemory(Options{MaxBytes: limit})
	long := strings.Repeat("x", 10<<10)
	for i := range 1000 {
		id := fmt.Sprintf("web:%d:%s", i, long)
		if err := m.Add(ctx, id, Turn{Question: long, Standalone: long, Answer: long}); err != nil {
			t.Fatal(err)
		}
		if b := m.Bytes(); b > limit {
			t.Fatalf("after %d conversations: holding %d bytes, want at most %d", i+1, b, limit)
		}
	}
	if n := m.Len(); n == 0 || n > limit/(40<<10) {
		t.Errorf("got %d conversations kept, want a few (each is over 40 KB)", n)
	}
	last := fmt.Sprintf("web:%d:%s", 999, long)
	if turns, _ := m.Recent(ctx, last); len(turns) != 1 {
		t.Errorf("got %d turns for the latest conversation, want 1", len(turns))
	}

	// One conversation bigger than the limit keeps only its latest turn.
	small := NewMemory(Options{MaxBytes: 50 << 10})
	for i := range 4 {
		if err := small.Add(ctx, "c", Turn{Question: fmt.Sprint(i), Answer: strings.Repeat(long, 3)}); err != nil {
			t.Fatal(err)
		}
	}
	turns, _ := small.Recent(ctx, "c")
	if len(turns) != 1 || turns[0].Question != "3" {
		t.Errorf("got %d turns, want only the latest", len(turns))
	}
	if b := small.Bytes(); b > 50<<10 {
		t.Errorf("holding %d bytes, want at most %d", b, 50<<10)
	}
}
