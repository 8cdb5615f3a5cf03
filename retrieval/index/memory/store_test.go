package memory

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

const testEmbedder = "test-embedder/48"

// textRecords are n chunks of random words from a small vocabulary, so
// that BM25 scores differ from chunk to chunk, with random vectors of
// dim entries.
func textRecords(n, dim int, seed uint64) []index.Record {
	words := strings.Fields("bridge tromsø narvik bergen mayor council harbour ferry tunnel election " +
		"green painted engineer sweden denmark opened river mountain fjord railway station museum")
	r := rand.New(rand.NewPCG(seed, 11))
	recs := randomRecords(n, dim, seed)
	for i := range recs {
		var b strings.Builder
		for range 5 + r.IntN(20) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		recs[i].Chunk.Text = b.String() + fmt.Sprintf("word%d", i)
		recs[i].Chunk.Title = words[i%len(words)]
	}
	return recs
}

func chunksOf(recs []index.Record) []corpus.Chunk {
	out := make([]corpus.Chunk, len(recs))
	for i, r := range recs {
		out[i] = r.Chunk
	}
	return out
}

// buildTestStore builds recs into a new folder and closes the Index.
func buildTestStore(t *testing.T, recs []index.Record, opts Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	m, err := Build(context.Background(), dir, testEmbedder, recs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func openTestStore(t *testing.T, dir string, chunks []corpus.Chunk, opts Options) *Index {
	t.Helper()
	m, err := Open(context.Background(), dir, testEmbedder, chunks, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestBuildOpenMatchesNew checks that an Index from Build, and one from
// Open over the same chunks in another order, answer every query with
// the same hits and scores as New given the same records: BM25 from one
// merged on-disk segment scores as one in-memory batch does.
func TestBuildOpenMatchesNew(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		limit int
		flat  bool
		batch int // chunks per segment the builder writes; 0 keeps bm25BatchSize
	}{
		{"chromem below the limit", chromemOnly, false, 0},
		{"flat above the limit", 300, true, 0},
		// 25 segments, more than bleve's builder merges at once by
		// default: the one merge must keep every score.
		{"many segments", 300, true, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.batch > 0 {
				defer func(n int) { bm25BatchSize = n }(bm25BatchSize)
				bm25BatchSize = tc.batch
			}
			opts := Options{ExactSearchLimit: tc.limit}
			recs := textRecords(2500, 48, 21)
			// Equal vectors, so that ties must go by ID in every index.
			for i := 40; i < 45; i++ {
				recs[i].Vector = append([]float32(nil), recs[40].Vector...)
			}
			fresh := newTestIndex(t, tc.limit)
			if err := fresh.Upsert(ctx, cloneRecords(recs)); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "index")
			built, err := Build(ctx, dir, testEmbedder, recs, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { built.Close() })
			chunks := chunksOf(recs)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
			opened := openTestStore(t, dir, chunks, opts)
			for name, m := range map[string]*Index{"new": fresh, "built": built, "opened": opened} {
				if got := m.col == nil; got != tc.flat {
					t.Errorf("%s: past chromem = %v, want %v", name, got, tc.flat)
				}
			}
			// Dense vectors, and sparse ones as the local embedder's
			// questions are: above the limit a stored index answers them
			// from its rows and from the flat table respectively.
			queries := []index.Query{
				{Text: "bridge at narvik", Vector: recs[40].Vector},
				{Text: "bridge at narvik", Vector: sparsify(recs[40].Vector)},
				{Text: "mayor of bergen word17", Vector: recs[17].Vector},
				{Text: "fjord railway"},
				{Vector: recs[2000].Vector},
				{Vector: sparsify(recs[2000].Vector)},
				{Text: "bergen tromsø ferry", Vector: randomRecords(1, 48, 99)[0].Vector},
				{Text: "bergen tromsø ferry", Vector: sparsify(randomRecords(1, 48, 98)[0].Vector)},
			}
			for qi, q := range queries {
				want, err := fresh.Search(ctx, q, 20)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					t.Fatalf("query %d: New found nothing", qi)
				}
				for name, m := range map[string]*Index{"built": built, "opened": opened} {
					got, err := m.Search(ctx, q, 20)
					if err != nil {
						t.Fatal(err)
					}
					if g, w := hitList(got), hitList(want); g != w {
						t.Errorf("query %d, %s:\ngot  %s\nwant %s", qi, name, g, w)
					}
				}
			}
		})
	}
}

