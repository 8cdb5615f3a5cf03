package corpus

import (
	"encoding/xml"
	"errors"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
)

// readPPTX extracts a PowerPoint deck for Load: the text of each slide in
// the deck's order, one paragraph a line, with a blank line between
// slides so that no two slides run together. A slide's title placeholder
// is a heading line; table cells are lines of their own. Speaker notes
// are not read.
func readPPTX(raw []byte, lim zipLimits) (page, Skipped) {
	z, why := openOffice(raw, "PPTX", lim)
	if why.Reason != "" {
		return page{}, why
	}
	slides, err := z.slideOrder()
	if err != nil {
		return page{}, z.skipFor(err)
	}
	if len(slides) == 0 {
		return page{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt PPTX: no slides"}
	}
	var out officeText
	for _, name := range slides {
		data, err := z.part(name)
		if err != nil {
			return page{}, z.skipFor(err)
		}
		out.gap()
		if err := slideText(data, &out); err != nil {
			return page{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt PPTX: " + name + ": " + err.Error()}
		}
	}
	title, err := z.coreTitle()
	if err != nil {
		return page{}, z.skipFor(err)
	}
	p := out.page(title)
	if strings.TrimSpace(p.text) == "" {
		return page{}, Skipped{Kind: SkipNoText, Reason: "no text in PPTX"}
	}
	return p, Skipped{}
}

// slideOrder returns the slide parts in the order of the deck's slide
// list (ppt/presentation.xml and its relationships), or, when that cannot
// be read, ppt/slides/slideN.xml by N.
func (z *officeZip) slideOrder() ([]string, error) {
	if z.has("ppt/presentation.xml") && z.has("ppt/_rels/presentation.xml.rels") {
		pres, err := z.part("ppt/presentation.xml")
		if err != nil {
			return nil, err
		}
		rels, err := z.part("ppt/_rels/presentation.xml.rels")
		if err != nil {
			return nil, err
		}
		if order := listedSlides(pres, rels); len(order) > 0 {
			kept := order[:0]
			for _, name := range order {
				if z.has(name) {
					kept = append(kept, name)
				}
			}
			if len(kept) > 0 {
				return kept, nil
			}
		}
	}
	type numbered struct {
		n    int
		name string
	}
	var found []numbered
	for _, f := range z.zr.File {
		name := strings.TrimPrefix(f.Name, "/")
		dir, file := path.Split(name)
		if !strings.EqualFold(dir, "ppt/slides/") {
			continue
		}
		num, ok := strings.CutPrefix(strings.ToLower(file), "slide")
		num, ok2 := strings.CutSuffix(num, ".xml")
		if n, err := strconv.Atoi(num); ok && ok2 && err == nil {
			found = append(found, numbered{n, name})
		}
	}
	slices.SortFunc(found, func(a, b numbered) int { return a.n - b.n })
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.name
	}
	return out, nil
}

// listedSlides returns the slide part names of presentation.xml's
// sldIdLst, in its order, resolved through the relationships.
func listedSlides(pres, rels []byte) []string {
	var list struct {
		IDs []struct {
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sldIdLst>sldId"`
	}
	var targets struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if newXMLDecoder(pres).Decode(&list) != nil || newXMLDecoder(rels).Decode(&targets) != nil {
		return nil
	}
	byID := map[string]string{}
	for _, r := range targets.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("ppt", t)
		}
		byID[r.ID] = t
	}
	var out []string
	for _, s := range list.IDs {
		for _, a := range s.Attrs {
			// r:id names the relationship; the bare id is a number.
			if a.Name.Local == "id" && a.Name.Space != "" {
				if t, ok := byID[a.Value]; ok {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// slideText reads one slide's part into out.
func slideText(data []byte, out *officeText) error {
	d := newXMLDecoder(data)
	var (
		title bool // the shape being read is the slide's title
		cells int  // depth of table cells
		inT   bool
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
					if err := out.grid(d, data[at:], pptxTable); err != nil {
						return err
					}
				}
			case "Fallback", "rPr", "pPr", "endParaRPr", "extLst":
				if err := d.Skip(); err != nil {
					return err
				}
			case "sp":
				title = false
			case "ph":
				typ := xmlAttr(t, "type")
				title = typ == "title" || typ == "ctrTitle"
			case "tc":
				cells++
			case "p":
				out.flush()
				out.mark = lineMark{}
				switch {
				case title:
					out.mark.kind, out.mark.level = kindHeading, 2
				case cells > 0:
					out.mark.kind = kindTable
				}
			case "t":
				inT = true
			case "br":
				out.flush()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p", "tc":
				out.flush()
				if t.Name.Local == "tc" {
					cells = max(cells-1, 0)
				}
			case "sp":
				title = false
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				out.cur.WriteString(lineText(string(t)))
			}
		}
	}
	out.flush()
	return nil
}

// pptxTable is how a slide's table says that its first row is the
// header: a:tblPr firstRow="1", which PowerPoint sets on a new table.
var pptxTable = officeTable{
	skip: map[string]bool{"Fallback": true, "rPr": true, "pPr": true, "endParaRPr": true, "extLst": true},
	header: func(t xml.StartElement, rows int) bool {
		v := xmlAttr(t, "firstRow")
		return t.Name.Local == "tblPr" && (v == "1" || v == "true")
	},
}
