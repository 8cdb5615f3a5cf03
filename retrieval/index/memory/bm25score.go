package memory

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// bm25Plan is the query search runs: must holds the clauses of the rare
// terms, any one of which selects a chunk, and should the clauses of the
// common ones, which only add to the score of a chunk must selected. With
// no must clause, should selects. query turns it into the bleve query it
// stands for.
type bm25Plan struct {
	must, should []clause
}

// clause is one term looked up in one field, weighted by boost.
type clause struct {
	term, field string
	boost       float64
}

// Scoring runs the plan over bleve's postings itself, and scores as
// bleve's BooleanSearcher over disjunctions of TermSearchers scores:
//
//	clause score = idf · tf·k1 / (tf + k1·(1 − b + b·len/avglen)) · boost·idf·queryNorm
//	group score  = (sum of its matching clauses, in clause order) · matching/clauses
//	chunk score  = must group + should group
//
// with tf the square root of the term's frequency, len the field's length
// from the posting's norm, avglen the field's average length rounded up,
// and queryNorm one over the root of the sum of every clause's
// (boost·idf)². Through bleve's searchers, each posting went through a
// DocumentMatch, a heap of searchers and a collector, and a common word's
// postings were advanced one candidate at a time however little they
// could add: that was a third of the cost of an answer at 100k chunks.
// Here the rare clauses' postings are summed in one pass, and the common
// clauses are looked up only for the chunks whose must score, plus the
// most the common clauses could add, can still reach the n best.

// scoreCtx holds what a plan's scoring needs of the index.
type scoreCtx struct {
	ctx  context.Context
	r    bleveindex.IndexReader
	docs uint64
	avg  map[string]float64 // field → average length, as bleve computes it
	accs *accumulators
}

// scoredClause is a clause with its postings reader and weights.
type scoredClause struct {
	clause
	tfr         bleveindex.TermFieldReader
	idf, weight float64 // weight: boost·idf·queryNorm
	avg         float64
}

// score is the clause's score for one posting, computed as
// TermQueryScorer computes it, operation for operation.
func (c *scoredClause) score(freq uint64, norm float64) float64 {
	tf := math.Sqrt(float64(freq))
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	}
	fieldLength := 1 / (norm * norm)
	s := c.idf * (tf * search.BM25_k1) /
		(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/c.avg)))
	if c.weight != 1.0 {
		s *= c.weight
	}
	return s
}

// maxScore bounds the clause's score for any posting: tf·k1 / (tf + k1·x)
// is below k1 for any frequency and any length, x being positive (at
// least 1 − b), so the score is below idf·k1, weighted.
func (c *scoredClause) maxScore() float64 {
	s := c.idf * search.BM25_k1
	if c.weight != 1.0 {
		s *= c.weight
	}
	return s
}

// openClauses opens a postings reader per clause. The caller closes them.
func (sc *scoreCtx) openClauses(cs []clause) ([]*scoredClause, error) {
	out := make([]*scoredClause, 0, len(cs))
	for _, c := range cs {
		tfr, err := sc.r.TermFieldReader(sc.ctx, []byte(c.term), c.field, true, true, false)
		if err != nil {
			closeClauses(out)
			return nil, fmt.Errorf("bm25 postings of %q: %w", c.term, err)
		}
		avg, err := sc.average(c.field)
		if err != nil {
			tfr.Close()
			closeClauses(out)
			return nil, err
		}
		df := tfr.Count()
		idf := math.Log(1 + (float64(sc.docs)-float64(df)+0.5)/(float64(df)+0.5))
		out = append(out, &scoredClause{clause: c, tfr: tfr, idf: idf, avg: avg})
	}
	return out, nil
}

func closeClauses(cs []*scoredClause) {
	for _, c := range cs {
		c.tfr.Close()
	}
}

// average is a field's average length in terms as bleve's BM25 takes it:
// the field's total length over the chunks, rounded up.
func (sc *scoreCtx) average(field string) (float64, error) {
	if a, ok := sc.avg[field]; ok {
		return a, nil
	}
	br, ok := sc.r.(bleveindex.BM25Reader)
	if !ok {
		return 0, fmt.Errorf("bm25: the index reader gives no field lengths")
	}
	card, err := br.FieldCardinality(field)
	if err != nil {
		return 0, fmt.Errorf("bm25 length of field %s: %w", field, err)
	}
	a := math.Ceil(float64(card) / float64(sc.docs))
	sc.avg[field] = a
	return a, nil
}

// setQueryNorm gives every clause its weight, boost·idf·queryNorm.
func setQueryNorm(groups ...[]*scoredClause) {
	var sum float64
	for _, g := range groups {
		for _, c := range g {
			w := c.boost * c.idf
			sum += w * w
		}
	}
	norm := 1.0 / math.Sqrt(sum)
	for _, g := range groups {
		for _, c := range g {
			c.weight = c.boost * c.idf * norm
		}
	}
}

// scoredDoc is a chunk selected by the plan, by bleve's internal number.
type scoredDoc struct {
	num   uint64
	score float64
}

