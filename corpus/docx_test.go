package corpus

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadDOCX(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		extra    []part
		want     string
		headings []string // lines marked as headings, in order
		tables   []string // lines marked as table cells
	}{
		{
			name: "exact text across runs",
			body: `<w:p><w:r><w:t xml:space="preserve">The caf</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>é’s “best” cup costs €3.</w:t></w:r></w:p>` +
				para("", "Привет, мир — Καλημέρα κόσμε.") +
				para("", "Tom & Jerry <3 Ünïcödé."),
			want: "The café’s “best” cup costs €3.\nПривет, мир — Καλημέρα κόσμε.\nTom & Jerry <3 Ünïcödé.",
		},
		{
			name: "tabs and breaks",
			body: `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Name</w:t></w:r><w:r><w:tab/><w:t>Value</w:t></w:r></w:p>` +
				`<w:p><w:r><w:t>First line</w:t><w:br/><w:t>second line</w:t><w:br w:type="page"/></w:r><w:r><w:t>after the page break</w:t></w:r></w:p>`,
			want: "Name\tValue\nFirst line\nsecond line\nafter the page break",
		},
		{
			name: "headings on their own lines",
			body: para("Title", "Annual report") + para("Heading1", "Overview") +
				para("", "Sales rose.") + para("Heading2", "Costs") + para("", "Costs fell."),
			want:     "Annual report\nOverview\nSales rose.\nCosts\nCosts fell.",
			headings: []string{"Annual report", "Overview", "Costs"},
		},
		{
			name: "heading styles named in styles.xml and by outline level",
			body: para("berschrift1", "Einleitung") + para("", "Der Text beginnt hier.") +
				`<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Outlined</w:t></w:r></w:p>`,
			extra:    []part{{"word/styles.xml", xmlPI + `<w:styles ` + nsW + `><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>`}},
			want:     "Einleitung\nDer Text beginnt hier.\nOutlined",
			headings: []string{"Einleitung", "Outlined"},
		},
		{
			name: "table cells are separate lines",
			body: para("", "Prices follow.") +
				`<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr/>` + para("", "Espresso costs €2") + para("", "per cup") + `</w:tc><w:tc>` + para("", "Tea costs €1") + `</w:tc></w:tr>` +
				`<w:tr><w:tc>` + para("", "Row two") + `</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>` +
				para("", "After the table."),
			want:   "Prices follow.\nEspresso costs €2\nper cup\nTea costs €1\nRow two\nAfter the table.",
			tables: []string{"Espresso costs €2", "per cup", "Tea costs €1", "Row two"},
		},
		{
			name: "a table with a header row is written as Markdown's",
			body: para("", "Settings follow.") +
				`<w:tbl><w:tblPr><w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr>` +
				`<w:tr><w:tc>` + para("", "Variable") + `</w:tc><w:tc>` + para("", "Default") + `</w:tc></w:tr>` +
				`<w:tr><w:tc>` + para("", "GOGC") + `</w:tc><w:tc>` + para("", "100") + para("", "(percent)") + `</w:tc></w:tr>` +
				`<w:tr><w:tc>` + para("", "a|b") + `</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>` +
				para("", "After the table."),
			want:   "Settings follow.\n| Variable | Default |\n| --- | --- |\n| GOGC | 100 (percent) |\n| a\\|b |  |\nAfter the table.",
			tables: []string{"| Variable | Default |", "| --- | --- |", "| GOGC | 100 (percent) |", "| a\\|b |  |"},
		},
		{
			name: "a header row repeated on each page, with the old look",
			body: `<w:tbl><w:tblPr><w:tblLook w:val="0000"/></w:tblPr>` +
				`<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc>` + para("", "Flag") + `</w:tc><w:tc>` + para("", "Meaning") + `</w:tc></w:tr>` +
				`<w:tr><w:tc>` + para("", "-v") + `</w:tc><w:tc>` + para("", "Verbose") + `</w:tc></w:tr></w:tbl>`,
			want:   "| Flag | Meaning |\n| --- | --- |\n| -v | Verbose |",
			tables: []string{"| Flag | Meaning |", "| --- | --- |", "| -v | Verbose |"},
		},
		{
			name: "a table in a table is read cell by cell",
			body: `<w:tbl><w:tblPr><w:tblLook w:firstRow="1"/></w:tblPr><w:tr><w:tc>` + para("", "Outer") + `</w:tc><w:tc>` +
				`<w:tbl><w:tr><w:tc>` + para("", "Inner") + `</w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr>` +
				`<w:tr><w:tc>` + para("", "Two") + `</w:tc><w:tc>` + para("", "Three") + `</w:tc></w:tr></w:tbl>`,
			want:   "Outer\nInner\nTwo\nThree",
			tables: []string{"Outer", "Inner", "Two", "Three"},
		},
		{
			name: "hyperlinks and fields keep their shown text",
			body: `<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink r:id="rId5"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>the handbook</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> for details.</w:t></w:r></w:p>` +
				`<w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`,
			want: "See the handbook for details.\nPage 7",
		},
		{
			name: "deletions and moved text are left out, insertions kept",
			body: `<w:p><w:r><w:t xml:space="preserve">Ships </w:t></w:r><w:del w:id="1" w:author="A"><w:r><w:delText>never </w:delText></w:r></w:del><w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve">always </w:t></w:r></w:ins><w:r><w:t>sail.</w:t></w:r></w:p>` +
				`<w:moveFrom w:id="3" w:author="A"><w:p><w:r><w:t>Moved away.</w:t></w:r></w:p></w:moveFrom>`,
			want: "Ships always sail.",
		},
		{
			name: "text box read once, not its fallback copy",
			body: `<w:p><w:r><w:t xml:space="preserve">Before the box. </w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>` + para("", "Inside the box.") + `</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>` + para("", "Inside the box.") + `</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>After it.</w:t></w:r></w:p>`,
			want: "Before the box.\nInside the box.\nAfter it.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, why := readDOCX(docxFile(t, tt.body, tt.extra...), LoadOptions{}.zipLimits())
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
			var headings, tables []string
			for i, m := range p.layout {
				switch m.kind {
				case kindHeading:
					headings = append(headings, lines[i])
				case kindTable:
					tables = append(tables, lines[i])
				}
			}
			if !slices.Equal(headings, tt.headings) {
				t.Errorf("got headings %q, want %q", headings, tt.headings)
			}
			if !slices.Equal(tables, tt.tables) {
				t.Errorf("got table lines %q, want %q", tables, tt.tables)
			}
		})
	}
}

