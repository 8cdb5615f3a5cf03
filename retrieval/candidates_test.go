package retrieval

import (
	"reflect"
	"testing"
)

func candTexts(text string, cands []candidate) []string {
	toks := tokenize(text)
	var out []string
	for _, c := range cands {
		out = append(out, text[toks[c.i].start:toks[c.j-1].end])
	}
	return out
}

func TestDateCandidates(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"It left on March 6, 2025 after a vote.", []string{"March 6, 2025"}},
		{"Published 13 March 2025 17:29 in Riga.", []string{"13 March 2025"}},
		{"Made public on Tuesday, March 18.", []string{"Tuesday, March 18"}},
		{"By December 2024, Finland began.", []string{"December 2024"}},
		{"ratified in 2003, Estonia in 2004", []string{"2003", "2004"}},
		{"They may agree on 7 points.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := candTexts(tt.text, dateCandidates(tt.text, tokenize(tt.text)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNumberCandidates(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"spending to 5% of GDP, above the 2% goal", []string{"5", "2"}},
		{"about 3,000 troops and five tanks", []string{"3,000", "five"}},
		{"It cost 1.5 billion in 2020.", []string{"1.5 billion"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := candTexts(tt.text, numberCandidates(tt.text, tokenize(tt.text)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNameCandidates(t *testing.T) {
	tests := []struct {
		text string
		typ  answerType
		want []string
	}{
		{"said Lithuanian Minister Dovilė Šakalienė in a release", typePerson, []string{"Dovilė Šakalienė"}},
		{"Finnish Defence Minister Antti Hakkanen announced it.", typePerson, []string{"Antti Hakkanen"}},
		{"said Lithuania's Chief of Defence Raimundas Vaiksnoras.", typePerson, []string{"Raimundas Vaiksnoras"}},
		{"Lithuania and Belarus in 2003, Latvia and Ukraine in 2005.", typePlace, []string{"Lithuania and Belarus", "Latvia and Ukraine"}},
		{"Notably, Amnesty International objected.", typeEntity, []string{"Amnesty International"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			// The corpus has seen these names in mid-sentence.
			cs := newCapStats()
			cs.add(tokenize("In Lithuania and Belarus they met."))
			got := candTexts(tt.text, nameCandidates(tt.text, tokenize(tt.text), tt.typ, cs))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeadline(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Harbor City Opens Restored Iron Bridge After Three-Year Closure", true},
		{"Lithuania and Belarus ratified in 2003, Estonia in 2004, Latvia and Ukraine in 2005.", false},
		{"Two Words", false},
	}
	for _, tt := range tests {
		if got := headline(tt.text, tokenize(tt.text)); got != tt.want {
			t.Errorf("headline(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestMeasures(t *testing.T) {
	tests := []struct {
		q, text string
		fit     float64
	}{
		{"how long is the bridge", "It spans 210 metres across the river.", 2},
		{"how long is the bridge", "It has carried four generations.", 0.25},
		{"How much did the restoration cost?", "It cost 14.2 million dollars.", 2},
		{"How much did the restoration cost?", "It cost 14.2 million.", 0.5},
		{"How much did the study cost?", "The glacier lost 38 percent of its area.", 0},
		{"What share of GDP goes to defence?", "Spending rose to 5% of GDP.", 2},
	}
	for _, tt := range tests {
		t.Run(tt.q+" / "+tt.text, func(t *testing.T) {
			var words []string
			for _, tk := range tokenize(tt.q) {
				words = append(words, tk.norm)
			}
			toks := tokenize(tt.text)
			cands := numberCandidates(tt.text, toks)
			if len(cands) == 0 {
				t.Fatal("no quantity found")
			}
			if got := measureFit(wantedMeasures(words), measureOf(tt.text, toks, cands[0])); got != tt.fit {
				t.Errorf("fit = %v, want %v", got, tt.fit)
			}
		})
	}
}
