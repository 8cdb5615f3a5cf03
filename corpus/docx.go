package corpus

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readDOCX extracts a Word document for Load: one paragraph a line, with
// its title (see officeText.page), or the reason to skip the file.
//
// Runs are joined as written; a tab is a tab, and a line break (w:br,
// w:cr) ends the line, as <br> does in HTML. Hyperlinks keep their text.
// Each paragraph of a table cell is a line of its own, so neither cells
// nor sentences run together. Paragraphs styled as headings (Heading 1–9,
// Title, or with an outline level) are lines marked as headings. Deleted
// and moved-away revisions, field codes and the fallback copies of
// drawings are left out; text boxes are read.
func readDOCX(raw []byte, lim zipLimits) (page, Skipped) {
	z, why := openOffice(raw, "DOCX", lim)
	if why.Reason != "" {
		return page{}, why
	}
	if !z.has("word/document.xml") {
		return page{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt DOCX: no word/document.xml"}
	}
	var styles map[string]int
	if z.has("word/styles.xml") {
		data, err := z.part("word/styles.xml")
		if err != nil {
			return page{}, z.skipFor(err)
		}
		styles = headingStyles(data) // a bad styles.xml costs only heading marks
	}
	data, err := z.part("word/document.xml")
	if err != nil {
		return page{}, z.skipFor(err)
	}
	var out officeText
	if err := docxText(data, styles, &out); err != nil {
		return page{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt DOCX: word/document.xml: " + err.Error()}
	}
	title, err := z.coreTitle()
	if err != nil {
		return page{}, z.skipFor(err)
	}
	p := out.page(title)
	if strings.TrimSpace(p.text) == "" {
		return page{}, Skipped{Kind: SkipNoText, Reason: "no text in DOCX"}
	}
	return p, Skipped{}
}

// headingStyles maps the ids of word/styles.xml's paragraph styles that
// are headings to their level. Word writes the id in the user's language
// ("berschrift1"), but the name stays "heading 1".
func headingStyles(data []byte) map[string]int {
	var doc struct {
		Styles []struct {
			Type    string  `xml:"type,attr"`
			ID      string  `xml:"styleId,attr"`
			Name    valAttr `xml:"name"`
			Outline valAttr `xml:"pPr>outlineLvl"`
		} `xml:"style"`
	}
	if err := newXMLDecoder(data).Decode(&doc); err != nil {
		return nil
	}
	out := map[string]int{}
	for _, s := range doc.Styles {
		if s.Type != "" && s.Type != "paragraph" {
			continue
		}
		if lvl := headingLevelOf(s.Name.Val); lvl > 0 {
			out[s.ID] = lvl
		} else if n, err := strconv.Atoi(s.Outline.Val); err == nil && n >= 0 && n < 9 {
			out[s.ID] = n + 1
		}
	}
	return out
}

// valAttr is an element whose w:val attribute is its value.
type valAttr struct {
	Val string `xml:"val,attr"`
}

// headingLevelOf returns the level of a heading style's id or name
// ("Heading2", "heading 2", "Title"), or 0.
func headingLevelOf(style string) int {
	s := strings.ToLower(strings.ReplaceAll(style, " ", ""))
	if s == "title" {
		return 1
	}
	if rest, ok := strings.CutPrefix(s, "heading"); ok && len(rest) == 1 && rest[0] >= '1' && rest[0] <= '9' {
		return int(rest[0] - '0')
	}
	return 0
}

// docxText reads word/document.xml into out.
func docxText(data []byte, styles map[string]int, out *officeText) error {
	d := newXMLDecoder(data)
	var (
		marks []lineMark // the enclosing paragraphs' marks (text boxes nest)
		cells int        // depth of table cells
		run   int        // depth of runs
		inT   bool       // inside w:t
	)
	for {
		at := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				if cells == 0 { // a table in a cell is read cell by cell
					if err := out.grid(d, data[at:], docxTable); err != nil {
						return err
					}
				}
			case "Fallback", "instrText", "delText", "delInstrText", "moveFrom", "rPr", "sectPr":
				// Copies, codes and removed text are not the text read.
				if err := d.Skip(); err != nil {
					return err
				}
			case "p":
				out.flush() // a text box's paragraph ends the text before it
				marks = append(marks, out.mark)
				out.mark = lineMark{}
				if cells > 0 {
					out.mark.kind = kindTable
				}
			case "pPr":
				if err := readParaProps(d, t, styles, &out.mark); err != nil {
					return err
				}
			case "tc":
				cells++
			case "r":
				run++
			case "t":
				inT = run > 0
			case "tab":
				if run > 0 {
					out.cur.WriteByte('\t')
				}
			case "br", "cr":
				if run > 0 {
					out.flush()
				}
			case "noBreakHyphen":
				out.cur.WriteByte('-')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p":
				out.flush()
				if n := len(marks); n > 0 {
					out.mark, marks = marks[n-1], marks[:n-1]
				}
			case "tc":
				out.flush()
				cells = max(cells-1, 0)
			case "r":
				run = max(run-1, 0)
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				out.cur.WriteString(lineText(string(t)))
			}
		}
	}
	return nil
}

// readParaProps reads a w:pPr element, whose start d just read, and marks
// a heading paragraph.
func readParaProps(d *xml.Decoder, start xml.StartElement, styles map[string]int, m *lineMark) error {
	var pr struct {
		Style   valAttr `xml:"pStyle"`
		Outline valAttr `xml:"outlineLvl"`
	}
	if err := d.DecodeElement(&pr, &start); err != nil {
		return fmt.Errorf("paragraph properties: %w", err)
	}
	lvl := styles[pr.Style.Val]
	if lvl == 0 {
		lvl = headingLevelOf(pr.Style.Val)
	}
	if n, err := strconv.Atoi(pr.Outline.Val); err == nil && n >= 0 && n < 9 {
		lvl = n + 1
	}
	if lvl > 0 {
		m.kind, m.level = kindHeading, lvl
	}
	return nil
}

// docxTable is how a Word table says which row is its header: one
// repeated on each page (w:tblHeader on the first row), or the table
// style's header row (w:tblLook), which Word turns on for a new table.
var docxTable = officeTable{
	skip: map[string]bool{"Fallback": true, "instrText": true, "delText": true, "delInstrText": true,
		"moveFrom": true, "rPr": true, "sectPr": true},
	header: func(t xml.StartElement, rows int) bool {
		switch t.Name.Local {
		case "tblLook":
			return lookFirstRow(t)
		case "tblHeader":
			return rows == 1 && onOff(t)
		}
		return false
	},
}

// lookFirstRow reports whether a w:tblLook turns on the header row's
// formatting: w:firstRow="1", or bit 0x0020 of the older w:val.
func lookFirstRow(t xml.StartElement) bool {
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "firstRow":
			return a.Value == "1" || a.Value == "true" || a.Value == "on"
		case "val":
			if v, err := strconv.ParseUint(a.Value, 16, 32); err == nil && v&0x0020 != 0 {
				return true
			}
		}
	}
	return false
}

// onOff reads a Word on/off element: on unless w:val says otherwise.
func onOff(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if a.Name.Local == "val" {
			return a.Value != "0" && a.Value != "false" && a.Value != "off"
		}
	}
	return true
}
