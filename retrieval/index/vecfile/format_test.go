package vecfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/citebot/citebot/retrieval/embed"
)

// randomUnit returns n random unit vectors of dim dimensions.
func randomUnit(n, dim int, seed uint64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for d := range v {
			v[d] = float32(r.NormFloat64())
		}
		out[i] = embed.Normalize(v)
	}
	return out
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("doc%03d.txt#%d", i/7, i%7)
	}
	return out
}

// testIndex builds a small partitioned index.
func testIndex(t testing.TB, n, dim, k int) *Index {
	t.Helper()
	ix, err := Build("test-embedder/"+fmt.Sprint(dim), ids(n), randomUnit(n, dim, 3), BuildOptions{Partitions: k, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func encoded(t testing.TB, ix *Index) []byte {
	t.Helper()
	buf, err := encode(ix)
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

func TestWriteOpenRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		n, dim, k int
		opts      OpenOptions
	}{
		{"mapped", 500, 16, 8, OpenOptions{}},
		{"read", 500, 16, 8, OpenOptions{NoMmap: true}},
		{"one row", 1, 3, 1, OpenOptions{}},
		{"odd dimension", 97, 13, 5, OpenOptions{Embedder: "test-embedder/13", Dim: 13}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := testIndex(t, tt.n, tt.dim, tt.k)
			path := filepath.Join(t.TempDir(), "vectors.bin")
			if err := Write(path, ix); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if !reflect.DeepEqual(f.Index, ix) {
				t.Errorf("opened index differs from the written one:\ngot  %+v\nwant %+v", f.Index, ix)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("folder holds %d files after Write, want 1 (no temporary left)", len(entries))
			}
		})
	}
}

// TestWriteRows checks that a file written row by row is the file Write
// makes of the same index, and that a row of the wrong size is refused.
func TestWriteRows(t *testing.T) {
	ix := testIndex(t, 300, 12, 4)
	dir := t.TempDir()
	whole, rows := filepath.Join(dir, "whole.bin"), filepath.Join(dir, "rows.bin")
	if err := Write(whole, ix); err != nil {
		t.Fatal(err)
	}
	shape := *ix
	shape.Vectors = nil
	scratch := make([]float32, ix.Dim)
	if err := WriteRows(rows, &shape, func(i int) []float32 { return append(scratch[:0], ix.Row(i)...) }); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(whole)
	got, _ := os.ReadFile(rows)
	if !bytes.Equal(got, want) {
		t.Errorf("WriteRows wrote %d bytes unlike Write's %d", len(got), len(want))
	}
	bad := filepath.Join(dir, "bad.bin")
	if err := WriteRows(bad, &shape, func(i int) []float32 { return scratch[:ix.Dim-1] }); !errors.Is(err, ErrInvalid) {
		t.Errorf("short row: got %v, want ErrInvalid", err)
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused WriteRows left %s (%v)", bad, err)
	}
	if err := WriteRows(bad, ix, ix.Row); err == nil {
		t.Error("WriteRows with Vectors set: got no error")
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors.bin")
	old := testIndex(t, 50, 8, 2)
	if err := Write(path, old); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Write(path, testIndex(t, 80, 8, 4)); err != nil {
		t.Fatal(err)
	}
	// The open mapping still sees the old file's rows.
	if got, want := f.Len(), 50; got != want {
		t.Errorf("open file rows after replace: got %d, want %d", got, want)
	}
	if !reflect.DeepEqual(f.Row(49), old.Row(49)) {
		t.Errorf("open file's last row changed under it")
	}
	g, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got, want := g.Len(), 80; got != want {
		t.Errorf("reopened rows: got %d, want %d", got, want)
	}
}

func TestWriteRefusesInconsistentIndex(t *testing.T) {
	good := func() *Index { return testIndex(t, 40, 4, 4) }
	tests := []struct {
		name   string
		break_ func(*Index)
	}{
		{"zero dimension", func(ix *Index) { ix.Dim = 0 }},
		{"no partitions", func(ix *Index) { ix.Offsets = []int{0} }},
		{"short vectors", func(ix *Index) { ix.Vectors = ix.Vectors[:len(ix.Vectors)-1] }},
		{"short centroids", func(ix *Index) { ix.Centroids = ix.Centroids[:4] }},
		{"offsets past the rows", func(ix *Index) { ix.Offsets[len(ix.Offsets)-1]++ }},
		{"offsets going back", func(ix *Index) { ix.Offsets[1], ix.Offsets[2] = ix.Offsets[2], ix.Offsets[1]-1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := good()
			tt.break_(ix)
			path := filepath.Join(t.TempDir(), "vectors.bin")
			err := Write(path, ix)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Write: got %v, want ErrCorrupt", err)
			}
			if _, statErr := os.Stat(path); !errors.Is(statErr, fs.ErrNotExist) {
				t.Errorf("Write left a file after failing: %v", statErr)
			}
		})
	}
}

// resum recomputes the checksum of buf after a test changed it, so that
// the structural checks, not the checksum, must catch the change.
func resum(buf []byte) []byte {
	if len(buf) < headerSize {
		return buf
	}
	l, err := layoutOf(readHeader(buf))
	if err != nil || uint64(len(buf)) < l.vectors {
		return buf
	}
	binary.LittleEndian.PutUint32(buf[40:], metaChecksum(buf, l))
	return buf
}

func TestOpenRefusesBadFiles(t *testing.T) {
	ix := testIndex(t, 300, 8, 6)
	good := encoded(t, ix)
	l, err := layoutOf(readHeader(good))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	tests := []struct {
		name string
		data []byte
		opts OpenOptions
		want error
	}{
		{"empty", nil, OpenOptions{}, ErrTruncated},
		{"half a header", good[:30], OpenOptions{}, ErrTruncated},
		{"header only", good[:headerSize], OpenOptions{}, ErrTruncated},
		{"cut in the ids", good[:l.ids+3], OpenOptions{}, ErrTruncated},
		{"cut in the vectors", good[:len(good)-1], OpenOptions{}, ErrTruncated},
		{"trailing bytes", append(append([]byte(nil), good...), 0), OpenOptions{}, ErrCorrupt},
		{"wrong magic", edit(func(b []byte) { b[0] = 'X' }), OpenOptions{}, ErrMagic},
		{"a gob file", edit(func(b []byte) { copy(b, "\x1f\x8b\x08\x00gzip") }), OpenOptions{}, ErrMagic},
		{"older version", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], Version-1) }), OpenOptions{}, ErrVersion},
		{"newer version", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], Version+1) }), OpenOptions{}, ErrVersion},
		{"other embedder", good, OpenOptions{Embedder: "text-embedding-3-small"}, ErrEmbedder},
		{"other dimension", good, OpenOptions{Dim: 384}, ErrDimension},
		{"dimension zero", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[12:], 0) }), OpenOptions{}, ErrCorrupt},
		{"more rows than bytes", edit(func(b []byte) { binary.LittleEndian.PutUint64(b[16:], 301); resum(b) }), OpenOptions{}, ErrTruncated},
		{"absurd row count", edit(func(b []byte) { binary.LittleEndian.PutUint64(b[16:], 1<<62) }), OpenOptions{}, ErrCorrupt},
		{"more partitions than rows", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[24:], 1<<31) }), OpenOptions{}, ErrCorrupt},
		{"no partitions", edit(func(b []byte) { binary.LittleEndian.PutUint32(b[24:], 0) }), OpenOptions{}, ErrCorrupt},
		{"flipped id byte", edit(func(b []byte) { b[l.ids] ^= 1 }), OpenOptions{}, ErrCorrupt},
		{"partition offsets going back", edit(func(b []byte) {
			binary.LittleEndian.PutUint64(b[l.offsets+8:], 299)
			resum(b)
		}), OpenOptions{}, ErrCorrupt},
		{"partitions not covering the rows", edit(func(b []byte) {
			binary.LittleEndian.PutUint64(b[l.offsets+uint64(ix.Partitions())*8:], 299)
			resum(b)
		}), OpenOptions{}, ErrCorrupt},
		{"first partition not at row 0", edit(func(b []byte) {
			binary.LittleEndian.PutUint64(b[l.offsets:], 1)
			resum(b)
		}), OpenOptions{}, ErrCorrupt},
		{"id offsets going back", edit(func(b []byte) {
			binary.LittleEndian.PutUint32(b[l.idOffsets+8:], 0)
			resum(b)
		}), OpenOptions{}, ErrCorrupt},
		{"id offsets past the text", edit(func(b []byte) {
			binary.LittleEndian.PutUint32(b[l.idOffsets+300*4:], 1<<30)
			resum(b)
		}), OpenOptions{}, ErrCorrupt},
		{"centroid not finite", edit(func(b []byte) {
			binary.LittleEndian.PutUint32(b[l.centroids:], 0x7fc00000)
			resum(b)
		}), OpenOptions{}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []struct {
				name   string
				nommap bool
			}{{"mapped", false}, {"read", true}} {
				path := filepath.Join(t.TempDir(), "vectors.bin")
				if err := os.WriteFile(path, tt.data, 0o644); err != nil {
					t.Fatal(err)
				}
				opts := tt.opts
				opts.NoMmap = mode.nommap
				f, err := Open(path, opts)
				if err == nil {
					f.Close()
				}
				if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: Open: got %v, want %v (and ErrInvalid)", mode.name, err, tt.want)
				}
			}
		})
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none.bin"), OpenOptions{})
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrInvalid) {
		t.Errorf("Open of a missing file: got %v, want fs.ErrNotExist and not ErrInvalid", err)
	}
}

