package telegram

import (
	"context"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/citebot/citebot/bot"
)

// onCallback records a 👍/👎 click in the feedback log and acknowledges it
// with answerCallbackQuery, which stops the button's spinner and shows a
// short toast.
func (a *Adapter) onCallback(ctx context.Context, q *models.CallbackQuery) {
	toast := ""
	if verdict, _, ok := parseFeedbackData(q.Data); ok && a.fb != nil {
		chat, msg, msgText, questionText := callbackMessage(q)
		if a.allowed == nil || a.allowed[chat] {
			f := bot.Feedback{
				Adapter: "telegram",
				User:    strconv.FormatInt(q.From.ID, 10),
				Verdict: verdict,
			}
			if s, ok := a.sent.get(msgKey{chat, msg}); ok {
				f.Question, f.Answer, f.Citations = s.question, s.answer.Text, s.answer.Citations
			} else {
				// Sent before a restart: keep what the update itself
				// carries, the message as shown and the question it
				// replied to.
				f.Question, f.Answer = questionText, msgText
			}
			if err := a.fb.Record(f); err != nil {
				a.log.Error("telegram: record feedback", "err", err)
				toast = msgNotRecorded
			} else {
				toast = msgThanks
			}
		}
	}
	_, err := retryRateLimited(ctx, a, "answerCallbackQuery", func(ctx context.Context) (bool, error) {
		return a.tg.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: toast})
	})
	if err != nil {
		a.log.Warn("telegram: answerCallbackQuery failed", "err", err)
	}
}

// parseFeedbackData reads a feedback button's callback data: the verdict
// and the conversation root, if any.
func parseFeedbackData(data string) (v bot.Verdict, root int, ok bool) {
	kind, rest, _ := strings.Cut(data, ":")
	if kind != "fb" {
		return "", 0, false
	}
	verdict, rootText, hasRoot := strings.Cut(rest, ":")
	switch verdict {
	case "up":
		v = bot.VerdictUp
	case "down":
		v = bot.VerdictDown
	default:
		return "", 0, false
	}
	if hasRoot {
		n, err := strconv.Atoi(rootText)
		if err != nil || n <= 0 {
			return "", 0, false
		}
		root = n
	}
	return v, root, true
}

// callbackMessage returns the chat and ID of the message whose button was
// pressed, its text, and the text of the message it replies to.
func callbackMessage(q *models.CallbackQuery) (chat int64, msg int, text, replyTo string) {
	switch mm := q.Message; {
	case mm.Message != nil:
		m := mm.Message
		if m.ReplyToMessage != nil {
			replyTo = m.ReplyToMessage.Text
		}
		return m.Chat.ID, m.ID, m.Text, replyTo
	case mm.InaccessibleMessage != nil:
		return mm.InaccessibleMessage.Chat.ID, mm.InaccessibleMessage.MessageID, "", ""
	}
	return 0, 0, "", ""
}
