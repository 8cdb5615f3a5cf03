package readerfit

import (
	"context"
	"fmt"
	"io"

	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/reader"
)

// Tally counts how a reader did on a question set.
type Tally struct {
	Answerable, Answered, Contains, Lead, Span int
	NotRetrieved, NotInTop, Contains2          int
	ByKind                                     map[string][3]int // kind → questions, contains, lead
	Refused                                    map[string][2]int // kind → refused, total
}

func (t Tally) String() string {
	n := float64(max(t.Answerable, 1))
	s := fmt.Sprintf("answerable %d: answered %.3f contains %.3f lead %.3f span %.3f", t.Answerable,
		float64(t.Answered)/n, float64(t.Contains)/n, float64(t.Lead)/n, float64(t.Span)/n)
	s += fmt.Sprintf(" contains@2 %.3f", float64(t.Contains2)/n)
	s += fmt.Sprintf(" (answer not retrieved %d, not among the best sentences %d)", t.NotRetrieved, t.NotInTop)
	for _, k := range sortedKeys(t.ByKind) {
		c := t.ByKind[k]
		s += fmt.Sprintf("\n    %-10s %4d contains %.2f lead %.2f", k, c[0], float64(c[1])/float64(max(c[0], 1)), float64(c[2])/float64(max(c[0], 1)))
	}
	for _, k := range sortedKeys(t.Refused) {
		r := t.Refused[k]
		s += fmt.Sprintf("; refused %s %d/%d", k, r[0], r[1])
	}
	return s
}

// reply is the text a user would read first: the lead, then the sentence.
func reply(rd reader.Reading) string {
	text := rd.Evidence[0].Text
	if rd.Lead != "" {
		text = rd.Lead + ". " + text
	}
	return text
}

// score reads every item of a set and tallies the results; w, when not
// nil, gets one line per question.
func score(ctx context.Context, r *reader.Reader, ix *indexed, items []Item, w io.Writer) Tally {
	t := Tally{Refused: map[string][2]int{}, ByKind: map[string][3]int{}}
	for _, it := range items {
		ps, err := ix.eng.Retrieve(ctx, it.Question)
		if err != nil {
			continue
		}
		rd := r.Read(it.Question, ps)
		if !it.IsAnswerable() {
			kind := it.Kind
			if kind == "" {
				kind = "unanswerable"
			}
			c := t.Refused[kind]
			c[1]++
			if !rd.Answered {
				c[0]++
			} else if w != nil {
				fmt.Fprintf(w, "ANSWERED-%s %.2f\t%s\tlead=%q\t%.120s\n", kind, rd.Confidence, it.Question, rd.Lead, rd.Evidence[0].Text)
			}
			t.Refused[kind] = c
			continue
		}
		t.Answerable++
		kind := reader.Kind(it.Question)
		bk := t.ByKind[kind]
		bk[0]++
		t.ByKind[kind] = bk
		if !rd.Answered {
			if w != nil {
				fmt.Fprintf(w, "REFUSED %.2f\t%s\t%q\n", rd.Confidence, it.Question, it.Answers)
			}
			continue
		}
		t.Answered++
		rank, inTop := r.Oracle(it.Question, ps, it.Answers)
		switch {
		case rank < 0:
			t.NotRetrieved++
		case !inTop:
			t.NotInTop++
		}
		ok := retrieval.MatchesAnswer(rd.Evidence[0].Text, it.Answers)
		if runners := r.Runners(it.Question, ps); ok || len(runners) > 0 && retrieval.MatchesAnswer(runners[0], it.Answers) {
			t.Contains2++
		}
		lead := retrieval.InLead(reply(rd), it.Answers)
		spanOK := rd.Lead != "" && retrieval.MatchesAnswer(rd.Lead, it.Answers) || rd.Lead == "" && lead
		if ok {
			t.Contains++
			bk[1]++
		}
		if lead {
			t.Lead++
			bk[2]++
		}
		t.ByKind[kind] = bk
		if spanOK {
			t.Span++
		}
		if w != nil {
			mark := "ok  "
			switch {
			case !ok:
				mark = "SENT"
			case !spanOK:
				mark = "SPAN"
			}
			fmt.Fprintf(w, "%s %.2f\t%s\t%q\tlead=%q\t%.160s\n", mark, rd.Confidence, it.Question, it.Answers, rd.Lead, rd.Evidence[0].Text)
		}
	}
	return t
}

func (t *Tally) add(o Tally) {
	t.Answerable += o.Answerable
	t.Answered += o.Answered
	t.Contains += o.Contains
	t.Lead += o.Lead
	t.Span += o.Span
	t.NotRetrieved += o.NotRetrieved
	t.NotInTop += o.NotInTop
	t.Contains2 += o.Contains2
	if t.ByKind == nil {
		t.ByKind = map[string][3]int{}
	}
	for k, v := range o.ByKind {
		c := t.ByKind[k]
		for i := range c {
			c[i] += v[i]
		}
		t.ByKind[k] = c
	}
	for k, v := range o.Refused {
		c := t.Refused[k]
		c[0] += v[0]
		c[1] += v[1]
		t.Refused[k] = c
	}
}
