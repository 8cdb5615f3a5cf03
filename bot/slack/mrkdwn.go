package slack

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Slack gives meaning to exactly three characters in message text; everything
// else is literal. See https://docs.slack.dev/messaging/formatting-message-text#escaping.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeMrkdwn makes s safe to show as Slack text: &, < and > become
// entities, so corpus text can never form a link, a mention or a broadcast
// such as <!channel>.
func escapeMrkdwn(s string) string { return mrkdwnEscaper.Replace(s) }

var mrkdwnUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// unescapeMrkdwn reverses escapeMrkdwn.
func unescapeMrkdwn(s string) string { return mrkdwnUnescaper.Replace(s) }

// maxLinkRunes bounds a rendered <url|label> token. Longer links are shown as
// plain text so that splitMrkdwn can always cut between tokens.
const maxLinkRunes = 1000

var (
	headingRE = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$`)
	bulletRE  = regexp.MustCompile(`^([ \t]*)[-*+][ \t]+(.*)$`)
	quoteRE   = regexp.MustCompile(`^ {0,3}>[ \t]?(.*)$`)
	ruleRE    = regexp.MustCompile(`^ {0,3}([-*_])([ \t]*[-*_]){2,}[ \t]*$`)
	fenceRE   = regexp.MustCompile("^ {0,3}(```+|~~~+)")
)

// sameRuleRune reports whether a thematic break uses one character only.
func sameRuleRune(line string) bool {
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, line)
	return t != "" && strings.Count(t, t[:1]) == len(t)
}

// markdownToMrkdwn turns the Markdown an answer may contain into Slack
// mrkdwn: **bold** → *bold*, *italic* → _italic_, ~~strike~~ → ~strike~,
// [label](url) → <url|label>, headings → bold lines, bullets → •. Every
// other &, < and > is escaped, so the output never contains a mention,
// a broadcast or a link that was not written as a Markdown link to an
// http, https or mailto URL.
func markdownToMrkdwn(md string) string {
	md = strings.ToValidUTF8(md, "\uFFFD")
	md = strings.ReplaceAll(md, "\r\n", "\n")
	md = strings.ReplaceAll(md, "\r", "\n")
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	fence := "" // the opening fence while inside a fenced code block
	for _, line := range lines {
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			switch {
			case fence == "":
				fence = m[1]
				out = append(out, "```")
				continue
			case m[1][0] == fence[0] && len(m[1]) >= len(fence) && strings.TrimSpace(line[len(m[0]):]) == "":
				fence = ""
				out = append(out, "```")
				continue
			}
		}
		if fence != "" {
			// Slack has no way to show three backticks inside a code block.
			out = append(out, escapeMrkdwn(strings.ReplaceAll(line, "```", "`\u200b``")))
			continue
		}
		switch {
		case ruleRE.MatchString(line) && sameRuleRune(line):
			out = append(out, "──────────")
		case headingRE.MatchString(line):
			text := inlineMrkdwn(headingRE.FindStringSubmatch(line)[2])
			if text != "" && !strings.Contains(text, "*") {
				text = "*" + text + "*"
			}
			out = append(out, text)
		case bulletRE.MatchString(line):
			m := bulletRE.FindStringSubmatch(line)
			out = append(out, m[1]+"• "+inlineMrkdwn(m[2]))
		case quoteRE.MatchString(line):
			// Slack stores a quote as an escaped ">" at the start of a line.
			out = append(out, "&gt; "+inlineMrkdwn(quoteRE.FindStringSubmatch(line)[1]))
		default:
			out = append(out, inlineMrkdwn(line))
		}
	}
	if fence != "" {
		out = append(out, "```")
	}
	return strings.Join(out, "\n")
}