// run scores plan and returns the n best chunks, best first, equal scores
// by ID, with their scores.
func (sc *scoreCtx) run(plan bm25Plan, n int) ([]string, []float64, error) {
	must, err := sc.openClauses(plan.must)
	if err != nil {
		return nil, nil, err
	}
	defer closeClauses(must)
	should, err := sc.openClauses(plan.should)
	if err != nil {
		return nil, nil, err
	}
	defer closeClauses(should)
	setQueryNorm(must, should)

	selecting := must
	if len(must) == 0 {
		selecting, should = should, nil
	}
	acc, err := sc.accs.get(sc.ctx)
	if err != nil {
		return nil, nil, err
	}
	defer sc.accs.put(acc)
	docs, err := sc.sumPostings(acc, selecting)
	if err != nil {
		return nil, nil, err
	}
	// Every chunk scores at least what the selecting group gives it, so
	// the n-th best final score is at least the n-th best of those: a
	// chunk that stays below it, even with the most the should group
	// could add, cannot be among the n best, and its common clauses are
	// never read.
	floor := nthBest(docs, n)
	if len(should) > 0 {
		var bonus float64
		for _, c := range should {
			bonus += c.maxScore()
		}
		docs = slices.DeleteFunc(docs, func(d scoredDoc) bool { return d.score+bonus < floor })
		if err := sc.addShould(acc, docs, should); err != nil {
			return nil, nil, err
		}
	}
	docs = slices.DeleteFunc(docs, func(d scoredDoc) bool { return d.score < floor })
	return sc.best(docs, n)
}

// nthBest is the n-th best score of docs, or -Inf when there are fewer.
func nthBest(docs []scoredDoc, n int) float64 {
	if len(docs) < n || n <= 0 {
		return math.Inf(-1)
	}
	// The n best so far, ascending; n is a few dozen.
	top := make([]float64, 0, n)
	for _, d := range docs {
		if len(top) == n {
			if d.score <= top[0] {
				continue
			}
			top = top[1:]
		}
		i, _ := slices.BinarySearch(top, d.score)
		top = slices.Insert(top, i, d.score)
	}
	return top[0]
}

// accumulator sums the scores of one query's postings per chunk number.
// It is as long as the index has numbers, about a megabyte at 100k
// chunks, and kept for the next query; a search holds it until it has
// its n best.
type accumulator struct {
	sums    []float64
	matched []uint16
	touched []uint64
	docs    []scoredDoc // what sumPostings returns, valid until put
	bits    []uint64    // sortByNum's bitmap, all zero between uses
}

// sortByNum puts docs, chunks this accumulator's search touched, in
// number order. Their numbers are distinct and index sums, so setting
// their bits in a bitmap and reading it back in order sorts them in
// linear time: the comparison sort of a few thousand chunks it replaces
// was 3% of an answer's CPU at 100k chunks. It overwrites the sums of
// docs, which put clears.
func (acc *accumulator) sortByNum(docs []scoredDoc) {
	if len(docs) < 64 {
		slices.SortFunc(docs, func(a, b scoredDoc) int { return cmp.Compare(a.num, b.num) })
		return
	}
	words := (len(acc.sums) + 63) / 64
	if len(acc.bits) < words {
		acc.bits = make([]uint64, words)
	}
	bitmap := acc.bits[:words]
	for _, d := range docs {
		bitmap[d.num/64] |= 1 << (d.num % 64)
		acc.sums[d.num] = d.score
	}
	k := 0
	for w, b := range bitmap {
		if b == 0 {
			continue
		}
		for ; b != 0; b &= b - 1 {
			num := uint64(w*64 + bits.TrailingZeros64(b))
			docs[k] = scoredDoc{num: num, score: acc.sums[num]}
			k++
		}
		bitmap[w] = 0
	}
}

// accumulators lends accumulators to searches, at most cap(free) at once:
// a search holds one only while it scores, which never waits, so
// twice the cores keep every core busy, and 32 searches at once do not
// hold 32 megabytes.
type accumulators struct {
	free chan *accumulator
	made chan struct{} // one token per accumulator made
}

func newAccumulators(n int) *accumulators {
	return &accumulators{free: make(chan *accumulator, n), made: make(chan struct{}, n)}
}

