package retrieval

import (
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func testPassages() []Passage {
	mk := func(src, text string) Passage {
		return Passage{Source: src, Title: src, Text: text, Score: 0.5, sents: []string{text}}
	}
	return []Passage{
		mk("bridges.txt", "The Narvik bridge opened in 1974 and the Bergen bridge in 1956."),
		mk("mayors.txt", "The mayor of Bergen is Marte Mjøs Persen."),
		mk("visits.txt", "Engineers from Sweden and Denmark inspected the bridge at Narvik."),
	}
}

func runCiter(e *Engine, raw string, cuts []int) (*citer, string) {
	c := newCiter(e, testPassages(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	var out strings.Builder
	last := 0
	for _, k := range cuts {
		if k <= last || k >= len(raw) {
			continue
		}
		out.WriteString(c.write(raw[last:k]))
		last = k
	}
	out.WriteString(c.write(raw[last:]))
	out.WriteString(c.close())
	return c, out.String()
}

func TestCiter(t *testing.T) {
	e := townEngine(t)
	tests := []struct {
		name, raw, want string
		sources         []string
		notCovered      bool
	}{
		{"renumbers in order of use", "Persen is the mayor of Bergen [2]. The Bergen bridge opened in 1956 [1].",
			"Persen is the mayor of Bergen [1]. The Bergen bridge opened in 1956 [2].", []string{"mayors.txt", "bridges.txt"}, false},
		{"lists and ranges", "The Narvik bridge opened in 1974 and engineers inspected it [1, 3]. Bergen's too [1-2].",
			"The Narvik bridge opened in 1974 and engineers inspected it [1][2]. Bergen's too [1][3].", []string{"bridges.txt", "visits.txt", "mayors.txt"}, false},
		{"drops invented numbers", "The Bergen bridge opened in 1956 [7].", "The Bergen bridge opened in 1956.", nil, false},
		{"drops a passage that does not back the sentence", "Persen is the mayor of Bergen [2][3].",
			"Persen is the mayor of Bergen [1].", []string{"mayors.txt"}, false},
		{"drops markers of a number no cited passage holds", "The Bergen bridge opened in 1957 [1].", "The Bergen bridge opened in 1957.", nil, false},
		{"marker after the full stop", "The Bergen bridge opened in 1956. [1]", "The Bergen bridge opened in 1956. [1]", []string{"bridges.txt"}, false},
		{"passage and source words", "Engineers from Denmark came [Passage 3]. Persen leads Bergen [source 2].",
			"Engineers from Denmark came [1]. Persen leads Bergen [2].", []string{"visits.txt", "mayors.txt"}, false},
		{"other brackets stay", "The mayor [sic] of Bergen is Persen [2] [citation needed].",
			"The mayor [sic] of Bergen is Persen [1] [citation needed].", []string{"mayors.txt"}, false},
		{"not covered", "  NOT_COVERED\nThe sources do not say [1].", "The sources do not say.", nil, true},
		{"not covered, spaced", "**Not covered**: nothing on that.", "nothing on that.", nil, true},
		{"a word that starts like the mark", "Nothing in the passages [1].", "Nothing in the passages.", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := runCiter(e, tt.raw, nil)
			if got != tt.want || c.text() != tt.want {
				t.Errorf("got %q (text %q), want %q", got, c.text(), tt.want)
			}
			if c.notCovered != tt.notCovered {
				t.Errorf("got notCovered=%v, want %v", c.notCovered, tt.notCovered)
			}
			cites := c.citations("question")
			var srcs []string
			for _, ci := range cites {
				srcs = append(srcs, ci.Source)
				if ci.Quote == "" {
					t.Errorf("citation of %s has no quote", ci.Source)
				}
			}
			if strings.Join(srcs, ",") != strings.Join(tt.sources, ",") {
				t.Errorf("got sources %v, want %v", srcs, tt.sources)
			}
		})
	}
}

func TestCitePassagePicksTheSupportingSentence(t *testing.T) {
	e := townEngine(t)
	p := Passage{Source: "s.txt", sents: []string{
		"The old bridge in Tromsø opened in 1960.",
		"The Narvik bridge opened in 1974 and the Bergen bridge in 1956.",
		"Engineers from Sweden and Denmark inspected the bridge at Narvik.",
	}}
	p.Text = strings.Join(p.sents, " ")
	if got := e.citePassage(p, "Bergen's bridge dates from 1956", "").Quote; got != p.sents[1] {
		t.Errorf("got quote %q, want %q", got, p.sents[1])
	}
	if got := e.citePassage(p, "", "who inspected the bridge?").Quote; got != p.sents[2] {
		t.Errorf("with no claim, got quote %q, want the sentence that fits the question", got)
	}
}

var anyMarker = regexp.MustCompile(`\[(\d+)\]`)

// FuzzCiter checks that however the model's text is cut into pieces, the
// stream shows exactly the final text, and its markers name citations in
// order of first use.
func FuzzCiter(f *testing.F) {
	e := townEngine(f)
	f.Add("Persen is the mayor of Bergen [2]. The Bergen bridge opened in 1956 [1].", uint64(12345))
	f.Add("NOT_COVERED\nNo [1].", uint64(7))
	f.Add("The Narvik bridge [1, 3] [sic] [ 2 ] [Passage 1-3] [[1]] [", uint64(99))
	f.Add("  Not-covered", uint64(1))
	f.Fuzz(func(t *testing.T, raw string, seed uint64) {
		_, whole := runCiter(e, raw, nil)
		var cuts []int
		for k := 0; k < len(raw); {
			k += 1 + int(seed%7)
			seed = seed*6364136223846793005 + 1442695040888963407
			cuts = append(cuts, k)
		}
		c, streamed := runCiter(e, raw, cuts)
		if streamed != whole {
			t.Fatalf("streamed %q, whole %q", streamed, whole)
		}
		if streamed != c.text() {
			t.Fatalf("streamed %q, text %q", streamed, c.text())
		}
		next := 1
		for _, m := range anyMarker.FindAllStringSubmatch(streamed, -1) {
			n, _ := strconv.Atoi(m[1])
			if n > len(c.order) {
				// Only text the model wrote itself inside other brackets
				// may look like this, never a marker we kept.
				if strings.Contains(raw, m[0]) {
					continue
				}
				t.Fatalf("marker %s in %q, but only %d citations", m[0], streamed, len(c.order))
			}
			if n == next {
				next++
			}
		}
	})
}
