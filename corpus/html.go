package corpus

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ExtractHTML reads an HTML page and returns its title and its visible
// article text, one paragraph a line. It uses a real HTML parser, so
// entities are decoded and broken markup is repaired as a browser would.
//
// Scripts, styles, forms, embedded frames and graphics are skipped, and so
// is page furniture: nav, header, footer and aside elements, elements with
// role="navigation" (or banner, search, dialog and similar roles),
// aria-hidden="true", the hidden attribute or an inline display:none, and
// elements whose class or id names them as cookie, share, social,
// newsletter, related or comment blocks. A header inside an article, and
// any wrapper that holds the article or its h1, is kept.
//
// Block elements (p, div, li, h1–h6, br, tr, section, blockquote, pre, …)
// end a line, and white space inside a line collapses to single spaces, so
// each paragraph is one line. The title is the first h1 of the article (or
// of the main content, or of the page), else og:title, else <title> without
// the site name.
//
// A page the parser refuses (it rejects nesting deeper than 512 elements) is
// read token by token instead, skipping only scripts, styles and similar
// elements, so that its text is not lost. The error is for read failures.
func ExtractHTML(r io.Reader) (title, text string, err error) {
	p, err := extractPage(r)
	return p.title, p.text, err
}

// page is an extracted HTML page: its title, its text one block a line, and
// what each line of the text was.
type page struct {
	title, text string
	layout      []lineMark
}

// lineMark is what one line of a page's text was: a heading, a list item,
// preformatted code or a paragraph, and how much of it was link text.
type lineMark struct {
	kind  blockKind
	level int // heading level
	// links and away are the percentages of the line's letters that are
	// link text, and link text that leads off the page (not to a #anchor).
	links, away int
}

func extractPage(r io.Reader) (page, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return page{}, fmt.Errorf("read html: %w", err)
	}
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		title, text := extractTokens(data)
		return page{title: title, text: text}, nil
	}
	e := extractor{holdsArticle: markArticleAncestors(root)}
	e.walk(root)
	e.flush()
	return page{title: e.chooseTitle(), text: strings.Join(e.lines, "\n"), layout: e.marks}, nil
}

// readPage extracts an HTML file for Load. The page title counts as the
// article's first line: it is put there when the text does not repeat it,
// so that it can be searched and quoted like any other line.
func readPage(text string) (page, error) {
	p, err := extractPage(strings.NewReader(text))
	if err != nil {
		return p, err
	}
	if p.title != "" && strings.TrimSpace(p.text) != "" && !hasLine(p.text, p.title) {
		p.text = p.title + "\n" + p.text
		if p.layout != nil {
			p.layout = append([]lineMark{{kind: kindHeading, level: 1}}, p.layout...)
		}
	}
	return p, nil
}

// pageBlocks makes one block per line of a page's text, with what the
// extractor saw of each line. A layout that does not match the text (or
// none, for a page read token by token) leaves plain lines.
func pageBlocks(text string, layout []lineMark) []block {
	out := make([]block, 0, len(layout))
	n := -1
	for start, end := range lineSpans(text) {
		n++
		if sp, ok := trimSpan(text, start, end); ok {
			b := block{span: sp}
			if n < len(layout) && layout[n].kind == kindTable && text[sp.Start] == '|' {
				// A data table's row, written as Markdown's (see
				// isDataTable): read inside its pipes, and its
				// delimiter row joins the header above it.
				if mdTableSep.MatchString(text[sp.Start:sp.End]) {
					joinDelimiter(text, out, start, sp)
					continue
				}
				if sp, ok = pipeRow(text, start, sp.Start, end); !ok {
					continue
				}
				b.span = sp
			}
			if n < len(layout) {
				m := layout[n]
				b.kind, b.level, b.links, b.away = m.kind, m.level, m.links, m.away
				if m.kind == kindHeading && m.away >= 60 {
					// A heading that is a link to another page is a
					// teaser for it, not a section of this one.
					b.kind, b.level = kindPara, 0
				}
			}
			out = append(out, b)
		}
	}
	return out
}

// extractor gathers the text of a parsed page.
type extractor struct {
	holdsArticle map[*html.Node]bool

	lines []string
	cur   strings.Builder
	space bool // white space was seen since the last character
	soft  bool // an element boundary was seen: separate two words
	last  rune // the last character written to cur

	pre     int // depth of <pre>
	article int // depth of <article> and <main>

	// What the current line is, for the layout.
	marks   []lineMark
	heading int // level of the heading being read, 0 outside one
	item    int // depth of <li> and <dt>
	table   int // depth of <table>
	// grid is the data table being written as pipe rows, if any (see
	// isDataTable); cells counts the current row's cells, and headRow
	// says whether every one so far is a header cell.
	grid      *html.Node
	cells     int
	headRow   bool
	gridRow   int
	link      int // depth of <a href>
	anchor    int // depth of <a href="#…">
	letters   int // letters on the current line
	linkedLet int // of which in links
	awayLet   int // of which in links off the page

	h1      *html.Node // the h1 being read
	h1Line  int        // index in lines where it began
	h1Rank  int        // 3: in article, 2: in main, 1: elsewhere
	h1Text  string
	title   string // from <title>
	ogTitle string
}

