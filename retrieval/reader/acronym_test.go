package reader

import (
	"testing"
)

// TestMatchAcronyms checks that an acronym and the name it stands for
// match each other, whichever of the question and the sentence
// abbreviates, and nothing else does.
func TestMatchAcronyms(t *testing.T) {
	st, _ := corpusOf(t, map[string]string{
		"city.txt": "The city\n\nNew York City is the most populous city in the United States. " +
			"The Hudson River separates the city from the U.S. state of New Jersey. " +
			"The EU and the UK signed it.\n",
	})
	tests := []struct {
		question, sentence string
		term               string // the term that must match
		want               float64
	}{
		{"How many tourists visited NYC in 2013?", "New York City drew 56 million tourists in 2013.", "nyc", acronymMatch},
		{"What is the largest city in the United States?", "It is the largest city in the U.S. by population.", "unit", acronymMatch},
		{"What is the largest city in the United States?", "It is the largest city in the US by population.", "state", acronymMatch},
		{"When did the European Union sign it?", "The EU signed it in 2004.", "european", acronymMatch},
		{"What did the EU sign?", "The European Union signed the accord.", "eu", acronymMatch},
		{"What did the EU sign?", "The Estonian Union signed the accord.", "eu", acronymMatch},
		{"What did the EU sign?", "Europe, Union and others signed the accord.", "eu", 0},
		{"What did the EU sign?", "The European trade union signed the accord.", "eu", 0},
		{"What does the Bureau of Labor Statistics count?", "The BLS counts jobs.", "labor", acronymMatch},
		{"What does the bureau of Labor Statistics count?", "The BLS counts jobs.", "labor", 0},
		{"When did the BLS count jobs?", "The Bureau of Labor Statistics counted jobs in May.", "bl", acronymMatch},
		{"WHAT DID THE EU SIGN?", "The European Union signed the accord.", "eu", 0},
	}
	for _, tt := range tests {
		t.Run(tt.question+" / "+tt.sentence, func(t *testing.T) {
			q := analyze(tt.question, st)
			ti := -1
			for k, term := range q.terms {
				if term.stem == tt.term {
					ti = k
				}
			}
			if ti < 0 {
				t.Fatalf("no term %q in %q", tt.term, tt.question)
			}
			m := matchTokens(q, st.split(tt.sentence))
			if got := m.best[ti]; got != tt.want {
				t.Errorf("got match %.2f for %q, want %.2f", got, tt.term, tt.want)
			}
		})
	}
}

// TestReadAnswersThroughAcronyms checks whole readings: a question that
// abbreviates a name the text writes out, and one that writes out a name
// the text abbreviates, are answered from the sentence that names it.
func TestReadAnswersThroughAcronyms(t *testing.T) {
	testExactLeads(t, map[string]string{
		"city.txt": "The city\n\n" +
			"New York City is the most populous city in the United States. " +
			"The Hudson River separates New York City from the U.S. state of New Jersey. " +
			"The East River separates Manhattan from Brooklyn.\n",
		"union.txt": "The union\n\n" +
			"The EU was founded in 1993 by the Maastricht Treaty. " +
			"Its parliament sits in Strasbourg.\n",
	}, []leadCase{
		{"The Hudson River separates NYC from which US state?", "New Jersey"},
		{"When was the European Union founded?", "1993"},
	})
}
