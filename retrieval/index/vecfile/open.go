package vecfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"unsafe"
)

// OpenOptions says what a caller expects of a file. The zero value
// accepts any embedder and dimension.
type OpenOptions struct {
	// Embedder, when set, is the embedder id the file must have been
	// written with (ErrEmbedder otherwise).
	Embedder string
	// Dim, when positive, is the vector size the file must hold
	// (ErrDimension otherwise).
	Dim int
	// NoMmap reads the file into memory instead of mapping it. Mapping is
	// the default on Unix and costs no start-up time; elsewhere the file
	// is always read.
	NoMmap bool
}

// File is an Index opened from disk. Where the file is mapped, the
// Index's Vectors alias the mapping: they are valid until Close, and the
// file must be replaced (as Write does, by rename) rather than
// overwritten in place while it is open.
type File struct {
	*Index
	release func() error
	mapped  []byte // the mapping, when the file is mapped
	// rows is the open file of a mapped one, for ReadRow, and vectors
	// where its rows start.
	rows    *os.File
	vectors int64
}

// Evict tells the system that the mapped rows will not be needed for a
// while, so their pages leave the process's resident memory (they stay in
// the page cache and come back on the next read). A caller that copied
// the vectors into another layout calls it. It does nothing for a file
// that was read rather than mapped.
func (f *File) Evict() {
	if f.mapped != nil {
		evict(f.mapped)
	}
}

// EvictRows is Evict for rows [from, to) only, so that a caller copying
// the rows elsewhere can let each stretch go as it is done, and never
// hold both copies whole. Pages shared with rows outside the range stay.
func (f *File) EvictRows(from, to int) {
	if f.mapped == nil || from < 0 || to > f.Len() || from >= to {
		return
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(f.mapped)))
	lo := uintptr(unsafe.Pointer(&f.Vectors[from*f.Dim]))
	hi := lo + uintptr((to-from)*f.Dim*4)
	if lo < base || hi > base+uintptr(len(f.mapped)) {
		return // the rows were copied out of the mapping (big-endian)
	}
	page := uintptr(os.Getpagesize())
	start, end := (lo-base+page-1)/page*page, (hi-base)/page*page
	if start < end {
		evict(f.mapped[start:end])
	}
}

// Close releases the mapping. The Index must not be used afterwards.
func (f *File) Close() error {
	if f.release == nil {
		return nil
	}
	err := f.release()
	if f.rows != nil {
		err = errors.Join(err, f.rows.Close())
	}
	f.release, f.Index, f.mapped, f.rows = nil, nil, nil, nil
	if err != nil {
		return fmt.Errorf("close vector file: %w", err)
	}
	return nil
}

// Open maps the vector file at path and checks it against opts. Errors
// about the file's contents wrap ErrInvalid and one of ErrTruncated,
// ErrMagic, ErrVersion, ErrEmbedder, ErrDimension or ErrCorrupt; errors
// opening it wrap the os error (fs.ErrNotExist for a missing file).
func Open(path string, opts OpenOptions) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open vector file: %w", err)
	}
	keep := false // a mapped file stays open for ReadRow
	defer func() {
		if !keep {
			f.Close()
		}
	}()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open vector file: %w", err)
	}
	size := fi.Size()
	if size < headerSize {
		return nil, fmt.Errorf("vector file %s: %w: %d bytes", path, ErrTruncated, size)
	}
	if size > math.MaxInt {
		return nil, fmt.Errorf("vector file %s: %w: %d bytes", path, ErrCorrupt, size)
	}
	var data, mapped []byte
	release := func() error { return nil }
	if opts.NoMmap {
		data = make([]byte, size)
		if _, err := io.ReadFull(f, data); err != nil {
			return nil, fmt.Errorf("read vector file %s: %w", path, err)
		}
	} else if data, release, err = mapFile(f, int(size)); err != nil {
		return nil, fmt.Errorf("vector file %s: %w", path, err)
	} else {
		mapped = data
	}
	ix, err := parse(data, opts)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("vector file %s: %w", path, err), release())
	}
	vf := &File{Index: ix, release: release, mapped: mapped}
	if mapped != nil {
		l, err := layoutOf(readHeader(data)) // parse has checked it
		if err != nil {
			return nil, errors.Join(fmt.Errorf("vector file %s: %w", path, err), release())
		}
		keep, vf.rows, vf.vectors = true, f, int64(l.vectors)
	}
	return vf, nil
}

