package corpus

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/internal/parallel"
)

// Default chunk sizes, in characters.
const (
	DefaultChunkSize    = 700
	DefaultChunkOverlap = 150
)

// ChunkOptions sets how Split packs sentences into chunks.
type ChunkOptions struct {
	// Size is the target maximum length of a chunk in characters; 0 means
	// DefaultChunkSize. A single longer sentence becomes a chunk of its own;
	// a sentence longer than twice Size is cut at word boundaries so that
	// no chunk grows without bound.
	Size int
	// Overlap is how many characters of whole trailing sentences each chunk
	// repeats from the one before, so that an answer spanning a chunk
	// boundary is still found in one piece; 0 means DefaultChunkOverlap and
	// a negative value means no overlap.
	Overlap int
}

// Effective returns the options Split applies for o, with the defaults
// filled in: Size is positive, and Overlap is positive or -1 for none, so
// that the result means the same thing when passed again. It is how
// callers show the values in effect rather than a zero.
func (o ChunkOptions) Effective() ChunkOptions {
	size, overlap := o.sizes()
	if overlap == 0 {
		overlap = -1
	}
	return ChunkOptions{Size: size, Overlap: overlap}
}

func (o ChunkOptions) sizes() (size, overlap int) {
	size, overlap = o.Size, o.Overlap
	if size <= 0 {
		size = DefaultChunkSize
	}
	switch {
	case overlap == 0:
		overlap = DefaultChunkOverlap
	case overlap < 0:
		overlap = 0
	}
	return size, min(overlap, size)
}

// Split packs the sentences of doc's Body, in order, into chunks of up to
// opts.Size characters. Sentences never cross a Body span, but a chunk may
// hold sentences from several spans. The title line, when it is part of
// Body, is the first sentence of the first chunk, so a search for the title
// finds the article. If doc.Body is nil, Split cleans a copy of doc first.
//
// Chunk.Text is the chunk's sentences joined by single spaces; line breaks
// inside a sentence (in hard-wrapped text) become spaces byte for byte, so
// each sentence keeps its length and its offset in Text can be computed
// from Sentences.
func Split(doc Document, opts ChunkOptions) []Chunk {
	if doc.Body == nil {
		docs := []Document{doc}
		Clean(docs)
		doc = docs[0]
	}
	size, overlap := opts.sizes()
	type sent struct {
		sp   Span
		n    int  // length in characters
		row  bool // a row of the table whose header is head
		head Span
	}
	var (
		out    []Chunk
		cur    []sent
		curLen int
		// header is the header row of the table whose rows are being
		// read, found by its delimiter row; row says that the sentence
		// being added is one of its rows. A table ends at the first line
		// that is not one of it.
		header       Span
		row, inTable bool
		last         int
	)
	flush := func() {
		if len(cur) == 0 {
			return
		}
		spans := make([]Span, len(cur))
		for i, s := range cur {
			spans[i] = s.sp
		}
		out = append(out, ChunkOf(doc, len(out), spans))
	}
	add := func(sp Span) {
		n := utf8.RuneCountInString(doc.Text[sp.Start:sp.End])
		if len(cur) > 0 && curLen+1+n > size {
			flush()
			// Carry whole trailing sentences of up to overlap characters, but
			// never the whole chunk, and only as much as leaves room for sp.
			keep, kept := len(cur), 0
			for keep > 1 && kept+cur[keep-1].n <= overlap {
				keep--
				kept += cur[keep].n + 1
			}
			cur = append(cur[:0:0], cur[keep:]...)
			curLen = 0
			for _, s := range cur {
				curLen += s.n + 1
			}
			for len(cur) > 0 && curLen+n > size {
				curLen -= cur[0].n + 1
				cur = cur[1:]
			}
			curLen = max(curLen-1, 0)
		}
		// A chunk with rows of a table holds its header before them (the
		// row being added, or rows carried over from the chunk before),
		// within the chunk's size: carried rows make room for it, and a
		// row too long to share a chunk with its header goes alone.
		for {
			head, needs := header, row
			if !needs && len(cur) > 0 && cur[0].row {
				head, needs = cur[0].head, true
			}
			if !needs || slices.ContainsFunc(cur, func(s sent) bool { return s.sp == head }) {
				break
			}
			hn := utf8.RuneCountInString(doc.Text[head.Start:head.End])
			if hn+1+curLen+min(len(cur), 1)+n <= size {
				cur = append([]sent{{sp: head, n: hn}}, cur...)
				curLen += hn + min(len(cur)-1, 1)
				break
			}
			if len(cur) == 0 {
				break
			}
			curLen = max(curLen-cur[0].n-1, 0)
			cur = cur[1:]
		}
		if len(cur) > 0 {
			curLen++
		}
		cur = append(cur, sent{sp: sp, n: n, row: row, head: header})
		curLen += n
	}
	for _, body := range doc.Body {
		if !tableLine(doc.Text, body) {
			inTable = false
			for _, sp := range Sentences(doc.Text, body) {
				for _, piece := range cutLong(doc.Text, sp, 2*size) {
					add(piece)
				}
			}
			continue
		}
		// A row is one sentence, whatever its cells hold: cut at a full
		// stop inside a cell, its cells would no longer line up with the
		// header's.
		switch {
		case isHeaderRow(doc.Text, body):
			header, inTable = body, true
		case inTable && strings.Count(doc.Text[last:body.Start], "\n") == 1:
			row = true
		default:
			inTable = false
		}
		last = body.End
		for _, piece := range cutLong(doc.Text, body, 2*size) {
			add(piece)
		}
		row = false
	}
	flush()
	return out
}

