package corpus

import (
	"strings"
	"testing"
)

func TestReadPPTX(t *testing.T) {
	s1 := slideXML("Roadmap", "We ship version 2 in May.", "Prices stay at €10")
	s2 := slideXML("Team", "Ольга leads the “core” group.")
	s3 := slideXML("", "Questions?")
	table := xmlPI + `<p:sld ` + nsP + `><p:cSld><p:spTree><p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>Region</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>Sales</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>` +
		`<p:sp><p:txBody><a:bodyPr/><a:p><a:r><a:t>Line one</a:t></a:r><a:br/><a:r><a:t>line two</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`
	cell := func(text string) string {
		return `<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>` + text + `</a:t></a:r></a:p></a:txBody></a:tc>`
	}
	grid := xmlPI + `<p:sld ` + nsP + `><p:cSld><p:spTree><p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tblPr firstRow="1" bandRow="1"/>` +
		`<a:tr>` + cell("Region") + cell("Sales") + `</a:tr><a:tr>` + cell("North") + cell("€4 million") + `</a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>`
	tests := []struct {
		name     string
		slides   []string
		listed   []int
		want     string
		headings []string
	}{
		{
			name:     "slides in the deck's order, never glued",
			slides:   []string{s1, s2, s3},
			listed:   []int{2, 1, 3},
			want:     "Team\nОльга leads the “core” group.\n\nRoadmap\nWe ship version 2 in May.\nPrices stay at €10\n\nQuestions?",
			headings: []string{"Team", "Roadmap"},
		},
		{
			// Without presentation.xml, slide10 comes after slide2, whatever
			// the order in the zip.
			name:     "slides by number",
			slides:   []string{s1, s2, s3, s3, s3, s3, s3, s3, s3, slideXML("Last", "The end.")},
			want:     "Roadmap\nWe ship version 2 in May.\nPrices stay at €10\n\nTeam\nОльга leads the “core” group.\n\nQuestions?" + strings.Repeat("\n\nQuestions?", 6) + "\n\nLast\nThe end.",
			headings: []string{"Roadmap", "Team", "Last"},
		},
		{
			name:   "table cells and line breaks",
			slides: []string{table},
			want:   "Region\nSales\nLine one\nline two",
		},
		{
			name:   "a table with a header row is written as Markdown's",
			slides: []string{grid},
			want:   "| Region | Sales |\n| --- | --- |\n| North | €4 million |",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, why := readPPTX(pptxFile(t, tt.slides, tt.listed), LoadOptions{}.zipLimits())
			if why.Reason != "" {
				t.Fatalf("skipped: %+v", why)
			}
			if p.text != tt.want {
				t.Errorf("got text\n%q\nwant\n%q", p.text, tt.want)
			}
			lines := strings.Split(p.text, "\n")
			if len(lines) != len(p.layout) {
				t.Fatalf("got %d lines and %d layout marks", len(lines), len(p.layout))
			}
			var headings []string
			for i, m := range p.layout {
				if m.kind == kindHeading {
					headings = append(headings, lines[i])
				}
			}
			if strings.Join(headings, "|") != strings.Join(tt.headings, "|") {
				t.Errorf("got headings %q, want %q", headings, tt.headings)
			}
		})
	}
}

// FuzzPPTX feeds readPPTX slide parts wrapped in a good deck; see
// FuzzDOCX.
func FuzzPPTX(f *testing.F) {
	f.Add([]byte(slideXML("Title", "Body “text” €5.", "Ольга")))
	f.Add([]byte(`<p:sld><a:tbl><a:tc><a:p><a:t>x</a:t><a:br/></a:p></a:tc></a:tbl><mc:Fallback><a:t>y</a:t></mc:Fallback></p:sld>`))
	f.Add([]byte(`<p:sld><a:tbl><a:tblPr firstRow="1"/><a:tr><a:tc><a:p><a:t>a|b</a:t></a:p></a:tc><a:tc/></a:tr><a:tr><a:tc><a:p><a:t>1</a:t></a:p></a:tc></a:tr></a:tbl></p:sld>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, why := readPPTX(pptxFile(t, []string{string(data), slideXML("", "Second slide.")}, []int{2, 1}), fuzzLimits)
		checkOffice(t, p, why)
	})
}
