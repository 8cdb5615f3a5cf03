package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/go-telegram/bot/models"
)

// answerFunc adapts a function to Answerer, for error paths and for
// answers the real engine cannot produce.
type answerFunc func(context.Context, citebot.Question) (citebot.Answer, error)

func (f answerFunc) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return f(ctx, q)
}

// recorder passes questions on to an Answerer and remembers them, to
// check the ConversationID the adapter sends.
type recorder struct {
	citebot.Answerer
	mu sync.Mutex
	qs []citebot.Question
}

func (r *recorder) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	r.mu.Lock()
	r.qs = append(r.qs, q)
	r.mu.Unlock()
	return r.Answerer.Answer(ctx, q)
}

func (r *recorder) questions() []citebot.Question {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]citebot.Question(nil), r.qs...)
}

const (
	estoniaQuestion = "when did Estonia ratify Ottawa?"
	estoniaSource   = "000_2bc005b4439df7f9.txt"
)

// checkAnswerMessage asserts what every answer message must be: HTML that
// Telegram accepts, a reply to the question, no link preview.
func checkAnswerMessage(t *testing.T, c apiCall, question int) {
	t.Helper()
	if c.Params["parse_mode"] != "HTML" {
		t.Errorf("parse_mode = %q, want HTML", c.Params["parse_mode"])
	}
	if err := checkTelegramHTML(c.Params["text"]); err != nil {
		t.Errorf("invalid HTML: %v\n%s", err, c.Params["text"])
	}
	if got := replyID(c); got != question {
		t.Errorf("reply_parameters.message_id = %d, want %d", got, question)
	}
	var lp models.LinkPreviewOptions
	if err := json.Unmarshal([]byte(c.Params["link_preview_options"]), &lp); err != nil || lp.IsDisabled == nil || !*lp.IsDisabled {
		t.Errorf("link previews not disabled: %q", c.Params["link_preview_options"])
	}
}

func TestPrivateQuestionIsAnsweredWithSources(t *testing.T) {
	h := start(t, realEngine(t), Options{}, nil)
	q := h.ask(textMessage(privateChat(501), 501, estoniaQuestion))

	c := h.waitReply(t, q.ID)
	checkAnswerMessage(t, c, q.ID)
	text := telegramText(c.Params["text"])
	if !strings.Contains(text, "2004") {
		t.Errorf("answer lacks 2004:\n%s", text)
	}
	if !strings.Contains(text, estoniaSource) {
		t.Errorf("answer does not name %s:\n%s", estoniaSource, text)
	}
	if i, j := strings.Index(text, "2004"), strings.Index(text, "Sources"); j < 0 || i > j {
		t.Errorf("want the answer, then a Sources list:\n%s", text)
	}
	if !strings.Contains(c.Params["text"], "<blockquote") {
		t.Errorf("no quote shown:\n%s", c.Params["text"])
	}
	var kb inlineKeyboard
	if err := json.Unmarshal([]byte(c.Params["reply_markup"]), &kb); err != nil || len(kb.InlineKeyboard) != 1 ||
		len(kb.InlineKeyboard[0]) != 2 || kb.InlineKeyboard[0][0].Text != "👍" || kb.InlineKeyboard[0][1].Text != "👎" {
		t.Errorf("want 👍/👎 buttons, got %q", c.Params["reply_markup"])
	}
	// The typing action came first.
	calls := h.f.allCalls()
	typing, answer := -1, -1
	for i, c := range calls {
		switch {
		case c.Method == "sendChatAction" && typing < 0:
			typing = i
			if c.Params["action"] != "typing" || chatOf(c) != 501 {
				t.Errorf("chat action %v, want typing in chat 501", c.Params)
			}
		case c.Method == "sendMessage" && answer < 0:
			answer = i
		}
	}
	if typing < 0 || typing > answer {
		t.Errorf("want a typing action before the answer; calls: %v", calls)
	}
}

