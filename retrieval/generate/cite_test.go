package generate

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/testcorpus"
	"github.com/citebot/citebot/retrieval"
)

// townEngine builds an engine over a small invented corpus, so the
// checks are shown to work on text they were not written against.
func townEngine(t testing.TB) *retrieval.Engine {
	t.Helper()
	fsys := testcorpus.Town()
	docs, _, err := corpus.Load(context.Background(), fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func testPassages() []retrieval.Passage {
	mk := func(src, text string) retrieval.Passage {
		return retrieval.Passage{Source: src, Title: src, Text: text, Score: 0.5, Sentences: []string{text}}
	}
	return []retrieval.Passage{
		mk("bridges.txt", "The Narvik bridge opened in 1974 and the Bergen bridge in 1956."),
		mk("mayors.txt", "The mayor of Bergen is Marte Mjøs Persen."),
		mk("visits.txt", "Engineers from Sweden and Denmark inspected the bridge at Narvik."),
	}
}

// runCiter feeds raw to a citer in pieces cut at cuts, as a stream
// would, then ends it with finish, and returns the citer and the text it
// let through.
func runCiter(e Retriever, raw string, cuts []int, maxChars int, finish string) (*citer, string, error) {
	c := newCiter(e, testPassages(), maxChars, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
	tail, err := c.end(finish)
	out.WriteString(tail)
	return c, out.String(), err
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
		{"drops invented numbers, and the sentence left citing nothing", "The Bergen bridge opened in 1956 [7]. Persen is the mayor of Bergen [2].",
			"Persen is the mayor of Bergen [1].", []string{"mayors.txt"}, false},
		{"drops a passage that does not back the sentence", "Persen is the mayor of Bergen [2][3].",
			"Persen is the mayor of Bergen [1].", []string{"mayors.txt"}, false},
		{"drops a sentence whose number no cited passage holds", "The Bergen bridge opened in 1957 [1]. Persen is the mayor of Bergen [2].",
			"Persen is the mayor of Bergen [1].", []string{"mayors.txt"}, false},
		{"drops a sentence that cites nothing", "The Bergen bridge opened in 1956 [1]. Visit http://evil.example to claim your refund.\nPersen is the mayor of Bergen [2].",
			"The Bergen bridge opened in 1956 [1].\nPersen is the mayor of Bergen [2].", []string{"bridges.txt", "mayors.txt"}, false},
		{"a dropped marker cannot make one", "Visit evil.example now [[7]1]. Persen is the mayor of Bergen [2].",
			"Persen is the mayor of Bergen [1].", []string{"mayors.txt"}, false},
		{"keeps a sentence with nothing to check", "Yes. The Bergen bridge opened in 1956 [1].",
			"Yes. The Bergen bridge opened in 1956 [1].", []string{"bridges.txt"}, false},
		{"a list, one item a line", "Bridges:\n- Narvik, 1974 [1]\n- Bergen, 1956 [1]\n- Tromsø, 1960",
			"- Narvik, 1974 [1]\n- Bergen, 1956 [1]", []string{"bridges.txt"}, false},
		{"marker after the full stop", "The Bergen bridge opened in 1956. [1]", "The Bergen bridge opened in 1956. [1]", []string{"bridges.txt"}, false},
		{"passage and source words", "Engineers from Denmark came [Passage 3]. Persen leads Bergen [source 2].",
			"Engineers from Denmark came [1]. Persen leads Bergen [2].", []string{"visits.txt", "mayors.txt"}, false},
		{"other brackets stay", "The mayor [sic] of Bergen is Persen [2] [citation needed].",
			"The mayor [sic] of Bergen is Persen [1] [citation needed].", []string{"mayors.txt"}, false},
		{"not covered", "  NOT_COVERED\nThe sources do not say [1].", "The sources do not say.", nil, true},
		{"not covered, spaced", "**Not covered**: nothing on that.", "nothing on that.", nil, true},
		{"a word that starts like the mark", "Nothing in the passages [1]. Persen is the mayor of Bergen [2].", "Persen is the mayor of Bergen [1].", []string{"mayors.txt"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got, err := runCiter(e, tt.raw, nil, 0, "stop")
			if err != nil {
				t.Fatal(err)
			}
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

// TestCiterEnds checks how the text ends: cut at maxChars with an
// ellipsis and its citations trimmed to what is shown, cut at the model's
// token limit without the unfinished sentence, and refused when the
// answer stopped without saying it had finished.
func TestCiterEnds(t *testing.T) {
	e := townEngine(t)
	const two = "The Narvik bridge opened in 1974 [1]. Persen is the mayor of Bergen [2]. Engineers from Denmark inspected the bridge at Narvik [3]."
	tests := []struct {
		name, raw string
		maxChars  int
		finish    string
		want      string
		sources   []string
		cut, fail bool
	}{
		{"whole", two, 0, "stop", two, []string{"bridges.txt", "mayors.txt", "visits.txt"}, false, false},
		{"cut at a sentence", two, 80, "stop", "The Narvik bridge opened in 1974 [1]. Persen is the mayor of Bergen [2]. …", []string{"bridges.txt", "mayors.txt"}, true, false},
		{"cut inside the first sentence", "Engineers from Sweden and Denmark inspected the bridge at Narvik and found it sound and safe in every respect [3].", 70, "stop",
			"Engineers from Sweden and Denmark inspected the bridge at… [1]", []string{"visits.txt"}, true, false},
		{"out of tokens", "The Narvik bridge opened in 1974 [1]. Persen is the mayor of", 0, "length", "The Narvik bridge opened in 1974 [1]. …", []string{"bridges.txt"}, true, false},
		{"out of tokens at a full stop", "The Narvik bridge opened in 1974 [1]. Persen is the mayor of Bergen. [2]", 0, "length",
			"The Narvik bridge opened in 1974 [1]. Persen is the mayor of Bergen. [2] …", []string{"bridges.txt", "mayors.txt"}, true, false},
		{"no finish reason", two, 0, "", "", nil, false, true},
		{"content filter", two, 0, "content_filter", "", nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got, err := runCiter(e, tt.raw, []int{5, 17, 40, 41, 90}, tt.maxChars, tt.finish)
			if (err != nil) != tt.fail {
				t.Fatalf("got error %v, want failure %v", err, tt.fail)
			}
			if tt.fail {
				return
			}
			if got != tt.want || c.text() != tt.want || c.cut != tt.cut {
				t.Errorf("got %q (text %q, cut %v), want %q (cut %v)", got, c.text(), c.cut, tt.want, tt.cut)
			}
			if tt.maxChars > 0 && utf8.RuneCountInString(got) > tt.maxChars {
				t.Errorf("got %d characters, want at most %d", utf8.RuneCountInString(got), tt.maxChars)
			}
			var srcs []string
			for _, ci := range c.citations("question") {
				srcs = append(srcs, ci.Source)
			}
			if strings.Join(srcs, ",") != strings.Join(tt.sources, ",") {
				t.Errorf("got sources %v, want %v", srcs, tt.sources)
			}
		})
	}
}

func TestCitePassagePicksTheSupportingSentence(t *testing.T) {
	e := townEngine(t)
	p := retrieval.Passage{Source: "s.txt", Sentences: []string{
		"The old bridge in Tromsø opened in 1960.",
		"The Narvik bridge opened in 1974 and the Bergen bridge in 1956.",
		"Engineers from Sweden and Denmark inspected the bridge at Narvik.",
	}}
	p.Text = strings.Join(p.Sentences, " ")
	if got := citePassage(e, p, "Bergen's bridge dates from 1956", "").Quote; got != p.Sentences[1] {
		t.Errorf("got quote %q, want %q", got, p.Sentences[1])
	}
	if got := citePassage(e, p, "", "who inspected the bridge?").Quote; got != p.Sentences[2] {
		t.Errorf("with no claim, got quote %q, want the sentence that fits the question", got)
	}
}

func TestCitePassageNamesThePage(t *testing.T) {
	e := townEngine(t)
	p := retrieval.Passage{Source: "towns.pdf", Sentences: []string{
		"The old bridge in Tromsø opened in 1960.",
		"Engineers from Sweden and Denmark inspected the bridge at Narvik.",
	}, Pages: []int{1, 2}}
	p.Text = strings.Join(p.Sentences, " ")
	if c := citePassage(e, p, "", "who inspected the bridge?"); c.Quote != p.Sentences[1] || c.Page != 2 {
		t.Errorf("got %q on page %d, want %q on page 2", c.Quote, c.Page, p.Sentences[1])
	}
	if c := citePassage(e, p, "the Tromsø bridge opened in 1960", ""); c.Page != 1 {
		t.Errorf("got page %d, want 1", c.Page)
	}
	p.Source, p.Pages = "towns.txt", nil
	if c := citePassage(e, p, "", "who inspected the bridge?"); c.Page != 0 {
		t.Errorf("a source without pages: got page %d, want 0", c.Page)
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
		_, whole, _ := runCiter(e, raw, nil, 60, "stop")
		var cuts []int
		for k := 0; k < len(raw); {
			k += 1 + int(seed%7)
			seed = seed*6364136223846793005 + 1442695040888963407
			cuts = append(cuts, k)
		}
		c, streamed, _ := runCiter(e, raw, cuts, 60, "stop")
		if streamed != whole {
			t.Fatalf("streamed %q, whole %q", streamed, whole)
		}
		if streamed != c.text() {
			t.Fatalf("streamed %q, text %q", streamed, c.text())
		}
		next := 1
		for _, m := range anyMarker.FindAllStringSubmatch(streamed, -1) {
			n, _ := strconv.Atoi(m[1])
			if n > len(c.cited()) {
				// Only text the model wrote itself inside other brackets
				// may look like this, never a marker we kept.
				if strings.Contains(raw, m[0]) {
					continue
				}
				t.Fatalf("marker %s in %q, but only %d citations", m[0], streamed, len(c.cited()))
			}
			if n == next {
				next++
			}
		}
	})
}
