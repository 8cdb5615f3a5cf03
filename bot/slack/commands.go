package slack

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/citebot/citebot"
	"github.com/slack-go/slack"
)

// commandReply is the immediate answer to a slash command: the HTTP
// response body in HTTP mode, the acknowledgement payload in Socket Mode.
type commandReply struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func ephemeralReply(text string) commandReply {
	m := notice(text)
	return commandReply{ResponseType: slack.ResponseTypeEphemeral, Text: m.Text, Blocks: m.Blocks}
}

// serveCommand handles POST /slack/commands.
func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	reply := a.onCommand(r.Context(), cmd)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}

// onCommand handles a slash command from either transport. It returns the
// immediate reply — help, a refusal, or "Looking that up…" — and, in the
// last case, has started answering through the command's response_url.
func (a *Adapter) onCommand(ctx context.Context, cmd slack.SlashCommand) commandReply {
	if cmd.Command != a.opts.Command {
		a.log.Warn("slack: unexpected slash command", "command", cmd.Command)
		return ephemeralReply("Sorry, I only answer " + escapeMrkdwn(a.opts.Command) + ".")
	}
	if !a.allowed(cmd.TeamID, cmd.ChannelID) {
		a.log.Info("slack: command from a channel not on the allowlist", "team", cmd.TeamID, "channel", cmd.ChannelID)
		return ephemeralReply(notAllowedText)
	}
	question := slackToPlain(cmd.Text, "")
	if question == "" || isHelp(question) {
		return ephemeralReply(helpText(a.opts.Command, a.opts.ExampleQuestion.Example()))
	}
	if cmd.ResponseURL == "" {
		return ephemeralReply(failedText)
	}
	if ok, wait := a.allow(ctx, cmd.UserID); !ok {
		return ephemeralReply(rateLimitedText(wait))
	}
	// A signed request replayed within Slack's five minutes carries the
	// same trigger_id; Slack's own retries of a command do too.
	if cmd.TriggerID != "" && !a.firstSeen(ctx, "command:"+cmd.TriggerID) {
		a.log.Info("slack: dropping a repeated slash command", "trigger_id", cmd.TriggerID)
		return ephemeralReply(lookingUpText)
	}
	started := a.spawn(ctx, func(ctx context.Context) {
		a.answerCommand(ctx, cmd, question)
	})
	if !started {
		return ephemeralReply(restartingText)
	}
	if !a.ready() {
		return ephemeralReply(loadingText)
	}
	return ephemeralReply(lookingUpText)
}

// answerCommand answers through the response_url, once the index is
// ready. An answer replaces the ephemeral acknowledgement unless it is
// meant for the whole channel; an apology always goes to the asker only.
func (a *Adapter) answerCommand(ctx context.Context, cmd slack.SlashCommand, question string) {
	var ans citebot.Answer
	err := errRestarting
	if a.waitReady(ctx) {
		ans, err = a.ask(ctx, citebot.Question{Text: question})
	}
	if err != nil {
		if err := a.postResponse(ctx, cmd.ResponseURL, slack.ResponseTypeEphemeral, true, []message{notice(apology(err))}); err != nil {
			a.log.Error("slack: could not deliver apology", "err", err)
		}
		return
	}
	responseType, replace := slack.ResponseTypeEphemeral, true
	if a.opts.InChannel {
		responseType, replace = slack.ResponseTypeInChannel, false
	}
	msgs := a.renderForFeedback(ans, question, renderOptions{AskedBy: cmd.UserID, Question: question})
	if err := a.postResponse(ctx, cmd.ResponseURL, responseType, replace, msgs); err != nil {
		a.log.Error("slack: could not deliver answer", "err", err)
		_ = a.postResponse(ctx, cmd.ResponseURL, slack.ResponseTypeEphemeral, true, []message{notice(failedText)})
	}
}
