package telegram

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/citebot/citebot"
)

// Telegram allows about one message a second in a chat and twenty a minute
// in a group, edits included; a streamed answer in a group is edited no
// more often than groupStreamInterval. A private chat's answer is updated
// every StreamInterval, as a draft where Telegram allows.
const groupStreamInterval = 3 * time.Second

// Limits on the edits that show an answer being written.
const (
	// streamEditTimeout bounds one interim edit, so a slow edit never
	// holds up the final answer for long.
	streamEditTimeout = 5 * time.Second
	// maxPartialRunes keeps the unfinished text well inside one message.
	maxPartialRunes = 3500
)

// answerStreaming answers like answer, but shows the answer as the model
// writes it, updated at most every StreamInterval: in a private chat as a
// draft (sendMessageDraft) that a final sendMessage replaces, in a group
// as a reply with the first words that is edited with more and finally
// replaced by the rendered answer with its sources. It reports false,
// having done nothing, when streaming is off or the Answerer cannot
// stream.
func (a *Adapter) answerStreaming(ctx context.Context, m *models.Message, question, conversation string, root int) bool {
	sa, ok := a.ans.(citebot.StreamAnswerer)
	if !ok || a.opts.StreamInterval <= 0 {
		return false
	}
	interval := a.streamInterval(m.Chat)
	var stopTypingOnce sync.Once
	stopTyping := a.keepTyping(ctx, m)
	view := a.newView(m)

	var (
		mu   sync.Mutex
		text strings.Builder
	)
	delta := func(d string) {
		mu.Lock()
		text.WriteString(d)
		mu.Unlock()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			mu.Lock()
			s := text.String()
			mu.Unlock()
			// Called at every tick, changed or not: the view skips what
			// it already shows, catches up after a 429 pause, and keeps
			// a draft from fading while the model is silent.
			if strings.TrimSpace(s) != "" && view.showPartial(ctx, s) {
				// The message itself now shows that an answer is coming.
				stopTypingOnce.Do(stopTyping)
			}
		}
	}()
	ans, err := a.askWith(ctx, func(ctx context.Context) (citebot.Answer, error) {
		return sa.AnswerStream(ctx, citebot.Question{Text: question, ConversationID: conversation}, delta)
	})
	// No interim edit may land after the final answer.
	close(stop)
	<-done
	stopTypingOnce.Do(stopTyping)

	if err != nil {
		a.log.Warn("telegram: answer failed", "chat", m.Chat.ID, "err", err)
		view.finish(ctx, errorText(err, a.opts.ExampleQuestion.Example()), nil)
		return true
	}
	var kb *inlineKeyboard
	if a.fb != nil {
		k := feedbackKeyboard(root)
		kb = &k
	}
	ids := view.finish(ctx, renderAnswer(ans), kb)
	rec := &sentAnswer{conversation: conversation, root: root, question: question, answer: ans}
	for _, id := range ids {
		a.sent.put(msgKey{m.Chat.ID, id}, rec)
	}
	return true
}

// streamInterval is how often a streamed answer in chat may be updated.
func (a *Adapter) streamInterval(chat models.Chat) time.Duration {
	if chat.Type != models.ChatTypePrivate {
		return max(a.opts.StreamInterval, a.groupInterval)
	}
	return a.opts.StreamInterval
}

// answerView shows an answer while it is written, then the final answer.
type answerView interface {
	// showPartial shows the text so far, marked as unfinished, and
	// reports whether the chat now shows that an answer is coming. It
	// is called at every tick and skips text it already shows.
	showPartial(ctx context.Context, text string) bool
	// finish puts the final HTML in place, the keyboard under its last
	// message, and returns the IDs of the messages that show it.
	finish(ctx context.Context, html string, keyboard *inlineKeyboard) []int
}

// newView picks how m's answer is shown while it is written: a draft in a
// private chat, where Telegram offers them, an edited reply elsewhere.
func (a *Adapter) newView(m *models.Message) answerView {
	if m.Chat.Type == models.ChatTypePrivate {
		return &draftMessage{a: a, m: m}
	}
	return &liveMessage{a: a, m: m}
}

// partialHTML is the unfinished text as shown while it is written.
func partialHTML(text string) string {
	return escapeHTML(truncateRunes(strings.TrimSpace(text), maxPartialRunes)) + " …"
}

