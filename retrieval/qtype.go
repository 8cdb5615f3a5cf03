package retrieval

import "strings"

// answerType is the kind of answer a question asks for. Leading with a
// typed answer ("2004", "Dovilė Šakalienė", "5%") is what makes an extractive
// answer read like an answer rather than a search hit.
type answerType int

const (
	typeDescription answerType = iota // what/why/how: the passage is the answer
	typeDate                          // when, what year
	typePerson                        // who, which minister
	typeNumber                        // how many/much, what share
	typePlace                         // where, which country
	typeEntity                        // which organisation/group/company
	typeYesNo                         // is/does/did …
)

func (t answerType) String() string {
	return [...]string{"description", "date", "person", "number", "place", "entity", "yes/no"}[t]
}

// strict reports whether an answer of this type must be present in the
// supporting passage. A "when" question whose best passage holds no date is
// not answered by it, however many words it shares; a "who" question may be
// answered by an institution ("the parliaments"), so it is not strict.
func (t answerType) strict() bool {
	return t == typeDate || t == typeNumber
}

// Head nouns of "which/what <noun>" questions, by the type they ask for.
// These are ordinary English words for kinds of answer, not corpus terms.
var headNounTypes = func() map[string]answerType {
	m := map[string]answerType{}
	add := func(t answerType, words string) {
		for _, w := range strings.Fields(words) {
			m[w] = t
		}
	}
	add(typeDate, `year years date dates day days month months decade century time period`)
	add(typePerson, `person people man men woman women minister ministers president presidents leader leaders
		official officials politician politicians spokesman spokeswoman spokesperson author authors writer
		journalist reporter chancellor king queen prince princess ceo director chairman chairwoman chair
		secretary general commander head chief founder member members player players coach scientist
		diplomat ambassador envoy mayor governor senator judge lawyer candidate actor actress artist singer
		premier ruler emperor pope bishop officer soldier expert analyst researcher professor doctor`)
	add(typePlace, `country countries city cities state states nation nations region regions capital town towns
		place places island islands province provinces continent village area areas location border borders`)
	add(typeEntity, `organization organisation organizations organisations group groups company companies agency
		agencies party parties body bodies institution institutions ngo union alliance newspaper outlet
		media ministry ministries department firm bank team club court parliament government treaty
		treaties convention conventions agreement agreements law laws`)
	add(typeNumber, `percentage percent share proportion fraction number amount figure rate total cost price
		sum budget size`)
	return m
}()

var yesNoStarts = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "do": true, "does": true, "did": true,
	"has": true, "have": true, "had": true, "can": true, "could": true, "will": true, "would": true,
	"should": true, "may": true, "might": true, "must": true, "isn't": true, "aren't": true,
	"doesn't": true, "didn't": true, "hasn't": true, "haven't": true, "wasn't": true, "weren't": true,
}

// classify returns the answer type for a question's folded tokens.
func classify(words []string) answerType {
	if len(words) == 0 {
		return typeDescription
	}
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch w {
		case "when":
			return typeDate
		case "where":
			return typePlace
		case "who", "whom", "whose":
			return typePerson
		case "how":
			switch next {
			case "many", "much", "old", "long", "far", "large", "big", "high", "often", "tall":
				if next == "long" && i+2 < len(words) && words[i+2] == "ago" {
					return typeDate
				}
				return typeNumber
			}
		case "which", "what":
			// Skip adjectives between the wh-word and its head noun:
			// "which human rights organization", "what share of GDP".
			for j := i + 1; j < len(words) && j <= i+4; j++ {
				if t, ok := headNounTypes[words[j]]; ok {
					return t
				}
				if isStopWord(words[j]) && j > i+1 {
					break
				}
			}
			return typeDescription
		}
	}
	if yesNoStarts[words[0]] {
		return typeYesNo
	}
	return typeDescription
}

// asksForOrg reports whether a "which/what X" question asks for a company
// or an organisation.
func asksForOrg(words []string) bool {
	for _, w := range words {
		switch w {
		case "company", "companies", "firm", "firms", "organization", "organisation", "organizations",
			"organisations", "group", "groups", "agency", "agencies", "corporation", "business", "ngo":
			return true
		}
	}
	return false
}
