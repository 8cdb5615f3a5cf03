package corpus

import (
	"context"
	"slices"
	"testing"
)

func TestExampleQuestions(t *testing.T) {
	tests := []struct {
		name string
		docs []string // plain text files
		n    int
		want []string
	}{
		{"name shared by documents, with its article", []string{
			"Estonia ratified the Ottawa Convention in 2004. Finland did too.",
			"Poland signed the Ottawa Convention later. It took time.",
			"Latvia joined the Ottawa Convention in 2005. Then it left.",
		}, 1, []string{"What is the Ottawa Convention?"}},
		{"plural name", []string{
			"The pact was signed by the Baltic States in March. It held.",
			"Later the Baltic States left the pact. Nobody objected.",
		}, 1, []string{"What are the Baltic States?"}},
		{"name ending in s without an article", []string{
			"The team moved to Los Angeles in May. It stayed.",
			"Rents in Los Angeles rose. Nobody objected.",
		}, 1, []string{"What do the documents say about Los Angeles?"}},
		{"longer and shorter names make one example", []string{
			"It was announced by Prime Minister Donald Tusk on Monday. He spoke.",
			"On Friday, Prime Minister Donald Tusk agreed. So did Prime Minister Evika Silina.",
			"The Ottawa Convention was signed in 1997. Many joined the Ottawa Convention later.",
		}, 3, []string{"What do the documents say about Prime Minister Donald Tusk?", "What is the Ottawa Convention?"}},
		{"sentence starts and headings do not count", []string{
			"Release Notes For Orbit\n\nStorage Engine changes are listed here. Storage Engine work goes on.",
		}, 2, nil},
		{"acronym never written in lower case", []string{
			"Set the GOGC variable to tune collection. The default GOGC is 100. Use gogc-free builds rarely.",
			"When GOGC is off the collector stops. Memory grows.",
		}, 1, []string{"What is GOGC?"}},
		{"names seen once ask about the documents", []string{
			"The study was led by Ingrid Solberg in the north. It ended in 2020.",
		}, 1, []string{"What do the documents say about Ingrid Solberg?"}},
		{"possessive", []string{
			"The work of Sarita Adve's group shaped it. Later, Sarita Adve's paper appeared.",
		}, 1, []string{"What do the documents say about Sarita Adve?"}},
		{"shouting is not a name", []string{
			"The software is provided AS IS WITHOUT WARRANTY. It is AS IS WITHOUT WARRANTY again.",
		}, 1, nil},
		{"no documents", nil, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var docs []Document
			for i, text := range tt.docs {
				docs = append(docs, Document{Source: string(rune('a'+i)) + ".txt", Text: text})
			}
			Clean(docs)
			if got := ExampleQuestions(docs, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestExampleQuestionsSeeds checks the embedded corpus gets an example from
// its own wording: the treaty all five articles are about.
func TestExampleQuestionsSeeds(t *testing.T) {
	docs, _, err := Load(context.Background(), Default(), LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	got := ExampleQuestions(docs, 1)
	if want := []string{"What is the Ottawa Convention?"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
