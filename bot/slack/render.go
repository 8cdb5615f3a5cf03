package slack

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

// Slack's Block Kit limits; see https://docs.slack.dev/reference/block-kit/blocks.
const (
	maxSectionRunes    = 3000
	maxBlocks          = 50
	maxContextElements = 10
	maxFallbackRunes   = 3000
	maxQuoteRunes      = 500
	maxTitleRunes      = 150
	maxSourceRunes     = 200
	maxQuestionRunes   = 1000
)

// Block and action IDs of the feedback buttons. The action IDs say the
// verdict so a click needs no lookup to know it; the feedback_buttons
// element under a streamed answer has one action ID, and its two values
// say the verdict instead.
const (
	feedbackBlockID      = "citebot_feedback"
	feedbackActionUp     = "citebot_feedback_up"
	feedbackActionDn     = "citebot_feedback_down"
	feedbackActionNative = "citebot_feedback_buttons"
)

// message is one Slack message: blocks plus the plain fallback text that
// notifications and old clients show.
type message struct {
	Text   string
	Blocks []slack.Block
}

// renderOptions tune renderAnswer.
type renderOptions struct {
	// AskedBy and Question, when set, add a line saying who asked what.
	// Slash commands need it: the command itself is not shown to others.
	AskedBy  string
	Question string
	// FeedbackValue is the value of the 👍/👎 buttons; empty leaves them out.
	FeedbackValue string
}

// renderAnswer lays an answer out as Block Kit messages: the lead answer,
// then its sources, each with its quote, then the feedback buttons. A
// sentence the answer quotes verbatim is shown once, under its source, not
// again in the answer. It splits rather than fails when Slack's limits are
// reached: long text over several sections, many blocks over several
// messages (the buttons go on the last one).
func renderAnswer(ans citebot.Answer, o renderOptions) []message {
	var blocks []slack.Block
	if o.Question != "" {
		who := "You"
		if validSlackID(o.AskedBy) {
			who = "<@" + o.AskedBy + ">"
		}
		blocks = append(blocks, contextBlock(fmt.Sprintf("%s asked: %s", who,
			escapeMrkdwn(truncateRunes(o.Question, maxQuestionRunes)))))
	}
	if !ans.Answered {
		// A miss must not look like an answer: a distinct marker first.
		blocks = append(blocks, contextBlock(":grey_question: *Not found in the corpus*"))
	}
	lead, quoted := splitLead(ans)
	for _, part := range splitMrkdwn(lead, maxSectionRunes) {
		blocks = append(blocks, sectionBlock(part))
	}
	blocks = append(blocks, sourceBlocks(ans, quoted)...)

	msgs := chunkBlocks(blocks, o.FeedbackValue != "")
	if o.FeedbackValue != "" {
		last := &msgs[len(msgs)-1]
		last.Blocks = append(last.Blocks, feedbackButtons(o.FeedbackValue))
	}
	fallback := escapeMrkdwn(truncateRunes(answerText(ans), maxFallbackRunes))
	for i := range msgs {
		msgs[i].Text = fallback
		if i > 0 {
			msgs[i].Text = fmt.Sprintf("(continued, part %d of %d)", i+1, len(msgs))
		}
	}
	return msgs
}

// answerText is the answer's text, or what to say when there is none.
func answerText(ans citebot.Answer) string {
	text := strings.TrimSpace(ans.Text)
	if text == "" && !ans.Answered {
		text = "I couldn't find that in the corpus."
	}
	return text
}

// markerRE matches citation markers such as [1] or [1, 2].
var markerRE = regexp.MustCompile(`\s*\[\d+(?:[,\s]+\d+)*\]`)

// splitLead returns the mrkdwn to show as the answer, and which citations'
// quotes it shows, so that their sources leave them out. An extractive answer is its
// direct answer followed by the sentences it quotes; showing those again
// under Sources repeated every sentence, so the answer keeps only what it
// adds (the lead, in bold, with its markers) and the quotes stay with their
// sources. When the quote is all there is, the answer shows it and its
// source goes without the quote.
func splitLead(ans citebot.Answer) (string, []bool) {
	text := answerText(ans)
	rest := oneLine(text)
	quoted := make([]bool, len(ans.Citations))
	var markers []string
	for i, c := range ans.Citations {
		q := oneLine(c.Quote)
		if q == "" || !strings.Contains(rest, q) {
			continue
		}
		quoted[i] = true
		rest = strings.Replace(rest, q, " ", 1)
		markers = append(markers, fmt.Sprintf("[%d]", i+1))
	}
	if len(markers) == 0 {
		return markdownToMrkdwn(text), quoted
	}
	rest = strings.TrimSpace(oneLine(markerRE.ReplaceAllString(rest, " ")))
	if strings.Trim(rest, " .,;:") == "" {
		// The quote is the answer: show it here, not under its source.
		return markdownToMrkdwn(text), quoted
	}
	if lead := strings.TrimSpace(ans.Lead); lead != "" && strings.TrimRight(rest, ". ") == lead {
		rest = "*" + escapeMrkdwn(lead) + "*"
	} else {
		rest = markdownToMrkdwn(rest)
	}
	return rest + " " + strings.Join(markers, ""), make([]bool, len(ans.Citations))
}