func TestStartupRegistersCommandsAndDeletesWebhook(t *testing.T) {
	h := start(t, realEngine(t), Options{}, nil)
	h.f.waitCalls(t, "getUpdates", 1)
	var order []string
	h.f.mu.Lock()
	for _, c := range h.f.calls {
		order = append(order, c.Method)
	}
	h.f.mu.Unlock()
	want := []string{"getMe", "setMyCommands", "deleteWebhook", "getUpdates"}
	if strings.Join(order[:4], ",") != strings.Join(want, ",") {
		t.Fatalf("startup calls %v, want %v first", order, want)
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(h.f.callsOf("setMyCommands")[0].Params["commands"]), &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
	}
	if got := strings.Join(names, ","); got != "ask,help,start" {
		t.Errorf("commands %s, want ask,help,start", got)
	}
	if got := h.f.callsOf("getUpdates")[0].Params["allowed_updates"]; got != `["message","callback_query"]` {
		t.Errorf("allowed_updates = %s", got)
	}
}

func TestGroupAnswersOnlyWhenAddressed(t *testing.T) {
	eng := &recorder{Answerer: realEngine(t)}
	// One worker: updates are handled in order, so once the last one is
	// answered the earlier ones are known to have been passed over.
	h := start(t, eng, Options{MaxConcurrent: 1}, nil)
	group := groupChat(-100777)

	silent := h.ask(textMessage(group, 11, estoniaQuestion))
	otherBot := h.ask(textMessage(group, 11, "/ask@some_other_bot "+estoniaQuestion))
	untargeted := h.ask(textMessage(group, 11, "/weather"))
	// A mention after multi-byte text: its entity offset is in UTF-16.
	mention := h.ask(textMessage(group, 12, "👍🏽 Hi @"+testUsername+", "+estoniaQuestion))

	c := h.waitReply(t, mention.ID)
	checkAnswerMessage(t, c, mention.ID)
	if text := telegramText(c.Params["text"]); !strings.Contains(text, "2004") || !strings.Contains(text, estoniaSource) {
		t.Errorf("mention answer lacks 2004 or the source:\n%s", text)
	}
	for _, m := range []*models.Message{silent, otherBot, untargeted} {
		if n := len(h.repliesTo(m.ID)); n != 0 {
			t.Errorf("message %q got %d replies, want none", m.Text, n)
		}
	}
	if n := len(h.f.callsOf("sendMessage")); n != 1 {
		t.Errorf("%d messages sent, want 1", n)
	}
	qs := eng.questions()
	if len(qs) != 1 || qs[0].Text != "👍🏽 Hi, "+estoniaQuestion {
		t.Fatalf("engine asked %+v, want the mention removed", qs)
	}

	// A reply to the bot's answer is a follow-up in the same conversation,
	// and so is a reply to that answer: the chain keeps its root.
	first := h.f.sentMessage(c)
	follow := textMessage(group, 13, "and when did Lithuania?")
	follow.ReplyToMessage = first
	h.ask(follow)
	c2 := h.waitReply(t, follow.ID)
	checkAnswerMessage(t, c2, follow.ID)
	again := textMessage(group, 12, "what about Latvia?")
	again.ReplyToMessage = h.f.sentMessage(c2)
	h.ask(again)
	h.waitReply(t, again.ID)

	qs = eng.questions()
	if len(qs) != 3 {
		t.Fatalf("engine asked %d questions, want 3", len(qs))
	}
	if qs[0].ConversationID == "" || qs[1].ConversationID != qs[0].ConversationID || qs[2].ConversationID != qs[0].ConversationID {
		t.Errorf("follow-ups not in one conversation: %q, %q, %q", qs[0].ConversationID, qs[1].ConversationID, qs[2].ConversationID)
	}
	if want := fmt.Sprintf("telegram:%d:%d", group.ID, mention.ID); qs[0].ConversationID != want {
		t.Errorf("conversation %q, want %q: rooted at the question", qs[0].ConversationID, want)
	}
	// A fresh mention starts a new conversation.
	fresh := h.ask(textMessage(group, 12, "@"+testUsername+" "+estoniaQuestion))
	h.waitReply(t, fresh.ID)
	if qs = eng.questions(); qs[3].ConversationID == qs[0].ConversationID {
		t.Errorf("a new group question reused conversation %q", qs[0].ConversationID)
	}

	// Another instance, or this one after a restart, remembers nothing,
	// yet a reply to the answer still continues its conversation: the
	// answer's buttons carry the root.
	eng2 := &recorder{Answerer: realEngine(t)}
	h2 := start(t, eng2, Options{}, nil)
	later := textMessage(group, 14, "and Latvia?")
	later.ReplyToMessage = h.f.sentMessage(c2)
	h2.ask(later)
	h2.waitReply(t, later.ID)
	if qs2 := eng2.questions(); len(qs2) != 1 || qs2[0].ConversationID != qs[0].ConversationID {
		t.Errorf("after a restart: conversation %+v, want %q", qs2, qs[0].ConversationID)
	}
}

