package corpus

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/internal/parallel"
)

// maxTitleLen is the longest title in characters; a longer heading or first
// sentence is cut at a word and marked with "…".
const maxTitleLen = 100

// Clean finds each document's article text: it fills Body with the spans of
// Text that are not site boilerplate and sets Title. It never changes Text,
// so every Body span is verbatim text of the file.
//
// Each document is first split into blocks by its format: Markdown by its
// syntax, HTML by the elements the page was read from, and plain text by
// joining hard-wrapped lines into paragraphs (see textBlocks). A block is
// dropped when it is mostly link text (menus, tag lists, tables of
// contents); when it carries the few phrases only page furniture uses
// (share, follow and subscribe prompts, copyright and cookie notices, view
// counters) or is a lone web address or handle; when it is short and
// repeats in three or more documents (a sentence stays in the first of
// them, as it may be a fact they share); when it repeats inside its
// document without reading as a sentence (tag lists, menus); or when its
// shape marks it as page furniture: a short fragment without punctuation, a
// short line in capitals, a Title Case line that is not the title (a
// related-story headline), or a non-sentence line before the title or
// after the last paragraph. No word on its own condemns a line. Headings,
// list items, table rows and code are the author's structure and are never
// judged by their shape. Dates and bylines are kept. If the shape rules
// would leave a document empty, Clean keeps what they dropped.
//
// The title is, in order of preference: a Title already set on the
// document that matches one of its lines (Load sets it from HTML); for
// Markdown, the first level-one heading, then the front matter's title;
// the first headline-shaped line before the article's first sentence; the
// article's first sentence; the first kept block; the file name without
// its extension. A title is whole, or cut at a word with "…" when it is
// longer than 100 characters. Repeats of the title line are dropped.
//
// Markdown files (by Source extension) keep their text, but their spans
// leave out leading markup and fences. Clean judges all docs together
// because lines repeated across documents are boilerplate.
func Clean(docs []Document) {
	clean(docs)
}

// clean is Clean that also returns each document's judged lines, which
// tests use to show why a line went.
func clean(docs []Document) [][]line {
	all := make([][]line, len(docs))
	parallel.For(len(docs), func(i int) { all[i] = linesOf(docs[i]) })
	shared := map[string]*spread{}
	for i := range docs {
		for _, l := range all[i] {
			if l.f.words > maxNormWords || l.f.norm == "" {
				continue
			}
			sp := shared[l.f.norm]
			if sp == nil {
				sp = &spread{first: i, last: -1}
				shared[l.f.norm] = sp
			}
			if sp.last != i {
				sp.docs++
				sp.last = i
			}
		}
	}
	// shared is only read from here on.
	parallel.For(len(docs), func(i int) { cleanDoc(&docs[i], i, all[i], shared) })
	return all
}

// spread records in how many documents a short line occurs, and the first.
type spread struct {
	docs, first, last int
}

// minSharedDocs is in how many documents a short line must occur to count
// as the site's furniture.
const minSharedDocs = 3

// linesOf segments a document and measures each block.
func linesOf(doc Document) []line {
	blocks := segment(doc)
	md := formatOf(doc.Source) == formatMarkdown
	out := make([]line, len(blocks))
	for i, b := range blocks {
		l := &out[i]
		l.block = b
		l.text = doc.Text[b.span.Start:b.span.End]
		if md && strings.Contains(l.text, "](") {
			// A reader sees a link's text, not where it leads.
			l.f = measure(mdLink.ReplaceAllStringFunc(l.text, linkText))
		} else {
			l.f = measure(l.text)
		}
		// Every date pattern has a digit; a byline is short and unpunctuated.
		l.date = l.f.words <= 10 && l.f.digits > 0 && dateRe.MatchString(strings.ToLower(l.text))
		l.byline = l.f.words <= 8 && !l.f.terminal && bylineRe.MatchString(l.text)
	}
	return out
}

