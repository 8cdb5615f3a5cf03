package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/citebot/citebot"
)

// maxQuoteRunes is how much of a citation's quote a message shows. The
// quote is there to let the reader check the answer, not to reproduce the
// article; the file name leads to the rest. It is above the engine's own
// cap (320), so that an engine quote shows whole: a long one is collapsed
// anyway (see expandQuoteRunes).
const maxQuoteRunes = 400

// expandQuoteRunes is the longest quote shown open: about three lines on
// a phone, which is also what Telegram shows of a collapsed quote. A
// longer one goes in an expandable block quote, so that a list of sources
// stays short to scan and a tap shows the rest.
const expandQuoteRunes = 120

// What the bot says besides answers. They are HTML.
const (
	notFoundText   = "I couldn't find that in the corpus."
	msgRefused     = "Sorry, I'm not enabled for this chat."
	msgSlowDown    = "You're asking faster than I can answer. Please wait a few seconds and ask again."
	msgUnknownCmd  = "I don't know that command. Try /help."
	msgNotReady    = "I'm still loading the articles. Please try again in a minute."
	msgTimeout     = "Sorry, that took too long to look up. Please try again."
	msgFailed      = "Sorry, something went wrong while looking that up. Please try again later."
	msgThanks      = "Thanks for your feedback!"
	msgNotRecorded = "Sorry, I couldn't save your feedback."
)

// renderAnswer formats ans as Telegram HTML: the answer first, then a
// "Sources" list with each citation's marker, file name, title and a short
// verbatim quote. All corpus and engine text is escaped: it is data and
// must never become markup.
func renderAnswer(ans citebot.Answer) string {
	var b strings.Builder
	text := strings.TrimSpace(ans.Text)
	if text == "" && !ans.Answered {
		text = notFoundText
	}
	b.WriteString(escapeHTML(text))
	if len(ans.Citations) == 0 {
		return b.String()
	}
	heading := "Sources"
	if !ans.Answered {
		// Said plainly so nobody takes the nearest passages as an answer.
		heading = "Closest sources (they don't answer the question)"
	}
	if text != "" {
		b.WriteString("\n\n")
	}
	b.WriteString("<b>" + heading + "</b>")
	for i, c := range ans.Citations {
		fmt.Fprintf(&b, "\n<b>[%d]</b> <code>%s</code>%s", i+1, escapeHTML(oneLine(c.Source)), c.PageSuffix())
		if title := oneLine(c.Title); title != "" && title != c.Source {
			b.WriteString(" · <i>" + escapeHTML(title) + "</i>")
		}
		if q := shortQuote(c.Quote, maxQuoteRunes); q != "" {
			b.WriteString("\n" + quoteHTML(q))
		}
	}
	return b.String()
}

// quoteHTML shows q, escaped, in a block quote that is expandable when q
// is longer than expandQuoteRunes.
func quoteHTML(q string) string {
	open := "<blockquote>"
	if utf8.RuneCountInString(q) > expandQuoteRunes {
		open = "<blockquote expandable>"
	}
	return open + escapeHTML(q) + "</blockquote>"
}

// oneLine collapses all runs of whitespace, newlines included, to one space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shortQuote returns q on one line, cut at a word boundary to at most max
// runes plus an ellipsis. What it keeps is still a verbatim prefix of q.
func shortQuote(q string, max int) string {
	q = oneLine(q)
	if utf8.RuneCountInString(q) <= max {
		return q
	}
	cut, n := len(q), 0
	for i := range q {
		if n == max {
			cut = i
			break
		}
		n++
	}
	if sp := strings.LastIndexByte(q[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRight(q[:cut], " ,;:") + "…"
}

// helpText explains how to use the bot. username is the bot's own, without
// '@'; example is a question the corpus can answer.
func helpText(username, example string) string {
	var b strings.Builder
	b.WriteString("I answer questions about my collection of articles, and every answer names the file it comes from with a word-for-word quote.\n\n")
	b.WriteString("<b>Private chat:</b> just type your question.\n")
	b.WriteString("<b>Groups:</b> ")
	if username != "" {
		b.WriteString("mention me (@" + escapeHTML(username) + "), ")
	}
	b.WriteString("use /ask, or reply to one of my answers.\n")
	b.WriteString("Reply to an answer to ask a follow-up.\n\n")
	b.WriteString("<b>Example:</b>\n<code>/ask " + escapeHTML(example) + "</code>\n\n")
	b.WriteString("Rate answers with 👍 or 👎 so they can be improved.")
	return b.String()
}

// emptyQuestionText asks for a question, with an example.
func emptyQuestionText(example string) string {
	return "Please ask a question, for example:\n<code>/ask " + escapeHTML(example) + "</code>"
}

// errorText turns an Answerer error into a short apology or explanation:
// users always hear back, and never see internals.
func errorText(err error, example string) string {
	switch {
	case errors.Is(err, citebot.ErrEmptyQuestion):
		return emptyQuestionText(example)
	case errors.Is(err, citebot.ErrQuestionTooLong):
		return fmt.Sprintf("That question is too long. Please keep it under %d characters.", citebot.MaxQuestionLen)
	case errors.Is(err, citebot.ErrNotReady):
		return msgNotReady
	case errors.Is(err, context.DeadlineExceeded):
		return msgTimeout
	default:
		return msgFailed
	}
}
