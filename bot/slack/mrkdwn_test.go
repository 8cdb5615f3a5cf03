package slack

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeMrkdwn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a & b", "a &amp; b"},
		{"<!channel> hi <@U123>", "&lt;!channel&gt; hi &lt;@U123&gt;"},
		{"&amp;", "&amp;amp;"},
		{"1 < 2 > 0", "1 &lt; 2 &gt; 0"},
	}
	for _, tt := range tests {
		if got := escapeMrkdwn(tt.in); got != tt.want {
			t.Errorf("escapeMrkdwn(%q): got %q, want %q", tt.in, got, tt.want)
		}
		if got := unescapeMrkdwn(escapeMrkdwn(tt.in)); got != tt.in {
			t.Errorf("round trip of %q: got %q", tt.in, got)
		}
	}
}

func TestMarkdownToMrkdwn(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Estonia ratified it in 2004 [1].", "Estonia ratified it in 2004 [1]."},
		{"bold", "it was **2004** then", "it was *2004* then"},
		{"bold underscores", "__bold__ text", "*bold* text"},
		{"italic star", "an *important* date", "an _important_ date"},
		{"italic underscore", "an _important_ date", "an _important_ date"},
		{"bold with italic inside", "**a _b_ c**", "*a _b_ c*"},
		{"strike", "~~old~~ new", "~old~ new"},
		{"snake_case stays", "use file_name_here please", "use file_name_here please"},
		{"lone star stays", "5 * 3 = 15", "5 * 3 = 15"},
		{"triple star stays", "***x***", "***x***"},
		{"code span escapes", "run `a<b && c>d` now", "run `a&lt;b &amp;&amp; c&gt;d` now"},
		{"code span keeps stars", "`**not bold**`", "`**not bold**`"},
		{"link", "see [the treaty](https://example.org/a?b=1&c=2)", "see <https://example.org/a?b=1&amp;c=2|the treaty>"},
		{"link label escaped", "[a <b> & c](https://x.org)", "<https://x.org|a &lt;b&gt; &amp; c>"},
		{"link pipe encoded", "[x](https://x.org/a|b)", "<https://x.org/a%7Cb|x>"},
		{"javascript link stays text", "[click](javascript:alert(1))", "[click](javascript:alert(1))"},
		{"citation marker followed by paren", "[1](see above)", "[1](see above)"},
		{"autolink", "<https://example.org>", "<https://example.org>"},
		{"fake mention escaped", "<@U123> and <!channel> and <#C1|x>", "&lt;@U123&gt; and &lt;!channel&gt; and &lt;#C1|x&gt;"},
		{"ampersand", "AT&T", "AT&amp;T"},
		{"entity is not trusted", "&lt;!here&gt;", "&amp;lt;!here&amp;gt;"},
		{"heading", "## Result", "*Result*"},
		{"bullets", "- one\n* two\n  + three", "• one\n• two\n  • three"},
		{"numbered list stays", "1. one\n2. two", "1. one\n2. two"},
		{"quote", "> quoted <b>", "&gt; quoted &lt;b&gt;"},
		{"rule", "---", "──────────"},
		{"fence", "```go\nif a < b {}\n```", "```\nif a &lt; b {}\n```"},
		{"unclosed fence is closed", "```\ncode", "```\ncode\n```"},
		{"backslash escape", `\*not italic\*`, "*not italic*"},
		{"crlf", "a\r\nb", "a\nb"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markdownToMrkdwn(tt.in)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if err := wellFormedMrkdwn(got); err != nil {
				t.Errorf("output %q: %v", got, err)
			}
		})
	}
}

func TestLongLinkBecomesText(t *testing.T) {
	long := "https://example.org/" + strings.Repeat("a", maxLinkRunes)
	got := markdownToMrkdwn("[label](" + long + ")")
	if strings.Contains(got, "<") {
		t.Errorf("got a link token for a %d-rune URL", len(long))
	}
	if !strings.Contains(got, "label (https://example.org/aaa") {
		t.Errorf("got %.60q…, want label and URL as text", got)
	}
}

