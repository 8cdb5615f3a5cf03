// Package corpus loads a folder of articles, cleans away site boilerplate and
// splits the text into sentence-aligned chunks that remember where they came
// from, so that every quote citebot shows can be checked against its file.
package corpus

import "slices"

// Span is a half-open byte range [Start, End) in a Document's Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Document is one file of the corpus.
type Document struct {
	// Source is the file's path relative to the corpus root, with forward
	// slashes. Citations name it.
	Source string
	// Title is the article's title: the first kept line that reads as a
	// headline, or the file name without its extension.
	Title string
	// Text is the file's text after UTF-8 repair (for HTML, Word and
	// PowerPoint: the extracted text, one paragraph a line). Chunk and
	// sentence offsets point into it.
	Text string
	// Hash is the hex SHA-256 of the raw file bytes; ingest uses it to
	// re-embed only files that changed.
	Hash string
	// Pages holds, for a paged format (PDF), the offset in Text where
	// each page starts, in order: page n (1-based) is
	// Text[Pages[n-1]:Pages[n]]. It is nil for other formats. See PageAt.
	Pages []int
	// Body lists the spans of Text that survived boilerplate cleaning, in
	// order. Clean fills it; it is nil before.
	Body []Span

	// layout says, for an HTML page or an Office file, what each line of
	// Text was (heading, list item, table cell, code) and how much of it
	// was link text; Load sets it and Clean reads it.
	layout []lineMark
}

// PageAt returns the 1-based page that holds the byte at offset in
// d.Text, or 0 when d has no pages.
func (d Document) PageAt(offset int) int {
	return PageAt(d.Pages, offset)
}

// PageAt returns the 1-based page, of a document whose pages start at the
// offsets pages (see Document.Pages), that holds the byte at offset, or 0
// when pages is empty.
func PageAt(pages []int, offset int) int {
	n, found := slices.BinarySearch(pages, offset)
	if found {
		return n + 1
	}
	return n // offset falls inside page n; before the first, page 0 is still "none"
}

// Chunk is a run of whole sentences from one Document.
type Chunk struct {
	// ID is stable for the same document content and chunk options:
	// "<source>#<ordinal>".
	ID     string
	Source string
	Title  string
	// Text is the chunk's sentences joined by single spaces.
	Text string
	// Start and End bound the chunk in Document.Text.
	Start, End int
	// Sentences are the chunk's sentences as spans of Document.Text; each
	// one is verbatim text of the source file.
	Sentences []Span
}

// Skipped reports a file that Load passed over and why.
type Skipped struct {
	Source string
	// Kind classes Reason in a word or two, for summaries such as
	// "2 binary, 1 empty".
	Kind   SkipKind
	Reason string
}

// SkipKind is the class of a Skipped file's reason.
type SkipKind string

// The kinds of skipped file.
const (
	SkipUnsupported SkipKind = "unsupported type"
	SkipEmpty       SkipKind = "empty"
	SkipBinary      SkipKind = "binary"
	SkipTooBig      SkipKind = "too big"
	SkipUnreadable  SkipKind = "unreadable"
	SkipNotRegular  SkipKind = "not a regular file"
	SkipOutside     SkipKind = "outside the corpus"
	// SkipNoText is a file whose markup or boilerplate left no article.
	SkipNoText SkipKind = "without text"
	// SkipEncrypted is a password-protected file, or a legacy Office file
	// (.doc, .ppt), which looks the same from outside.
	SkipEncrypted SkipKind = "encrypted"
	// SkipCorrupt is a file of a supported type whose structure is broken.
	SkipCorrupt SkipKind = "corrupt"
)
