package telegram

import (
	"context"
	"fmt"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

// onUpdate is the library's handler for every update. It runs on one of
// the MaxConcurrent workers.
func (a *Adapter) onUpdate(ctx context.Context, _ *tgbot.Bot, upd *models.Update) {
	defer func() {
		// A bug in one update must not take the bot down.
		if r := recover(); r != nil {
			a.log.Error("telegram: handler panicked", "update", upd.ID, "panic", r)
		}
	}()
	if !a.seen.add(upd.ID, struct{}{}) {
		return // Telegram redelivered an update already handled
	}
	// ctx is Run's and ends at shutdown; an update in hand is still
	// answered, within a bound.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.AnswerTimeout+sendBudget)
	defer cancel()
	switch {
	case upd.Message != nil:
		a.onMessage(ctx, upd.Message)
	case upd.CallbackQuery != nil:
		a.onCallback(ctx, upd.CallbackQuery)
	}
	// Everything else (edits, channel posts, …) is ignored on purpose.
}

// onMessage decides whether a message is for the bot and answers it.
func (a *Adapter) onMessage(ctx context.Context, m *models.Message) {
	me := a.me.Load()
	if me == nil {
		return
	}
	switch {
	case m.Chat.Type != models.ChatTypePrivate && m.Chat.Type != models.ChatTypeGroup &&
		m.Chat.Type != models.ChatTypeSupergroup:
		return // channels
	case m.IsAutomaticForward:
		return // a linked channel's post copied into its discussion group
	case m.From == nil:
		return
	case m.From.IsBot && (m.SenderChat == nil || m.SenderChat.ID != m.Chat.ID):
		// Other bots, to avoid bot-to-bot loops. Anonymous group admins
		// post as a bot user with the group as sender_chat; they may ask.
		return
	case strings.TrimSpace(m.Text) == "":
		return // stickers, media, service messages
	}
	private := m.Chat.Type == models.ChatTypePrivate
	replyToBot := repliesTo(m, me.ID)

	var question string
	if cmd, ok := parseCommand(m.Text, m.Entities); ok {
		if cmd.target != "" && !strings.EqualFold(cmd.target, me.Username) {
			return // addressed to another bot
		}
		switch cmd.name {
		case "start", "help":
			if a.admit(ctx, m) {
				a.reply(ctx, m, helpText(me.Username, a.opts.ExampleQuestion.Example()), nil)
			}
			return
		case "ask":
			question = cmd.args
		default:
			// In a group an untargeted command may be another bot's.
			if (private || cmd.target != "") && a.admit(ctx, m) {
				a.reply(ctx, m, msgUnknownCmd, nil)
			}
			return
		}
	} else {
		q, mentioned := stripMentions(m.Text, m.Entities, me.Username, me.ID)
		if !private && !mentioned && !replyToBot {
			return // group chatter not meant for the bot
		}
		question = q
	}
	question = strings.TrimSpace(question)
	if !a.admit(ctx, m) {
		return
	}
	if question == "" {
		a.reply(ctx, m, emptyQuestionText(a.opts.ExampleQuestion.Example()), nil)
		return
	}
	conv, root := a.conversation(m, replyToBot)
	a.answer(ctx, m, question, conv, root)
}

// repliesTo reports whether m is a reply to one of bot's own messages.
// Replies to anyone else's, other bots' included, do not count. In a
// forum topic a message that replies to nothing still carries the
// topic's first message, a service message, as reply_to_message; that is
// not a reply either, even in a topic the bot opened.
func repliesTo(m *models.Message, bot int64) bool {
	r := m.ReplyToMessage
	return r != nil && r.From != nil && r.From.ID == bot && r.ForumTopicCreated == nil
}

// admit applies the allowlist and the rate limit to a message the bot
// would answer. A refused chat hears so once; a chat over its rate hears so
// once per episode.
func (a *Adapter) admit(ctx context.Context, m *models.Message) bool {
	chat := m.Chat.ID
	if a.allowed != nil && !a.allowed[chat] {
		if a.refused.add(chat, struct{}{}) {
			a.log.Info("telegram: refused chat not on the allowlist", "chat", chat)
			a.reply(ctx, m, msgRefused, nil)
		}
		return false
	}
	ok, warn := a.allow(ctx, chat)
	if warn {
		a.reply(ctx, m, msgSlowDown, nil)
	}
	return ok
}

// conversation returns the ConversationID that groups follow-ups, and in
// groups the ID of the message that started the conversation. A private
// chat is one conversation. In a group each question the bot is asked
// starts one, and a reply to one of the bot's answers continues it, however
// long the chain of replies grows.
func (a *Adapter) conversation(m *models.Message, replyToBot bool) (id string, root int) {
	chat := m.Chat.ID
	if m.Chat.Type == models.ChatTypePrivate {
		return fmt.Sprintf("telegram:%d", chat), 0
	}
	root = m.ID
	if replyToBot {
		prev := m.ReplyToMessage
		if s, ok := a.sent.get(msgKey{chat, prev.ID}); ok {
			root = s.root
		} else if r := keyboardRoot(prev.ReplyMarkup); r != 0 {
			root = r // answered by another instance, or before a restart
		} else {
			root = prev.ID // best effort: the chain starts at the bot's message
		}
	}
	return fmt.Sprintf("telegram:%d:%d", chat, root), root
}

// keyboardRoot reads the conversation root from an answer's feedback
// buttons, 0 if there is none.
func keyboardRoot(kb *models.InlineKeyboardMarkup) int {
	if kb == nil {
		return 0
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if _, root, ok := parseFeedbackData(b.CallbackData); ok && root != 0 {
				return root
			}
		}
	}
	return 0
}