func TestSlackToPlain(t *testing.T) {
	tests := []struct{ name, in, bot, want string }{
		{"leading mention", "<@U0BOT> when did Estonia ratify Ottawa?", "", "when did Estonia ratify Ottawa?"},
		{"bot mention inside", "hey <@U0BOT|citebot> what is X", "U0BOT", "hey what is X"},
		{"other mention kept", "<@U0BOT> what did <@U777|ann> write", "U0BOT", "what did @ann write"},
		{"mention without label", "<@U0BOT> ask <@U777>", "U0BOT", "ask @U777"},
		{"channel", "<@U0BOT> in <#C123|general>", "U0BOT", "in #general"},
		{"link with label", "see <https://x.org/a?b=1&amp;c=2|this page>", "", "see this page"},
		{"bare link", "see <https://x.org/a?b=1&amp;c=2>", "", "see https://x.org/a?b=1&c=2"},
		{"mailto", "<mailto:a@b.org|a@b.org>", "", "a@b.org"},
		{"special", "<!here> hi", "", "@here hi"},
		{"entities", "a &lt; b &amp;&amp; c &gt; d", "", "a < b && c > d"},
		{"whitespace", "  a\n\tb  ", "", "a b"},
		{"only mention", "<@U0BOT>", "U0BOT", ""},
		{"unclosed", "a < b", "", "a < b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackToPlain(tt.in, tt.bot); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// linkTokenRE is the only shape a "<" may start in our output.
var linkTokenRE = regexp.MustCompile(`(?i)^<(?:https?://|mailto:)[^<>|\s]*(?:\|[^<>]*)?>`)

// wellFormedMrkdwn checks the safety property of rendered text: every & is
// one of the three entities, every < starts a link token we made (never a
// mention or broadcast), and no > stands alone.
func wellFormedMrkdwn(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			rest := s[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
				return fmt.Errorf("bare & at %d: %q", i, clip(rest))
			}
		case '<':
			tok := linkTokenRE.FindString(s[i:])
			if tok == "" {
				return fmt.Errorf("< at %d does not start a link: %q", i, clip(s[i:]))
			}
			if err := wellFormedMrkdwn(tok[1 : len(tok)-1]); err != nil {
				return fmt.Errorf("in link %q: %w", clip(tok), err)
			}
			i += len(tok) - 1
		case '>':
			return fmt.Errorf("bare > at %d: %q", i, clip(s[i:]))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

func FuzzMarkdownToMrkdwn(f *testing.F) {
	for _, s := range []string{
		"**bold** _it_ ~~s~~ `c<d>` [l](https://x.org) <https://y.org> <@U1> <!channel>",
		"```\na<b\n```\n# h\n- a\n> q",
		"[a](https://x.org/a|b&c) [b](mailto:a@b.org) [c](javascript:x)",
		"*_*_*_*_*_*_*_*_*_*_*", "__a__b__", "\\*x\\* \\<y\\>", "&amp;&lt;&gt;", "a\xffb\r\n",
		"[" + strings.Repeat("x", 600) + "](https://e.org/" + strings.Repeat("y", 600) + ")",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := markdownToMrkdwn(md)
		if err := wellFormedMrkdwn(out); err != nil {
			t.Fatalf("markdownToMrkdwn(%q) = %q: %v", md, out, err)
		}
	})
}

func FuzzEscapeMrkdwn(f *testing.F) {
	for _, s := range []string{"", "a&b<c>d", "&amp;", "<!here>", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := escapeMrkdwn(s)
		if strings.ContainsAny(esc, "<>") {
			t.Fatalf("escapeMrkdwn(%q) = %q still has < or >", s, esc)
		}
		if utf8.ValidString(s) {
			if err := wellFormedMrkdwn(esc); err != nil {
				t.Fatalf("escapeMrkdwn(%q) = %q: %v", s, esc, err)
			}
		}
		if got := unescapeMrkdwn(esc); got != s {
			t.Fatalf("unescape(escape(%q)) = %q", s, got)
		}
	})
}

func FuzzSlackToPlain(f *testing.F) {
	for _, s := range []string{"<@U1> hi", "<https://x|y> &amp; <#C1|c> <!subteam^S1|@t>", "<<>>", "a <b", "\xff<@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := slackToPlain(s, "U1")
		if !utf8.ValidString(out) {
			t.Fatalf("slackToPlain(%q) = %q: invalid UTF-8", s, out)
		}
		// Text that Slack escaped comes back exactly, up to whitespace.
		if utf8.ValidString(s) {
			want := strings.Join(strings.Fields(s), " ")
			if got := slackToPlain(escapeMrkdwn(s), "U1"); got != want {
				t.Fatalf("slackToPlain(escape(%q)) = %q, want %q", s, got, want)
			}
		}
	})
}
