package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot"
)

func TestEngineFailureGetsApology(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tests := []struct {
		name    string
		answer  answerFunc
		timeout time.Duration
		want    string
	}{
		{
			name: "error",
			answer: func(context.Context, citebot.Question) (citebot.Answer, error) {
				return citebot.Answer{}, errors.New("embedding server: connection refused")
			},
			want: msgFailed,
		},
		{
			name: "not ready",
			answer: func(context.Context, citebot.Question) (citebot.Answer, error) {
				return citebot.Answer{}, fmt.Errorf("answer: %w", citebot.ErrNotReady)
			},
			want: msgNotReady,
		},
		{
			name: "too long",
			answer: func(context.Context, citebot.Question) (citebot.Answer, error) {
				return citebot.Answer{}, citebot.ErrQuestionTooLong
			},
			want: "too long",
		},
		{
			name: "timeout honoured by the engine",
			answer: func(ctx context.Context, _ citebot.Question) (citebot.Answer, error) {
				<-ctx.Done()
				return citebot.Answer{}, fmt.Errorf("search: %w", ctx.Err())
			},
			timeout: 50 * time.Millisecond,
			want:    msgTimeout,
		},
		{
			name: "timeout ignored by the engine",
			answer: func(ctx context.Context, _ citebot.Question) (citebot.Answer, error) {
				<-release // ignores ctx entirely
				return citebot.Answer{}, nil
			},
			timeout: 50 * time.Millisecond,
			want:    msgTimeout,
		},
		{
			name: "panic",
			answer: func(context.Context, citebot.Question) (citebot.Answer, error) {
				panic("boom")
			},
			want: msgFailed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, tt.answer, Options{AnswerTimeout: tt.timeout}, nil)
			q := h.ask(textMessage(privateChat(701), 701, estoniaQuestion))
			c := h.waitReply(t, q.ID)
			if got := telegramText(c.Params["text"]); got != tt.want && !strings.Contains(got, tt.want) {
				t.Errorf("reply %q, want %q", got, tt.want)
			}
			if strings.Contains(c.Params["text"], "connection refused") {
				t.Errorf("reply leaks the error: %q", c.Params["text"])
			}
			if c.Params["reply_markup"] != "" {
				t.Error("feedback buttons on an apology")
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	h := start(t, realEngine(t), Options{}, func(a *Adapter) {
		a.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		}
	})
	h.f.fail("sendMessage", apiFailure{Code: 429, Description: "Too Many Requests: retry after 7", RetryAfter: 7})
	h.f.fail("sendMessage", apiFailure{Code: 429, Description: "Too Many Requests: retry after 2", RetryAfter: 2})
	q := h.ask(textMessage(privateChat(702), 702, estoniaQuestion))
	h.waitReply(t, q.ID)

	sends := h.f.callsOf("sendMessage")
	if len(sends) != 3 || sends[0].ID != 0 || sends[1].ID != 0 || sends[2].ID == 0 {
		t.Fatalf("want two refused sends then one delivered, got %v", sends)
	}
	if sends[0].Params["text"] != sends[2].Params["text"] {
		t.Error("the retry sent different text")
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(waits) != fmt.Sprint([]time.Duration{7 * time.Second, 2 * time.Second}) {
		t.Errorf("waited %v, want [7s 2s] as retry_after asked", waits)
	}
}

func TestRetryAfterTooLongGivesUp(t *testing.T) {
	slept := make(chan time.Duration, 10)
	h := start(t, realEngine(t), Options{MaxConcurrent: 1}, func(a *Adapter) {
		a.sleep = func(ctx context.Context, d time.Duration) error { slept <- d; return nil }
	})
	h.f.fail("sendMessage", apiFailure{Code: 429, Description: "Too Many Requests", RetryAfter: 3600})
	first := h.ask(textMessage(privateChat(703), 703, estoniaQuestion))
	next := h.ask(textMessage(privateChat(704), 704, estoniaQuestion))
	h.waitReply(t, next.ID)
	if n := len(h.attemptsTo(first.ID)); n != 1 { // the one refused attempt
		t.Errorf("%d attempts for a 1-hour retry_after, want 1", n)
	}
	if len(slept) != 0 {
		t.Errorf("waited %v for a 1-hour retry_after", <-slept)
	}
}

func TestAllowlistRefusesOnce(t *testing.T) {
	h := start(t, realEngine(t), Options{AllowedChats: []int64{801, -100801}, MaxConcurrent: 1}, nil)
	stranger := privateChat(802)
	q1 := h.ask(textMessage(stranger, 802, estoniaQuestion))
	q2 := h.ask(textMessage(stranger, 802, estoniaQuestion))
	q3 := h.ask(textMessage(stranger, 802, "/help"))
	// In a group that is not allowed, chatter stays unanswered and
	// unrefused; only a message for the bot is refused.
	otherGroup := groupChat(-100802)
	chatter := h.ask(textMessage(otherGroup, 803, "hello all"))
	addressed := h.ask(textMessage(otherGroup, 803, "@"+testUsername+" "+estoniaQuestion))
	friend := h.ask(textMessage(privateChat(801), 801, estoniaQuestion))

	c := h.waitReply(t, friend.ID)
	if text := telegramText(c.Params["text"]); !strings.Contains(text, "2004") || !strings.Contains(text, estoniaSource) {
		t.Errorf("allowed chat's answer lacks 2004 or the source:\n%s", text)
	}
	r1 := h.repliesTo(q1.ID)
	if len(r1) != 1 || telegramText(r1[0].Params["text"]) != msgRefused {
		t.Errorf("first question from a stranger: %v, want one refusal", r1)
	}
	for _, m := range []int{q2.ID, q3.ID, chatter.ID} {
		if n := len(h.repliesTo(m)); n != 0 {
			t.Errorf("message %d got %d replies after the refusal, want none", m, n)
		}
	}
	if r := h.repliesTo(addressed.ID); len(r) != 1 || telegramText(r[0].Params["text"]) != msgRefused {
		t.Errorf("addressed message in a group not allowed: %v, want one refusal", r)
	}
	if n := len(h.f.callsOf("sendChatAction")); n != 1 {
		t.Errorf("%d typing actions, want 1 (only the allowed chat's question)", n)
	}
}

func TestPerChatRateLimit(t *testing.T) {
	h := start(t, realEngine(t), Options{RatePerChat: Rate{Burst: 1, Every: time.Hour}, MaxConcurrent: 1}, nil)
	chat := privateChat(901)
	q1 := h.ask(textMessage(chat, 901, estoniaQuestion))
	q2 := h.ask(textMessage(chat, 901, estoniaQuestion))
	q3 := h.ask(textMessage(chat, 901, estoniaQuestion))
	other := h.ask(textMessage(privateChat(902), 902, estoniaQuestion))

	c := h.waitReply(t, other.ID)
	if !strings.Contains(telegramText(c.Params["text"]), "2004") {
		t.Errorf("another chat is limited too: %q", c.Params["text"])
	}
	if r := h.repliesTo(q1.ID); len(r) != 1 || !strings.Contains(telegramText(r[0].Params["text"]), "2004") {
		t.Errorf("first question: %v, want an answer", r)
	}
	if r := h.repliesTo(q2.ID); len(r) != 1 || telegramText(r[0].Params["text"]) != msgSlowDown {
		t.Errorf("second question: %v, want one slow-down", r)
	}
	if r := h.repliesTo(q3.ID); len(r) != 0 {
		t.Errorf("third question: %v, want silence", r)
	}
}

// blocker is an Answerer that holds every call until released, counting
// how many run at once.
type blocker struct {
	entered chan string
	release chan struct{}

	mu      sync.Mutex
	running int
	max     int
}

func newBlocker() *blocker {
	return &blocker{entered: make(chan string, 100), release: make(chan struct{})}
}

func (b *blocker) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	b.mu.Lock()
	b.running++
	b.max = max(b.max, b.running)
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.running--
		b.mu.Unlock()
	}()
	b.entered <- q.ConversationID
	select {
	case <-b.release:
	case <-ctx.Done():
		return citebot.Answer{}, ctx.Err()
	}
	return citebot.Answer{Text: "Done: " + q.Text, Answered: true}, nil
}

