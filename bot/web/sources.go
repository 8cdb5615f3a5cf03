package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
)

// maxQuoteParam caps each ?quote= value; a citation's quote is at most a
// few hundred characters.
const maxQuoteParam = 2048

// docIndex is the loaded corpus by source name.
type docIndex map[string]*sourceText

// sourceText is a document as GET /v1/sources/{name} serves it: its kept
// text collapsed for quote matching, worked out on the first request for
// it and kept, so that each request only searches it.
type sourceText struct {
	doc   *corpus.Document
	spans []corpus.Span
	once  sync.Once
	flat  string  // the kept text with whitespace collapsed; see collapse
	moves []shift // map offsets in flat back to doc.Text
}

func newSourceText(doc *corpus.Document) *sourceText {
	spans := doc.Body
	if len(spans) == 0 {
		spans = []corpus.Span{{Start: 0, End: len(doc.Text)}}
	}
	return &sourceText{doc: doc, spans: spans}
}

// onPage returns the part of t on page n (1-based) of a paged document
// (a PDF), to be searched and served on its own, or nil when the document
// has no such page. A page whose lines were all dropped as boilerplate is
// served whole, as a document without Body spans is.
func (t *sourceText) onPage(n int) *sourceText {
	pages := t.doc.Pages
	if n < 1 || n > len(pages) {
		return nil
	}
	start, end := pages[n-1], len(t.doc.Text)
	if n < len(pages) {
		end = pages[n]
	}
	var spans []corpus.Span
	for _, s := range t.spans {
		s.Start, s.End = max(s.Start, start), min(s.End, end)
		if s.Start < s.End {
			spans = append(spans, s)
		}
	}
	if len(spans) == 0 {
		spans = []corpus.Span{{Start: start, End: end}}
	}
	return &sourceText{doc: t.doc, spans: spans}
}

func (t *sourceText) prepare() {
	t.once.Do(func() { t.flat, t.moves = collapse(t.doc.Text, t.spans) })
}

// origin is the offset in doc.Text of byte i of flat.
func (t *sourceText) origin(i int) int {
	k := sort.Search(len(t.moves), func(j int) bool { return t.moves[j].from > i }) - 1
	return i + t.moves[k].delta
}

// SetDocuments makes the corpus available at GET /v1/sources/{name}. The
// server serves only these documents, from memory; it never opens a file
// named by a request. A new corpus means a new index, so the answer cache
// is dropped.
func (s *Server) SetDocuments(docs []corpus.Document) {
	idx := make(docIndex, len(docs))
	for i := range docs {
		idx[docs[i].Source] = newSourceText(&docs[i])
	}
	s.docs.Store(&idx)
	s.cache.Store(nil)
}

// segment is a piece of a paragraph of GET /v1/sources/{name}; Mark is set
// on the pieces that match a ?quote= parameter.
type segment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !validSourceName(name) {
		writeError(w, http.StatusBadRequest, "invalid source name: give a corpus file's path relative to the corpus root, without '..'")
		return
	}
	idx := s.docs.Load()
	if idx == nil {
		writeError(w, http.StatusServiceUnavailable, "index is still loading; retry shortly")
		return
	}
	st := (*idx)[name]
	if st == nil {
		writeError(w, http.StatusNotFound, "no such source")
		return
	}
	quotes := r.URL.Query()["quote"]
	if len(quotes) > 8 {
		writeError(w, http.StatusBadRequest, "at most 8 quote parameters")
		return
	}
	for _, q := range quotes {
		if len(q) > maxQuoteParam {
			writeError(w, http.StatusBadRequest, "quote too long")
			return
		}
	}
	page := 0
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "page must be a page number from 1")
			return
		}
		if st = st.onPage(n); st == nil {
			writeError(w, http.StatusNotFound, "no such page in this source")
			return
		}
		page = n
	}
	marks, found := st.find(quotes)
	if err := writeSource(w, st, page, marks, found); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "source not sent whole", slog.String("source", name), slog.String("err", err.Error()))
	}
}

