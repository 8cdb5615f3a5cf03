package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`a < b && c > "d"`, "a &lt; b &amp;&amp; c &gt; &quot;d&quot;"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"&amp; stays text", "&amp;amp; stays text"},
		{"line\nbreak\ttab", "line\nbreak\ttab"},
		{"nul\x00bell\x07cr\r", "nulbellcr"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"emoji 👍 and ünïcödé", "emoji 👍 and ünïcödé"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := escapeHTML(tt.in); got != tt.want {
				t.Errorf("escapeHTML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLexHTML(t *testing.T) {
	valid := []string{
		"",
		"plain text",
		"<b>bold</b> <i>it</i> <u>u</u> <s>s</s> <code>x</code>",
		"<b>a <i>b</i></b>",
		`<a href="https://example.com/?a=1&amp;b=2">link</a>`,
		`<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>`,
		`<pre><code class="language-go">x := 1</code></pre>`,
		"<blockquote>q</blockquote><blockquote expandable>q</blockquote>",
		`<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`,
		"&lt;&gt;&amp;&quot;&#65;&#x1F600;",
	}
	for _, s := range valid {
		if _, err := lexHTML(s); err != nil {
			t.Errorf("lexHTML(%q): %v, want ok", s, err)
		}
		if err := checkTelegramHTML(s); err != nil {
			t.Errorf("checkTelegramHTML(%q): %v, want ok (test checker disagrees)", s, err)
		}
	}
	invalid := []string{
		"a < b",
		"a > b",
		"a & b",
		"&nbsp;",
		"&#0;",
		"&#xD800;",
		"<b>unclosed",
		"</b>",
		"<b><i>x</b></i>",
		"<div>x</div>",
		"<script>x</script>",
		`<a>no href</a>`,
		`<a href='single'>x</a>`,
		`<b class="x">x</b>`,
		`<span>x</span>`,
		"<code><b>x</b></code>",
		"<blockquote><blockquote>x</blockquote></blockquote>",
		"<b",
		"bad \xff",
	}
	for _, s := range invalid {
		if _, err := lexHTML(s); err == nil {
			t.Errorf("lexHTML(%q) = ok, want error", s)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"", 0}, {"abc", 3}, {"é", 1}, {"👍", 2}, {"🇪🇪", 4}, {"a👍b", 4}}
	for _, tt := range tests {
		if got := utf16Len(tt.in); got != tt.want {
			t.Errorf("utf16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// FuzzEscapeHTML checks that any input, escaped, is valid Telegram HTML
// with no markup that reads back as the input (minus what Telegram cannot
// carry).
func FuzzEscapeHTML(f *testing.F) {
	for _, s := range []string{"", "a<b>c</b>", "&amp;&lt;", "\xff\xfe", "x\x00y", "👍\n\t\"'", "<a href=\"x\">"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escapeHTML(s)
		if !utf8.ValidString(e) {
			t.Fatalf("escapeHTML(%q) is not valid UTF-8", s)
		}
		atoms, err := lexHTML(e)
		if err != nil {
			t.Fatalf("escapeHTML(%q) = %q: %v", s, e, err)
		}
		for _, a := range atoms {
			if a.kind != atomChar {
				t.Fatalf("escapeHTML(%q) = %q contains a tag", s, e)
			}
		}
		if err := checkTelegramHTML(e); err != nil {
			t.Fatalf("escapeHTML(%q) = %q: %v", s, e, err)
		}
		if got, want := telegramText(e), sanitizeText(s); got != want {
			t.Fatalf("escapeHTML(%q) reads as %q, want %q", s, got, want)
		}
		if got, _ := htmlText(e); got != sanitizeText(s) {
			t.Fatalf("htmlText(escapeHTML(%q)) = %q, want %q", s, got, sanitizeText(s))
		}
		if strings.ContainsAny(e, "<>") {
			t.Fatalf("escapeHTML(%q) = %q keeps < or >", s, e)
		}
	})
}