func TestCommands(t *testing.T) {
	eng := &recorder{Answerer: realEngine(t)}
	h := start(t, eng, Options{MaxConcurrent: 1, RatePerChat: Rate{Burst: -1}}, nil)
	group := groupChat(-100888)

	askAt := h.ask(textMessage(group, 21, "/ask@"+testUsername+" "+estoniaQuestion))
	c := h.waitReply(t, askAt.ID)
	checkAnswerMessage(t, c, askAt.ID)
	if text := telegramText(c.Params["text"]); !strings.Contains(text, "2004") || !strings.Contains(text, estoniaSource) {
		t.Errorf("/ask@%s answer lacks 2004 or the source:\n%s", testUsername, text)
	}
	if qs := eng.questions(); len(qs) != 1 || qs[0].Text != estoniaQuestion {
		t.Errorf("engine asked %+v, want %q", qs, estoniaQuestion)
	}

	tests := []struct {
		chat models.Chat
		text string
		want string
	}{
		{group, "/help@" + testUsername, "/ask " + DefaultExampleQuestion},
		{group, "/help", "Private chat:"},
		{privateChat(22), "/start", "@" + testUsername},
		{privateChat(22), "/ask", "Please ask a question"},
		{group, "/ask@" + testUsername, "Please ask a question"},
		{group, "@" + testUsername, "Please ask a question"},
		{privateChat(22), "/frobnicate", "I don't know that command"},
		{group, "/frobnicate@" + testUsername, "I don't know that command"},
	}
	for _, tt := range tests {
		m := h.ask(textMessage(tt.chat, 22, tt.text))
		c := h.waitReply(t, m.ID)
		if text := telegramText(c.Params["text"]); !strings.Contains(text, tt.want) {
			t.Errorf("%q: reply %q, want it to contain %q", tt.text, text, tt.want)
		}
		if c.Params["reply_markup"] != "" {
			t.Errorf("%q: feedback buttons on a non-answer", tt.text)
		}
	}
	if n := len(eng.questions()); n != 1 {
		t.Errorf("engine asked %d questions, want only the /ask one", n)
	}
}