// answer asks the Answerer and replies with the answer or an apology,
// showing the 👀 reaction on the question and the typing action meanwhile.
func (a *Adapter) answer(ctx context.Context, m *models.Message, question, conversation string, root int) {
	defer a.react(ctx, m)()
	if a.answerStreaming(ctx, m, question, conversation, root) {
		return
	}
	stopTyping := a.keepTyping(ctx, m)
	ans, err := a.ask(ctx, citebot.Question{Text: question, ConversationID: conversation})
	stopTyping()
	if err != nil {
		a.log.Warn("telegram: answer failed", "chat", m.Chat.ID, "err", err)
		a.reply(ctx, m, errorText(err, a.opts.ExampleQuestion.Example()), nil)
		return
	}
	var kb *inlineKeyboard
	if a.fb != nil {
		k := feedbackKeyboard(root)
		kb = &k
	}
	ids := a.reply(ctx, m, renderAnswer(ans), kb)
	rec := &sentAnswer{conversation: conversation, root: root, question: question, answer: ans}
	for _, id := range ids {
		a.sent.put(msgKey{m.Chat.ID, id}, rec)
	}
}

// ask calls the Answerer with AnswerTimeout. It returns at the deadline
// even if the Answerer ignores its context, so the user is never left
// waiting in silence; the call itself then finishes in the background.
func (a *Adapter) ask(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return a.askWith(ctx, func(ctx context.Context) (citebot.Answer, error) { return a.ans.Answer(ctx, q) })
}

// askWith runs call as ask runs the Answerer.
func (a *Adapter) askWith(ctx context.Context, call func(context.Context) (citebot.Answer, error)) (citebot.Answer, error) {
	return bot.AnswerWithin(ctx, a.opts.AnswerTimeout, call)
}

// keepTyping shows the typing action in m's chat now and every
// TypingInterval until the returned stop is called. An action already on
// its way is let through rather than cancelled, and stop waits for it, so
// the first action always shows and none trails the reply.
func (a *Adapter) keepTyping(ctx context.Context, m *models.Message) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	params := &tgbot.SendChatActionParams{
		ChatID:          m.Chat.ID,
		MessageThreadID: threadOf(m),
		Action:          models.ChatActionTyping,
	}
	go func() {
		defer close(done)
		t := time.NewTicker(a.opts.TypingInterval)
		defer t.Stop()
		for {
			// Not retried on 429: a missed typing action costs nothing.
			if _, err := a.tg.SendChatAction(ctx, params); err != nil {
				a.log.Debug("telegram: sendChatAction failed", "chat", m.Chat.ID, "err", err)
			}
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// threadOf is the forum topic m belongs to, 0 outside topics.
func threadOf(m *models.Message) int {
	if m.IsTopicMessage {
		return m.MessageThreadID
	}
	return 0
}