func TestDOCXTitle(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		core      string // dc:title; "" leaves core.xml out
		wantTitle string
		wantText  string
	}{
		{"from core.xml", para("", "Quarterly results") + para("", "Revenue grew by a tenth."), "Quarterly results", "Quarterly results", "Quarterly results\nRevenue grew by a tenth."},
		{"core.xml title not in the text comes first", para("", "Revenue grew by a tenth."), "Q3 “Results” Memo", "Q3 “Results” Memo", "Q3 “Results” Memo\nRevenue grew by a tenth."},
		{"first heading", para("", "Draft, do not share.") + para("Heading1", "Travel policy") + para("", "Book trains for trips under 500 km."), "", "Travel policy", ""},
		{"first line", para("", "Notes from the meeting") + para("", "We agreed to ship on Friday."), "", "Notes from the meeting", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var extra []part
			if tt.core != "" {
				extra = append(extra, part{"docProps/core.xml", coreXML(xmlEscape(tt.core))})
			}
			fsys := fstest.MapFS{"memo.docx": {Data: docxFile(t, tt.body, extra...)}}
			docs, skipped, err := Load(context.Background(), fsys, LoadOptions{Logger: discardLogger()})
			if err != nil {
				t.Fatalf("got error %v, skipped %+v", err, skipped)
			}
			if docs[0].Title != tt.wantTitle {
				t.Errorf("got title %q, want %q", docs[0].Title, tt.wantTitle)
			}
			if tt.wantText != "" && docs[0].Text != tt.wantText {
				t.Errorf("got text %q, want %q", docs[0].Text, tt.wantText)
			}
		})
	}
}