// inlineMrkdwn converts the inline Markdown of one line.
func inlineMrkdwn(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteString(escapeMrkdwn(s[i+1 : i+2]))
			i += 2
		case c == '`':
			n := runLen(s, i, '`')
			closeAt := findBacktickClose(s, i+n, n)
			if closeAt < 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
			code := strings.ReplaceAll(s[i+n:closeAt], "`", "'")
			if strings.TrimSpace(code) == "" {
				b.WriteString(escapeMrkdwn(s[i : closeAt+n]))
			} else {
				b.WriteString("`" + escapeMrkdwn(code) + "`")
			}
			i = closeAt + n
		case c == '*' || c == '_' || c == '~':
			if out, next, ok := emphasis(s, i); ok {
				b.WriteString(out)
				i = next
				continue
			}
			n := runLen(s, i, c)
			b.WriteString(s[i : i+n])
			i += n
		case c == '[':
			if out, next, ok := mdLink(s, i); ok {
				b.WriteString(out)
				i = next
				continue
			}
			b.WriteByte('[')
			i++
		case c == '<':
			if out, next, ok := autolink(s, i); ok {
				b.WriteString(out)
				i = next
				continue
			}
			b.WriteString("&lt;")
			i++
		case c == '>':
			b.WriteString("&gt;")
			i++
		case c == '&':
			b.WriteString("&amp;")
			i++
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

func isASCIIPunct(c byte) bool {
	return c < utf8.RuneSelf && unicode.IsPunct(rune(c)) || strings.IndexByte("$+<=>^`|~", c) >= 0
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

func findBacktickClose(s string, from, n int) int {
	for j := from; j < len(s); j++ {
		if s[j] != '`' {
			continue
		}
		m := runLen(s, j, '`')
		if m == n {
			return j
		}
		j += m - 1
	}
	return -1
}

// emphasis converts the emphasis span that starts at s[i], if there is one,
// and returns the converted text and the index after the span. Spans that
// would nest the same Slack marker stay literal; checking the raw text rather
// than the converted text keeps the conversion from going exponential on
// pathological input.
func emphasis(s string, i int) (string, int, bool) {
	c := s[i]
	n := runLen(s, i, c)
	var open, slack, forbidden string
	switch {
	case c == '~' && n == 2:
		open, slack, forbidden = "~~", "~", "~"
	case c != '~' && n == 2:
		open, slack, forbidden = s[i:i+2], "*", "*"
	case c != '~' && n == 1:
		open, slack, forbidden = s[i:i+1], "_", "*_"
	default:
		return "", 0, false // ~, ***x*** and longer runs stay literal
	}
	start := i + len(open)
	if start >= len(s) || isSpaceAt(s, start) {
		return "", 0, false
	}
	if c == '_' && i > 0 && isWordBefore(s, i) {
		return "", 0, false // snake_case is not emphasis
	}
	for j := start + 1; j+len(open) <= len(s); j++ {
		if s[j:j+len(open)] != open || isSpaceBefore(s, j) {
			continue
		}
		end := j + len(open)
		if end < len(s) && s[end] == c {
			continue
		}
		if c == '_' && end < len(s) && isWordAt(s, end) {
			continue
		}
		raw := s[start:j]
		if strings.ContainsAny(raw, forbidden) {
			return "", 0, false
		}
		return slack + inlineMrkdwn(raw) + slack, end, true
	}
	return "", 0, false
}

func isSpaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

func isSpaceBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r)
}

func isWordBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isWordAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// mdLink converts [label](url) at s[i].
func mdLink(s string, i int) (string, int, bool) {
	closeLabel := strings.IndexByte(s[i+1:], ']')
	if closeLabel < 0 {
		return "", 0, false
	}
	closeLabel += i + 1
	if closeLabel+1 >= len(s) || s[closeLabel+1] != '(' {
		return "", 0, false
	}
	closeURL := strings.IndexByte(s[closeLabel+2:], ')')
	if closeURL < 0 {
		return "", 0, false
	}
	closeURL += closeLabel + 2
	label := s[i+1 : closeLabel]
	target := strings.TrimSpace(s[closeLabel+2 : closeURL])
	if sp := strings.IndexAny(target, " \t"); sp >= 0 {
		target = target[:sp] // drop a "title"
	}
	target = strings.TrimSuffix(strings.TrimPrefix(target, "<"), ">")
	if !allowedURL(target) {
		return "", 0, false // not a link we render: keep "[1](x)" literal
	}
	if strings.TrimSpace(label) == "" {
		label = target
	}
	return linkToken(target, label), closeURL + 1, true
}

