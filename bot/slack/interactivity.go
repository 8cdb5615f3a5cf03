package slack

import (
	"context"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot/bot"
)

// serveInteraction handles POST /slack/interactivity: button clicks.
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte) {
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ic, err := slack.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	a.onInteraction(r.Context(), ic)
	w.WriteHeader(http.StatusOK)
}

// onInteraction handles an interaction from either transport. Only the
// feedback buttons are ours.
func (a *Adapter) onInteraction(ctx context.Context, ic slack.InteractionCallback) {
	if ic.Type != slack.InteractionTypeBlockActions || a.fb == nil {
		return
	}
	channel := ic.Channel.ID
	if channel == "" {
		channel = ic.Container.ChannelID
	}
	if !a.allowed(ic.Team.ID, channel) {
		return
	}
	for _, act := range ic.ActionCallback.BlockActions {
		if act == nil {
			continue
		}
		var v bot.Verdict
		switch act.ActionID {
		case feedbackActionUp:
			v = bot.VerdictUp
		case feedbackActionDn:
			v = bot.VerdictDown
		case feedbackActionNative:
			// The feedback_buttons element: the value says which.
			v = decodeFeedbackValue(act.Value).Verdict
			if v != bot.VerdictUp && v != bot.VerdictDown {
				continue
			}
		default:
			continue
		}
		// A signed payload replayed within Slack's five minutes is the
		// same click: same trigger_id and action timestamp.
		if key := ic.TriggerID + "/" + act.ActionTs; key != "/" && !a.firstSeen(ctx, "action:"+key) {
			a.log.Info("slack: dropping a repeated click", "action_ts", act.ActionTs)
			continue
		}
		value := act.Value
		if !a.spawn(ctx, func(ctx context.Context) { a.recordFeedback(ctx, ic, value, v) }) {
			a.log.Warn("slack: shutting down; feedback not recorded")
		}
	}
}

// recordFeedback appends the click to feedback.jsonl and redraws the
// message with a thank-you in place of the buttons.
func (a *Adapter) recordFeedback(ctx context.Context, ic slack.InteractionCallback, value string, v bot.Verdict) {
	fv := decodeFeedbackValue(value)
	f := bot.Feedback{Adapter: "slack", User: ic.User.ID, Verdict: v}
	rec, ok := a.answers.Get(fv.ID)
	blocks := ic.Message.Blocks.BlockSet
	text := ic.Message.Text
	if ok {
		f.Question, f.Answer, f.Citations = rec.question, rec.answer.Text, rec.answer.Citations
		blocks = rec.blocks
	} else {
		// The answer was forgotten (restart, or another instance served
		// it): log what the click itself tells us.
		a.log.Info("slack: feedback for an answer no longer in memory", "id", fv.ID)
		f.Question, f.Answer = fv.Question, unescapeMrkdwn(text)
	}
	if err := a.fb.Record(f); err != nil {
		a.log.Error("slack: could not record feedback", "err", err)
		a.ackInteraction(ctx, ic, nil, feedbackFailed)
		return
	}
	// A streamed answer's text is the stream's, not blocks that could be
	// redrawn, so its feedback_buttons stay and the clicker alone is
	// thanked.
	acked, found := acknowledgeFeedback(blocks, ic.User.ID, v)
	if !found || fv.Verdict != "" {
		acked = nil
	}
	a.ackInteraction(ctx, ic, acked, feedbackThanks(ic.User.ID, v))
}

// ackInteraction shows the outcome of a click. With blocks it replaces the
// clicked message (through response_url, which works for ephemeral
// messages too, or chat.update); without, it sends text to the clicker.
func (a *Adapter) ackInteraction(ctx context.Context, ic slack.InteractionCallback, blocks []slack.Block, text string) {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	var err error
	switch {
	case ic.ResponseURL != "" && blocks != nil:
		err = a.postWebhook(ctx, ic.ResponseURL, &slack.WebhookMessage{
			Text: firstNonEmpty(ic.Message.Text, text), Blocks: &slack.Blocks{BlockSet: blocks}, ReplaceOriginal: true})
	case ic.ResponseURL != "":
		m := notice(text)
		err = a.postWebhook(ctx, ic.ResponseURL, &slack.WebhookMessage{
			Text: m.Text, Blocks: &slack.Blocks{BlockSet: m.Blocks}, ResponseType: slack.ResponseTypeEphemeral})
	case blocks != nil && ic.Container.ChannelID != "" && ic.Container.MessageTs != "" && !ic.Container.IsEphemeral:
		_, _, _, err = a.api.UpdateMessageContext(ctx, ic.Container.ChannelID, ic.Container.MessageTs,
			slack.MsgOptionText(firstNonEmpty(ic.Message.Text, text), false), slack.MsgOptionBlocks(blocks...))
	default:
		a.postEphemeral(ctx, ic.Container.ChannelID, ic.User.ID, ic.Container.ThreadTs, text)
	}
	if err != nil {
		a.log.Warn("slack: could not acknowledge feedback", "err", err)
	}
}