// sourceBlocks lists the citations under a divider, each with its quote
// unless quotedAbove says the answer already shows it.
func sourceBlocks(ans citebot.Answer, quotedAbove []bool) []slack.Block {
	if len(ans.Citations) == 0 {
		return nil
	}
	label := ":books: *Sources*"
	if !ans.Answered {
		label = ":mag: *Closest passages* (they may not answer the question)"
	}
	blocks := []slack.Block{slack.NewDividerBlock()}
	elems := []slack.MixedElement{mrkdwnText(label)}
	for i, c := range ans.Citations {
		if len(elems) == maxContextElements {
			blocks = append(blocks, slack.NewContextBlock("", elems...))
			elems = nil
		}
		if i < len(quotedAbove) && quotedAbove[i] {
			c.Quote = ""
		}
		elems = append(elems, mrkdwnText(citationLine(i, c)))
	}
	return append(blocks, slack.NewContextBlock("", elems...))
}

// chunkBlocks groups blocks into messages of at most maxBlocks, keeping a
// slot free on the last one for the feedback buttons when asked.
func chunkBlocks(blocks []slack.Block, reserveLast bool) []message {
	var msgs []message
	for len(blocks) > 0 {
		n := min(len(blocks), maxBlocks)
		msgs = append(msgs, message{Blocks: blocks[:n:n]})
		blocks = blocks[n:]
	}
	if len(msgs) == 0 {
		msgs = append(msgs, message{})
	}
	if reserveLast && len(msgs[len(msgs)-1].Blocks) == maxBlocks {
		msgs = append(msgs, message{})
	}
	return msgs
}

// citationLine renders "[n] `file`, p. N · Title — “quote”" (the page
// for a PDF only). Everything in it is
// corpus data, so all of it is escaped and none of it is Markdown-converted.
func citationLine(i int, c citebot.Citation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*[%d]* ", i+1)
	src := strings.ReplaceAll(truncateRunes(c.Source, maxSourceRunes), "`", "'")
	if strings.TrimSpace(src) != "" {
		b.WriteString("`" + escapeMrkdwn(src) + "`" + c.PageSuffix())
	}
	if title := strings.TrimSpace(c.Title); title != "" && title != c.Source {
		b.WriteString(" · " + escapeMrkdwn(truncateRunes(oneLine(title), maxTitleRunes)))
	}
	if q := strings.TrimSpace(c.Quote); q != "" {
		b.WriteString("\n“" + escapeMrkdwn(truncateRunes(oneLine(q), maxQuoteRunes)) + "”")
	}
	return b.String()
}

// nativeFeedbackButtons is the feedback_buttons element Slack offers for
// AI answers, in the context_actions block that ends a streamed message.
// Its values carry the verdict along with what value carries.
func nativeFeedbackButtons(id, question string) slack.Block {
	up := slack.NewFeedbackButton(slack.NewTextBlockObject(slack.PlainTextType, "Helpful", false, false),
		encodeVerdictValue(id, question, bot.VerdictUp)).WithAccessibilityLabel("This answer was helpful")
	down := slack.NewFeedbackButton(slack.NewTextBlockObject(slack.PlainTextType, "Not helpful", false, false),
		encodeVerdictValue(id, question, bot.VerdictDown)).WithAccessibilityLabel("This answer was not helpful")
	return slack.NewContextActionsBlock(feedbackBlockID, slack.NewFeedbackButtonsBlockElement(feedbackActionNative, up, down))
}

func feedbackButtons(value string) slack.Block {
	up := slack.NewButtonBlockElement(feedbackActionUp, value,
		slack.NewTextBlockObject(slack.PlainTextType, "👍 Helpful", true, false))
	down := slack.NewButtonBlockElement(feedbackActionDn, value,
		slack.NewTextBlockObject(slack.PlainTextType, "👎 Not helpful", true, false))
	return slack.NewActionBlock(feedbackBlockID, up, down)
}

// acknowledgeFeedback returns blocks with the feedback buttons replaced by a
// thank-you line, so the message itself shows the click was recorded and
// cannot be clicked again by accident. It reports whether buttons were found.
func acknowledgeFeedback(blocks []slack.Block, user string, v bot.Verdict) ([]slack.Block, bool) {
	out := make([]slack.Block, 0, len(blocks))
	found := false
	for _, b := range blocks {
		if b != nil && b.ID() == feedbackBlockID && b.BlockType() == slack.MBTAction {
			out = append(out, contextBlock(feedbackThanks(user, v)))
			found = true
			continue
		}
		out = append(out, b)
	}
	return out, found
}

func feedbackThanks(user string, v bot.Verdict) string {
	icon := ":+1:"
	if v == bot.VerdictDown {
		icon = ":-1:"
	}
	who := ""
	if validSlackID(user) {
		who = ", <@" + user + ">"
	}
	return fmt.Sprintf("%s Thanks%s — your feedback was recorded.", icon, who)
}

// notice renders a short message of our own text (help, apologies). text is
// mrkdwn written by us; it is not escaped.
func notice(text string) message {
	return message{Text: text, Blocks: []slack.Block{sectionBlock(text)}}
}

func sectionBlock(mrkdwn string) slack.Block {
	return slack.NewSectionBlock(mrkdwnText(mrkdwn), nil, nil)
}

func contextBlock(mrkdwn string) slack.Block {
	return slack.NewContextBlock("", mrkdwnText(mrkdwn))
}

// mrkdwnText is a mrkdwn text object with verbatim set: Slack then leaves
// bare URLs, #channel names and @here in corpus text alone instead of
// turning them into links or notifications.
func mrkdwnText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

var slackIDRE = regexp.MustCompile(`^[A-Z0-9]{2,32}$`)

// validSlackID reports whether id looks like a Slack user, channel or team
// ID, so it is safe to put inside <@…>.
func validSlackID(id string) bool { return slackIDRE.MatchString(id) }

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	// Prefer to end on a word boundary when one is near.
	if i := lastSpace(r); i > n*3/4 {
		r = r[:i]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