// walk visits the tree in document order without recursion, so a deeply
// nested page cannot exhaust the stack.
func (e *extractor) walk(root *html.Node) {
	n := root
	for n != nil {
		descend := e.enter(n)
		if descend && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		if descend {
			e.leave(n)
		}
		for n != nil {
			if n == root {
				n = nil
				break
			}
			if n.NextSibling != nil {
				n = n.NextSibling
				break
			}
			n = n.Parent
			if n != nil {
				e.leave(n)
			}
		}
	}
}

// enter handles the start of a node and reports whether to visit its
// children. Nodes it skips are not left again.
func (e *extractor) enter(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		e.text(n.Data)
		return false
	case html.DocumentNode:
		return true
	case html.ElementNode:
	default:
		return false
	}
	switch n.DataAtom {
	case atom.Title:
		if e.title == "" && n.Namespace == "" {
			e.title = collapseSpace(nodeText(n))
		}
		return false
	case atom.Meta:
		if attr(n, "property") == "og:title" || attr(n, "name") == "og:title" {
			if e.ogTitle == "" {
				e.ogTitle = collapseSpace(attr(n, "content"))
			}
		}
		return false
	case atom.Br:
		if e.grid != nil {
			e.space = true // a row is one line
			return false
		}
		e.flush()
		return false
	case atom.Img, atom.Input, atom.Hr, atom.Wbr:
		e.soft = true
		if n.DataAtom == atom.Hr {
			e.flush()
		}
		return false
	}
	if e.skip(n) {
		e.soft = true
		return false
	}
	if n.DataAtom == atom.A && e.heading > 0 && !strings.ContainsFunc(nodeText(n), isLetterOrDigit) {
		return false // a heading's permalink: "¶", "#", "🔗"
	}
	switch n.DataAtom {
	case atom.Pre:
		e.pre++
	case atom.Article, atom.Main:
		e.article++
	case atom.Table:
		e.table++
		if e.grid == nil && isDataTable(n) {
			e.grid, e.gridRow = n, 0
		}
	case atom.Tr:
		if e.grid != nil {
			e.flush()
			e.cells, e.headRow = 0, true
		}
	case atom.Td, atom.Th:
		if e.grid != nil {
			if e.cells == 0 {
				e.cur.WriteString("| ")
			} else {
				e.cur.WriteString(" | ")
			}
			e.cells++
			e.headRow = e.headRow && n.DataAtom == atom.Th
			e.space, e.soft, e.last = false, false, ' '
			return true
		}
	case atom.Li, atom.Dt:
		e.item++
	case atom.A:
		if href, ok := hasAttr(n, "href"); ok {
			e.link++
			if strings.HasPrefix(strings.TrimSpace(href), "#") {
				e.anchor++
			}
		}
	case atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		e.flush()
		e.heading = headingLevel(n.DataAtom)
	case atom.H1:
		if e.h1 == nil {
			rank := 1
			if e.article > 0 {
				rank = 2
				if hasAncestor(n, atom.Article) {
					rank = 3
				}
			}
			if rank > e.h1Rank {
				e.flush()
				e.h1, e.h1Line, e.h1Rank = n, len(e.lines), rank
			}
		}
		e.flush()
		e.heading = 1
	}
	e.boundary(n)
	return true
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	}
	return 6
}

// leave handles the end of an element whose children were visited.
func (e *extractor) leave(n *html.Node) {
	if n.Type != html.ElementNode {
		return
	}
	if n.DataAtom == atom.Tr && e.grid != nil && e.cells > 0 {
		// A row ends with its pipe; a header row (its cells all header
		// cells, or in the table's head) is followed by a delimiter row,
		// as a Markdown table has it.
		e.cur.WriteString(" |")
		e.flush()
		if e.gridRow == 0 && (e.headRow || hasAncestor(n, atom.Thead)) {
			e.lines = append(e.lines, "|"+strings.Repeat(" --- |", e.cells))
			e.marks = append(e.marks, lineMark{kind: kindTable})
		}
		e.gridRow++
	}
	// End the element's line while its marks still apply.
	e.boundary(n)
	switch n.DataAtom {
	case atom.Pre:
		e.pre--
	case atom.Article, atom.Main:
		e.article--
	case atom.Table:
		e.table--
		if n == e.grid {
			e.grid = nil
		}
	case atom.Li, atom.Dt:
		e.item--
	case atom.A:
		if href, ok := hasAttr(n, "href"); ok {
			e.link--
			if strings.HasPrefix(strings.TrimSpace(href), "#") {
				e.anchor--
			}
		}
	}
	if headingLevel(n.DataAtom) == e.heading && isHeading(n.DataAtom) {
		e.heading = 0
	}
	if n == e.h1 {
		e.h1Text = collapseSpace(strings.Join(e.lines[e.h1Line:], " "))
		e.h1 = nil
	}
}

