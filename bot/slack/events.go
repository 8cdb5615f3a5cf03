package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// serveEvent handles POST /slack/events: the url_verification handshake,
// and event callbacks, which are acknowledged at once and answered in the
// background.
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	if a.closing() {
		// Slack retries, so the event is not lost: another instance, or
		// this one after its restart, will answer it.
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if !a.ready() && !bytes.Contains(body, []byte(`"url_verification"`)) {
		// Slack retries this too (after about 1 and 5 minutes), by which
		// time the index has loaded.
		w.Header().Set("Retry-After", "30")
		http.Error(w, "index loading", http.StatusServiceUnavailable)
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		if !json.Valid(body) {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		// An event type slack-go does not know: acknowledge it so Slack
		// does not retry something we would ignore anyway.
		a.log.Debug("slack: ignoring unparsable event", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			http.Error(w, "malformed challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(v.Challenge))
	case slackevents.CallbackEvent:
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.Debug("slack: event redelivered", "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		a.onEvent(r.Context(), ev)
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// inbound is a question asked by mention, by direct message (in an
// assistant thread or not), or as a follow-up in a channel thread the bot
// answered in.
type inbound struct {
	team, channel, user, text string
	ts, threadTS              string
	botUser                   string
	// im is set for direct messages, assistant threads included: they
	// show a status while answering rather than a placeholder.
	im bool
}

// onEvent handles an Events API callback from either transport. Retried
// deliveries are dropped by event ID; a message seen both as app_mention
// and as message.im (or message.channels) is answered once, by channel
// and timestamp. Events the bot ignores, such as all the channel talk that
// message.channels brings, are dropped before they reach the Deduper,
// which they would only fill.
func (a *Adapter) onEvent(ctx context.Context, ev slackevents.EventsAPIEvent) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || cb == nil {
		return
	}
	m := inbound{team: cb.TeamID, botUser: botUserID(cb)}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AssistantThreadStartedEvent:
		if a.firstEvent(ctx, cb) {
			a.onAssistantThreadStarted(ctx, cb.TeamID, e)
		}
		return
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.Edited != nil || e.User == "" || e.User == m.botUser {
			return // other bots, ourselves, and edits of old questions
		}
		m.channel, m.user, m.text, m.ts, m.threadTS = e.Channel, e.User, e.Text, e.TimeStamp, e.ThreadTimeStamp
	case *slackevents.MessageEvent:
		// Subtypes are edits, deletions, joins, bot messages and the like:
		// none of them is a new question.
		if e.SubType != "" || e.BotID != "" || e.User == "" || e.User == m.botUser {
			return
		}
		switch {
		case e.IsIM():
			m.im = true
		case e.IsChannel() || e.IsGroup():
			// Of channel messages only follow-ups are questions: replies
			// in a thread the bot answered in, not mentioning it
			// (app_mention covers those) and not addressed to someone
			// else. Everything else is people talking, which the bot
			// stays out of.
			if e.ThreadTimeStamp == "" || e.ThreadTimeStamp == e.TimeStamp ||
				!a.followsThread(ctx, e.Channel, e.ThreadTimeStamp) ||
				mentionsUser(e.Text, m.botUser) || addressedElsewhere(e.Text, m.botUser) {
				return
			}
		default:
			return
		}
		m.channel, m.user, m.text, m.ts, m.threadTS = e.Channel, e.User, e.Text, e.TimeStamp, e.ThreadTimeStamp
	default:
		return
	}
	if m.channel == "" || m.ts == "" || !a.firstEvent(ctx, cb) {
		return
	}
	if !a.allowed(m.team, m.channel) {
		a.log.Info("slack: ignoring message from a channel not on the allowlist", "team", m.team, "channel", m.channel)
		return
	}
	if !a.firstSeen(ctx, "message:"+m.channel+":"+m.ts) {
		return
	}
	if !a.spawn(ctx, func(ctx context.Context) { a.answerInThread(ctx, m) }) {
		a.log.Warn("slack: shutting down; question not answered", "channel", m.channel)
	}
}

// firstEvent reports whether cb is not a redelivery of an event already
// handled.
func (a *Adapter) firstEvent(ctx context.Context, cb *slackevents.EventsAPICallbackEvent) bool {
	if cb.EventID != "" && !a.firstSeen(ctx, "event:"+cb.EventID) {
		a.log.Debug("slack: dropping duplicate event", "event_id", cb.EventID)
		return false
	}
	return true
}

// botUserID is our bot's user ID, from the event's authorizations.
func botUserID(cb *slackevents.EventsAPICallbackEvent) string {
	for _, au := range cb.Authorizations {
		if au.IsBot && au.UserID != "" {
			return au.UserID
		}
	}
	return ""
}

func (a *Adapter) postEphemeral(ctx context.Context, channel, user, threadTS, text string) {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	m := notice(text)
	_, err := a.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionTS(threadTS))
	if err != nil {
		a.log.Warn("slack: could not post ephemeral message", "err", err)
	}
}