func TestIgnoresWhatIsNotAQuestion(t *testing.T) {
	eng := &recorder{Answerer: realEngine(t)}
	h := start(t, eng, Options{MaxConcurrent: 1}, nil)
	chat := privateChat(31)
	edited := textMessage(chat, 31, estoniaQuestion)
	sticker := textMessage(chat, 31, "")
	sticker.Sticker = &models.Sticker{FileID: "x", Emoji: "👍"}
	service := textMessage(groupChat(-100999), 31, "")
	service.NewChatMembers = []models.User{{ID: testBotID, IsBot: true}}
	fromBot := textMessage(chat, 31, estoniaQuestion)
	fromBot.From.IsBot = true
	forwarded := textMessage(groupChat(-100999), 31, "@"+testUsername+" "+estoniaQuestion)
	forwarded.IsAutomaticForward = true

	h.f.push(&models.Update{EditedMessage: edited})
	h.f.push(&models.Update{ChannelPost: textMessage(models.Chat{ID: -1001, Type: models.ChatTypeChannel}, 0, estoniaQuestion)})
	h.f.push(&models.Update{Message: sticker})
	h.f.push(&models.Update{Message: service})
	h.f.push(&models.Update{Message: fromBot})
	h.f.push(&models.Update{Message: forwarded})
	member := func(u models.User) models.ChatMember {
		return models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &u}}
	}
	h.f.push(&models.Update{MyChatMember: &models.ChatMemberUpdated{Chat: chat, From: models.User{ID: 31},
		OldChatMember: member(h.f.me), NewChatMember: member(h.f.me)}})
	// The same update twice, as a webhook retry would deliver it.
	dup := &models.Update{Message: textMessage(chat, 31, estoniaQuestion)}
	h.f.push(dup)
	h.f.updates <- &models.Update{ID: dup.ID, Message: dup.Message}
	last := h.ask(textMessage(chat, 31, estoniaQuestion))

	h.waitReply(t, last.ID)
	if n := len(h.f.callsOf("sendMessage")); n != 2 {
		t.Errorf("%d messages sent, want 2 (the duplicated question once, the last one)", n)
	}
	if n := len(eng.questions()); n != 2 {
		t.Errorf("engine asked %d questions, want 2", n)
	}
}