// writeSource writes the response of GET /v1/sources/{name}:
//
//	{"source": …, "title": …, "page": n, "paragraphs": [[{"text": …, "mark": true}, …], …], "quotes_found": n}
//
// the document's kept text (of one page, for ?page=, which "page" then
// names) as paragraphs of segments, with the marked
// spans flagged, and how many of the ?quote= values were found. It encodes
// one paragraph at a time into a small buffer, so that a request for a
// large document costs little memory beyond the document itself.
func writeSource(w http.ResponseWriter, st *sourceText, page int, marks []corpus.Span, found int) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw) // escapes <, > and & as writeJSON does
	bw.WriteString(`{"source":`)
	if err := enc.Encode(st.doc.Source); err != nil {
		return err
	}
	bw.WriteString(`,"title":`)
	if err := enc.Encode(st.doc.Title); err != nil {
		return err
	}
	if page > 0 {
		fmt.Fprintf(bw, `,"page":%d`, page)
	}
	bw.WriteString(`,"paragraphs":[`)
	first := true
	for p := range st.paragraphs(marks) {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		// Encode ends each value with a newline, which JSON allows here.
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	fmt.Fprintf(bw, "],\"quotes_found\":%d}\n", found)
	return bw.Flush()
}

// validSourceName accepts a clean relative path with forward slashes. The
// lookup is in memory, so a bad name could not escape the corpus anyway;
// refusing it outright makes that plain and keeps odd names out of logs.
func validSourceName(name string) bool {
	if name == "" || len(name) > 1024 || !utf8.ValidString(name) {
		return false
	}
	if strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\x00") || path.Clean(name) != name {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." || part == "." {
			return false
		}
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// find looks for each quote in the document's kept text (its Body spans,
// or all of Text when it has none) and returns where the ones it found
// are, as spans of Text in order, and how many it found. Quotes have their
// whitespace collapsed and may run across paragraphs, so they are matched
// against the kept text with whitespace collapsed and each match is
// mapped back to byte offsets in Text.
func (st *sourceText) find(quotes []string) ([]corpus.Span, int) {
	st.prepare()
	var marks []corpus.Span
	found := 0
	for _, q := range quotes {
		qc, _ := collapse(q, []corpus.Span{{Start: 0, End: len(q)}})
		if qc == "" {
			continue
		}
		i := strings.Index(st.flat, qc)
		if i < 0 {
			continue
		}
		found++
		end := i + len(qc) - 1
		marks = append(marks, corpus.Span{Start: st.origin(i), End: st.origin(end) + 1})
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].Start < marks[j].Start })
	return marks, found
}

// paragraphs yields the kept text one paragraph (Body span) at a time, as
// segments with Mark set where they fall within marks. The slice it
// yields is reused for the next paragraph.
func (st *sourceText) paragraphs(marks []corpus.Span) iter.Seq[[]segment] {
	text := st.doc.Text
	return func(yield func([]segment) bool) {
		var segs []segment
		for _, sp := range st.spans {
			segs = segs[:0]
			at := sp.Start
			for _, m := range marks {
				start, end := max(m.Start, at), min(m.End, sp.End)
				if start >= end {
					continue
				}
				if start > at {
					segs = append(segs, segment{Text: text[at:start]})
				}
				segs = append(segs, segment{Text: text[start:end], Mark: true})
				at = end
			}
			if at < sp.End {
				segs = append(segs, segment{Text: text[at:sp.End]})
			}
			if len(segs) > 0 && !yield(segs) {
				return
			}
		}
	}
}

// shift says that from byte from of a collapsed text on, byte i came from
// byte i+delta of the original.
type shift struct{ from, delta int }

// collapse joins the text of spans with single spaces, turning every run of
// whitespace into one space and trimming the ends. The returned shifts map
// the result back to text: they change only where a run of whitespace was
// not a single byte or a span ended, so there are few of them, unlike an
// offset per byte.
func collapse(text string, spans []corpus.Span) (string, []shift) {
	var b strings.Builder
	var moves []shift
	note := func(delta int) {
		if len(moves) == 0 || moves[len(moves)-1].delta != delta {
			moves = append(moves, shift{from: b.Len(), delta: delta})
		}
	}
	space := false // a space is pending
	for _, sp := range spans {
		if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
			continue
		}
		seg := text[sp.Start:sp.End]
		for i := 0; i < len(seg); {
			r, n := utf8.DecodeRuneInString(seg[i:])
			at := sp.Start + i
			i += n
			if unicode.IsSpace(r) {
				space = b.Len() > 0
				continue
			}
			switch {
			case space:
				// The space stands for the whitespace byte just before at.
				note(at - 1 - b.Len())
				b.WriteByte(' ')
				space = false
			case b.Len() == 0:
				note(at)
			}
			b.WriteString(seg[i-n : i])
		}
		space = b.Len() > 0
	}
	return b.String(), moves
}