// liveMessage is the reply that shows an answer while it is written, by
// being edited.
type liveMessage struct {
	a     *Adapter
	m     *models.Message
	id    int       // 0 until sent
	shown string    // the HTML it shows now
	quiet time.Time // no interim edits before this, after a 429
}

// showPartial shows the text so far, marked as unfinished, sending the
// reply first if there is none yet. It reports whether the reply exists.
// Interim edits are not retried: the next one, or the final answer, will
// show the text anyway.
func (l *liveMessage) showPartial(ctx context.Context, text string) bool {
	if time.Now().Before(l.quiet) {
		return l.id != 0
	}
	html := partialHTML(text)
	if html == l.shown {
		return l.id != 0
	}
	ctx, cancel := context.WithTimeout(ctx, streamEditTimeout)
	defer cancel()
	var err error
	if l.id == 0 {
		var sent *models.Message
		sent, err = l.a.tg.SendMessage(ctx, l.params(html, nil))
		if err == nil {
			l.id = sent.ID
		}
	} else {
		_, err = l.a.tg.EditMessageText(ctx, l.editParams(html, nil))
	}
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		l.quiet = time.Now().Add(time.Duration(max(tooMany.RetryAfter, 1)) * time.Second)
	case err != nil:
		l.a.log.Debug("telegram: could not show the partial answer", "chat", l.m.Chat.ID, "err", err)
	default:
		l.shown = html
	}
	return l.id != 0
}

// finish puts the final HTML in place: the live reply is edited to its
// first part, and any further parts follow as new messages, the keyboard
// under the last. Without a live reply it replies as usual. It returns the
// IDs of the messages that now show the answer.
func (l *liveMessage) finish(ctx context.Context, html string, keyboard *inlineKeyboard) []int {
	if l.id == 0 {
		return l.a.reply(ctx, l.m, html, keyboard)
	}
	chunks, err := splitHTML(html, MaxMessageLen)
	if err != nil {
		l.a.log.Error("telegram: bad reply markup", "err", err)
		chunks, _ = splitHTML(escapeHTML(html), MaxMessageLen)
	}
	ids := []int{l.id}
	var kb *inlineKeyboard
	if len(chunks) == 1 {
		kb = keyboard
	}
	edit := func(ctx context.Context) (*models.Message, error) {
		return l.a.tg.EditMessageText(ctx, l.editParams(chunks[0], kb))
	}
	if _, err := retryRateLimited(ctx, l.a, "editMessageText", edit); err != nil {
		l.a.log.Warn("telegram: could not finish the streamed answer; sending it anew", "chat", l.m.Chat.ID, "err", err)
		return l.a.reply(ctx, l.m, html, keyboard)
	}
	for i, chunk := range chunks[1:] {
		p := l.params(chunk, nil)
		p.ReplyParameters = nil
		if i == len(chunks)-2 && keyboard != nil {
			p.ReplyMarkup = *keyboard
		}
		sent, err := l.a.sendMessage(ctx, p)
		if err != nil {
			l.a.log.Warn("telegram: sendMessage failed", "chat", l.m.Chat.ID, "part", i+2, "of", len(chunks), "err", err)
			break
		}
		ids = append(ids, sent.ID)
	}
	return ids
}

func (l *liveMessage) params(html string, keyboard *inlineKeyboard) *tgbot.SendMessageParams {
	p := &tgbot.SendMessageParams{
		ChatID:             l.m.Chat.ID,
		MessageThreadID:    threadOf(l.m),
		Text:               html,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		ReplyParameters:    &models.ReplyParameters{MessageID: l.m.ID, AllowSendingWithoutReply: true},
	}
	if keyboard != nil {
		p.ReplyMarkup = *keyboard
	}
	return p
}

func (l *liveMessage) editParams(html string, keyboard *inlineKeyboard) *tgbot.EditMessageTextParams {
	p := &tgbot.EditMessageTextParams{
		ChatID:             l.m.Chat.ID,
		MessageID:          l.id,
		Text:               html,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
	}
	if keyboard != nil {
		p.ReplyMarkup = *keyboard
	}
	return p
}

// truncateRunes keeps at most n runes of s, marking a cut with "…".
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