// get returns an accumulator with every sum zero, waiting for one when
// all are lent.
func (a *accumulators) get(ctx context.Context) (*accumulator, error) {
	select {
	case acc := <-a.free:
		return acc, nil
	default:
	}
	select {
	case acc := <-a.free:
		return acc, nil
	case a.made <- struct{}{}:
		return &accumulator{}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put clears what acc's search added and gives it back.
func (a *accumulators) put(acc *accumulator) {
	for _, num := range acc.touched {
		acc.sums[num], acc.matched[num] = 0, 0
	}
	acc.touched = acc.touched[:0]
	a.free <- acc
}

// sumPostings reads every posting of cs and returns each chunk that one
// of them holds, in no order, with the group score: the sum of its
// clauses' scores, added in clause order as bleve adds them, times the
// share of the clauses it matches.
func (sc *scoreCtx) sumPostings(acc *accumulator, cs []*scoredClause) ([]scoredDoc, error) {
	order := bleveOrder(cs)
	var tfd bleveindex.TermFieldDoc
	for i, c := range order {
		if i%4 == 0 {
			if err := sc.ctx.Err(); err != nil {
				return nil, err
			}
		}
		for {
			p, err := c.tfr.Next(&tfd)
			if err != nil {
				return nil, fmt.Errorf("bm25 postings of %q: %w", c.term, err)
			}
			if p == nil {
				break
			}
			num := docNum(p.ID)
			if num >= uint64(len(acc.sums)) {
				if num >= maxDocNum {
					return nil, fmt.Errorf("bm25 postings of %q: document number %d", c.term, num)
				}
				grow := max(int(num)+1, int(sc.docs), 2*len(acc.sums))
				acc.sums = append(acc.sums, make([]float64, grow-len(acc.sums))...)
				acc.matched = append(acc.matched, make([]uint16, grow-len(acc.matched))...)
			}
			if acc.matched[num] == 0 {
				acc.touched = append(acc.touched, num)
			}
			acc.sums[num] += c.score(p.Freq, p.Norm)
			acc.matched[num]++
		}
	}
	out := slices.Grow(acc.docs[:0], len(acc.touched))[:len(acc.touched)]
	total := float64(len(cs))
	for i, num := range acc.touched {
		out[i] = scoredDoc{num: num, score: acc.sums[num] * (float64(acc.matched[num]) / total)}
	}
	acc.docs = out
	return out, nil
}

// bleveOrder is the order in which bleve's disjunction adds a group's
// matching clauses: its searchers sorted by postings count (a stable sort
// of the clauses for ten clauses or fewer; past that a heap, whose order
// among equal documents only the last bit of a sum can tell).
func bleveOrder(cs []*scoredClause) []*scoredClause {
	order := slices.Clone(cs)
	slices.SortStableFunc(order, func(a, b *scoredClause) int { return cmp.Compare(a.tfr.Count(), b.tfr.Count()) })
	return order
}

// maxDocNum bounds the chunk numbers an accumulator grows to.
const maxDocNum = 1 << 31

// addShould adds the should group's score to each of docs: the sum of its
// matching clauses, in clause order, times the share it matches.
func (sc *scoreCtx) addShould(acc *accumulator, docs []scoredDoc, should []*scoredClause) error {
	order := bleveOrder(should)
	// Postings only move forward: the chunks are visited in number order,
	// each clause advanced to each.
	acc.sortByNum(docs)
	at := make([]uint64, len(order)) // each started clause's current posting
	started := make([]bool, len(order))
	tfds := make([]bleveindex.TermFieldDoc, len(order))
	var id [8]byte
	for i := range docs {
		d := &docs[i]
		if i%256 == 0 {
			if err := sc.ctx.Err(); err != nil {
				return err
			}
		}
		binary.BigEndian.PutUint64(id[:], d.num)
		var sum float64
		count := 0
		for k, c := range order {
			if !started[k] || at[k] < d.num {
				started[k] = true
				p, err := c.tfr.Advance(bleveindex.IndexInternalID(id[:]), &tfds[k])
				if err != nil {
					return fmt.Errorf("bm25 postings of %q: %w", c.term, err)
				}
				at[k] = math.MaxUint64 // past its last posting: never again
				if p != nil {
					at[k] = docNum(p.ID)
				}
			}
			if at[k] == d.num {
				sum += c.score(tfds[k].Freq, tfds[k].Norm)
				count++
			}
		}
		if count > 0 {
			// The boolean adds the two groups, must first.
			d.score = d.score + sum*(float64(count)/float64(len(order)))
		}
	}
	return nil
}

// docNum reads a scorch internal ID: a document number, big-endian.
func docNum(id bleveindex.IndexInternalID) uint64 {
	if len(id) != 8 {
		return math.MaxUint64
	}
	return binary.BigEndian.Uint64(id)
}

// best returns the n best of docs, best first, equal scores by ID.
func (sc *scoreCtx) best(docs []scoredDoc, n int) ([]string, []float64, error) {
	type named struct {
		id    string
		score float64
	}
	out := make([]named, len(docs))
	var id [8]byte
	for i, d := range docs {
		binary.BigEndian.PutUint64(id[:], d.num)
		ext, err := sc.r.ExternalID(bleveindex.IndexInternalID(id[:]))
		if err != nil {
			return nil, nil, fmt.Errorf("bm25 chunk id: %w", err)
		}
		out[i] = named{ext, d.score}
	}
	slices.SortFunc(out, func(a, b named) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out = out[:min(n, len(out))]
	ids := make([]string, len(out))
	scores := make([]float64, len(out))
	for i, o := range out {
		ids[i], scores[i] = o.id, o.score
	}
	return ids, scores, nil
}
