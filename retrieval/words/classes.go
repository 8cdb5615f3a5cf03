package words

// Closed classes of English words that questions turn on. They are few and
// do not depend on any corpus.

var auxiliaries = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "do": true, "does": true, "did": true,
	"has": true, "have": true, "had": true, "can": true, "could": true, "will": true, "would": true,
	"should": true, "may": true, "might": true, "must": true, "isn't": true, "aren't": true,
	"doesn't": true, "didn't": true, "hasn't": true, "haven't": true, "wasn't": true, "weren't": true,
	"am": true, "shall": true, "won't": true, "can't": true, "wouldn't": true, "couldn't": true,
}

// IsAuxiliary reports a folded auxiliary verb, which opens a yes/no
// question ("Did Estonia …?").
func IsAuxiliary(norm string) bool { return auxiliaries[norm] }

var questionWords = map[string]bool{
	"what": true, "when": true, "where": true, "who": true, "whom": true, "whose": true,
	"which": true, "why": true, "how": true,
}

// IsQuestionWord reports a folded wh-word.
func IsQuestionWord(norm string) bool { return questionWords[norm] }

// TitleCased reports a headline in Title Case: at least three content
// words, every one capitalised, so that capitals say nothing about names.
func TitleCased(toks []Token) bool {
	content, caps := 0, 0
	for _, t := range toks {
		if t.Stem == "" || t.Num {
			continue
		}
		content++
		if t.Cap {
			caps++
		}
	}
	return content >= 3 && caps == content
}
