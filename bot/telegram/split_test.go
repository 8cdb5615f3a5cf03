package telegram

import (
	"strings"
	"testing"
	"unicode"
)

func TestSplitHTMLShortUnchanged(t *testing.T) {
	in := "<b>Hello</b> &amp; welcome"
	got, err := splitHTML(in, MaxMessageLen)
	if err != nil || len(got) != 1 || got[0] != in {
		t.Fatalf("splitHTML(%q) = %q, %v; want it unchanged", in, got, err)
	}
	if got, err := splitHTML(" \n<b> </b>", MaxMessageLen); err != nil || len(got) != 0 {
		t.Fatalf("splitHTML(blank) = %q, %v; want no messages", got, err)
	}
}

func TestSplitHTMLBoundaries(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{
			name:  "paragraph",
			in:    "First paragraph here.\n\nSecond one. It goes on.",
			limit: 30,
			want:  []string{"First paragraph here.", "Second one. It goes on."},
		},
		{
			name:  "sentence before word",
			in:    "One two three. Four five six seven eight nine",
			limit: 30,
			want:  []string{"One two three.", "Four five six seven eight nine"},
		},
		{
			name:  "tags are closed and reopened",
			in:    "<b>alpha beta gamma delta epsilon</b>",
			limit: 24,
			want:  []string{"<b>alpha beta gamma</b>", "<b>delta epsilon</b>"},
		},
		{
			name:  "entities are not cut",
			in:    "&amp;&amp;&amp;&amp;&amp;&amp;",
			limit: 12,
			want:  []string{"&amp;&amp;", "&amp;&amp;", "&amp;&amp;"},
		},
		{
			name:  "surrogate pairs are not cut",
			in:    "👍👍👍👍👍",
			limit: 4,
			want:  []string{"👍👍", "👍👍", "👍"},
		},
		{
			name:  "sentence end inside quotes and tags",
			in:    "<i>He said “stop.”</i> Then more words follow here",
			limit: 40,
			want:  []string{"<i>He said “stop.”</i>", "Then more words follow here"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitHTML(tt.in, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("splitHTML(%q, %d)\n got  %q\n want %q", tt.in, tt.limit, got, tt.want)
			}
			checkChunks(t, tt.in, got, tt.limit)
		})
	}
}

func TestSplitHTMLLongAnswer(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 60; i++ {
		b.WriteString("<b>Paragraph</b> with a sentence that runs on for a while &amp; says little. Another sentence. ")
		b.WriteString(strings.Repeat("word ", 20))
		b.WriteString("\n\n")
	}
	in := b.String()
	got, err := splitHTML(in, MaxMessageLen)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 {
		t.Fatalf("got %d chunks from %d units, want several", len(got), utf16Len(in))
	}
	for i, c := range got[:len(got)-1] {
		// Every chunk but the last ends at a paragraph: the input has one
		// well within every window.
		if !strings.HasSuffix(c, "word") {
			t.Errorf("chunk %d ends mid-paragraph: …%q", i, c[len(c)-30:])
		}
	}
	checkChunks(t, in, got, MaxMessageLen)
}

func TestSplitHTMLTagOverhead(t *testing.T) {
	in := `<a href="https://example.com/a/very/long/path/that/cannot/fit">x</a>` + strings.Repeat(" y", 40)
	if _, err := splitHTML(in, 20); err == nil {
		t.Fatal("want an error when reopening tags alone exceeds the limit")
	}
	if _, err := splitHTML("<b>unclosed", 100); err == nil {
		t.Fatal("want an error for invalid input")
	}
}