// sparsify returns v with all but every fourth entry zero.
func sparsify(v []float32) []float32 {
	out := make([]float32, len(v))
	for d := 0; d < len(v); d += 4 {
		out[d] = v[d]
	}
	return out
}

// hitList is hits as text, IDs and scores, for comparison.
func hitList(hits []index.Hit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s:%.6f ", h.Chunk.ID, h.Score)
	}
	return b.String()
}

// TestOpenRefusesBadStores damages a stored index in every way the
// engine must survive and checks that Open says ErrStored, so that the
// caller rebuilds, and never panics or opens a wrong index.
func TestOpenRefusesBadStores(t *testing.T) {
	recs := textRecords(400, 48, 31)
	chunks := chunksOf(recs)
	setVersion := func(v uint32) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			path := filepath.Join(dir, VectorsFile)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			binary.LittleEndian.PutUint32(b[8:], v)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// replaceVectors writes a valid vector file of another embedder or
	// dimension over the stored one.
	replaceVectors := func(embedder string, dim int) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			other := randomRecords(len(recs), dim, 5)
			ix := &vecfile.Index{Embedder: embedder, Dim: dim, Centroids: make([]float32, dim), Offsets: []int{0, len(recs)}}
			ix.Centroids[0] = 1
			for i, r := range recs {
				ix.IDs = append(ix.IDs, r.Chunk.ID)
				ix.Vectors = append(ix.Vectors, other[i].Vector...)
			}
			if err := vecfile.Write(filepath.Join(dir, VectorsFile), ix); err != nil {
				t.Fatal(err)
			}
		}
	}
	setFormat := func(text string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, formatFile), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// damageBM25 rewrites every file of the bleve index with f.
	damageBM25 := func(match string, f func(b []byte) []byte) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			n := 0
			err := filepath.WalkDir(filepath.Join(dir, BM25Dir), func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, match) {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				n++
				return os.WriteFile(path, f(b), 0o644)
			})
			if err != nil || n == 0 {
				t.Fatalf("damaged %d files matching %q: %v", n, match, err)
			}
		}
	}
	truncate := func(b []byte) []byte { return b[:len(b)/2] }
	scramble := func(b []byte) []byte {
		r := rand.New(rand.NewPCG(3, 3))
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		return b
	}
	// Damage a byte near the end: zap keeps its section offsets in a
	// footer there.
	flipFooter := func(b []byte) []byte {
		for i := max(len(b)-40, 0); i < len(b)-4; i++ {
			b[i] ^= 0x5a
		}
		return b
	}
	otherChunks := append([]corpus.Chunk(nil), chunks...)
	otherChunks[7].ID = "elsewhere.txt#0"
	for _, tc := range []struct {
		name     string
		damage   func(t *testing.T, dir string)
		embedder string
		chunks   []corpus.Chunk
		opts     Options
	}{
		{name: "truncated vector file", damage: func(t *testing.T, dir string) {
			path := filepath.Join(dir, VectorsFile)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()-100); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "missing vector file", damage: remove(VectorsFile)},
		{name: "asked for another embedder", embedder: "other-embedder/48"},
		{name: "vector file of another embedder", damage: replaceVectors("other-embedder/48", 48)},
		{name: "asked for another dimension", opts: Options{Dim: 64}},
		{name: "vector file of another dimension", damage: replaceVectors(testEmbedder, 32)},
		{name: "fewer chunks than stored", chunks: chunks[1:]},
		{name: "more chunks than stored", chunks: append(chunksOf(textRecords(1, 48, 7)), chunks...)},
		{name: "a chunk that was not stored", chunks: otherChunks},
		{name: "a chunk given twice", chunks: append(append([]corpus.Chunk(nil), chunks[1:]...), chunks[2])},
		{name: "older vector file version", damage: setVersion(vecfile.Version - 1)},
		{name: "newer vector file version", damage: setVersion(vecfile.Version + 1)},
		{name: "older store version", damage: setFormat(fmt.Sprintf(`{"version":%d,"embedder":%q,"dim":48,"count":400}`, storeVersion-1, testEmbedder))},
		{name: "newer store version", damage: setFormat(fmt.Sprintf(`{"version":%d,"embedder":%q,"dim":48,"count":400}`, storeVersion+1, testEmbedder))},
		{name: "garbled format file", damage: setFormat("{not json")},
		{name: "missing format file (a build that did not finish)", damage: remove(formatFile)},
		{name: "missing bm25 dir", damage: remove(BM25Dir)},
		{name: "missing bm25 root", damage: remove(filepath.Join(BM25Dir, "store", "root.bolt"))},
		{name: "missing bm25 segment", damage: damageBM25(".zap", func([]byte) []byte { return nil })},
		{name: "truncated bm25 segment", damage: damageBM25(".zap", truncate)},
		{name: "bm25 segment footer damaged", damage: damageBM25(".zap", flipFooter)},
		{name: "scrambled bm25 segment", damage: damageBM25(".zap", scramble)},
		{name: "bm25 segment middle damaged", damage: damageBM25(".zap", func(b []byte) []byte {
			for i := len(b) / 3; i < len(b)/3+64; i++ {
				b[i] ^= 0xa5
			}
			return b
		})},
		{name: "scrambled bm25 root", damage: damageBM25("root.bolt", scramble)},
		{name: "scrambled bm25 meta", damage: damageBM25("index_meta.json", scramble)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := buildTestStore(t, recs, Options{})
			if tc.damage != nil {
				tc.damage(t, dir)
			}
			embedder := testEmbedder
			if tc.embedder != "" {
				embedder = tc.embedder
			}
			given := chunks
			if tc.chunks != nil {
				given = tc.chunks
			}
			m, err := Open(context.Background(), dir, embedder, given, tc.opts)
			if err == nil {
				_, serr := m.Search(context.Background(), index.Query{Text: "bridge narvik fjord", Vector: recs[3].Vector}, 10)
				m.Close()
				t.Fatalf("Open succeeded, want an error (search: %v)", serr)
			}
			if !errors.Is(err, ErrStored) {
				t.Errorf("got %v, want an error wrapping ErrStored", err)
			}
		})
	}
}

