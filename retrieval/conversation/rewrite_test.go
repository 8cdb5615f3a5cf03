package conversation

import (
	"context"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/testcorpus"
	"github.com/citebot/citebot/retrieval/reader"
)

// townRewriter learns from a small invented corpus, so the heuristic is
// shown to work on text it was not written against.
func townRewriter(t testing.TB) *Rewriter {
	t.Helper()
	fsys := testcorpus.Town()
	docs, _, err := corpus.Load(context.Background(), fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	corpus.Clean(docs)
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	return NewRewriter(reader.Learn(chunks), chunks)
}

// storedRewriter is r and its statistics after a round trip through
// their binary encodings, as a stored index keeps them.
func storedRewriter(t testing.TB, r *Rewriter) *Rewriter {
	t.Helper()
	sb, err := r.stats.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	stats, err := reader.UnmarshalStats(sb)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalRewriter(stats, rb)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestUnmarshalRewriterRejectsDamage(t *testing.T) {
	r := townRewriter(t)
	rb, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnmarshalRewriter(r.stats, rb[:len(rb)/2]); err == nil {
		t.Errorf("UnmarshalRewriter accepted half its encoding")
	}
	if _, err := reader.UnmarshalStats([]byte("not gob")); err == nil {
		t.Errorf("UnmarshalStats accepted garbage")
	}
}

func TestRewrite(t *testing.T) {
	learnt := townRewriter(t)
	for name, r := range map[string]*Rewriter{"learnt": learnt, "stored": storedRewriter(t, learnt)} {
		t.Run(name, func(t *testing.T) { testRewrite(t, r) })
	}
}

func testRewrite(t *testing.T, r *Rewriter) {
	tests := []struct {
		prev, answer, followUp, want string
	}{
		// A name of the same kind, found by what the corpus lists together.
		{"When did the bridge in Narvik open?", "", "and Bergen?", "When did the bridge in Bergen open?"},
		{"When did the Narvik bridge open?", "", "what about tromsø?", "When did the Tromsø bridge open?"},
		{"Who is Bergen's mayor?", "", "And Narvik?", "Who is Narvik's mayor?"},
		{"Which bridge opened in 1960?", "", "and in 1974?", "Which bridge opened in 1974?"},
		{"Did engineers from Sweden inspect the Narvik bridge?", "", "and Denmark?", "Did engineers from Denmark inspect the Narvik bridge?"},
		{"When did the Narvik bridge open?", "", "Bergen?", "When did the Bergen bridge open?"},
		// Another question about the same thing.
		{"When did the Narvik bridge open?", "", "why?", "why did the Narvik bridge open?"},
		{"Did the Narvik bridge open in 1974?", "", "and when?", "when did the Narvik bridge open in 1974?"},
		// Pronouns take the topic along; personal ones, the answer's name.
		{"When did the Narvik bridge open?", "", "who inspected it?", "who inspected it (Narvik)?"},
		{"Who is the mayor of Bergen?", "Marte Mjøs Persen. The mayor of Bergen is Marte Mjøs Persen. [1]", "when was she elected?", "when was she elected (Marte Mjøs Persen)?"},
		// A fragment without a name keeps the topic.
		{"Who is Bergen's mayor?", "", "and the bridges?", "the bridges (Bergen)?"},
		// Questions that stand alone are left alone.
		{"When did the Narvik bridge open?", "", "Who is the mayor of Tromsø?", "Who is the mayor of Tromsø?"},
		{"When did the Narvik bridge open?", "", "Bergen bridge colour", "Bergen bridge colour"},
		{"When did the Narvik bridge open?", "", "what colour are the bridges?", "what colour are the bridges?"},
	}
	for _, tt := range tests {
		t.Run(tt.prev+" "+tt.followUp, func(t *testing.T) {
			turns := []Turn{{Question: tt.prev, Standalone: tt.prev, Answer: tt.answer, Answered: tt.answer != ""}}
			if got := r.Rewrite(turns, tt.followUp); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := r.Rewrite(nil, "and Bergen?"); got != "and Bergen?" {
		t.Errorf("with no earlier turn got %q, want the question unchanged", got)
	}
}

func FuzzRewrite(f *testing.F) {
	r := townRewriter(f)
	f.Add("When did the bridge in Narvik open?", "and Bergen?")
	f.Add("Who is Bergen's mayor?", "and the bridges?")
	f.Add("Did it?", "why?")
	f.Add("", "what about ’s'?")
	f.Add("1960 1974", "and 2019 and 2020?")
	f.Fuzz(func(t *testing.T, prev, followUp string) {
		prev, followUp = strings.TrimSpace(prev), strings.TrimSpace(followUp)
		if followUp == "" || !utf8.ValidString(prev+followUp) {
			return
		}
		got := r.Rewrite([]Turn{{Question: prev, Standalone: prev}}, followUp)
		if got == "" {
			t.Errorf("rewrote %q after %q to nothing", followUp, prev)
		}
	})
}

// TestNewRewriterInSharesCountsAsOne checks that names learnt in shares,
// one per core, add up to those learnt in one pass.
func TestNewRewriterInSharesCountsAsOne(t *testing.T) {
	docs, _, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	stats := reader.Learn(chunks)
	one := NewRewriter(stats, chunks)
	defer func(n, procs int) { learnShard = n; runtime.GOMAXPROCS(procs) }(learnShard, runtime.GOMAXPROCS(4))
	learnShard = 5
	shared := NewRewriter(stats, chunks)
	if len(one.coord) == 0 {
		t.Fatal("no names learnt from the embedded articles")
	}
	if !reflect.DeepEqual(shared.coord, one.coord) {
		t.Errorf("names learnt in shares differ from one pass: %d pairs, want %d", len(shared.coord), len(one.coord))
	}
}

func TestMayListSeesEverySeparator(t *testing.T) {
	for sep := range listSeparators {
		if text := "Estonia" + sep + "Latvia"; !mayList(text) {
			t.Errorf("mayList(%q) = false, want true: coordinate would count the pair", text)
		}
	}
	if text := "Estonia ratified it in 2004."; mayList(text) {
		t.Errorf("mayList(%q) = true, want false", text)
	}
}