// ReadRow copies row i into dst, which must hold Dim entries. Where the
// file is mapped it reads the file, not the mapping, so that the row's
// pages do not join the process's resident memory: a caller that reads a
// few scattered rows for every question would, through the mapping, in
// time make the whole file resident (each fault maps up to 64 KB around
// it). Rows stay in the system's page cache either way.
func (f *File) ReadRow(i int, dst []float32) error {
	if i < 0 || i >= f.Len() || len(dst) < f.Dim {
		return fmt.Errorf("read row %d of %d into %d entries: out of range", i, f.Len(), len(dst))
	}
	dst = dst[:f.Dim]
	if f.rows == nil {
		copy(dst, f.Row(i))
		return nil
	}
	off := f.vectors + int64(i)*int64(f.Dim)*4
	if littleEndian {
		b := unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), len(dst)*4)
		if _, err := f.rows.ReadAt(b, off); err != nil {
			return fmt.Errorf("read row %d: %w", i, err)
		}
		return nil
	}
	b := make([]byte, len(dst)*4)
	if _, err := f.rows.ReadAt(b, off); err != nil {
		return fmt.Errorf("read row %d: %w", i, err)
	}
	copy(dst, readFloats(b))
	return nil
}

// parse checks data as a whole vector file and returns its Index, whose
// Vectors alias data on a little-endian machine.
func parse(data []byte, opts OpenOptions) (*Index, error) {
	if len(data) < headerSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTruncated, len(data))
	}
	if [8]byte(data[:8]) != magic {
		return nil, ErrMagic
	}
	h := readHeader(data)
	if h.version != Version {
		return nil, fmt.Errorf("%w: file has version %d, this build reads %d", ErrVersion, h.version, Version)
	}
	l, err := layoutOf(h)
	if err != nil {
		return nil, err
	}
	switch size := uint64(len(data)); {
	case size < l.end:
		return nil, fmt.Errorf("%w: %d bytes of %d", ErrTruncated, size, l.end)
	case size > l.end:
		return nil, fmt.Errorf("%w: %d bytes after the vectors", ErrCorrupt, size-l.end)
	}
	if sum := metaChecksum(data, l); sum != h.metaCRC {
		return nil, fmt.Errorf("%w: checksum %08x, header says %08x", ErrCorrupt, sum, h.metaCRC)
	}
	embedder := string(data[l.embedder : l.embedder+uint64(h.embedderLen)])
	if opts.Embedder != "" && embedder != opts.Embedder {
		return nil, fmt.Errorf("%w: file has %q, want %q", ErrEmbedder, embedder, opts.Embedder)
	}
	if opts.Dim > 0 && int(h.dim) != opts.Dim {
		return nil, fmt.Errorf("%w: file has %d, want %d", ErrDimension, h.dim, opts.Dim)
	}
	ix := &Index{Embedder: embedder, Dim: int(h.dim)}

	ix.Centroids = readFloats(data[l.centroids:l.offsets])
	for _, x := range ix.Centroids {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("%w: centroid is not finite", ErrCorrupt)
		}
	}
	ix.Offsets = make([]int, h.partitions+1)
	for p := range ix.Offsets {
		off := binary.LittleEndian.Uint64(data[l.offsets+uint64(p)*8:])
		if off > h.count || (p > 0 && off < uint64(ix.Offsets[p-1])) {
			return nil, fmt.Errorf("%w: partition %d starts at row %d", ErrCorrupt, p, off)
		}
		ix.Offsets[p] = int(off)
	}
	if ix.Offsets[0] != 0 || ix.Offsets[h.partitions] != int(h.count) {
		return nil, fmt.Errorf("%w: partitions cover rows %d to %d of %d", ErrCorrupt, ix.Offsets[0], ix.Offsets[h.partitions], h.count)
	}
	// One string holds all ids; each id is a substring of it, so that
	// opening costs one allocation, not one per row.
	text := string(data[l.ids : l.ids+h.idBytes])
	ix.IDs = make([]string, h.count)
	prev := uint64(0)
	for i := uint64(0); i <= h.count; i++ {
		off := uint64(binary.LittleEndian.Uint32(data[l.idOffsets+i*4:]))
		if off < prev || off > h.idBytes || (i == 0 && off != 0) || (i == h.count && off != h.idBytes) {
			return nil, fmt.Errorf("%w: id %d at byte %d", ErrCorrupt, i, off)
		}
		if i > 0 {
			ix.IDs[i-1] = text[prev:off]
		}
		prev = off
	}
	ix.Vectors = floatsView(data[l.vectors:l.end])
	return ix, nil
}

// littleEndian reports whether this machine stores float32 as the file
// does, so that the file's bytes can be used as floats in place.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// floatsView returns b as float32s: in place when the machine is
// little-endian and b is aligned (as a mapped file's vectors are), else
// as a decoded copy.
func floatsView(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
	}
	return readFloats(b)
}

func readFloats(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[i*4:]))
	}
	return out
}
