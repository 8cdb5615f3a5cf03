package slack

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot"
)

const (
	// streamUpdateTimeout bounds one interim update, so a slow or
	// rate-limited one never holds up the final answer for long.
	streamUpdateTimeout = 5 * time.Second
	// maxStreamTextRunes is Slack's limit on one call's markdown_text.
	maxStreamTextRunes = 12000
)

// write shows text, the answer so far, in the thread. The first write
// starts a native stream (chat.startStream) unless a placeholder already
// shows or Slack refused streaming here; later writes append what is new.
// Where native streaming is refused, the message is edited instead.
func (r *reply) write(ctx context.Context, text string) {
	ctx, cancel := context.WithTimeout(ctx, streamUpdateTimeout)
	defer cancel()
	switch {
	case r.mode == modeNone && !r.refused:
		if r.startStream(ctx, text) {
			return
		}
		r.refused = true
		r.postPartial(ctx, text)
	case r.mode == modeNone:
		r.postPartial(ctx, text)
	case r.mode == modeNative:
		if !strings.HasPrefix(text, r.sent) {
			return // cannot happen: deltas only ever add
		}
		for _, part := range splitRunes(text[len(r.sent):], maxStreamTextRunes) {
			if _, _, err := r.a.api.AppendStreamContext(ctx, r.channel, r.ts, slack.MsgOptionMarkdownText(defang(part))); err != nil {
				// The final answer replaces the stream whatever it shows.
				r.a.log.Debug("slack: could not append to the stream", "err", err)
				return
			}
			r.sent += part
		}
	default:
		r.editPartial(ctx, text)
	}
}

// startStream starts a native stream in the thread with text, and reports
// whether Slack accepted it. In channels Slack needs the recipient user
// and team; some workspaces refuse streaming outside DMs altogether.
func (r *reply) startStream(ctx context.Context, text string) bool {
	parts := splitRunes(text, maxStreamTextRunes)
	opts := []slack.MsgOption{slack.MsgOptionTS(r.root), slack.MsgOptionMarkdownText(defang(parts[0]))}
	if validSlackID(r.user) && validSlackID(r.team) {
		opts = append(opts, slack.MsgOptionRecipientUserID(r.user), slack.MsgOptionRecipientTeamID(r.team))
	}
	_, ts, err := r.a.api.StartStreamContext(ctx, r.channel, opts...)
	if err != nil {
		r.a.log.Info("slack: native streaming refused; editing the message instead", "err", err)
		return false
	}
	r.ts, r.mode, r.sent = ts, modeNative, parts[0]
	if len(parts) > 1 {
		r.write(ctx, text)
	}
	return true
}

// postPartial posts the answer so far, to be edited as it grows.
func (r *reply) postPartial(ctx context.Context, text string) {
	_, ts, err := r.a.api.PostMessageContext(ctx, r.channel, slack.MsgOptionTS(r.root),
		slack.MsgOptionText(escapeMrkdwn(truncateRunes(text, maxFallbackRunes)), false),
		slack.MsgOptionBlocks(sectionBlock(partialMrkdwn(text))))
	if err != nil {
		r.a.log.Debug("slack: could not show the partial answer", "err", err)
		return
	}
	r.ts, r.mode = ts, modeEdit
}

// editPartial shows the answer so far in the message being edited.
func (r *reply) editPartial(ctx context.Context, text string) {
	_, _, _, err := r.a.api.UpdateMessageContext(ctx, r.channel, r.ts,
		slack.MsgOptionText(escapeMrkdwn(truncateRunes(text, maxFallbackRunes)), false),
		slack.MsgOptionBlocks(sectionBlock(partialMrkdwn(text))))
	if err != nil {
		r.a.log.Debug("slack: could not show the partial answer", "err", err)
		return
	}
	r.mode = modeEdit
}

// partialMrkdwn renders the answer so far, marked as still being written.
func partialMrkdwn(text string) string {
	body := markdownToMrkdwn(truncateRunes(strings.TrimSpace(text), maxSectionRunes*3/4))
	return truncateRunes(body, maxSectionRunes-2) + " …"
}

// stopWithSources ends the native stream with the sources and the
// feedback_buttons under the streamed text, and reports whether it could.
// When the final answer is not the text streamed (the model's answer was
// rejected and the quoted one replaces it), it cannot, and the caller
// replaces the stream with the whole answer.
func (r *reply) stopWithSources(ctx context.Context, ans citebot.Answer, question string) bool {
	if oneLine(ans.Text) != oneLine(r.sent) {
		return false
	}
	blocks := sourceBlocks(ans, nil)
	if id := r.a.remember(ans, question); id != "" {
		blocks = append(blocks, nativeFeedbackButtons(id, question))
	}
	if len(blocks) > maxBlocks {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	var opts []slack.MsgOption
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	if _, _, err := r.a.api.StopStreamContext(ctx, r.channel, r.ts, opts...); err != nil {
		r.a.log.Warn("slack: could not stop the stream with its sources; replacing it", "err", err)
		return false
	}
	r.mode = modeEdit
	return true
}

// stop ends the native stream as it is, so that it can be replaced.
func (r *reply) stop(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, streamUpdateTimeout)
	defer cancel()
	if _, _, err := r.a.api.StopStreamContext(ctx, r.channel, r.ts); err != nil {
		r.a.log.Debug("slack: could not stop the stream", "err", err)
	}
	r.mode = modeEdit
}

// defang keeps model output from reaching Slack as a mention, a channel-
// wide notification or a link token: a zero-width space after "<" breaks
// the <@U…>, <!channel> and <#C…> syntax without changing what readers see.
func defang(s string) string {
	return strings.ReplaceAll(s, "<", "<\u200b")
}

// splitRunes cuts s into pieces of at most n runes; "" gives one piece.
func splitRunes(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		i, count := 0, 0
		for i = range s {
			if count == n {
				break
			}
			count++
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return append(out, s)
}