// autolink converts <http://…> at s[i].
func autolink(s string, i int) (string, int, bool) {
	end := strings.IndexByte(s[i+1:], '>')
	if end < 0 {
		return "", 0, false
	}
	end += i + 1
	target := s[i+1 : end]
	if strings.ContainsAny(target, " \t<") || !allowedURL(target) {
		return "", 0, false
	}
	return linkToken(target, ""), end + 1, true
}

// linkToken renders a Slack link to an allowed target. Links too long to keep
// whole become plain text.
func linkToken(target, label string) string {
	u := escapeMrkdwn(slackURL(target))
	tok := "<" + u + ">"
	if label != "" && label != target {
		// A label may hold any text, but it must not close the token early.
		tok = "<" + u + "|" + escapeMrkdwn(label) + ">"
	}
	if utf8.RuneCountInString(tok) > maxLinkRunes {
		if label == "" || label == target {
			return escapeMrkdwn(target)
		}
		return escapeMrkdwn(label) + " (" + escapeMrkdwn(target) + ")"
	}
	return tok
}

func allowedURL(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// slackURL percent-encodes the characters that would end or split a Slack
// link token.
func slackURL(target string) string {
	return strings.NewReplacer("|", "%7C", " ", "%20", "<", "%3C", ">", "%3E").Replace(target)
}

// slackTokenRE matches one <…> token of Slack message text.
var slackTokenRE = regexp.MustCompile(`<([^<>]*)>`)

// slackToPlain turns Slack message text (as it arrives in events and slash
// commands) into the plain question text: mentions of botUserID are
// dropped, other mentions become @name, channel links #name, links their
// label or URL, and entities are unescaped. Leading mentions are dropped even
// when botUserID is unknown, because they address the bot.
func slackToPlain(text, botUserID string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	var b strings.Builder
	last := 0
	leading := true
	for _, m := range slackTokenRE.FindAllStringSubmatchIndex(text, -1) {
		before := text[last:m[0]]
		if strings.TrimSpace(before) != "" {
			leading = false
		}
		b.WriteString(unescapeMrkdwn(before))
		tok := text[m[2]:m[3]]
		last = m[1]
		id, label, _ := strings.Cut(tok, "|")
		switch {
		case strings.HasPrefix(id, "@"):
			if leading || id[1:] == botUserID {
				continue
			}
			b.WriteString("@" + unescapeMrkdwn(firstNonEmpty(label, id[1:])))
		case strings.HasPrefix(id, "#"):
			b.WriteString("#" + unescapeMrkdwn(firstNonEmpty(label, id[1:])))
		case strings.HasPrefix(id, "!"):
			special := id[1:]
			switch {
			case label != "":
				b.WriteString(unescapeMrkdwn(label))
			case strings.HasPrefix(special, "subteam^"):
				b.WriteString("@" + strings.TrimPrefix(special, "subteam^"))
			default:
				b.WriteString("@" + unescapeMrkdwn(special))
			}
		default:
			if label != "" {
				b.WriteString(unescapeMrkdwn(label))
			} else {
				b.WriteString(unescapeMrkdwn(strings.TrimPrefix(id, "mailto:")))
			}
		}
		leading = false
	}
	b.WriteString(unescapeMrkdwn(text[last:]))
	return strings.Join(strings.Fields(b.String()), " ")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