// TestDOCXSentencesStayVerbatim checks that a heading never joins the
// sentence after it, and that every body span and sentence is text of
// Document.Text, as quotes and the source viewer need.
func TestDOCXSentencesStayVerbatim(t *testing.T) {
	body := para("Heading1", "Refund rules") + para("", "Customers get a refund within 30 days. Opened software is excluded.") +
		para("Heading2", "Shipping") + para("", "Orders ship in 2 days.")
	fsys := fstest.MapFS{"policy.docx": {Data: docxFile(t, body)}}
	docs, _, err := Load(context.Background(), fsys, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	doc := docs[0]
	var got []string
	for _, c := range Split(doc, ChunkOptions{}) {
		for _, s := range c.Sentences {
			got = append(got, doc.Text[s.Start:s.End])
		}
	}
	for _, s := range got {
		if strings.Contains(s, "Refund rules Customers") || strings.Contains(s, "Shipping Orders") || strings.Contains(s, "\n") {
			t.Errorf("sentence %q glues a heading to the text after it", s)
		}
	}
	want := "Customers get a refund within 30 days."
	if !slices.Contains(got, want) {
		t.Errorf("got sentences %q, want one to be %q", got, want)
	}
}

// FuzzDOCX feeds readDOCX both whole files and document.xml parts wrapped
// in a good zip: it must never panic, and what it reads must have one
// layout mark a line and no line break inside a line.
func FuzzDOCX(f *testing.F) {
	f.Add([]byte(documentXML(para("Heading1", "Title") + para("", "Body “text” €5."))))
	f.Add([]byte(documentXML(`<w:tbl><w:tr><w:tc>` + para("", "cell") + `</w:tc></w:tr></w:tbl>`)))
	f.Add([]byte(documentXML(`<w:tbl><w:tblPr><w:tblLook w:firstRow="1"/></w:tblPr><w:tr><w:tc>` + para("", "a|b") +
		`</w:tc><w:tc>` + para("", "c") + `</w:tc></w:tr><w:tr><w:tc>` + para("", "1") + `</w:tc><w:tc/></w:tr></w:tbl>`)))
	f.Add([]byte(documentXML(`<w:p><w:r><w:t>a</w:t><w:br/><w:tab/></w:r><mc:AlternateContent><mc:Fallback><w:p/></mc:Fallback></mc:AlternateContent></w:p>`)))
	f.Add(docxFile(f, para("", "A whole file.")))
	f.Add(append([]byte{}, cfbMagic...))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, why := readDOCX(data, fuzzLimits)
		checkOffice(t, p, why)
		p, why = readDOCX(zipParts(t, part{"word/document.xml", string(data)}), fuzzLimits)
		checkOffice(t, p, why)
	})
}

var fuzzLimits = zipLimits{total: 1 << 20, part: 1 << 20, entries: 100}

// checkOffice checks what a fuzzed Office file gave: a reason to skip
// with a kind, or text with one layout mark a line.
func checkOffice(t *testing.T, p page, why Skipped) {
	t.Helper()
	if why.Reason != "" {
		if why.Kind == "" {
			t.Errorf("skipped without a kind: %+v", why)
		}
		return
	}
	if n := strings.Count(p.text, "\n") + 1; n != len(p.layout) {
		t.Errorf("got %d lines and %d layout marks in %q", n, len(p.layout), p.text)
	}
	if strings.ContainsRune(p.text, '\r') {
		t.Errorf("carriage return in %q", p.text)
	}
}