// TestStoredIndexIsReadOnly checks that a stored index refuses changes,
// opened or just built.
func TestStoredIndexIsReadOnly(t *testing.T) {
	ctx := context.Background()
	recs := textRecords(50, 48, 41)
	dir := filepath.Join(t.TempDir(), "index")
	built, err := Build(ctx, dir, testEmbedder, recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer built.Close()
	opened := openTestStore(t, dir, chunksOf(recs), Options{})
	for name, m := range map[string]*Index{"built": built, "opened": opened} {
		if err := m.Upsert(ctx, textRecords(1, 48, 42)); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: Upsert got %v, want ErrReadOnly", name, err)
		}
		if err := m.Delete(ctx, []string{recs[0].Chunk.ID}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: Delete got %v, want ErrReadOnly", name, err)
		}
		if got := m.Len(); got != 50 {
			t.Errorf("%s: Len = %d, want 50", name, got)
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	ctx := context.Background()
	recs := textRecords(20, 48, 51)
	dup := cloneRecords(recs)
	dup[3].Chunk.ID = dup[4].Chunk.ID
	mixed := cloneRecords(recs)
	mixed[5].Vector = mixed[5].Vector[:10]
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		recs  []index.Record
	}{
		{name: "a folder that is not empty", recs: recs, setup: func(t *testing.T, dir string) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "no records", recs: nil},
		{name: "a chunk twice", recs: dup},
		{name: "vectors of mixed sizes", recs: mixed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			m, err := Build(ctx, dir, testEmbedder, tc.recs, Options{})
			if err == nil {
				m.Close()
				t.Fatal("Build succeeded, want an error")
			}
			if tc.setup != nil {
				// What was there stays.
				if b, err := os.ReadFile(filepath.Join(dir, "keep.txt")); err != nil || string(b) != "mine" {
					t.Errorf("keep.txt after a refused Build: %q, %v", b, err)
				}
			}
		})
	}
	t.Run("a cancelled context", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "index")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		m, err := Build(cancelled, dir, testEmbedder, recs, Options{})
		if !errors.Is(err, context.Canceled) {
			if m != nil {
				m.Close()
			}
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("a cancelled Build left %d entries in its folder", len(entries))
		}
	})
	t.Run("an empty folder is fine", func(t *testing.T) {
		dir := t.TempDir()
		m, err := Build(ctx, dir, testEmbedder, recs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
	})
}

