package reader

import "github.com/citebot/citebot/retrieval/words"

// substLabels say how a word of the question that the quoted sentence
// lacks is replaced there: by another word in its very place, between
// the sentence's matches of its neighbours in the question ("a private
// medical clinic" for "which private dental clinic?"), or next to the
// match of one neighbour; and whether the missing word is a name or a
// number.
var substLabels = []string{"both-sides", "one-side", "both-sides-name", "one-side-name"}

// substituted reports a question term that the sentence does not match
// but whose neighbours in the question it does, with a content word of
// its own where the term would stand: the one-word edits by which a
// false premise, or a question the text cannot answer, differs from one
// it can. both is set when the word stands between the matches of the
// term's neighbours on both sides; name when the term is a name or a
// number.
func substituted(q *question, toks []words.Token, m matching) (both, one, name bool) {
	strong := func(k int) bool { return k >= 0 && m.val[k] >= 0.75 }
	// slot is the first content token from k in direction dir, at most
	// two tokens away, when it matches no term and is of the kind of
	// term: a number for a number, a word for a word ("5%" does not
	// stand in for "landmines").
	slot := func(k, dir int, num bool) int {
		for j := k + dir; j >= 0 && j < len(toks) && abs(j-k) <= 2; j += dir {
			if toks[j].Stem == "" {
				continue
			}
			if m.term[j] >= 0 && m.val[j] >= 0.75 || isNumber(toks[j]) != num {
				return -1
			}
			return j
		}
		return -1
	}
	for ti, t := range q.terms {
		if m.best[ti] > 0 {
			continue
		}
		left, right := -1, -1
		if ti > 0 && t.pos-q.terms[ti-1].pos <= 2 && strong(m.where[ti-1]) {
			left = slot(m.where[ti-1], +1, t.num)
		}
		if ti+1 < len(q.terms) && q.terms[ti+1].pos-t.pos <= 2 && strong(m.where[ti+1]) {
			right = slot(m.where[ti+1], -1, t.num)
		}
		switch {
		case left >= 0 && left == right:
			both = true
		case left >= 0 || right >= 0:
			one = true
		default:
			continue
		}
		name = name || t.entity
	}
	return both, one, name
}

// substitutedKind is substituted as an index into substLabels, or -1.
func substitutedKind(q *question, toks []words.Token, m matching) int {
	both, one, name := substituted(q, toks, m)
	if !both && !one {
		return -1
	}
	k := 1
	if both {
		k = 0
	}
	if name {
		k += 2
	}
	return k
}

// isNumber reports a token that is a number, in digits or in words.
func isNumber(t words.Token) bool { return t.Num || numberWords[t.Norm] }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
