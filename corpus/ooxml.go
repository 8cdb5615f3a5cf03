package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// Defaults for the limits on Office files (.docx, .pptx), which are zip
// archives: a few kilobytes of zip can inflate to gigabytes (a zip bomb),
// so Load counts what it inflates and refuses a file that passes a limit.
const (
	// DefaultMaxUnzippedSize is the most bytes Load inflates from one
	// Office file when LoadOptions.MaxUnzippedSize is zero.
	DefaultMaxUnzippedSize = 128 << 20
	// DefaultMaxPartSize is the largest part (word/document.xml, one
	// slide) Load inflates when LoadOptions.MaxPartSize is zero.
	DefaultMaxPartSize = 32 << 20
	// DefaultMaxZipEntries is the most entries an Office file may hold
	// when LoadOptions.MaxZipEntries is zero.
	DefaultMaxZipEntries = 10000
	// DefaultMaxOfficeSize is the largest Office file Load reads when
	// LoadOptions.MaxOfficeSize is zero: a report or a deck with
	// screenshots easily passes DefaultMaxFileSize.
	DefaultMaxOfficeSize = 64 << 20
)

// zipLimits bounds an Office file and what is inflated from it.
type zipLimits struct {
	total, part int64
	entries     int
	file        int64 // the file itself, zipped
}

func (o LoadOptions) zipLimits() zipLimits {
	l := zipLimits{total: o.MaxUnzippedSize, part: o.MaxPartSize, entries: o.MaxZipEntries, file: o.MaxOfficeSize}
	if l.file <= 0 {
		l.file = DefaultMaxOfficeSize
	}
	if l.total <= 0 {
		l.total = DefaultMaxUnzippedSize
	}
	if l.part <= 0 {
		l.part = DefaultMaxPartSize
	}
	if l.entries <= 0 {
		l.entries = DefaultMaxZipEntries
	}
	return l
}

// cfbMagic opens an OLE compound file: a legacy .doc or .ppt, or an
// encrypted .docx or .pptx, which Office wraps in such a container.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// officeZip is an opened Office file that hands out its parts within the
// limits, counting every byte it inflates.
type officeZip struct {
	zr    *zip.Reader
	lim   zipLimits
	read  int64 // bytes inflated so far
	kind  string
	byKey map[string]*zip.File
}

// openOffice opens raw as the zip of an Office file of the given kind
// ("DOCX", "PPTX"), or returns why it is skipped.
func openOffice(raw []byte, kind string, lim zipLimits) (*officeZip, Skipped) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, Skipped{Kind: SkipEmpty, Reason: "empty file"}
	}
	if bytes.HasPrefix(raw, cfbMagic[:4]) {
		legacy := ".doc"
		if kind == "PPTX" {
			legacy = ".ppt"
		}
		return nil, Skipped{Kind: SkipEncrypted, Reason: fmt.Sprintf("encrypted or legacy %s: an OLE container, not a %s zip", legacy, kind)}
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// An insecure name (../x) does no harm here: nothing is written.
		return nil, Skipped{Kind: SkipCorrupt, Reason: fmt.Sprintf("corrupt %s: %s", kind, errText(err))}
	}
	if len(zr.File) > lim.entries {
		return nil, Skipped{Kind: SkipTooBig, Reason: fmt.Sprintf("refused %s: %d zip entries (limit %d)", kind, len(zr.File), lim.entries)}
	}
	z := &officeZip{zr: zr, lim: lim, kind: kind, byKey: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		// Part names in an Office file are case-insensitive.
		key := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := z.byKey[key]; !dup {
			z.byKey[key] = f
		}
	}
	return z, Skipped{}
}

// has reports whether the file holds the part name.
func (z *officeZip) has(name string) bool {
	_, ok := z.byKey[strings.ToLower(name)]
	return ok
}

// bombError is a part that would inflate past a limit.
type bombError struct{ what string }

func (e *bombError) Error() string { return "zip bomb: " + e.what }

