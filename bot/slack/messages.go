package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

// The texts users see. They are mrkdwn written by us, so they are not
// escaped; anything user- or corpus-derived is escaped where it is added.
const (
	lookingUpText  = ":hourglass_flowing_sand: Looking that up…"
	loadingText    = ":hourglass_flowing_sand: Looking that up… I'm still loading the articles, so this may take a minute."
	notAllowedText = "Sorry, citebot is not enabled in this channel or workspace."
	restartingText = "citebot is restarting. Please ask again in a moment."
	timeoutText    = "Sorry, that took too long to answer. Please try again, perhaps with a more specific question."
	notReadyText   = "Sorry, I'm still loading the articles. Please try again in a minute."
	failedText     = "Sorry, something went wrong while looking that up. Please try again later."
	feedbackFailed = "Sorry, I couldn't save your feedback. Please try again later."
)

// helpText explains how to ask; command is the configured slash command
// and example a question the corpus answers.
func helpText(command, example string) string {
	c := escapeMrkdwn(command)
	return "*citebot* answers questions from the article collection and cites the passage it used.\n" +
		"• `" + c + " " + strings.ReplaceAll(escapeMrkdwn(example), "`", "'") + "` answers here.\n" +
		"• Mention me in a channel with your question and I answer in its thread; reply in that thread for a follow-up, no mention needed.\n" +
		"• Or send me a direct message, or open my assistant panel.\n" +
		"Use 👍 or 👎 under an answer to tell us whether it helped."
}

// isHelp reports whether a question is a request for help.
func isHelp(q string) bool {
	switch strings.ToLower(strings.Trim(q, " ?!.")) {
	case "help", "usage", "-h", "--help":
		return true
	}
	return false
}

// errRestarting means the adapter closed while a question waited for the
// index.
var errRestarting = errors.New("slack adapter closed before the index was ready")

// apology turns an engine error into a short message for the user.
func apology(err error) string {
	switch {
	case errors.Is(err, errRestarting):
		return restartingText
	case errors.Is(err, citebot.ErrEmptyQuestion):
		return "I didn't find a question in that. Try asking in a full sentence."
	case errors.Is(err, citebot.ErrQuestionTooLong):
		return fmt.Sprintf("That question is too long. Please keep it under %d characters.", citebot.MaxQuestionLen)
	case errors.Is(err, citebot.ErrNotReady):
		return notReadyText
	case errors.Is(err, context.DeadlineExceeded):
		return timeoutText
	default:
		return failedText
	}
}

// rateLimitedText asks the user to slow down.
func rateLimitedText(wait time.Duration) string {
	secs := int(math.Ceil(wait.Seconds()))
	return fmt.Sprintf("You're asking faster than I can keep up. Please try again in %d second%s.", secs, plural(secs))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// feedbackValue is what the 👍/👎 buttons carry: the key of the stored
// answer, and the question so a click can still be logged usefully after
// a restart has emptied the store.
type feedbackValue struct {
	ID       string `json:"id"`
	Question string `json:"q,omitempty"`
	// Verdict is set by the feedback_buttons element, whose one action
	// ID does not say which button was clicked.
	Verdict bot.Verdict `json:"v,omitempty"`
}

// maxButtonValue is Slack's limit on a button value.
const maxButtonValue = 2000

func encodeFeedbackValue(id, question string) string { return encodeVerdictValue(id, question, "") }

// encodeVerdictValue is encodeFeedbackValue with the verdict included.
func encodeVerdictValue(id, question string, v bot.Verdict) string {
	fv := feedbackValue{ID: id, Question: truncateRunes(question, 300), Verdict: v}
	b, err := json.Marshal(fv)
	if err != nil || utf8.RuneCount(b) > maxButtonValue {
		b, _ = json.Marshal(feedbackValue{ID: id, Verdict: v})
	}
	return string(b)
}

func decodeFeedbackValue(s string) feedbackValue {
	var v feedbackValue
	_ = json.Unmarshal([]byte(s), &v) // a bad value still gets its click logged
	return v
}
