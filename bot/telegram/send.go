package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Callback data of the feedback buttons. In groups a button's data also
// carries the ID of the question that started the conversation,
// "fb:up:1234", because a reply to the answer brings the answer's buttons
// along: any instance, even after a restart, can then tell which
// conversation the reply continues.
const (
	dataUp   = "fb:up"
	dataDown = "fb:down"
)

// inlineKeyboard is reply_markup with callback buttons only. It stands in
// for models.InlineKeyboardMarkup because models.InlineKeyboardButton
// always serialises an empty copy_text object (a struct field with
// omitempty), which the Bot API has been reported to reject with
// BUTTON_COPY_TEXT_INVALID (go-telegram/bot pull request 167).
type inlineKeyboard struct {
	InlineKeyboard [][]callbackButton `json:"inline_keyboard"`
}

type callbackButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// feedbackKeyboard returns the 👍/👎 buttons for an answer in the
// conversation rooted at message root (0: none to record).
func feedbackKeyboard(root int) inlineKeyboard {
	suffix := ""
	if root != 0 {
		suffix = ":" + strconv.Itoa(root)
	}
	return inlineKeyboard{InlineKeyboard: [][]callbackButton{{
		{Text: "👍", CallbackData: dataUp + suffix},
		{Text: "👎", CallbackData: dataDown + suffix},
	}}}
}

// reply sends html to m's chat as a reply to m, split into as many
// messages as Telegram's length limit needs, with link previews off and,
// if keyboard is not nil, the 👍/👎 buttons under the last message. It
// returns the IDs of the messages sent. Failures are logged: there is no
// one else to tell.
func (a *Adapter) reply(ctx context.Context, m *models.Message, html string, keyboard *inlineKeyboard) []int {
	chunks, err := splitHTML(html, MaxMessageLen)
	if err != nil {
		// Our own markup is broken: a bug. Show it as text rather than
		// say nothing.
		a.log.Error("telegram: bad reply markup", "err", err)
		chunks, _ = splitHTML(escapeHTML(html), MaxMessageLen)
	}
	var ids []int
	for i, chunk := range chunks {
		params := &tgbot.SendMessageParams{
			ChatID:             m.Chat.ID,
			MessageThreadID:    threadOf(m),
			Text:               chunk,
			ParseMode:          models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()},
		}
		if i == 0 {
			params.ReplyParameters = &models.ReplyParameters{
				MessageID: m.ID,
				// The question may have been deleted meanwhile.
				AllowSendingWithoutReply: true,
			}
		}
		if keyboard != nil && i == len(chunks)-1 {
			params.ReplyMarkup = *keyboard
		}
		sent, err := a.sendMessage(ctx, params)
		if err != nil {
			a.log.Warn("telegram: sendMessage failed", "chat", m.Chat.ID, "part", i+1, "of", len(chunks), "err", err)
			return ids
		}
		ids = append(ids, sent.ID)
	}
	return ids
}

// sendMessage sends with 429 retries. Should Telegram still reject the
// HTML, which lexHTML is there to prevent, it resends the same words as
// plain text.
func (a *Adapter) sendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	send := func(ctx context.Context) (*models.Message, error) { return a.tg.SendMessage(ctx, p) }
	msg, err := retryRateLimited(ctx, a, "sendMessage", send)
	if err == nil || !errors.Is(err, tgbot.ErrorBadRequest) || !strings.Contains(err.Error(), "parse entities") {
		return msg, err
	}
	a.log.Error("telegram: HTML rejected, resending as plain text", "err", err)
	text, terr := htmlText(p.Text)
	if terr != nil {
		return nil, err
	}
	plain := *p
	plain.Text, plain.ParseMode = text, ""
	p = &plain
	return retryRateLimited(ctx, a, "sendMessage", send)
}
