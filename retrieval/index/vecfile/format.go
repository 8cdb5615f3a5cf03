// Package vecfile stores an embedded corpus's vectors in one flat file
// that serve can map into memory and search at once, with no decoding and
// no retraining: a small header, the partition layout (centroids and where
// each partition's rows start), the chunk id of every row, then the
// vectors as float32, row-major and little-endian, each partition's rows
// contiguous so that a probe reads one run of memory.
//
// Build partitions vectors with balanced k-means, Write saves an Index
// atomically, Open maps it back (or reads it, where mapping is not
// available), and Index.Search probes the nearest partitions. Every way a
// file can be wrong (truncated, not a vector file, another format
// version, another embedder or dimension, inconsistent tables) is an error
// that wraps ErrInvalid, so a caller rebuilds rather than crashes.
package vecfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// Version is the format version this package writes and reads. A file of
// another version is refused with ErrVersion; there is no migration,
// because the vectors can always be rebuilt from the corpus.
const Version = 1

// magic opens every vector file.
var magic = [8]byte{'C', 'B', 'V', 'E', 'C', 'S', 0, 0}

// Layout constants. The vectors start on a 64-byte boundary so that a
// mapped file's rows are aligned for float32 loads and cache lines.
const (
	headerSize     = 64
	maxEmbedderLen = 1 << 10
	maxDim         = 1 << 16
	vectorAlign    = 64
)

// Errors from Open and Write. Each wraps ErrInvalid, so that
// errors.Is(err, ErrInvalid) tells a caller the file must be rebuilt.
var (
	ErrInvalid   = errors.New("invalid vector file")
	ErrTruncated = fmt.Errorf("%w: truncated", ErrInvalid)
	ErrMagic     = fmt.Errorf("%w: not a vector file", ErrInvalid)
	ErrVersion   = fmt.Errorf("%w: unsupported format version", ErrInvalid)
	ErrEmbedder  = fmt.Errorf("%w: made by another embedder", ErrInvalid)
	ErrDimension = fmt.Errorf("%w: dimension mismatch", ErrInvalid)
	ErrCorrupt   = fmt.Errorf("%w: inconsistent contents", ErrInvalid)
)

// header is the fixed-size start of the file, little-endian:
//
//	 0  magic        [8]byte
//	 8  version      uint32
//	12  dim          uint32
//	16  count        uint64  rows
//	24  partitions   uint32
//	28  embedderLen  uint32
//	32  idBytes      uint64  length of the id text
//	40  metaCRC      uint32  CRC-32C of bytes [0,40) and of everything
//	                         from 64 to the vectors
//	44  reserved, zero, to 64
//
// After it come the embedder id, padding to 4 bytes, the centroids
// (partitions×dim float32), the partition offsets (partitions+1 uint64
// rows), the id offsets (count+1 uint32 bytes into the id text), the id
// text, padding to 64 bytes, and the vectors (count×dim float32). The
// vectors are not in the checksum: checking them would read the whole
// file at start, which is what the format exists to avoid.
type header struct {
	version     uint32
	dim         uint32
	count       uint64
	partitions  uint32
	embedderLen uint32
	idBytes     uint64
	metaCRC     uint32
}

// layout is where each section of a file with header h starts.
type layout struct {
	embedder, centroids, offsets, idOffsets, ids, vectors, end uint64
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// layoutOf computes the sections of h, or fails when the sizes overflow.
func layoutOf(h header) (layout, error) {
	var l layout
	if h.dim == 0 || h.dim > maxDim {
		return l, fmt.Errorf("%w: dimension %d", ErrCorrupt, h.dim)
	}
	if h.embedderLen > maxEmbedderLen {
		return l, fmt.Errorf("%w: embedder id of %d bytes", ErrCorrupt, h.embedderLen)
	}
	// A file cannot hold more rows or id bytes than a 64-bit size can
	// count; refusing absurd sizes here keeps the sums below exact.
	const limit = 1 << 48
	if h.count > limit/uint64(h.dim)/4 || h.idBytes > math.MaxUint32 || uint64(h.partitions) > max(h.count, 1) {
		return l, fmt.Errorf("%w: %d rows, %d partitions, %d id bytes", ErrCorrupt, h.count, h.partitions, h.idBytes)
	}
	if h.partitions == 0 {
		return l, fmt.Errorf("%w: no partitions", ErrCorrupt)
	}
	l.embedder = headerSize
	l.centroids = align(l.embedder+uint64(h.embedderLen), 4)
	l.offsets = l.centroids + uint64(h.partitions)*uint64(h.dim)*4
	l.idOffsets = l.offsets + (uint64(h.partitions)+1)*8
	l.ids = l.idOffsets + (h.count+1)*4
	l.vectors = align(l.ids+h.idBytes, vectorAlign)
	l.end = l.vectors + h.count*uint64(h.dim)*4
	return l, nil
}

func align(n, to uint64) uint64 { return (n + to - 1) / to * to }

// Write saves ix to path atomically: it writes a temporary file in the
// same folder, syncs it and renames it over path, so that a reader sees
// the old file or the new one, never half of one.
func Write(path string, ix *Index) error {
	if err := ix.validate(); err != nil {
		return fmt.Errorf("write vector file %s: %w", path, err)
	}
	return writeFile(path, ix, ix.Row)
}

// WriteRows is Write for an ix without Vectors (nil): row(i) gives row
// i's Dim floats, in file order, as they are written. A caller whose
// vectors sit in separate slices writes them with no second copy of them
// all; row may return the same scratch slice every time.
func WriteRows(path string, ix *Index, row func(i int) []float32) error {
	if ix.Vectors != nil {
		return fmt.Errorf("write vector file %s: rows given both in Vectors and by a function", path)
	}
	if err := ix.validateTables(); err != nil {
		return fmt.Errorf("write vector file %s: %w", path, err)
	}
	return writeFile(path, ix, row)
}

func writeFile(path string, ix *Index, row func(i int) []float32) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write vector file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := encodeTo(w, ix, row); err != nil {
		tmp.Close()
		return fmt.Errorf("write vector file %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write vector file %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write vector file %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write vector file %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write vector file: %w", err)
	}
	return nil
}

