package corpus_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// TestDOCXAnsweredEndToEnd loads a folder holding a Word file and a
// PowerPoint deck from disk and asks the engine questions only they
// answer: each answer cites the file with a quote that is verbatim text of
// the document.
func TestDOCXAnsweredEndToEnd(t *testing.T) {
	dir := t.TempDir()
	body := corpus.Para("Title", "Staff handbook") +
		corpus.Para("Heading1", "Leave") +
		corpus.Para("", "Every employee gets 27 days of paid leave a year, and the “carry-over” limit is 5 days.") +
		corpus.Para("Heading1", "Expenses") +
		corpus.Para("", "Meals on business trips are refunded up to €45 a day.") +
		`<w:tbl><w:tr><w:tc>` + corpus.Para("", "The Київ office opens at 9:00.") + `</w:tc><w:tc>` + corpus.Para("", "The Athens office opens at 8:30.") + `</w:tc></w:tr></w:tbl>`
	files := map[string]string{
		"hr/handbook.docx": string(corpus.DOCXFile(t, body)),
		"deck/plan.pptx": string(corpus.PPTXFile(t, []string{
			corpus.SlideXML("Agenda", "Launch plan", "Budget"),
			corpus.SlideXML("Launch plan", "We launch the mobile app on 14 June."),
		}, []int{1, 2})),
		"notes.txt":   "The cafeteria serves soup on Mondays.\n",
		"broken.docx": "PK\x03\x04 not really a zip",
	}
	corpus.WriteFiles(t, dir, files)
	ctx := context.Background()
	docs, skipped, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0].Source != "broken.docx" || skipped[0].Kind != corpus.SkipCorrupt {
		t.Errorf("got skipped %+v, want broken.docx as corrupt", skipped)
	}
	texts := map[string]string{}
	for _, d := range docs {
		texts[d.Source] = strings.Join(strings.Fields(d.Text), " ")
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tests := []struct{ q, want, source string }{
		{"How many days of paid leave does an employee get?", "27 days", "hr/handbook.docx"},
		{"How much are meals on business trips refunded?", "€45", "hr/handbook.docx"},
		{"When does the Київ office open?", "9:00", "hr/handbook.docx"},
		{"When do we launch the mobile app?", "14 June", "deck/plan.pptx"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := eng.Answer(ctx, citebot.Question{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Answered || !strings.Contains(ans.Text, tt.want) {
				t.Fatalf("got %q (answered=%v), want it to contain %q", ans.Text, ans.Answered, tt.want)
			}
			c := ans.Citations[0]
			if c.Source != tt.source {
				t.Errorf("cited %s, want %s", c.Source, tt.source)
			}
			if !strings.Contains(c.Quote, tt.want) || !strings.Contains(texts[c.Source], c.Quote) {
				t.Errorf("got quote %q, want verbatim text of %s with %q", c.Quote, c.Source, tt.want)
			}
		})
	}
}
