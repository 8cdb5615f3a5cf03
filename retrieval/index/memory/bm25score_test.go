package memory

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/index"
)

// TestSearchScoresAsBleve checks search, which reads the postings
// itself, against bleve running query's query and sorting every match by
// score, then ID: the same chunks in the same order, with the same scores
// but for the last bits of a sum. The corpus has words of every
// frequency, so that questions meet rare words (with spelling variants),
// common ones, and ones left out; several batches make several segments.
func TestSearchScoresAsBleve(t *testing.T) {
	ctx := context.Background()
	b, err := newBM25Index()
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	r := rand.New(rand.NewPCG(3, 9))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = fakeWord(r, i)
	}
	// Zipf-like: word i drawn with weight 1/(i+1).
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(vocab)-1))
	const chunks = 6000
	for batch := range 3 {
		var recs []index.Record
		for i := batch * chunks / 3; i < (batch+1)*chunks/3; i++ {
			n := 5 + r.IntN(60)
			ws := make([]string, n)
			for k := range ws {
				ws[k] = vocab[zipf.Uint64()]
			}
			title := vocab[zipf.Uint64()] + " " + vocab[r.IntN(len(vocab))]
			id := fmt.Sprintf("c%06x", r.Uint32()&0xffffff)
			recs = append(recs, index.Record{Chunk: corpus.Chunk{ID: id, Source: id, Title: title, Text: strings.Join(ws, " ")}})
		}
		if err := b.upsert(recs); err != nil {
			t.Fatal(err)
		}
	}
	for qi := range 300 {
		var ws []string
		for range 1 + r.IntN(6) {
			w := vocab[zipf.Uint64()]
			if r.IntN(3) == 0 {
				w = vocab[r.IntN(len(vocab))] // a rare word
			}
			if r.IntN(8) == 0 && len(w) > 5 {
				w = w[:2] + w[3:] // a typo: a letter dropped
			}
			ws = append(ws, w)
		}
		text := strings.Join(ws, " ")
		n := []int{1, 10, 48, 200}[qi%4]
		gotIDs, gotScores, err := b.search(ctx, text, n)
		if err != nil {
			t.Fatal(err)
		}
		wantIDs, wantScores := bleveSearch(t, b, text, n)
		if !equalRanking(gotIDs, gotScores, wantIDs, wantScores) {
			t.Errorf("%q (n=%d):\ngot  %v %v\nwant %v %v", text, n, gotIDs, gotScores, wantIDs, wantScores)
		}
	}
}

// equalRanking reports whether two rankings name the same chunks in the
// same order with scores equal to a relative 1e-12, allowing two chunks
// whose scores differ by no more than that to trade places.
func equalRanking(gotIDs []string, got []float64, wantIDs []string, want []float64) bool {
	if len(gotIDs) != len(wantIDs) {
		return false
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b)) }
	for i := range gotIDs {
		if !close(got[i], want[i]) {
			return false
		}
		if gotIDs[i] != wantIDs[i] {
			// Near-ties, summed in another order, may cross.
			j := i + 1
			if j >= len(gotIDs) || gotIDs[i] != wantIDs[j] || gotIDs[j] != wantIDs[i] || !close(got[i], got[j]) {
				return false
			}
		}
	}
	return true
}

// bleveSearch runs query's query through bleve, every match sorted by
// score, then ID.
func bleveSearch(t *testing.T, b *bm25Index, text string, n int) ([]string, []float64) {
	t.Helper()
	q, err := b.query(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	if q == nil {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := b.idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var scores []float64
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
		scores = append(scores, h.Score)
	}
	return ids, scores
}

// fakeWord makes the i-th word of a vocabulary: letters only, five to
// ten of them, so that some are a typo apart.
func fakeWord(r *rand.Rand, i int) string {
	const letters = "abcdefghijklmnoprstuvw"
	n := 5 + r.IntN(6)
	var sb strings.Builder
	for range n {
		sb.WriteByte(letters[r.IntN(len(letters))])
	}
	return sb.String() + string(rune('a'+i%26))
}

// TestAccumulatorsLendAtMostN checks that accumulators come back cleared,
// that no more than n are lent at once, and that a search waiting for one
// gives up with its context.
func TestAccumulatorsLendAtMostN(t *testing.T) {
	ctx := context.Background()
	accs := newAccumulators(2)
	a, err := accs.get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := accs.get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := accs.get(cancelled); err == nil {
		t.Fatal("a third accumulator was lent while two were out")
	}
	a.sums, a.matched = make([]float64, 10), make([]uint16, 10)
	a.sums[7], a.matched[7], a.touched = 1.5, 2, []uint64{7}
	accs.put(a)
	again, err := accs.get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again != a {
		t.Fatal("the returned accumulator was not lent again")
	}
	if again.sums[7] != 0 || again.matched[7] != 0 || len(again.touched) != 0 {
		t.Errorf("got sums %v, matched %v, touched %v back; want them cleared", again.sums, again.matched, again.touched)
	}
	accs.put(again)
	accs.put(b)
}

func TestSortByNum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	for _, c := range []struct {
		name     string
		docs     int // chunks in the index
		selected int
	}{
		{"none", 1000, 0},
		{"few, compared", 1000, 10},
		{"many, by bitmap", 1000, 600},
		{"all", 130, 130},
		{"sparse in a large index", 100_000, 3000},
	} {
		t.Run(c.name, func(t *testing.T) {
			acc := &accumulator{sums: make([]float64, c.docs)}
			for round := range 2 { // the bitmap is reused clean
				var docs []scoredDoc
				for _, num := range r.Perm(c.docs)[:c.selected] {
					docs = append(docs, scoredDoc{num: uint64(num), score: r.Float64()})
				}
				want := map[uint64]float64{}
				for _, d := range docs {
					want[d.num] = d.score
				}
				acc.sortByNum(docs)
				for i, d := range docs {
					if i > 0 && docs[i-1].num >= d.num {
						t.Fatalf("round %d: chunk %d at %d after chunk %d", round, d.num, i, docs[i-1].num)
					}
					if d.score != want[d.num] {
						t.Errorf("round %d: chunk %d: got score %v, want %v", round, d.num, d.score, want[d.num])
					}
				}
				if len(docs) != c.selected {
					t.Errorf("round %d: got %d chunks, want %d", round, len(docs), c.selected)
				}
				for w, b := range acc.bits {
					if b != 0 {
						t.Fatalf("round %d: bitmap word %d left set: %x", round, w, b)
					}
				}
			}
		})
	}
}
