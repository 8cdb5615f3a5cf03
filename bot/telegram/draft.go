package telegram

import (
	"context"
	"errors"
	"strconv"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// draftMessage shows an answer in a private chat while it is written, as a
// message draft (sendMessageDraft), which Telegram animates as it grows
// instead of editing a message. A draft is a preview that lasts about
// 30 s, not a message, so finish persists the answer with an ordinary
// reply.
//
// Should Telegram refuse drafts (a Bot API server that predates them, or
// one that offers them only to bots in forum topic mode), the answer falls
// back to an edited reply, as in groups, for the rest of its life.
type draftMessage struct {
	a      *Adapter
	m      *models.Message
	shown  string    // the HTML the draft shows now
	sentAt time.Time // when it was last sent
	quiet  time.Time // no drafts before this, after a 429

	fallback *liveMessage // set once Telegram refused a draft
}

// draftRefresh is how long a draft is left unchanged before it is sent
// again: Telegram lets a draft fade after about 30 s, and a model may
// pause longer than that before its final answer.
const draftRefresh = 20 * time.Second

// showPartial updates the draft. Like an interim edit it is not retried:
// the next update, or the final answer, will show the text anyway.
func (d *draftMessage) showPartial(ctx context.Context, text string) bool {
	if d.fallback != nil {
		return d.fallback.showPartial(ctx, text)
	}
	if time.Now().Before(d.quiet) {
		return d.shown != ""
	}
	html := partialHTML(text)
	if html == d.shown && time.Since(d.sentAt) < draftRefresh {
		return true
	}
	err := d.send(ctx, html)
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case err == nil:
		d.shown, d.sentAt = html, time.Now()
	case errors.As(err, &tooMany):
		d.quiet = time.Now().Add(time.Duration(max(tooMany.RetryAfter, 1)) * time.Second)
	case errors.Is(err, tgbot.ErrorBadRequest) || errors.Is(err, tgbot.ErrorNotFound) || errors.Is(err, tgbot.ErrorForbidden):
		d.a.log.Info("telegram: sendMessageDraft refused; editing a reply instead", "chat", d.m.Chat.ID, "err", err)
		d.fallback = &liveMessage{a: d.a, m: d.m}
		return d.fallback.showPartial(ctx, text)
	default:
		// A timeout or a network error: the next update may get through.
		d.a.log.Debug("telegram: could not show the draft", "chat", d.m.Chat.ID, "err", err)
	}
	return d.shown != ""
}

// send shows html as the draft.
func (d *draftMessage) send(ctx context.Context, html string) error {
	ctx, cancel := context.WithTimeout(ctx, streamEditTimeout)
	defer cancel()
	_, err := d.a.tg.SendMessageDraft(ctx, &tgbot.SendMessageDraftParams{
		ChatID:          d.m.Chat.ID,
		MessageThreadID: threadOf(d.m),
		// One draft per question: the question's ID is non-zero and
		// unique in the chat, as a draft_id must be, and every update of
		// the same draft is animated as a change of it.
		DraftID:   strconv.Itoa(d.m.ID),
		Text:      html,
		ParseMode: models.ParseModeHTML,
	})
	return err
}

// finish sends the final answer as a reply to the question; Telegram then
// shows it in the draft's place. After a fallback it finishes the edited
// reply instead.
func (d *draftMessage) finish(ctx context.Context, html string, keyboard *inlineKeyboard) []int {
	if d.fallback != nil {
		return d.fallback.finish(ctx, html, keyboard)
	}
	return d.a.reply(ctx, d.m, html, keyboard)
}
