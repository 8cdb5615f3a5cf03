package vecfile

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval/embed"
)

// skewed makes vectors around a few centres of very different
// popularity, the shape that makes plain k-means build one huge partition
// and many tiny ones.
func skewed(n, dim int, seed uint64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 2))
	centres := randomUnit(12, dim, seed+1)
	zipf := rand.NewZipf(r, 1.5, 1, uint64(len(centres)-1))
	out := make([][]float32, n)
	for i := range out {
		c := centres[zipf.Uint64()]
		v := make([]float32, dim)
		for d := range v {
			v[d] = c[d] + 0.15*float32(r.NormFloat64())
		}
		out[i] = embed.Normalize(v)
	}
	return out
}

func TestBuildKeepsPartitionsBalanced(t *testing.T) {
	tests := []struct {
		name             string
		n, dim, k        int
		maxFill, minFill float64
	}{
		{"uniform", 4000, 16, 40, 0, 0},
		{"skewed", 6000, 16, 60, 0, 0},
		{"skewed tight", 6000, 16, 60, 1.2, 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vecs := skewed(tt.n, tt.dim, 5)
			if tt.name == "uniform" {
				vecs = randomUnit(tt.n, tt.dim, 5)
			}
			ix, err := Build("e", ids(tt.n), vecs, BuildOptions{Partitions: tt.k, MaxFill: tt.maxFill, MinFill: tt.minFill})
			if err != nil {
				t.Fatal(err)
			}
			maxFill, minFill := cmpOr(tt.maxFill, 2), cmpOr(tt.minFill, 0.5)
			p := ix.Partitions()
			if p < tt.k/2 || p > tt.k {
				t.Errorf("partitions: got %d, want %d (a few dissolved at most)", p, tt.k)
			}
			mean := float64(tt.n) / float64(p)
			for c := range p {
				size := ix.Offsets[c+1] - ix.Offsets[c]
				// The cap is set against the partition count before
				// small ones dissolve, hence the slack of one k.
				if float64(size) > maxFill*float64(tt.n)/float64(p)+1 || float64(size) < minFill*mean {
					t.Errorf("partition %d holds %d rows; want %.0f to %.0f", c, size, minFill*mean, maxFill*mean)
				}
			}
		})
	}
}

func cmpOr(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

func TestBuildKeepsEveryRowOnce(t *testing.T) {
	n := 1500
	in := ids(n)
	vecs := skewed(n, 8, 9)
	ix, err := Build("e", in, vecs, BuildOptions{Partitions: 30})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]float32{}
	for i, id := range in {
		byID[id] = vecs[i]
	}
	seen := map[string]bool{}
	for row, id := range ix.IDs {
		if seen[id] {
			t.Fatalf("id %s appears twice", id)
		}
		seen[id] = true
		if !slices.Equal(ix.Row(row), byID[id]) {
			t.Fatalf("row %d (%s) holds another id's vector", row, id)
		}
	}
	if len(seen) != n {
		t.Errorf("rows: got %d, want %d", len(seen), n)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	vecs := skewed(2000, 8, 4)
	a, err := Build("e", ids(2000), vecs, BuildOptions{Seed: 7, Partitions: 25})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build("e", ids(2000), vecs, BuildOptions{Seed: 7, Partitions: 25})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two builds with one seed differ")
	}
}

func TestBuildRejectsBadInput(t *testing.T) {
	nan := float32(0)
	nan /= nan
	tests := []struct {
		name string
		ids  []string
		vecs [][]float32
		opts BuildOptions
	}{
		{"no vectors", nil, nil, BuildOptions{}},
		{"ids and vectors differ", []string{"a"}, [][]float32{{1}, {1}}, BuildOptions{}},
		{"zero dimension", []string{"a"}, [][]float32{{}}, BuildOptions{}},
		{"ragged", []string{"a", "b"}, [][]float32{{1, 0}, {1}}, BuildOptions{}},
		{"not finite", []string{"a", "b"}, [][]float32{{1, 0}, {nan, 0}}, BuildOptions{}},
		{"MaxFill below one", []string{"a", "b"}, [][]float32{{1, 0}, {0, 1}}, BuildOptions{MaxFill: 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Build("e", tt.ids, tt.vecs, tt.opts); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestBuildSmallInputs(t *testing.T) {
	tests := []struct {
		n, k, wantK int
	}{
		{1, 0, 1}, {3, 10, 3}, {799, 0, 1}, {1600, 0, 2},
	}
	for _, tt := range tests {
		ix, err := Build("e", ids(tt.n), randomUnit(tt.n, 4, 1), BuildOptions{Partitions: tt.k, MinFill: -1})
		if err != nil {
			t.Fatal(err)
		}
		if got := ix.Partitions(); got != tt.wantK {
			t.Errorf("n=%d k=%d: got %d partitions, want %d", tt.n, tt.k, got, tt.wantK)
		}
	}
}