// FuzzParse feeds arbitrary bytes, starting from valid files and their
// broken variants, to the reader: it must return an index or an error
// that wraps ErrInvalid, never panic, and an index it returns must be
// searchable. The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, ix := range []*Index{testIndex(f, 20, 4, 3), testIndex(f, 1, 2, 1)} {
		f.Add(encoded(f, ix))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Also parse the input with its checksum made right, so that the
		// fuzzer reaches the structural checks behind it.
		checkParse(t, data)
		checkParse(t, resum(bytes.Clone(data)))
	})
}

// checkParse fails t if parse panics, returns an error that does not
// wrap ErrInvalid, or returns an index that cannot be searched.
func checkParse(t *testing.T, data []byte) {
	t.Helper()
	ix, err := parse(data, OpenOptions{})
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("error does not wrap ErrInvalid: %v", err)
		}
		return
	}
	if err := ix.validate(); err != nil {
		t.Fatalf("parse accepted an index that validate refuses: %v", err)
	}
	q := make([]float32, ix.Dim)
	q[0] = 1
	for _, probes := range []int{1, ix.Partitions()} {
		hits, err := ix.Search(q, 5, probes)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Row < 0 || h.Row >= ix.Len() {
				t.Fatalf("hit row %d of %d", h.Row, ix.Len())
			}
		}
	}
}