// boundary ends the line at a block element and separates words at the
// edges of inline items such as links and table cells.
func (e *extractor) boundary(n *html.Node) {
	switch {
	case e.grid != nil && blockElements[n.DataAtom] && !gridElements[n.DataAtom]:
		e.space = true // a paragraph inside a cell: the row stays one line
	case e.grid != nil && (n.DataAtom == atom.Td || n.DataAtom == atom.Th):
		// enter wrote the cell's pipe
	case blockElements[n.DataAtom]:
		e.flush()
	case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
		e.space = true
	case separatedElements[n.DataAtom]:
		e.soft = true
	}
}

// skip reports whether an element holds no article text.
func (e *extractor) skip(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Button, atom.Select,
		atom.Textarea, atom.Audio, atom.Video, atom.Map, atom.Dialog, atom.Head:
		if n.DataAtom == atom.Head {
			// The head holds no visible text, but its title and meta tags
			// are read: visit it, its other children are skipped.
			return false
		}
		return true
	case atom.Html, atom.Body, atom.Main, atom.Article:
		return false
	}
	if n.Namespace != "" {
		return true // inside svg or math
	}
	furniture := false
	switch n.DataAtom {
	case atom.Nav, atom.Footer, atom.Aside, atom.Form:
		furniture = true
	case atom.Header:
		furniture = e.article == 0
	}
	if _, ok := hasAttr(n, "hidden"); ok {
		return true
	}
	if strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	if skipRoles[strings.ToLower(attr(n, "role"))] {
		furniture = true
	}
	if style := strings.ToLower(attr(n, "style")); style != "" {
		style = strings.ReplaceAll(style, " ", "")
		if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
			return true
		}
	}
	if !furniture && (boilerplateName(attr(n, "class")) || boilerplateName(attr(n, "id"))) {
		furniture = true
	}
	// A page that wraps its article in a form or header (old site builders
	// do) keeps it.
	return furniture && !e.holdsArticle[n]
}

// boilerplateName reports a class or id that names a block of page
// furniture: "cookie-banner", "share_buttons", "related-posts".
func boilerplateName(v string) bool {
	if v == "" {
		return false
	}
	for _, name := range strings.Fields(strings.ToLower(v)) {
		for part := range strings.FieldsFuncSeq(name, func(r rune) bool { return r == '-' || r == '_' }) {
			if boilerplateClasses[part] {
				return true
			}
		}
	}
	return false
}

var boilerplateClasses = toSet(`cookie cookies consent gdpr newsletter share sharing social socials
	related breadcrumb breadcrumbs comments comment advert advertisement advertising promo subscribe
	subscription paywall popup modal sharethis addthis`)

var skipRoles = toSet(`navigation banner contentinfo menu menubar search complementary dialog
	alertdialog toolbar`)

var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Body: true, atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true,
	atom.Dialog: true, atom.Dir: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Html: true, atom.Legend: true,
	atom.Li: true, atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true,
	atom.Tfoot: true, atom.Thead: true, atom.Tr: true, atom.Ul: true,
}

// gridElements are the structure of a table, each of which ends a line
// of a data table written as pipe rows.
var gridElements = map[atom.Atom]bool{
	atom.Table: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Tr: true, atom.Caption: true,
}

// isDataTable reports whether table lays out data in rows and columns,
// which is written as a Markdown table so that its rows are read under
// their column names, rather than a page's layout: at least two rows,
// the first of two cells or more, and no table, list, heading, form or
// preformatted text inside a cell.
func isDataTable(table *html.Node) bool {
	rows, first := 0, 0
	for d := range table.Descendants() {
		if d.Type != html.ElementNode {
			continue
		}
		switch d.DataAtom {
		case atom.Table, atom.Ul, atom.Ol, atom.Dl, atom.Pre, atom.Blockquote, atom.Form, atom.Fieldset,
			atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Iframe:
			return false
		case atom.Tr:
			rows++
			if rows == 1 {
				for c := d.FirstChild; c != nil; c = c.NextSibling {
					if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
						first++
					}
				}
			}
		}
	}
	return rows >= 2 && first >= 2
}