// isHeaderRow reports whether the table line sp is a header row with its
// delimiter row (see TableHeader).
func isHeaderRow(text string, sp Span) bool {
	_, ok := TableHeader(text[sp.Start:sp.End])
	return ok
}

// ChunkOf returns the chunk that Split makes as the ordinal-th chunk of
// doc from the sentences spans, in order. A stored index keeps only the
// spans and rebuilds its chunks with it.
//
// When the sentences follow each other in doc.Text with one space between
// them and no line breaks inside, Text is a slice of doc.Text rather than
// a copy: the chunk text of such prose is then held once, by its
// document.
func ChunkOf(doc Document, ordinal int, spans []Span) Chunk {
	c := Chunk{
		ID:        doc.Source + "#" + strconv.Itoa(ordinal),
		Source:    doc.Source,
		Title:     doc.Title,
		Sentences: spans,
	}
	if len(spans) == 0 {
		return c
	}
	c.Start, c.End = spans[0].Start, spans[len(spans)-1].End
	if flatRun(doc.Text, spans) {
		c.Text = doc.Text[c.Start:c.End]
		return c
	}
	n := len(spans) - 1
	for _, sp := range spans {
		n += sp.End - sp.Start
	}
	var b strings.Builder
	b.Grow(n)
	for i, sp := range spans {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeFlat(&b, doc.Text[sp.Start:sp.End])
	}
	c.Text = b.String()
	return c
}

// flatRun reports whether spans, joined by single spaces with their line
// breaks flattened, read exactly as the text from the first to the last.
func flatRun(text string, spans []Span) bool {
	for i, sp := range spans {
		if i > 0 && (sp.Start != spans[i-1].End+1 || text[sp.Start-1] != ' ') {
			return false
		}
		if strings.ContainsAny(text[sp.Start:sp.End], "\n\r\t\v\f") {
			return false
		}
	}
	return true
}

// SplitAll splits every document in order and returns all the chunks.
// The documents are split on every core: at 50 MB, splitting them one
// after another was most of a second before anything else of ingest
// could start.
func SplitAll(docs []Document, opts ChunkOptions) []Chunk {
	parts := make([][]Chunk, len(docs))
	parallel.For(len(docs), func(i int) { parts[i] = Split(docs[i], opts) })
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return nil
	}
	out := make([]Chunk, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// cutLong cuts a sentence longer than limit characters into pieces of about
// limit/2 characters at white space (or anywhere, for a run with none), so
// that one runaway "sentence" such as an unpunctuated list does not become
// a huge chunk. Shorter sentences come back unchanged.
func cutLong(text string, sp Span, limit int) []Span {
	if sp.End-sp.Start <= limit || utf8.RuneCountInString(text[sp.Start:sp.End]) <= limit {
		return []Span{sp}
	}
	target := max(limit/2, 1)
	var out []Span
	start := sp.Start
	for start < sp.End {
		// Walk target characters, then back up to the last white space.
		i, n, lastSpace := start, 0, -1
		for i < sp.End && n < target {
			r, size := utf8.DecodeRuneInString(text[i:sp.End])
			if unicode.IsSpace(r) {
				lastSpace = i
			}
			i += size
			n++
		}
		cut := i
		if i < sp.End && lastSpace > start {
			cut = lastSpace
		}
		if piece, ok := trimSpan(text, start, cut); ok {
			out = append(out, piece)
		}
		start = cut
	}
	return out
}

// writeFlat writes s with each line break or tab replaced by one space, so
// that the byte length stays the same.
func writeFlat(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n', '\r', '\t', '\v', '\f':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
}