// encode lays ix out as a file in memory.
func encode(ix *Index) ([]byte, error) {
	if err := ix.validate(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := encodeTo(&b, ix, ix.Row); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeTo writes ix, whose tables are valid, to w with the rows row
// gives: the tables from one buffer, then the vectors a block at a time,
// so that writing never holds a second copy of them.
func encodeTo(w io.Writer, ix *Index, row func(i int) []float32) error {
	h := header{
		version:     Version,
		dim:         uint32(ix.Dim),
		count:       uint64(len(ix.IDs)),
		partitions:  uint32(ix.Partitions()),
		embedderLen: uint32(len(ix.Embedder)),
	}
	for _, id := range ix.IDs {
		h.idBytes += uint64(len(id))
	}
	l, err := layoutOf(h)
	if err != nil {
		return err
	}
	buf := make([]byte, l.vectors)
	copy(buf[l.embedder:], ix.Embedder)
	putFloats(buf[l.centroids:], ix.Centroids)
	for p, off := range ix.Offsets {
		binary.LittleEndian.PutUint64(buf[l.offsets+uint64(p)*8:], uint64(off))
	}
	pos := uint32(0)
	for i, id := range ix.IDs {
		binary.LittleEndian.PutUint32(buf[l.idOffsets+uint64(i)*4:], pos)
		copy(buf[l.ids+uint64(pos):], id)
		pos += uint32(len(id))
	}
	binary.LittleEndian.PutUint32(buf[l.idOffsets+h.count*4:], pos)
	putHeader(buf, h)
	h.metaCRC = metaChecksum(buf, l)
	binary.LittleEndian.PutUint32(buf[40:], h.metaCRC)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	rowBytes := make([]byte, ix.Dim*4)
	for i := range ix.IDs {
		v := row(i)
		if len(v) != ix.Dim {
			return fmt.Errorf("%w: row %d has %d floats, want %d", ErrCorrupt, i, len(v), ix.Dim)
		}
		putFloats(rowBytes, v)
		if _, err := w.Write(rowBytes); err != nil {
			return err
		}
	}
	return nil
}

func putHeader(buf []byte, h header) {
	copy(buf, magic[:])
	binary.LittleEndian.PutUint32(buf[8:], h.version)
	binary.LittleEndian.PutUint32(buf[12:], h.dim)
	binary.LittleEndian.PutUint64(buf[16:], h.count)
	binary.LittleEndian.PutUint32(buf[24:], h.partitions)
	binary.LittleEndian.PutUint32(buf[28:], h.embedderLen)
	binary.LittleEndian.PutUint64(buf[32:], h.idBytes)
	binary.LittleEndian.PutUint32(buf[40:], h.metaCRC)
}

func readHeader(buf []byte) header {
	return header{
		version:     binary.LittleEndian.Uint32(buf[8:]),
		dim:         binary.LittleEndian.Uint32(buf[12:]),
		count:       binary.LittleEndian.Uint64(buf[16:]),
		partitions:  binary.LittleEndian.Uint32(buf[24:]),
		embedderLen: binary.LittleEndian.Uint32(buf[28:]),
		idBytes:     binary.LittleEndian.Uint64(buf[32:]),
		metaCRC:     binary.LittleEndian.Uint32(buf[40:]),
	}
}

// metaChecksum covers the header fields and every section but the
// vectors.
func metaChecksum(buf []byte, l layout) uint32 {
	c := crc32.Update(0, castagnoli, buf[:40])
	return crc32.Update(c, castagnoli, buf[headerSize:l.vectors])
}

func putFloats(dst []byte, v []float32) {
	for i, x := range v {
		binary.LittleEndian.PutUint32(dst[i*4:], math.Float32bits(x))
	}
}
