package reader

import (
	"sort"
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// Oracle reports where the first sentence holding one of answers ranks:
// among all retrieved sentences by the first stage (-1 if none holds it),
// and whether the answer model's top sentences include it.
func (r *Reader) Oracle(question string, passages []Passage, answers []string) (int, bool) {
	_, d := r.read(question, passages)
	if d == nil {
		return -1, false
	}
	has := func(s *sentence) bool {
		for _, a := range answers {
			if a != "" && strings.Contains(words.Fold(s.verbatim()), words.Fold(a)) {
				return true
			}
		}
		return false
	}
	rank := -1
	for k, si := range d.order {
		if has(d.infos[si].s) {
			rank = k
			break
		}
	}
	inTop := false
	for _, t := range d.top {
		inTop = inTop || has(d.infos[t.si].s)
	}
	return rank, inTop
}

// Runners returns the texts of the sentences the answer model ranks
// second and third. For development only.
func (r *Reader) Runners(question string, passages []Passage) []string {
	_, d := r.read(question, passages)
	if d == nil {
		return nil
	}
	top := append([]scored(nil), d.top...)
	sort.SliceStable(top, func(a, b int) bool { return top[a].marg > top[b].marg })
	var out []string
	for _, t := range top[1:min(3, len(top))] {
		out = append(out, d.infos[t.si].s.verbatim())
	}
	return out
}
