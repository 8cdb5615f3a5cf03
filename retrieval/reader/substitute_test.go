package reader

import "testing"

func TestSubstituted(t *testing.T) {
	st, _ := corpusOf(t, map[string]string{
		"film.txt": "The film\n\n" +
			"Scenes were shot at the fictional Hoffler Klinik, a private medical clinic in the Alps. " +
			"An explosion filmed in Morocco holds the record for the largest film stunt explosion. " +
			"The composer Thomas Newman wrote the score in London. " +
			"The studio raised spending to 5% of its budget.\n",
	})
	tests := []struct {
		question, sentence string
		want               string // a label of substLabels, or "" for none
	}{
		// "dental" stands where the sentence has "medical", between the
		// matches of its neighbours "private" and "clinic".
		{"Scenes were shot at which private dental clinic?",
			"Scenes were shot at the fictional Hoffler Klinik, a private medical clinic in the Alps.", "both-sides"},
		// "public" is three words from "Klinik" in the question, too far
		// to count as its neighbour; "medical" follows it.
		{"The fictional Hoffler Klinik is a public medical what?",
			"Scenes were shot at the fictional Hoffler Klinik, a private medical clinic in the Alps.", "one-side"},
		// A name replaced by another name.
		{"An explosion filmed in Mexico holds which record?",
			"An explosion filmed in Morocco holds the record for the largest film stunt explosion.", "both-sides-name"},
		// "smallest" has one neighbour in the question, "film", whose
		// match follows "largest".
		{"Which city holds the record for the smallest film stunt explosion?",
			"An explosion filmed in Morocco holds the record for the largest film stunt explosion.", "one-side"},
		// A number does not stand in for a word: "5%" follows
		// "spending" where "bridges" would, but is no bridge.
		{"How much did the studio spend on bridges?",
			"The studio raised spending to 5% of its budget.", ""},
		// Every word matched: nothing replaced.
		{"Who wrote the score in London?",
			"The composer Thomas Newman wrote the score in London.", ""},
		// A missing word whose neighbours the sentence lacks too is
		// missing, not replaced.
		{"Who conducted the orchestra in Vienna?",
			"The composer Thomas Newman wrote the score in London.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			q := analyze(tt.question, st)
			toks := st.split(tt.sentence)
			got := ""
			if k := substitutedKind(q, toks, matchTokens(q, toks)); k >= 0 {
				got = substLabels[k]
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
