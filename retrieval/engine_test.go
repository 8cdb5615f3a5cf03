package retrieval_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

var _ citebot.Answerer = (*retrieval.Engine)(nil)

const (
	estoniaQ        = "when did Estonia ratify Ottawa?"
	estoniaSource   = "000_2bc005b4439df7f9.txt"
	estoniaSentence = "Lithuania and Belarus ratified the convention in 2003, Estonia in 2004, Latvia and Ukraine in 2005 and Poland in 2012."
)

// defaultEngine builds the engine over the embedded corpus once per test.
func defaultEngine(t testing.TB) (*retrieval.Engine, []corpus.Document) {
	t.Helper()
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng, docs
}

func docText(docs []corpus.Document, source string) string {
	for _, d := range docs {
		if d.Source == source {
			return d.Text
		}
	}
	return ""
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestAnswerCitesVerbatimQuote(t *testing.T) {
	eng, docs := defaultEngine(t)
	tests := []struct {
		question, want, source string
	}{
		// "Lithuania and Belarus ratified the convention in 2003, Estonia
		// in 2004, Latvia and Ukraine in 2005 and Poland in 2012": each
		// year goes with the name next to it.
		{"when did Estonia ratify Ottawa?", "2004", "000_2bc005b4439df7f9.txt"},
		{"When did Poland ratify the Ottawa Convention?", "2012", "000_2bc005b4439df7f9.txt"},
		// "Latvia and Ukraine in 2005": the year belongs to both names.
		{"When did Latvia ratify the Ottawa Convention?", "2005", "000_2bc005b4439df7f9.txt"},
		{"Which countries ratified the Ottawa Convention in 2005?", "Latvia and Ukraine", "000_2bc005b4439df7f9.txt"},
		{"Which countries ratified the Ottawa Convention in 2004?", "Estonia", "000_2bc005b4439df7f9.txt"},
		{"Who is Latvia's prime minister?", "Evika Silina", "001_ab8ee8623a11ff01.txt"},
		// "… after talks with his Lithuanian counterpart Dovilė Šakalienė
		// in Warsaw": a where question gets the place, not the person.
		{"In which city did Kosiniak-Kamysz and Sakaliene hold talks?", "Warsaw", "002_16874060ac9fe7ff.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			ans, err := eng.Answer(context.Background(), citebot.Question{Text: tt.question})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Answered || !strings.Contains(ans.Text, tt.want) {
				t.Fatalf("got answered=%v %q, want an answer containing %q", ans.Answered, ans.Text, tt.want)
			}
			if !strings.HasPrefix(ans.Text, tt.want) {
				t.Errorf("answer %q does not lead with %q", ans.Text, tt.want)
			}
			if len([]rune(ans.Text)) > citebot.MaxAnswerLen {
				t.Errorf("answer is %d characters, want at most %d", len([]rune(ans.Text)), citebot.MaxAnswerLen)
			}
			if !strings.Contains(ans.Text, "[1]") {
				t.Errorf("answer %q has no [1] marker", ans.Text)
			}
			if len(ans.Citations) == 0 || ans.Citations[0].Source != tt.source {
				t.Fatalf("citations %+v, want the first from %s", ans.Citations, tt.source)
			}
			for _, c := range ans.Citations {
				if !strings.Contains(collapse(docText(docs, c.Source)), collapse(c.Quote)) {
					t.Errorf("quote %q is not verbatim in %s", c.Quote, c.Source)
				}
			}
		})
	}
}

// TestAnswerFindsMisspelledWords checks that typos still find the
// passage: the words of "ratfy the otawa convention" meet "ratified the
// convention" in the quote.
func TestAnswerFindsMisspelledWords(t *testing.T) {
	eng, _ := defaultEngine(t)
	ans, err := eng.Answer(context.Background(), citebot.Question{Text: "when did estonia ratfy the otawa convention"})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Quote, "Estonia in 2004") {
		t.Errorf("got answered=%v %q, want the quote that says \"Estonia in 2004\"", ans.Answered, ans.Text)
	}
}