// TestEvictKeepsRows checks that rows let go of with EvictRows and Evict
// read back unchanged, mapped or read, over any range.
func TestEvictKeepsRows(t *testing.T) {
	ix := testIndex(t, 3000, 64, 1) // 750 KiB of rows: many pages
	path := filepath.Join(t.TempDir(), "vectors.bin")
	if err := Write(path, ix); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []OpenOptions{{}, {NoMmap: true}} {
		f, err := Open(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range [][2]int{{0, 1}, {10, 2000}, {2999, 3000}, {0, 3000}, {-1, 5}, {5, 3001}, {7, 7}} {
			f.EvictRows(r[0], r[1])
		}
		f.Evict()
		if !reflect.DeepEqual(f.Vectors, ix.Vectors) {
			t.Errorf("NoMmap=%v: rows differ after eviction", opts.NoMmap)
		}
		f.Close()
		f.Evict() // after Close: nothing to do, no crash
	}
}

// TestReadRow checks that ReadRow gives every row as Row does, whether
// the file is mapped (it then reads the file) or read, and refuses rows
// out of range and short buffers.
func TestReadRow(t *testing.T) {
	ix := testIndex(t, 700, 13, 4) // an odd dimension: rows off page and line boundaries
	path := filepath.Join(t.TempDir(), "vectors.bin")
	if err := Write(path, ix); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []OpenOptions{{}, {NoMmap: true}} {
		t.Run(fmt.Sprintf("NoMmap=%v", opts.NoMmap), func(t *testing.T) {
			f, err := Open(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			dst := make([]float32, ix.Dim+2)
			for i := range ix.Len() {
				if err := f.ReadRow(i, dst); err != nil {
					t.Fatal(err)
				}
				if got, want := dst[:ix.Dim], ix.Row(i); !reflect.DeepEqual(got, want) {
					t.Fatalf("row %d: got %v, want %v", i, got, want)
				}
			}
			for _, tc := range []struct{ i, n int }{{-1, ix.Dim}, {ix.Len(), ix.Dim}, {0, ix.Dim - 1}} {
				if err := f.ReadRow(tc.i, make([]float32, tc.n)); err == nil {
					t.Errorf("ReadRow(%d) into %d entries: no error", tc.i, tc.n)
				}
			}
		})
	}
}