func (b *blocker) waitEntered(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	timeout := time.After(20 * time.Second)
	for len(ids) < n {
		select {
		case id := <-b.entered:
			ids = append(ids, id)
		case <-timeout:
			t.Fatalf("only %d of %d answers started", len(ids), n)
		}
	}
	return ids
}

func TestBoundedConcurrency(t *testing.T) {
	b := newBlocker()
	h := start(t, b, Options{MaxConcurrent: 2, TypingInterval: 10 * time.Millisecond}, nil)
	var qs []int
	for chat := int64(1001); chat <= 1005; chat++ {
		qs = append(qs, h.ask(textMessage(privateChat(chat), chat, "question")).ID)
	}
	started := b.waitEntered(t, 2)
	// While the two answers run, their typing actions repeat; a third
	// handler, were one running, would have sent its first action long
	// before each of the two has sent three.
	h.f.waitFor(t, "3 typing actions in each running chat", func() bool {
		n := map[int64]int{}
		for _, c := range h.f.callsOf("sendChatAction") {
			n[chatOf(c)]++
		}
		return len(n) >= 2 && minCount(n) >= 3
	})
	chats := map[int64]bool{}
	for _, c := range h.f.callsOf("sendChatAction") {
		chats[chatOf(c)] = true
	}
	if len(chats) != 2 {
		t.Fatalf("typing in %d chats at once, want 2 (MaxConcurrent); started %v", len(chats), started)
	}
	// Release one at a time; each frees a worker for one more question.
	for range 5 {
		b.release <- struct{}{}
	}
	for _, id := range qs {
		h.waitReply(t, id)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max != 2 {
		t.Errorf("at most %d answers ran at once, want exactly 2", b.max)
	}
}

func minCount(m map[int64]int) int {
	lo := -1
	for _, n := range m {
		if lo < 0 || n < lo {
			lo = n
		}
	}
	return lo
}

func TestTypingRepeatsWhileWorking(t *testing.T) {
	b := newBlocker()
	h := start(t, b, Options{TypingInterval: time.Millisecond}, nil)
	q := h.ask(textMessage(privateChat(1101), 1101, "slow question"))
	b.waitEntered(t, 1)
	h.f.waitCalls(t, "sendChatAction", 3)
	close(b.release)
	c := h.waitReply(t, q.ID)
	if got := telegramText(c.Params["text"]); got != "Done: slow question" {
		t.Errorf("reply %q", got)
	}
	// Typing stopped before the reply went out: no typing action trails
	// it. (The 👀 reaction is taken off after the reply, so the last call
	// may be setMessageReaction.)
	calls := h.f.allCalls()
	replied := slices.IndexFunc(calls, func(c apiCall) bool { return c.Method == "sendMessage" })
	if replied < 0 {
		t.Fatal("no sendMessage call")
	}
	for _, c := range calls[replied:] {
		if c.Method == "sendChatAction" {
			t.Errorf("sendChatAction after the reply; typing must stop first")
		}
	}
}

func TestShutdownDrainsInFlightAnswers(t *testing.T) {
	b := newBlocker()
	h := start(t, b, Options{}, nil)
	q := h.ask(textMessage(privateChat(1201), 1201, "in flight"))
	b.waitEntered(t, 1)
	h.cancel()
	close(b.release)
	err := <-h.errc
	h.errc <- err // for the cleanup
	// Run returned only after the answer went out.
	if r := h.repliesTo(q.ID); len(r) != 1 || telegramText(r[0].Params["text"]) != "Done: in flight" {
		t.Fatalf("after Run returned: replies %v, want the answer", r)
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	// The engine caps answers at citebot.MaxAnswerLen, so only a
	// stand-in can produce one this long; the split itself is the point.
	var paras []string
	for i := 0; i < 40; i++ {
		paras = append(paras, fmt.Sprintf("Paragraph %d says something & more. It has a second sentence with <angle> text. And a third one [1].", i))
	}
	long := citebot.Answer{Text: strings.Join(paras, "\n\n"), Answered: true, Citations: []citebot.Citation{
		{Source: estoniaSource, Title: "T", Quote: strings.Repeat("quoted words ", 100)},
	}}
	ans := answerFunc(func(context.Context, citebot.Question) (citebot.Answer, error) { return long, nil })
	h := start(t, ans, Options{}, nil)
	q := h.ask(textMessage(privateChat(1301), 1301, "tell me everything"))
	h.waitReply(t, q.ID)
	h.f.waitFor(t, "the message with the buttons", func() bool {
		s := h.f.callsOf("sendMessage")
		return s[len(s)-1].Params["reply_markup"] != ""
	})
	sends := h.f.callsOf("sendMessage")
	if len(sends) < 2 {
		t.Fatalf("%d messages, want the answer split", len(sends))
	}
	var joined strings.Builder
	for i, c := range sends {
		if utf16Len(c.Params["text"]) > MaxMessageLen {
			t.Errorf("message %d too long", i)
		}
		if err := checkTelegramHTML(c.Params["text"]); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
		if (replyID(c) == q.ID) != (i == 0) {
			t.Errorf("message %d: reply_parameters %q; only the first replies", i, c.Params["reply_parameters"])
		}
		if (c.Params["reply_markup"] != "") != (i == len(sends)-1) {
			t.Errorf("message %d: buttons %q; only the last has them", i, c.Params["reply_markup"])
		}
		text := telegramText(c.Params["text"])
		// Cut at paragraph boundaries: each message ends a sentence.
		if i < len(sends)-1 && !strings.HasSuffix(strings.TrimSpace(text), ".") {
			t.Errorf("message %d ends mid-sentence: …%q", i, text[max(0, len(text)-40):])
		}
		joined.WriteString(text)
	}
	for i := range paras {
		if !strings.Contains(joined.String(), fmt.Sprintf("Paragraph %d says something & more.", i)) {
			t.Errorf("paragraph %d lost", i)
		}
	}
	if !strings.Contains(joined.String(), "Sources") {
		t.Error("sources lost")
	}
}

// lockedBuffer is a log sink safe for the adapter's goroutines and the
// test at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestErrorPageDoesNotLogTheToken checks that an error page that echoes
// the request path, bot token and all, does not put the token in the log.
func TestErrorPageDoesNotLogTheToken(t *testing.T) {
	logs := &lockedBuffer{}
	h := start(t, realEngine(t), Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}, nil)
	h.f.fail("sendMessage", apiFailure{Code: 502, EchoPage: true})
	q := h.ask(textMessage(privateChat(1301), 1301, estoniaQuestion))
	h.f.waitFor(t, "the failed send", func() bool { return len(h.attemptsTo(q.ID)) > 0 })
	h.cancel()
	err := <-h.errc
	h.errc <- err // for the cleanup
	out := logs.String()
	if !strings.Contains(out, "502 Bad Gateway") {
		t.Fatalf("the failed send was not logged:\n%s", out)
	}
	if strings.Contains(out, testToken) || strings.Contains(out, "TEST-secret") {
		t.Errorf("the bot token was logged:\n%s", out)
	}
}