func TestAnswerRefusesWhatTheCorpusDoesNotCover(t *testing.T) {
	eng, _ := defaultEngine(t)
	for _, q := range []string{
		"What is the capital of Australia?",
		"How many landmines does Poland currently have in storage?",
		"Who won the 2018 FIFA World Cup?",
		"???",
	} {
		t.Run(q, func(t *testing.T) {
			ans, err := eng.Answer(context.Background(), citebot.Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered {
				t.Errorf("got answered %q, want a refusal", ans.Text)
			}
			if !strings.Contains(ans.Text, "couldn't find") {
				t.Errorf("refusal text %q does not say so plainly", ans.Text)
			}
		})
	}
}

func TestAnswerBadQuestions(t *testing.T) {
	eng, _ := defaultEngine(t)
	tests := []struct {
		name string
		q    string
		want error
	}{
		{"empty", "", citebot.ErrEmptyQuestion},
		{"whitespace", " \t\n ", citebot.ErrEmptyQuestion},
		{"control characters only", "\x00\x01\u200b\u200e", citebot.ErrEmptyQuestion},
		{"too long", strings.Repeat("a", citebot.MaxQuestionLen+1), citebot.ErrQuestionTooLong},
		{"longest allowed", strings.Repeat("word ", citebot.MaxQuestionLen/5), nil},
		{"invalid UTF-8", "when did \xff\xfe Estonia ratify?", nil},
		{"emoji and RTL", "🙂 متى Estonia \u202e ratify?", nil},
		{"combining marks", "Sa\u030ckalie\u0307ne\u0307?", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := eng.Answer(context.Background(), citebot.Question{Text: tt.q})
			if !errors.Is(err, tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAnswerRespectsCancelledContext(t *testing.T) {
	eng, _ := defaultEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eng.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"}); err == nil {
		t.Error("got nil error for a cancelled context")
	}
}

func TestEngineOnUserCorpus(t *testing.T) {
	fsys := fstest.MapFS{
		"notes/tea.md": {Data: []byte("# Tea notes\n\nGreen tea was first brewed in China around 2737 BC, according to legend.\n\nThe Darjeeling harvest in 2021 yielded 6.5 million kilograms.\n")},
		"coffee.html":  {Data: []byte("<html><head><title>Coffee</title><script>ignore()</script></head><body><nav>Home | About</nav><p>Coffee reached Europe in 1615 through Venice.</p></body></html>")},
		"empty.txt":    {Data: []byte("   \n")},
		"image.png":    {Data: []byte{0x89, 'P', 'N', 'G', 0, 0, 0}},
	}
	ctx := context.Background()
	docs, skipped, err := corpus.Load(ctx, fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped %+v, want the empty file and the image", skipped)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tests := []struct{ q, want, source string }{
		{"When did coffee reach Europe?", "1615", "coffee.html"},
		{"How much did the Darjeeling harvest yield in 2021?", "6.5 million", "notes/tea.md"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := eng.Answer(ctx, citebot.Question{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Answered || !strings.HasPrefix(ans.Text, tt.want) {
				t.Fatalf("got %q (answered=%v), want it to lead with %q", ans.Text, ans.Answered, tt.want)
			}
			if ans.Citations[0].Source != tt.source {
				t.Errorf("cited %s, want %s", ans.Citations[0].Source, tt.source)
			}
		})
	}
}

func TestAnswerYesNo(t *testing.T) {
	eng, _ := defaultEngine(t)
	tests := []struct{ q, want string }{
		{"Did Poland ratify the Ottawa Convention?", "Yes."},
		{"Is Russia a signatory of the Ottawa Convention?", "No."},
		// A false premise gets "No" with what the passage says instead.
		{"Did Estonia ratify the Ottawa Convention in 2005?", "No, 2004."},
		{"Did Estonia ratify the Ottawa Convention in 2004?", "Yes."},
		// "… there are currently no plans to … deploy … landmines."
		{"Does Estonia plan to deploy anti-personnel landmines?", "No."},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := eng.Answer(context.Background(), citebot.Question{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Answered || !strings.HasPrefix(ans.Text, tt.want) {
				t.Errorf("got %q, want it to lead with %q", ans.Text, tt.want)
			}
		})
	}
}

// TestAnswerNeverYesToAFalsePremise checks the verdicts a reader must not
// give: "Yes" to a question whose name or number the passages contradict.
// Refusing is allowed.
func TestAnswerNeverYesToAFalsePremise(t *testing.T) {
	eng, _ := defaultEngine(t)
	for _, q := range []string{
		"Did Estonia ratify the Ottawa Convention in 2005?",
		"Did Poland ratify the Ottawa Convention in 2003?",
		"Does Estonia plan to deploy anti-personnel landmines?",
		"Did Lithuania ratify the Ottawa Convention in 2012?",
	} {
		t.Run(q, func(t *testing.T) {
			ans, err := eng.Answer(context.Background(), citebot.Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered && strings.HasPrefix(ans.Text, "Yes") {
				t.Errorf("got %q, want \"No\" or a refusal", ans.Text)
			}
		})
	}
}

// TestTypoCorrectionLeavesNumbersAlone checks that a number in a question
// is never "corrected" to a number of the corpus: 1961 is not a typo for
// 1951.
func TestTypoCorrectionLeavesNumbersAlone(t *testing.T) {
	ctx := context.Background()
	fsys := fstest.MapFS{
		"orchestra.txt": {Data: []byte("The Kestrel Chamber Orchestra\n\nThe Kestrel Chamber Orchestra was founded in 1951 in Leeds by the violinist Ada Brook. It gives forty concerts a year and tours abroad every second summer.\n")},
		"hall.txt":      {Data: []byte("The Corn Exchange\n\nThe orchestra plays in the Corn Exchange, a concert hall that opened in 1863 and seats 1,200 people.\n")},
	}
	docs, _, err := corpus.Load(ctx, fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ans, err := eng.Answer(ctx, citebot.Question{Text: "Was the orchestra founded in 1961?"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Answered && !strings.HasPrefix(ans.Text, "No, 1951") {
		t.Errorf("got %q, want \"No, 1951\" or a refusal", ans.Text)
	}
	ans, err = eng.Answer(ctx, citebot.Question{Text: "When was the orchestra founded?"})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered || !strings.HasPrefix(ans.Text, "1951") {
		t.Errorf("got %q, want it to lead with 1951", ans.Text)
	}
}