func TestLifecycle(t *testing.T) {
	t.Run("Close without Run", func(t *testing.T) {
		a, err := New(testToken, realEngine(t), nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if err := a.Run(context.Background()); !errors.Is(err, ErrClosed) {
			t.Fatalf("Run after Close = %v, want ErrClosed", err)
		}
	})
	t.Run("Run twice, then Close", func(t *testing.T) {
		h := start(t, realEngine(t), Options{}, nil)
		h.f.waitCalls(t, "getUpdates", 1)
		if err := h.a.Run(context.Background()); err == nil {
			t.Fatal("second Run succeeded")
		}
		h.a.Close()
		select {
		case <-h.a.done:
		default:
			t.Fatal("Run still running after Close returned")
		}
	})
	t.Run("bad token", func(t *testing.T) {
		// A token Telegram refuses is retried until shutdown, with an
		// error in the log that does not show it.
		f := newFakeAPI(t)
		logs := &lockedBuffer{}
		a, err := New("999:wrong-token", realEngine(t), nil, Options{APIURL: f.srv.URL, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		retried := make(chan struct{})
		a.sleep = func(ctx context.Context, _ time.Duration) error {
			select {
			case retried <- struct{}{}:
			case <-ctx.Done():
			}
			return ctx.Err()
		}
		errc := make(chan error, 1)
		go func() { errc <- a.Run(context.Background()) }()
		<-retried
		if got := a.State(); got != "retrying getMe" {
			t.Errorf("State: got %q, want retrying getMe", got)
		}
		a.Close()
		if err := <-errc; err != nil {
			t.Errorf("Run = %v, want nil after Close", err)
		}
		if out := logs.String(); !strings.Contains(out, `"level":"ERROR"`) || !strings.Contains(out, "Unauthorized") || strings.Contains(out, "wrong-token") {
			t.Errorf("want an error logged without the token:\n%s", out)
		}
	})
}

// waitState waits until a's State is want.
func waitState(t *testing.T, a *Adapter, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		got, changed := a.state.watch()
		if got == want {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("State is %q, want %q", got, want)
		}
	}
}

// TestStartRetriesUntilItWorks checks that failures at start-up (500s
// from getMe, then from deleteWebhook, or from setWebhook) are retried
// with backoff until the bot takes updates and answers, instead of
// ending the adapter.
func TestStartRetriesUntilItWorks(t *testing.T) {
	for _, webhook := range []bool{false, true} {
		t.Run(map[bool]string{false: "polling", true: "webhook"}[webhook], func(t *testing.T) {
			f := newFakeAPI(t)
			f.fail("getMe", apiFailure{Code: 500, Description: "Internal Server Error"})
			f.fail("getMe", apiFailure{Code: 502, Description: "Bad Gateway", EchoPage: true})
			last := "deleteWebhook"
			var opts Options
			if webhook {
				last = "setWebhook"
				opts.WebhookURL = "https://citebot.example/telegram/webhook"
			}
			f.fail(last, apiFailure{Code: 500, Description: "Internal Server Error"})
			var mu sync.Mutex
			var waits []time.Duration
			h := startWith(t, f, realEngine(t), opts, func(a *Adapter) {
				a.sleep = func(ctx context.Context, d time.Duration) error {
					mu.Lock()
					waits = append(waits, d)
					mu.Unlock()
					return ctx.Err()
				}
			})
			waitState(t, h.a, StateRunning)
			if n := len(f.callsOf("getMe")); n != 3 {
				t.Errorf("getMe called %d times, want 3", n)
			}
			if n := len(f.callsOf(last)); n != 2 {
				t.Errorf("%s called %d times, want 2", last, n)
			}
			mu.Lock()
			if got := fmt.Sprint(waits); got != "[1s 2s 1s]" {
				t.Errorf("waited %s between attempts, want [1s 2s 1s]", got)
			}
			mu.Unlock()
			if !webhook {
				q := h.ask(textMessage(privateChat(1401), 1401, estoniaQuestion))
				if text := telegramText(h.waitReply(t, q.ID).Params["text"]); !strings.Contains(text, "2004") {
					t.Errorf("got %q, want the answer", text)
				}
			}
		})
	}
}

// TestPollingWaitsForTheIndex checks that no update is fetched, and so
// confirmed to Telegram, before the index is ready, and that a question
// sent meanwhile is answered once it is.
func TestPollingWaitsForTheIndex(t *testing.T) {
	ready := make(chan struct{})
	h := start(t, realEngine(t), Options{Ready: ready}, nil)
	q := h.ask(textMessage(privateChat(1501), 1501, estoniaQuestion))
	waitState(t, h.a, "waiting for the index")
	if n := len(h.f.callsOf("getUpdates")); n != 0 {
		t.Fatalf("%d getUpdates calls before the index was ready, want none", n)
	}
	close(ready)
	if text := telegramText(h.waitReply(t, q.ID).Params["text"]); !strings.Contains(text, "2004") {
		t.Errorf("got %q, want the answer", text)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	eng := answerFunc(func(context.Context, citebot.Question) (citebot.Answer, error) { return citebot.Answer{}, nil })
	tests := []struct {
		name  string
		token string
		ans   citebot.Answerer
		opts  Options
		want  string
	}{
		{"empty token", " ", eng, Options{}, "empty bot token"},
		{"nil answerer", testToken, nil, Options{}, "nil Answerer"},
		{"relative webhook", testToken, eng, Options{WebhookURL: "/telegram/webhook"}, "WebhookURL"},
		{"bad secret", testToken, eng, Options{WebhookURL: "https://x.example/telegram/webhook", WebhookSecret: "has space"}, "WebhookSecret"},
		{"long secret", testToken, eng, Options{WebhookURL: "https://x.example/telegram/webhook", WebhookSecret: strings.Repeat("a", 257)}, "WebhookSecret"},
		{"bad api url", testToken, eng, Options{APIURL: "localhost:8081"}, "APIURL"},
		{"client timeout", testToken, eng, Options{HTTPClient: &http.Client{Timeout: time.Second}}, "PollTimeout"},
		{"poll timeout", testToken, eng, Options{PollTimeout: time.Second}, "PollTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.token, tt.ans, nil, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error about %s", err, tt.want)
			}
		})
	}
}
