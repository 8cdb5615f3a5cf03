package telegram

import (
	"context"
	"errors"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// workingReaction is the reaction put on a question while it is being
// answered. It is one of the emoji the Bot API lets bots react with.
const workingReaction = "👀"

// reactTimeout bounds one setMessageReaction call: the reaction is a
// courtesy and must never hold up an answer.
const reactTimeout = 5 * time.Second

// react puts workingReaction on m in the background and returns done,
// which takes it off again once the answer is out. Neither ever fails the
// answer: errors are logged, and the answer is sent without waiting for
// the reaction. A chat that refuses the reaction (its admins allow only
// some reactions, or none) is remembered and not asked again.
func (a *Adapter) react(ctx context.Context, m *models.Message) (done func()) {
	chat := m.Chat.ID
	if _, refused := a.noReact.get(chat); refused {
		return func() {}
	}
	set := make(chan bool, 1)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, reactTimeout)
		defer cancel()
		// Not retried on 429: the answer will be there before the wait is over.
		_, err := a.tg.SetMessageReaction(ctx, &tgbot.SetMessageReactionParams{
			ChatID:    chat,
			MessageID: m.ID,
			Reaction: []models.ReactionType{{
				Type:              models.ReactionTypeTypeEmoji,
				ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: workingReaction},
			}},
		})
		a.reactFailed(chat, err)
		set <- err == nil
	}()
	return func() {
		if !<-set {
			return
		}
		// Retried on 429, unlike the first call: a 👀 left behind would
		// say the bot is still at work.
		_, err := retryRateLimited(ctx, a, "setMessageReaction", func(ctx context.Context) (bool, error) {
			ctx, cancel := context.WithTimeout(ctx, reactTimeout)
			defer cancel()
			return a.tg.SetMessageReaction(ctx, &tgbot.SetMessageReactionParams{
				ChatID:    chat,
				MessageID: m.ID,
				// An empty list, sent as [], removes the bot's reaction.
				Reaction: []models.ReactionType{},
			})
		})
		a.reactFailed(chat, err)
	}
}

// reactFailed logs a failed setMessageReaction call, and remembers chat
// as refusing reactions when Telegram said no for good rather than "not
// now" (a Bot API server too old for the method answers 404).
func (a *Adapter) reactFailed(chat int64, err error) {
	if err == nil {
		return
	}
	if errors.Is(err, tgbot.ErrorBadRequest) || errors.Is(err, tgbot.ErrorForbidden) || errors.Is(err, tgbot.ErrorNotFound) {
		a.noReact.put(chat, struct{}{})
	}
	a.log.Debug("telegram: setMessageReaction failed", "chat", chat, "err", err)
}