var separatedElements = map[atom.Atom]bool{
	atom.A: true, atom.Label: true, atom.Option: true, atom.Time: true, atom.Img: true,
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// text adds the text of a text node.
func (e *extractor) text(s string) {
	if e.pre > 0 {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				e.flush()
			}
			e.cur.WriteString(strings.TrimRight(part, "\r"))
		}
		return
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			e.space = true
			continue
		case isInvisible(r):
			continue
		}
		// e.last is a space only after a cell's pipe, which has its own.
		if e.cur.Len() > 0 && e.last != ' ' && (e.space || (e.soft && isLetterOrDigit(e.last) && isLetterOrDigit(r))) {
			e.cur.WriteByte(' ')
		}
		e.space, e.soft = false, false
		if r == '|' && e.grid != nil {
			e.cur.WriteByte('\\') // a pipe inside a cell
		}
		e.cur.WriteRune(r)
		e.last = r
		if unicode.IsLetter(r) {
			e.letters++
			if e.link > 0 {
				e.linkedLet++
				if e.anchor == 0 {
					e.awayLet++
				}
			}
		}
	}
}

// flush ends the current line.
func (e *extractor) flush() {
	if line := strings.TrimSpace(e.cur.String()); line != "" {
		e.lines = append(e.lines, line)
		m := lineMark{}
		switch {
		case e.pre > 0:
			m.kind = kindCode
		case e.heading > 0:
			m.kind, m.level = kindHeading, e.heading
		case e.table > 0:
			m.kind = kindTable
		case e.item > 0:
			m.kind = kindList
		}
		if e.letters > 0 {
			m.links, m.away = e.linkedLet*100/e.letters, e.awayLet*100/e.letters
		}
		e.marks = append(e.marks, m)
	}
	e.cur.Reset()
	e.space, e.soft, e.last = false, false, 0
	e.letters, e.linkedLet, e.awayLet = 0, 0, 0
}

func (e *extractor) chooseTitle() string {
	if e.h1 != nil { // an h1 left open at the end of the page
		e.h1Text = collapseSpace(strings.Join(e.lines[min(e.h1Line, len(e.lines)):], " "))
	}
	switch {
	case e.h1Text != "":
		return e.h1Text
	case e.ogTitle != "":
		return e.ogTitle
	}
	return pageTitle(e.title)
}

// pageTitle removes the site name from a <title>: of "Headline | Site" or
// "Headline - Site" it keeps the longest part.
func pageTitle(t string) string {
	for _, sep := range []string{" | ", " — ", " – ", " - ", " :: ", " · ", " • "} {
		if !strings.Contains(t, sep) {
			continue
		}
		best := ""
		for p := range strings.SplitSeq(t, sep) {
			if utf8.RuneCountInString(p) > utf8.RuneCountInString(best) {
				best = p
			}
		}
		return strings.TrimSpace(best)
	}
	return t
}

// markArticleAncestors returns the set of elements that contain an
// article, a main element or an h1, found in one pass.
func markArticleAncestors(root *html.Node) map[*html.Node]bool {
	marked := map[*html.Node]bool{}
	for n := range root.Descendants() {
		if n.Type != html.ElementNode || (n.DataAtom != atom.Article && n.DataAtom != atom.Main && n.DataAtom != atom.H1) {
			continue
		}
		for p := n.Parent; p != nil && !marked[p]; p = p.Parent {
			marked[p] = true
		}
	}
	return marked
}

func hasAncestor(n *html.Node, a atom.Atom) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == a {
			return true
		}
	}
	return false
}

// nodeText returns the text inside n.
func nodeText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	v, _ := hasAttr(n, key)
	return v
}

func hasAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// extractTokens is the fallback for pages the parser rejects: it walks the
// tokens, drops the contents of scripts, styles and other non-text
// elements, and breaks lines at block elements.
func extractTokens(data []byte) (title, text string) {
	var e extractor
	z := html.NewTokenizer(bytes.NewReader(data))
	var skipTag atom.Atom
	skipDepth, inTitle := 0, false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			e.flush()
			return pageTitle(collapseSpace(e.title)), strings.Join(e.lines, "\n")
		case html.TextToken:
			switch {
			case inTitle:
				e.title += string(z.Text())
			case skipDepth == 0:
				e.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				switch {
				case a != skipTag || tt == html.SelfClosingTagToken:
				case tt == html.StartTagToken:
					skipDepth++
				default:
					skipDepth--
				}
				continue
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math,
				atom.Iframe, atom.Object, atom.Nav, atom.Textarea, atom.Select, atom.Button:
				if tt == html.StartTagToken {
					skipTag, skipDepth = a, 1
				}
				continue
			case atom.Title:
				inTitle = tt == html.StartTagToken
				continue
			}
			if blockElements[a] || a == atom.Br || a == atom.Hr {
				e.flush()
			} else if separatedElements[a] {
				e.soft = true
			}
		}
	}
}
