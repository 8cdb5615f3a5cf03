package telegram

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot"
)

func TestRenderAnswer(t *testing.T) {
	ans := citebot.Answer{
		Text:     "Estonia ratified it in 2004 [1]. Some say <b>x</b> & y [2].",
		Answered: true,
		Citations: []citebot.Citation{
			{Source: "000_2bc005b4439df7f9.txt", Title: "Baltic states\nand Poland", Quote: "Estonia  joined\nin 2004."},
			{Source: "dir/b&c.txt", Title: "dir/b&c.txt", Quote: strings.Repeat("long quote ", 60)},
		},
	}
	got := renderAnswer(ans)
	if err := checkTelegramHTML(got); err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, got)
	}
	for _, want := range []string{
		"Estonia ratified it in 2004 [1]. Some say &lt;b&gt;x&lt;/b&gt; &amp; y [2].\n\n<b>Sources</b>",
		"<b>[1]</b> <code>000_2bc005b4439df7f9.txt</code> · <i>Baltic states and Poland</i>\n<blockquote>Estonia joined in 2004.</blockquote>",
		"<b>[2]</b> <code>dir/b&amp;c.txt</code>\n<blockquote expandable>long quote",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered answer lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "long quote") > maxQuoteRunes/len("long quote ")+1 {
		t.Errorf("long quote not shortened:\n%s", got)
	}
	if strings.Index(got, "2004 [1]") > strings.Index(got, "Sources") {
		t.Error("the answer must come before the sources")
	}
}

func TestRenderNotAnswered(t *testing.T) {
	tests := []struct {
		name string
		ans  citebot.Answer
		want []string
		not  []string
	}{
		{
			name: "engine text",
			ans:  citebot.Answer{Text: "I couldn't find that in the corpus.", Citations: []citebot.Citation{{Source: "a.txt", Quote: "near"}}},
			want: []string{"I couldn't find that in the corpus.", "Closest sources (they don't answer the question)", "a.txt"},
			not:  []string{"<b>Sources</b>"},
		},
		{
			name: "no text",
			ans:  citebot.Answer{},
			want: []string{notFoundText},
			not:  []string{"Sources"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderAnswer(tt.ans)
			if err := checkTelegramHTML(got); err != nil {
				t.Fatalf("invalid HTML: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("got %q, want it not to contain %q", got, w)
				}
			}
		})
	}
}

func TestQuoteHTML(t *testing.T) {
	atLimit := strings.Repeat("é", expandQuoteRunes)
	tests := []struct {
		name, quote, want string
	}{
		{"short", "Estonia joined in 2004.", "<blockquote>Estonia joined in 2004.</blockquote>"},
		{"a few lines", atLimit, "<blockquote>" + atLimit + "</blockquote>"},
		{"longer", atLimit + "s", "<blockquote expandable>" + atLimit + "s</blockquote>"},
		{"longer, escaped", strings.Repeat("<b>&", 40) + "\"</blockquote>", "<blockquote expandable>" +
			strings.Repeat("&lt;b&gt;&amp;", 40) + "&quot;&lt;/blockquote&gt;</blockquote>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quoteHTML(tt.quote)
			if got != tt.want {
				t.Errorf("quoteHTML(%q)\ngot  %q\nwant %q", tt.quote, got, tt.want)
			}
			if err := checkTelegramHTML(got); err != nil {
				t.Errorf("invalid HTML: %v", err)
			}
			if text := telegramText(got); text != tt.quote {
				t.Errorf("shows %q, want the quote verbatim", text)
			}
		})
	}
}

func TestShortQuote(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"one  two\nthree", 20, "one two three"},
		{"alpha beta gamma delta", 13, "alpha beta…"},
		{"ünïcödé wörds ärë hërë", 10, "ünïcödé…"},
		{"nospacesatallinthisone", 5, "nospa…"},
	}
	for _, tt := range tests {
		got := shortQuote(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("shortQuote(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if n := utf8.RuneCountInString(strings.TrimSuffix(got, "…")); n > tt.max {
			t.Errorf("shortQuote(%q, %d) kept %d runes", tt.in, tt.max, n)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{citebot.ErrEmptyQuestion, "Please ask a question"},
		{fmt.Errorf("answer: %w", citebot.ErrQuestionTooLong), "too long"},
		{citebot.ErrNotReady, msgNotReady},
		{fmt.Errorf("answer: %w", context.DeadlineExceeded), msgTimeout},
		{errors.New("index exploded: /secret/path"), msgFailed},
	}
	for _, tt := range tests {
		got := errorText(tt.err, DefaultExampleQuestion)
		if !strings.Contains(got, tt.want) {
			t.Errorf("errorText(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
		if strings.Contains(got, "secret") {
			t.Errorf("errorText leaks internals: %q", got)
		}
		if err := checkTelegramHTML(got); err != nil {
			t.Errorf("errorText(%v) invalid HTML: %v", tt.err, err)
		}
	}
}

func TestHelpText(t *testing.T) {
	got := helpText("cite_bot", "What & why <now>?")
	if err := checkTelegramHTML(got); err != nil {
		t.Fatalf("invalid HTML: %v", err)
	}
	for _, want := range []string{"/ask What &amp; why &lt;now&gt;?", "@cite_bot", "reply to one of my answers"} {
		if !strings.Contains(got, want) {
			t.Errorf("help lacks %q:\n%s", want, got)
		}
	}
}

// FuzzRenderAnswer feeds arbitrary engine output through rendering and
// splitting: whatever the corpus holds, the messages are valid and fit.
func FuzzRenderAnswer(f *testing.F) {
	f.Add("Answer [1].", "a.txt", "Title", "quote", true, uint8(1))
	f.Add("<script>&</script>", "<x>.txt", "\xff", "\x00\n\n", false, uint8(5))
	f.Add(strings.Repeat("Sentence. ", 50), "f.txt", strings.Repeat("T", 300), strings.Repeat("q ", 400), true, uint8(40))
	f.Fuzz(func(t *testing.T, text, source, title, quote string, answered bool, n uint8) {
		ans := citebot.Answer{Text: text, Answered: answered}
		for i := 0; i < int(n%50); i++ {
			ans.Citations = append(ans.Citations, citebot.Citation{Source: source, Title: title, Quote: quote})
		}
		html := renderAnswer(ans)
		chunks, err := splitHTML(html, MaxMessageLen)
		if err != nil {
			t.Fatalf("split: %v", err)
		}
		if len(chunks) == 0 {
			t.Fatal("no message for an answer")
		}
		checkChunks(t, html, chunks, MaxMessageLen)
	})
}

func TestRenderNamesPDFPage(t *testing.T) {
	ans := citebot.Answer{
		Text:     "Revenue was €4.2 million [1].",
		Answered: true,
		Citations: []citebot.Citation{
			{Source: "reports/q3.pdf", Title: "Quarterly report", Quote: "Revenue was €4.2 million.", Page: 4},
			{Source: "notes.txt", Quote: "Soup on Mondays."},
		},
	}
	got := renderAnswer(ans)
	if err := checkTelegramHTML(got); err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, got)
	}
	for _, want := range []string{"<b>[1]</b> <code>reports/q3.pdf</code>, p. 4 · <i>Quarterly report</i>", "<b>[2]</b> <code>notes.txt</code>\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered answer lacks %q:\n%s", want, got)
		}
	}
}
