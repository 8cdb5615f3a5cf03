package corpus_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/pdftest"
	"github.com/citebot/citebot/retrieval"
)

// TestPDFAnsweredWithPage loads a folder holding a four-page PDF from disk
// and asks questions that one page answers: each citation names the PDF
// and that page, and its quote is verbatim text of the page.
func TestPDFAnsweredWithPage(t *testing.T) {
	dir := t.TempDir()
	pdf := pdftest.Build(t, pdftest.Spec{Pages: [][]string{
		{"Quarterly report", "This report covers the third quarter of the year."},
		{"Staff", "The company hired 14 engineers in the Київ office this quarter."},
		{"Travel", "Meals on business trips are refunded up to €45 a day."},
		{"Revenue", "Revenue in the third quarter was €4.2 million – a “record”, in the board’s words."},
	}})
	corpus.WriteFiles(t, dir, map[string]string{
		"reports/q3.pdf": string(pdf),
		"notes.txt":      "The cafeteria serves soup on Mondays.\n",
		"broken.pdf":     "%PDF-1.7\nnot a real document\n",
	})
	ctx := context.Background()
	docs, skipped, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{Logger: slog.New(slog.DiscardHandler), PDFCacheDir: corpus.SharedPDFCache()})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0].Source != "broken.pdf" || skipped[0].Kind != corpus.SkipCorrupt {
		t.Errorf("got skipped %+v, want broken.pdf as corrupt", skipped)
	}
	byName := map[string]corpus.Document{}
	for _, d := range docs {
		byName[d.Source] = d
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tests := []struct {
		q, want, source string
		page            int
	}{
		{"What was revenue in the third quarter?", "€4.2 million", "reports/q3.pdf", 4},
		{"How many engineers did the company hire?", "14 engineers", "reports/q3.pdf", 2},
		{"How much are meals on business trips refunded?", "€45", "reports/q3.pdf", 3},
		{"When does the cafeteria serve soup?", "Mondays", "notes.txt", 0},
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
			if c.Source != tt.source || c.Page != tt.page {
				t.Errorf("cited %s page %d, want %s page %d", c.Source, c.Page, tt.source, tt.page)
			}
			d := byName[c.Source]
			pageText := d.Text
			if tt.page > 0 {
				end := len(d.Text)
				if tt.page < len(d.Pages) {
					end = d.Pages[tt.page]
				}
				pageText = d.Text[d.Pages[tt.page-1]:end]
			}
			if !strings.Contains(c.Quote, tt.want) || !strings.Contains(strings.Join(strings.Fields(pageText), " "), c.Quote) {
				t.Errorf("got quote %q, want verbatim text of page %d of %s with %q", c.Quote, tt.page, c.Source, tt.want)
			}
			js, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if hasPage := strings.Contains(string(js), `"page":`); hasPage != (tt.page > 0) {
				t.Errorf("got JSON %s, want \"page\" only for a paged source", js)
			}
		})
	}
}
