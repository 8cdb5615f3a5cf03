package web

import (
	"net/http"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
)

// maxQuoteParam caps each ?quote= value; a citation's quote is at most a
// few hundred characters.
const maxQuoteParam = 2048

// docIndex is the loaded corpus by source name.
type docIndex map[string]*corpus.Document

// SetDocuments makes the corpus available at GET /v1/sources/{name}. The
// server serves only these documents, from memory; it never opens a file
// named by a request. A new corpus means a new index, so the answer cache
// is dropped.
func (s *Server) SetDocuments(docs []corpus.Document) {
	idx := make(docIndex, len(docs))
	for i := range docs {
		idx[docs[i].Source] = &docs[i]
	}
	s.docs.Store(&idx)
	s.cache.Store(nil)
}

// sourceBody is the response of GET /v1/sources/{name}: the document's
// kept text as paragraphs, each split into segments, with Mark set on the
// segments that match a ?quote= parameter.
type sourceBody struct {
	Source     string      `json:"source"`
	Title      string      `json:"title"`
	Paragraphs [][]segment `json:"paragraphs"`
	// QuotesFound counts the ?quote= values found in the document.
	QuotesFound int `json:"quotes_found"`
}

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
	doc := (*idx)[name]
	if doc == nil {
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
	paras, found := highlight(doc, quotes)
	writeJSON(w, http.StatusOK, sourceBody{Source: doc.Source, Title: doc.Title, Paragraphs: paras, QuotesFound: found})
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

// highlight returns doc's kept text (its Body spans, or all of Text when
// it has none) as paragraphs of segments, marking where each quote occurs.
// Quotes have their whitespace collapsed and may run across paragraphs,
// so they are matched against the kept text with whitespace collapsed and
// the match is mapped back to byte offsets in Text.
func highlight(doc *corpus.Document, quotes []string) ([][]segment, int) {
	spans := doc.Body
	if len(spans) == 0 {
		spans = []corpus.Span{{Start: 0, End: len(doc.Text)}}
	}
	flat, origin := collapse(doc.Text, spans)
	var marks []corpus.Span
	found := 0
	for _, q := range quotes {
		qc, _ := collapse(q, []corpus.Span{{Start: 0, End: len(q)}})
		if qc == "" {
			continue
		}
		i := strings.Index(flat, qc)
		if i < 0 {
			continue
		}
		found++
		end := i + len(qc) - 1
		marks = append(marks, corpus.Span{Start: origin[i], End: origin[end] + 1})
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].Start < marks[j].Start })

	paras := make([][]segment, 0, len(spans))
	for _, sp := range spans {
		var segs []segment
		at := sp.Start
		for _, m := range marks {
			start, end := max(m.Start, at), min(m.End, sp.End)
			if start >= end {
				continue
			}
			if start > at {
				segs = append(segs, segment{Text: doc.Text[at:start]})
			}
			segs = append(segs, segment{Text: doc.Text[start:end], Mark: true})
			at = end
		}
		if at < sp.End {
			segs = append(segs, segment{Text: doc.Text[at:sp.End]})
		}
		if len(segs) > 0 {
			paras = append(paras, segs)
		}
	}
	return paras, found
}

// collapse joins the text of spans with single spaces, turning every run of
// whitespace into one space and trimming the ends. origin[i] is the byte
// offset in text of byte i of the result.
func collapse(text string, spans []corpus.Span) (string, []int) {
	var b strings.Builder
	var origin []int
	space := false // a space is pending
	for _, sp := range spans {
		if sp.Start < 0 || sp.End > len(text) || sp.Start >= sp.End {
			continue
		}
		for i, r := range text[sp.Start:sp.End] {
			at := sp.Start + i
			if unicode.IsSpace(r) {
				space = b.Len() > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				origin = append(origin, at-1)
				space = false
			}
			n := utf8.RuneLen(r)
			if r == utf8.RuneError {
				n = 1
				if at+1 <= len(text) {
					_, n = utf8.DecodeRuneInString(text[at:])
				}
			}
			b.WriteString(text[at : at+n])
			for k := 0; k < n; k++ {
				origin = append(origin, at+k)
			}
		}
		space = b.Len() > 0
	}
	return b.String(), origin
}
