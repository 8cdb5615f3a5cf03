package reader

import "github.com/citebot/citebot/retrieval/words"

// This file matches an acronym with the name it stands for: "NYC" in a
// question with "New York City" in a passage, "European Union" with
// "EU", "United States" with "the U.S.". Questions abbreviate names that
// articles write out, and the other way round; no stem or spelling
// variant can see that the two are one name, and the missing name then
// counts against the very sentence that answers.

// acronymMatch is how well an acronym matches the name it stands for: as
// well as a close spelling variant, a little less than the word itself.
const acronymMatch = 0.9

// acronymTerm is a question term written as an acronym, with its
// letters, lower-cased.
type acronymTerm struct {
	ti      int
	letters string
}

// spelledName is a run of the question's capitalised terms, with its
// initials lower-cased: "New York City" is "nyc".
type spelledName struct {
	initials string
	terms    []int
}

// findAcronyms records the question's acronyms and the names it writes
// out, for matchAcronyms.
func (q *question) findAcronyms() {
	termAt := make(map[int]int, len(q.terms))
	for ti, t := range q.terms {
		termAt[t.pos] = ti
		if tok := q.toks[t.pos]; tok.Upper && !t.num && alphabetic(tok.Norm) && len(tok.Norm) <= 5 {
			q.acronyms = append(q.acronyms, acronymTerm{ti, tok.Norm})
		}
	}
	if len(q.acronyms) == len(q.terms) {
		// A question in capitals throughout has no acronyms to tell apart.
		q.acronyms = nil
	}
	// Runs of capitalised words, which may hold light words ("Bank of
	// America"); each run of two to five capitals is a name an acronym
	// may stand for.
	var run []int
	flush := func() {
		if len(run) >= 2 && len(run) <= 5 {
			b := make([]byte, 0, len(run))
			for _, ti := range run {
				b = append(b, q.terms[ti].norm[0])
			}
			q.spelled = append(q.spelled, spelledName{initials: string(b), terms: run})
		}
		run = nil
	}
	for i, tok := range q.toks {
		ti, isTerm := termAt[i]
		capital := isTerm && tok.Cap && !tok.Upper && !tok.Num && alphabetic(tok.Norm[:1])
		joined := len(run) > 0 && tok.Start-q.toks[i-1].End == 1
		switch {
		case capital && joined:
			run = append(run, ti)
		case joined && !tok.Cap && isLight(tok.Norm):
			// Inside a run, or its end if no capital follows.
		default:
			flush()
			if capital {
				run = append(run, ti)
			}
		}
	}
	flush()
}

// matchAcronyms adds to m the question's acronyms met by the names they
// stand for in toks, and the question's names met by their acronyms.
func matchAcronyms(q *question, toks []words.Token, m *matching) {
	for k := 0; k < len(toks); k++ {
		tok := toks[k]
		if !tok.Cap || tok.Num || tok.Norm == "" {
			continue
		}
		// The sentence writes an acronym: "NYC", or "U.S." in letters.
		letters, end := "", k+1
		switch {
		case tok.Upper && len(tok.Norm) <= 5 && alphabetic(tok.Norm):
			letters = tok.Norm
		case len(tok.Norm) == 1:
			for end < len(toks) && len(toks[end].Norm) == 1 && toks[end].Cap && toks[end].Start-toks[end-1].End == 1 {
				end++
			}
			if end-k >= 2 && end-k <= 5 {
				for _, t := range toks[k:end] {
					letters += t.Norm
				}
			}
		}
		if letters != "" {
			for _, n := range q.spelled {
				if n.initials == letters {
					for _, ti := range n.terms {
						m.add(k, ti, acronymMatch)
					}
				}
			}
		}
		// The sentence writes out a name the question abbreviates.
		for _, a := range q.acronyms {
			if tok.Norm[0] != a.letters[0] {
				continue
			}
			if j := spells(toks, k, a.letters); j > k {
				for p := k; p < j; p++ {
					if toks[p].Cap {
						m.add(p, a.ti, acronymMatch)
					}
				}
			}
		}
	}
}

// spells reports where the capitalised words from toks[k] on, which may
// hold light words, stop spelling letters with their initials: the index
// after the last, or -1.
func spells(toks []words.Token, k int, letters string) int {
	n, p := 0, k
	for p < len(toks) && n < len(letters) {
		t := toks[p]
		if p > k && t.Start-toks[p-1].End > 1 {
			return -1 // a comma or a bracket ends the name
		}
		switch {
		case t.Cap && !t.Upper && !t.Num && t.Norm[0] == letters[n]:
			n++
		case !t.Cap && isLight(t.Norm) && n > 0:
		default:
			return -1
		}
		p++
	}
	if n < len(letters) || !toks[p-1].Cap {
		return -1
	}
	return p
}
