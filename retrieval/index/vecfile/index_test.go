package vecfile

import (
	"cmp"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval/embed"
)

// bruteForce ranks every row of ix against q, best first, ties by row.
func bruteForce(ix *Index, q []float32, k int) []Hit {
	var all []Hit
	for i := range ix.Len() {
		var s float32
		for d, x := range ix.Row(i) {
			s += x * q[d]
		}
		all = append(all, Hit{Row: i, ID: ix.IDs[i], Score: s})
	}
	slices.SortFunc(all, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Row, b.Row)
	})
	return all[:min(k, len(all))]
}

func TestSearchExactMatchesBruteForce(t *testing.T) {
	ix := testIndex(t, 2000, 24, 20)
	// Dense queries, as a model's embeddings are, and sparse ones, as the
	// local embedder's are for a short question, which Search multiplies
	// by their non-zero entries only.
	queries := randomUnit(20, 24, 99)
	for i, q := range randomUnit(20, 24, 98) {
		for d := range q {
			if (d+i)%4 != 0 {
				q[d] = 0
			}
		}
		queries = append(queries, embed.Normalize(q))
	}
	tests := []struct {
		name   string
		k      int
		probes int
	}{
		{"all partitions", 10, 20},
		{"more probes than partitions", 30, 1000},
		{"k above rows", 5000, 20},
		{"k of one", 1, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for qi, q := range queries {
				got, err := ix.Search(q, tt.k, tt.probes)
				if err != nil {
					t.Fatal(err)
				}
				want := bruteForce(ix, q, tt.k)
				if len(got) != len(want) {
					t.Fatalf("query %d: got %d hits, want %d", qi, len(got), len(want))
				}
				for i := range got {
					// The unrolled dot product adds in another order than
					// the reference, so compare rows and scores closely,
					// not bit for bit.
					if got[i].Row != want[i].Row && abs(got[i].Score-want[i].Score) > 1e-5 {
						t.Fatalf("query %d hit %d: got row %d (%v), want row %d (%v)", qi, i, got[i].Row, got[i].Score, want[i].Row, want[i].Score)
					}
					if got[i].ID != ix.IDs[got[i].Row] {
						t.Fatalf("query %d hit %d: id %q is not row %d's", qi, i, got[i].ID, got[i].Row)
					}
				}
			}
		})
	}
}

func abs(x float32) float32 { return max(x, -x) }

func TestSearchProbesReadOnlyNearestPartitions(t *testing.T) {
	ix := testIndex(t, 1000, 16, 10)
	q := ix.Row(0) // row 0 lies in partition 0
	inPartition := func(row, p int) bool { return row >= ix.Offsets[p] && row < ix.Offsets[p+1] }
	near := ix.nearestPartitions(q, 1)
	hits, err := ix.Search(q, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if !inPartition(h.Row, near[0]) {
			t.Fatalf("one probe returned row %d outside the nearest partition %d", h.Row, near[0])
		}
	}
	if len(hits) != min(50, ix.Offsets[near[0]+1]-ix.Offsets[near[0]]) {
		t.Errorf("got %d hits from a partition of %d rows", len(hits), ix.Offsets[near[0]+1]-ix.Offsets[near[0]])
	}
}

func TestSearchEdgeCases(t *testing.T) {
	ix := testIndex(t, 100, 8, 4)
	tests := []struct {
		name    string
		q       []float32
		k       int
		wantN   int
		wantErr bool
	}{
		{"wrong dimension", make([]float32, 7), 5, 0, true},
		{"k zero", make([]float32, 8), 0, 0, false},
		{"k negative", make([]float32, 8), -3, 0, false},
		{"zero query", make([]float32, 8), 5, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.q, tt.k, 0)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if len(hits) != tt.wantN {
				t.Errorf("hits: got %d, want %d", len(hits), tt.wantN)
			}
		})
	}
}

func TestDot(t *testing.T) {
	tests := []struct {
		a, b []float32
		want float32
	}{
		{nil, nil, 0},
		{[]float32{2}, []float32{3}, 6},
		{[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 45},
		{[]float32{1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 2}, []float32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3}, 6},
	}
	for _, tt := range tests {
		if got := dot(tt.a, tt.b); got != tt.want {
			t.Errorf("dot(%v, %v): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDefaultProbes(t *testing.T) {
	tests := []struct{ partitions, want int }{
		{1, 1}, {5, 5}, {8, 8}, {10, 8}, {20, 14}, {83, 59}, {1024, 717},
	}
	for _, tt := range tests {
		if got := DefaultProbes(tt.partitions); got != tt.want {
			t.Errorf("DefaultProbes(%d): got %d, want %d", tt.partitions, got, tt.want)
		}
	}
}

func TestSparseQuery(t *testing.T) {
	row := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		name       string
		q          []float32
		wantSparse bool
	}{
		{"dense", []float32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, false},
		{"just over half", []float32{1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, false},
		{"half", []float32{1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, true},
		{"one entry", []float32{0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, true},
		{"zero", make([]float32, 10), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sparseOf(tt.q)
			if got := s != nil; got != tt.wantSparse {
				t.Fatalf("sparse: got %v, want %v", got, tt.wantSparse)
			}
			if s == nil {
				return
			}
			if got, want := s.dot(row), dot(tt.q, row); got != want {
				t.Errorf("sparse dot: got %v, want %v", got, want)
			}
		})
	}
}