// checkChunks asserts what every split must guarantee: each chunk is valid
// Telegram HTML within the limit with visible text, and together they say
// what the input says, in order, up to whitespace at the cuts.
func checkChunks(t *testing.T, in string, chunks []string, limit int) {
	t.Helper()
	var joined strings.Builder
	for i, c := range chunks {
		if n := utf16Len(c); n > limit {
			t.Fatalf("chunk %d is %d UTF-16 units, limit %d", i, n, limit)
		}
		if _, err := lexHTML(c); err != nil {
			t.Fatalf("chunk %d invalid: %v\n%q", i, err, c)
		}
		if err := checkTelegramHTML(c); err != nil {
			t.Fatalf("chunk %d invalid for Telegram: %v\n%q", i, err, c)
		}
		text := telegramText(c)
		if strings.TrimSpace(text) == "" {
			t.Fatalf("chunk %d has no visible text: %q", i, c)
		}
		joined.WriteString(text)
	}
	if got, want := noSpace(joined.String()), noSpace(telegramText(in)); got != want {
		t.Fatalf("chunks read\n%q\nwant\n%q", got, want)
	}
}

func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// FuzzSplitHTML builds valid, nested Telegram HTML around arbitrary text and
// checks every split of it at many limits.
func FuzzSplitHTML(f *testing.F) {
	f.Add("Hello world. How are you?\n\nFine & well.", uint16(0), uint8(0), uint8(1))
	f.Add(strings.Repeat("👍🇪🇪 a<b>", 30), uint16(3), uint8(7), uint8(9))
	f.Add("no spaces at all just one long wordwordwordwordwordwordwordword", uint16(1), uint8(2), uint8(3))
	f.Add("\n\n\n   \t  ", uint16(9), uint8(5), uint8(4))
	f.Add("\xff\xfe\x00 bad bytes. And more.", uint16(100), uint8(3), uint8(20))
	f.Fuzz(func(t *testing.T, s string, limitSeed uint16, shape uint8, repeat uint8) {
		in := fuzzDoc(s, shape, int(repeat%40)+1)
		if _, err := lexHTML(in); err != nil {
			t.Fatalf("generated invalid input: %v\n%q", err, in)
		}
		for _, limit := range []int{64 + int(limitSeed%512), MaxMessageLen} {
			chunks, err := splitHTML(in, limit)
			if err != nil {
				t.Fatalf("splitHTML(limit %d): %v\n%q", limit, err, in)
			}
			if noSpace(telegramText(in)) == "" {
				if len(chunks) != 0 {
					t.Fatalf("blank input gave %q", chunks)
				}
				continue
			}
			checkChunks(t, in, chunks, limit)
		}
	})
}

// fuzzDoc wraps escaped parts of s in tags, the way renderAnswer and
// anything like it would; shape picks the tags.
func fuzzDoc(s string, shape uint8, repeat int) string {
	wrappers := [][2]string{
		{"<b>", "</b>"},
		{"<i>", "</i>"},
		{"<code>", "</code>"},
		{"<blockquote>", "</blockquote>"},
		{"<blockquote expandable><i>", "</i></blockquote>"},
		{`<a href="https://example.com/?q=1&amp;r=2">`, "</a>"},
		{"<b><i><u>", "</u></i></b>"},
		{`<pre><code class="language-go">`, "</code></pre>"},
	}
	parts := strings.Split(s, "|")
	var b strings.Builder
	for r := 0; r < repeat; r++ {
		for i, p := range parts {
			e := escapeHTML(p)
			if (int(shape)>>(i%8))&1 == 1 {
				w := wrappers[(int(shape)+i+r)%len(wrappers)]
				b.WriteString(w[0] + e + w[1])
			} else {
				b.WriteString(e)
			}
			if i%3 == 2 {
				b.WriteString("\n\n")
			} else {
				b.WriteString(" ")
			}
		}
	}
	return b.String()
}

func TestSplitHTMLReopensExpandableQuote(t *testing.T) {
	html := "<blockquote expandable>" + strings.Repeat("word &amp; ", 1000) + "</blockquote>"
	chunks, err := splitHTML(html, MaxMessageLen)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 2 {
		t.Fatalf("got %d chunks, want the quote split", len(chunks))
	}
	checkChunks(t, html, chunks, MaxMessageLen)
	for i, c := range chunks {
		if !strings.HasPrefix(c, "<blockquote expandable>") || !strings.HasSuffix(c, "</blockquote>") {
			t.Errorf("chunk %d is not a whole expandable quote: %.40q…%q", i, c, c[len(c)-20:])
		}
	}
}