// cleanDoc applies the rules to one document's lines and fills its Body
// and Title. doc is document number n, and shared says where each short
// line occurs.
func cleanDoc(doc *Document, n int, ls []line, shared map[string]*spread) {
	for i := range ls {
		l := &ls[i]
		l.drop = contentRule(l)
		// A short line in several documents is the site's: a menu, a
		// tagline, a prompt. A sentence may be a fact the articles share,
		// so the first document keeps it.
		if sp := shared[l.f.norm]; l.drop == reasonNone && l.f.words <= maxNormWords && sp != nil &&
			sp.docs >= minSharedDocs && !l.date && !l.byline && (!l.f.prose() || sp.first != n) {
			l.drop = reasonCrossDoc
		}
	}
	shape := make([]string, len(ls))
	firstProse := -1
	where := map[string][]int{}
	for i := range ls {
		l := &ls[i]
		shape[i] = shapeRule(l)
		// Lines already condemned (a table of contents that repeats the
		// headings) do not make a kept line a repeat.
		if l.drop == reasonNone {
			where[l.f.norm] = append(where[l.f.norm], i)
		}
		if firstProse < 0 && l.drop == reasonNone && shape[i] == reasonNone && l.f.prose() {
			firstProse = i
		}
	}

	title := findTitle(doc, ls, shape, where, firstProse)
	titleNorm := ""
	if title >= 0 {
		ls[title].drop = reasonNone
		titleNorm = ls[title].f.norm
	}
	for i := range ls {
		l := &ls[i]
		if i == title || l.drop != reasonNone {
			continue
		}
		f := &l.f
		switch {
		case title >= 0 && f.norm == titleNorm:
			l.drop = reasonDupTitle
		case len(where[f.norm]) > 1 && !f.prose() && !l.date && (l.kind != kindHeading || l.level == 0):
			l.drop = reasonRepeated
		case len(where[f.norm]) > 1 && where[f.norm][0] != i:
			l.drop = reasonDuplicate
		case shape[i] != reasonNone:
			l.drop = shape[i]
		case l.kind == kindPara && !f.prose() && f.titleCase() && f.words <= 25 && !l.date && !l.byline:
			l.drop = reasonHeadline
		case title >= 0 && i < title && !f.prose() && !l.date && !l.byline:
			l.drop = reasonHead
		}
	}
	// After the article's last paragraph (or list, table or code) come
	// only the page's furniture; dates and bylines stay.
	lastContent := -1
	for i := range ls {
		if ls[i].drop == reasonNone && (ls[i].f.prose() || (ls[i].kind == kindList && ls[i].links < 60) ||
			ls[i].kind == kindTable || ls[i].kind == kindCode) {
			lastContent = i
		}
	}
	if lastContent >= 0 {
		for i := lastContent + 1; i < len(ls); i++ {
			l := &ls[i]
			if i != title && l.drop == reasonNone && !l.date && !l.byline {
				l.drop = reasonTail
			}
		}
	}

	body := make([]Span, 0, len(ls))
	for _, l := range ls {
		if l.drop == reasonNone {
			body = append(body, l.span)
		}
	}
	if len(body) == 0 {
		// The shape rules would leave nothing: a short note or a list is
		// still the user's text, so keep what only its shape condemned.
		for _, l := range ls {
			if l.drop == reasonNone || softReason(l.drop) {
				body = append(body, l.span)
			}
		}
	}
	doc.Body = body
	doc.Title = chooseTitle(doc, ls, title, body)
}

// findTitle returns the index of the title line, or -1.
func findTitle(doc *Document, ls []line, shape []string, where map[string][]int, firstProse int) int {
	if doc.Title != "" {
		want := collapseSpace(doc.Title)
		for i := range ls {
			if ls[i].f.letters >= 3 && collapseSpace(ls[i].text) == want {
				return i
			}
		}
	}
	md := formatOf(doc.Source) == formatMarkdown
	for i := range ls {
		if md && ls[i].kind == kindHeading && ls[i].level == 1 && ls[i].drop == reasonNone && ls[i].f.letters >= 3 {
			return i
		}
	}
	if md && frontMatterTitle(doc.Text) != "" {
		return -1 // the front matter names the document
	}
	for i := range ls {
		l := &ls[i]
		if l.drop != reasonNone || shape[i] != reasonNone {
			continue
		}
		if headlineShaped(l) && !repeatsAfter(where[l.f.norm], i, firstProse) {
			return i
		}
		if l.f.prose() {
			break
		}
	}
	return -1
}

// repeatsAfter reports whether a line at index i also occurs (at one of the
// indexes in at) after the article's first sentence, as a tag list or menu
// at the foot of the page does.
func repeatsAfter(at []int, i, firstProse int) bool {
	if firstProse < 0 {
		return false
	}
	for _, j := range at {
		if j != i && j > firstProse {
			return true
		}
	}
	return false
}

// chooseTitle returns the title text: the title line, the Markdown front
// matter's title, the first sentence of the body, or the file name. A
// title longer than maxTitleLen is cut at a word and ends with "…".
func chooseTitle(doc *Document, ls []line, title int, body []Span) string {
	if title >= 0 {
		if t := strings.Trim(collapseSpace(ls[title].text), "*_ "); t != "" {
			return shorten(t, maxTitleLen)
		}
	}
	if formatOf(doc.Source) == formatMarkdown {
		if t := frontMatterTitle(doc.Text); t != "" {
			return shorten(t, maxTitleLen)
		}
	}
	// The first sentence that starts like one: a line that begins in lower
	// case is the tail of a sentence cut off by a conversion.
	for _, l := range ls {
		if l.drop != reasonNone || !l.f.prose() {
			continue
		}
		if ss := Sentences(doc.Text, l.span); len(ss) > 0 {
			t := collapseSpace(doc.Text[ss[0].Start:ss[0].End])
			if r, _ := utf8.DecodeRuneInString(t); startsSentence(r) {
				return shorten(t, maxTitleLen)
			}
		}
	}
	if len(body) > 0 {
		return shorten(collapseSpace(doc.Text[body[0].Start:body[0].End]), maxTitleLen)
	}
	base := path.Base(doc.Source)
	if stem := strings.TrimSuffix(base, path.Ext(base)); stem != "" {
		return stem
	}
	return base // a dot file such as ".md" has no stem
}

// shorten cuts s to at most n characters at a word boundary, dropping
// trailing punctuation that would dangle, and marks the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count, lastSpace := len(s), 0, -1
	for i, r := range s {
		if count == n {
			cut = i
			break
		}
		if unicode.IsSpace(r) {
			lastSpace = i
		}
		count++
	}
	if lastSpace > 0 {
		cut = lastSpace
	}
	return strings.TrimRightFunc(s[:cut], func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' || r == '-' || r == '–' || r == '—' || r == '(' || r == '.'
	}) + "…"
}

// collapseSpace trims s and replaces each run of white space with a space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