func TestBuildEmbeddingRefusesWhatItsVectorsGive(t *testing.T) {
	ctx := context.Background()
	// Over a bleve batch, so that the build may have written segments by
	// the time the vectors fail; when they fail at once, it has none.
	recs := textRecords(3000, 48, 52)
	chunks := make([]corpus.Chunk, len(recs))
	for i, r := range recs {
		chunks[i] = r.Chunk
	}
	errEmbed := errors.New("embedding server down")
	swapped := cloneRecords(recs)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	for _, tc := range []struct {
		name    string
		vectors Vectors
		want    error
	}{
		{name: "an embedding error", want: errEmbed,
			vectors: func(context.Context) ([]index.Record, error) { return nil, errEmbed }},
		{name: "fewer records than chunks",
			vectors: func(context.Context) ([]index.Record, error) { return recs[:10], nil }},
		{name: "records in another order",
			vectors: func(context.Context) ([]index.Record, error) { return swapped, nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			m, err := BuildEmbedding(ctx, dir, testEmbedder, chunks, tc.vectors, Options{})
			if err == nil {
				m.Close()
				t.Fatal("BuildEmbedding succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a failed build left %d entries in its folder", len(entries))
			}
		})
	}
}

// TestStoredSearchConcurrent runs searches side by side on opened
// indexes, for the race detector.
func TestStoredSearchConcurrent(t *testing.T) {
	ctx := context.Background()
	recs := textRecords(600, 48, 61)
	for _, limit := range []int{chromemOnly, 100} {
		t.Run(fmt.Sprintf("exact limit %d", limit), func(t *testing.T) {
			opts := Options{ExactSearchLimit: limit}
			m := openTestStore(t, buildTestStore(t, recs, opts), chunksOf(recs), opts)
			// Sparse and dense questions side by side: the first sparse
			// one builds the flat table while others search.
			queries := []index.Query{
				{Text: "narvik bridge", Vector: recs[9].Vector},
				{Text: "narvik bridge", Vector: sparsify(recs[9].Vector)},
			}
			fresh := newTestIndex(t, limit)
			if err := fresh.Upsert(ctx, cloneRecords(recs)); err != nil {
				t.Fatal(err)
			}
			var want [2][]index.Hit
			for i, q := range queries {
				var err error
				if want[i], err = fresh.Search(ctx, q, 10); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Go(func() {
					if err := searchAgain(ctx, m, queries[g%2], want[g%2], 20, false); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

func TestSearchAfterClose(t *testing.T) {
	recs := textRecords(30, 48, 71)
	m, err := Open(context.Background(), buildTestStore(t, recs, Options{}), testEmbedder, chunksOf(recs), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Search(context.Background(), index.Query{Text: "bridge", Vector: recs[0].Vector}, 5); err == nil {
		t.Error("Search after Close succeeded, want an error")
	}
}

// TestStoredSparseTableComesInBackground checks that a stored index's
// first sparse question starts the flat table without waiting for it,
// that the answers are the same before and after it is there, and that
// Close waits for a table still being built.
func TestStoredSparseTableComesInBackground(t *testing.T) {
	ctx := context.Background()
	recs := textRecords(400, 48, 71)
	opts := Options{ExactSearchLimit: 100}
	dir := buildTestStore(t, recs, opts)
	sparse := make([]float32, 48)
	for d := 0; d < 48; d += 4 {
		sparse[d] = float32(d%7) - 3
	}
	m := openTestStore(t, dir, chunksOf(recs), opts)
	before, err := m.vectorSearch(ctx, sparse, 30)
	if err != nil {
		t.Fatal(err)
	}
	m.tableDone.Wait()
	if m.table.Load() == nil {
		t.Fatal("no flat table after a sparse question")
	}
	after, err := m.vectorSearch(ctx, sparse, 30)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, after) {
		t.Errorf("row scan found %v, the table %v", before, after)
	}

	// Close right after the first sparse question, while the table may
	// still be read from the mapped rows.
	m2 := openTestStore(t, dir, chunksOf(recs), opts)
	if _, err := m2.vectorSearch(ctx, sparse, 30); err != nil {
		t.Fatal(err)
	}
	if err := m2.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenBuildsTableForSparseQuestions checks that Open builds the flat
// table at once when told that questions are sparse, and not otherwise.
func TestOpenBuildsTableForSparseQuestions(t *testing.T) {
	recs := textRecords(300, 48, 81)
	for _, sparse := range []bool{false, true} {
		opts := Options{ExactSearchLimit: 100, SparseQuestions: sparse}
		m := openTestStore(t, buildTestStore(t, recs, opts), chunksOf(recs), opts)
		if got := m.table.Load() != nil; got != sparse {
			t.Errorf("SparseQuestions %v: table built at Open = %v", sparse, got)
		}
	}
}

// TestCloseUnmapsTableAfterSearches checks that Close frees the flat
// table, which lives outside the Go heap, only once the searches in
// flight are done: a search reading it after the unmap would crash the
// process, not fail a test. Searches racing Close either answer in full
// or get an error.
func TestCloseUnmapsTableAfterSearches(t *testing.T) {
	ctx := context.Background()
	recs := textRecords(400, 48, 91)
	opts := Options{ExactSearchLimit: 100, SparseQuestions: true}
	dir := buildTestStore(t, recs, opts)
	sparse := make([]float32, 48)
	for d := 1; d < 48; d += 3 {
		sparse[d] = float32(d%5) - 2
	}
	q := index.Query{Vector: sparse}
	m, err := Open(ctx, dir, testEmbedder, chunksOf(recs), opts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Search(ctx, q, 10)
	if err != nil {
		t.Fatal(err)
	}
	table := m.table.Load()
	if table == nil || table.release == nil {
		t.Fatal("no off-heap flat table after Open with sparse questions")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			if err := searchAgain(ctx, m, q, want, 50, true); err != nil {
				errs <- err
			}
		})
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if table.cols != nil || table.release != nil {
		t.Error("Close left the flat table allocated")
	}
}

// searchAgain asks m for the 10 best hits of q n times and returns the
// first error, or a result other than want. Once m is closed, it stops
// without error when closedOK.
func searchAgain(ctx context.Context, m *Index, q index.Query, want []index.Hit, n int, closedOK bool) error {
	for range n {
		got, err := m.Search(ctx, q, 10)
		if closedOK && errors.Is(err, errClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		if hitList(got) != hitList(want) {
			return fmt.Errorf("got %s, want %s", hitList(got), hitList(want))
		}
	}
	return nil
}