// part inflates one part. Its declared size is checked first, and the
// bytes actually inflated are counted too, in case the declared size lies
// (archive/zip already fails a read that passes the declared size, which
// makes such a file corrupt rather than a bomb; the count does not rely
// on it).
func (z *officeZip) part(name string) ([]byte, error) {
	f, ok := z.byKey[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("missing part %s", name)
	}
	left := min(z.lim.part, z.lim.total-z.read)
	if f.UncompressedSize64 > uint64(left) {
		return nil, &bombError{fmt.Sprintf("%s declares %d bytes unzipped (%s)", name, f.UncompressedSize64, z.limitText())}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, left+1))
	z.read += int64(len(data))
	if int64(len(data)) > left {
		return nil, &bombError{fmt.Sprintf("%s inflates past %d bytes (%s)", name, left, z.limitText())}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

func (z *officeZip) limitText() string {
	return fmt.Sprintf("limits %d bytes a part, %d a file", z.lim.part, z.lim.total)
}

// skipFor turns an error from reading a part into the reason to skip.
func (z *officeZip) skipFor(err error) Skipped {
	if be, ok := errors.AsType[*bombError](err); ok {
		return Skipped{Kind: SkipTooBig, Reason: fmt.Sprintf("refused %s as a zip bomb: %s", z.kind, be.what)}
	}
	return Skipped{Kind: SkipCorrupt, Reason: fmt.Sprintf("corrupt %s: %s", z.kind, errText(err))}
}

// coreTitle returns dc:title from docProps/core.xml, or "".
func (z *officeZip) coreTitle() (string, error) {
	if !z.has("docProps/core.xml") {
		return "", nil
	}
	data, err := z.part("docProps/core.xml")
	if err != nil {
		return "", err
	}
	var core struct {
		Title string `xml:"http://purl.org/dc/elements/1.1/ title"`
	}
	if err := xml.Unmarshal(data, &core); err != nil {
		return "", nil // a bad core.xml costs only the title
	}
	return collapseSpace(core.Title), nil
}

// officeText gathers the lines of an Office document and what each was.
type officeText struct {
	lines []string
	marks []lineMark
	cur   strings.Builder
	mark  lineMark
}

// flush ends the current line, dropping it when blank.
func (o *officeText) flush() {
	if line := strings.TrimSpace(o.cur.String()); line != "" {
		o.lines = append(o.lines, line)
		o.marks = append(o.marks, o.mark)
	}
	o.cur.Reset()
}

// gap puts a blank line between two groups of lines (two slides), so that
// nothing reads them as one paragraph.
func (o *officeText) gap() {
	o.flush()
	if n := len(o.lines); n > 0 && o.lines[n-1] != "" {
		o.lines = append(o.lines, "")
		o.marks = append(o.marks, lineMark{})
	}
}

// page returns the text with its title: coreTitle when set, else the
// first heading, else the first line. A title that is not a line of the
// text is put first, as for an HTML page, so that it can be searched and
// quoted.
func (o *officeText) page(coreTitle string) page {
	o.flush()
	for len(o.lines) > 0 && o.lines[len(o.lines)-1] == "" {
		o.lines, o.marks = o.lines[:len(o.lines)-1], o.marks[:len(o.marks)-1]
	}
	p := page{title: coreTitle, text: strings.Join(o.lines, "\n"), layout: o.marks}
	if p.title == "" {
		for i, m := range o.marks {
			if m.kind == kindHeading {
				p.title = o.lines[i]
				break
			}
		}
	}
	if p.title == "" && len(o.lines) > 0 {
		p.title = o.lines[0]
	}
	if p.title != "" && strings.TrimSpace(p.text) != "" && !hasLine(p.text, p.title) {
		p.text = p.title + "\n" + p.text
		p.layout = append([]lineMark{{kind: kindHeading, level: 1}}, p.layout...)
	}
	return p
}

// newXMLDecoder reads an Office part, which is UTF-8 in practice but may
// declare another charset.
func newXMLDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charset.NewReaderLabel
	return d
}

// xmlAttr returns the value of the attribute with the local name, or "".
func xmlAttr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// lineText makes text from a part safe for one line: a line break inside
// a text element is white space to Office, and must not split the line
// here, where each line has one layout mark.
func lineText(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
	}
	return s
}

// officeTable is how one Office format marks a table's parts: the
// elements whose text is not the table's, and whether an element says
// that the first row is the header (rows counts the rows begun).
type officeTable struct {
	skip   map[string]bool
	header func(t xml.StartElement, rows int) bool
}

// officeDataTable reads the table (w:tbl, a:tbl) that starts data and
// reports whether it is a table of data with a header row, to be written
// as a Markdown table (writeGrid) so that its rows are read under their
// column names: two rows or more, the first of two cells or more, no
// table inside a cell, and a first row the format marks as the header.
// It returns the cells' text, row by row, the header first; a cell's
// paragraphs are joined by spaces. Other tables are read cell by cell.
func officeDataTable(data []byte, f officeTable) ([][]string, bool) {
	d := newXMLDecoder(data)
	var (
		rows               [][]string
		cell               strings.Builder
		depth              int
		inT, inCell, paras bool
		header             bool
	)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch name := t.Name.Local; {
			case f.skip[name]:
				if err := d.Skip(); err != nil {
					return nil, false
				}
			case name == "tbl":
				if depth++; depth > 1 {
					return nil, false
				}
			case name == "tr":
				rows = append(rows, nil)
			case name == "tc":
				cell.Reset()
				inCell, paras = true, false
			case name == "p":
				if inCell && paras {
					cell.WriteByte(' ')
				}
				paras = true
			case name == "t":
				inT = true
			case name == "tab" || name == "br" || name == "cr":
				cell.WriteByte(' ')
			case name == "noBreakHyphen":
				cell.WriteByte('-')
			default:
				header = header || f.header(t, len(rows))
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "tbl":
				return rows, len(rows) >= 2 && len(rows[0]) >= 2 && header
			case "tc":
				if n := len(rows); n > 0 && inCell {
					rows[n-1] = append(rows[n-1], strings.Join(strings.Fields(cell.String()), " "))
				}
				inCell = false
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT && inCell {
				cell.WriteString(lineText(string(t)))
			}
		}
	}
}

// grid writes the table that starts data, whose start tag d has just
// read, as a Markdown table when it is a table of data with a header row
// (officeDataTable), and then skips it in d; any other table is left for
// the caller to read cell by cell.
func (o *officeText) grid(d *xml.Decoder, data []byte, f officeTable) error {
	rows, ok := officeDataTable(data, f)
	if !ok {
		return nil
	}
	o.flush()
	writeGrid(o, rows)
	return d.Skip()
}

// writeGrid writes a table's rows as Markdown's, one line a row between
// pipes, the first followed by a delimiter row, each line marked as a
// table's (see pageBlocks).
func writeGrid(out *officeText, rows [][]string) {
	esc := strings.NewReplacer("|", `\|`)
	for i, row := range rows {
		out.mark = lineMark{kind: kindTable}
		out.cur.WriteString("|")
		for _, c := range row {
			out.cur.WriteString(" " + esc.Replace(c) + " |")
		}
		out.flush()
		if i == 0 {
			out.lines = append(out.lines, "|"+strings.Repeat(" --- |", len(row)))
			out.marks = append(out.marks, lineMark{kind: kindTable})
		}
	}
	out.mark = lineMark{}
}
