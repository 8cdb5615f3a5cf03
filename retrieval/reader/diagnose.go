package reader

import (
	"fmt"
	"sort"
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// Debug describes the reader's sentence ranking for question, marking the
// sentences that contain one of answers. For development only.
func (r *Reader) Debug(question string, passages []Passage, answers []string) string {
	q := analyze(question, r.stats)
	sents := sentencesOf(r.stats, passages)
	infos := sentenceFeatures(q, r.stats, sents)
	z := make([]float64, len(infos))
	order := make([]int, len(infos))
	for i := range infos {
		z[i] = infos[i].feats.dot(r.m.sent)
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return z[order[a]] > z[order[b]] })
	var b strings.Builder
	fmt.Fprintf(&b, "  wh=%v head=%q terms=", q.wh, q.head)
	for _, t := range q.terms {
		fmt.Fprintf(&b, "%s(%.1f%s) ", t.stem, t.idf, map[bool]string{true: ",E"}[t.entity])
	}
	b.WriteString("\n")
	for rank, i := range order {
		has := false
		for _, a := range answers {
			if strings.Contains(words.Fold(infos[i].s.text), words.Fold(a)) {
				has = true
			}
		}
		if rank < 3 || has {
			mark := "  "
			if has {
				mark = "**"
			}
			fmt.Fprintf(&b, "  %s #%d z=%.2f cov=%.2f r=%d %s: %.150s\n", mark, rank, z[i], infos[i].cov, infos[i].s.rank, infos[i].s.source, infos[i].s.text)
		}
	}
	return b.String()
}

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
			if a != "" && strings.Contains(words.Fold(s.text), words.Fold(a)) {
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
		out = append(out, d.infos[t.si].s.text)
	}
	return out
}

// DebugSpans lists the best phrases of the reader's chosen sentence with
// their scores and active phrase features. For development only.
func (r *Reader) DebugSpans(question string, passages []Passage, n int) string {
	rd, d := r.read(question, passages)
	if d == nil {
		return ""
	}
	t := d.top[d.best]
	in := &d.infos[t.si]
	idx := make([]int, len(t.cands))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return t.a[idx[a]] > t.a[idx[b]] })
	var b strings.Builder
	fmt.Fprintf(&b, "conf=%.2f answered=%v lead=%q sentence: %s\n", rd.Confidence, rd.Answered, rd.Lead, in.s.text)
	for _, k := range idx[:min(n, len(idx))] {
		sp := t.cands[k]
		fmt.Fprintf(&b, "  %.2f %q:", t.a[k], in.s.text[sp.start:sp.end])
		for _, f := range spanFeatures(d.q, r.stats, in, sp) {
			w := r.m.answer[jSpan+int(f.ID)]
			if w*float64(f.Val) > 0.3 || w*float64(f.Val) < -0.3 {
				fmt.Fprintf(&b, " %s=%.2f", spanLayout.names[f.ID], w*float64(f.Val))
			}
		}
		b.WriteString("\n")
	}
	for _, f := range d.conf {
		fmt.Fprintf(&b, "  conf %s %.2f×%.2f\n", confLayout.names[f.ID], f.Val, r.m.conf[f.ID])
	}
	return b.String()
}
