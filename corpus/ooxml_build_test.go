package corpus

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// part is one named part of a zip built by a test.
type part struct{ name, data string }

// zipParts writes the parts, in order, into a zip archive.
func zipParts(t testing.TB, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	nsW   = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"`
	nsP   = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	xmlPI = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// documentXML wraps WordprocessingML body content in word/document.xml.
func documentXML(body string) string {
	return xmlPI + `<w:document ` + nsW + `><w:body>` + body + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
}

// coreXML is docProps/core.xml with the title.
func coreXML(title string) string {
	return xmlPI + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` + title + `</dc:title><dc:creator>Test</dc:creator></cp:coreProperties>`
}

// docxFile builds a minimal Word file whose body is body, with any extra
// parts (docProps/core.xml, word/styles.xml) after the required ones.
func docxFile(t testing.TB, body string, extra ...part) []byte {
	t.Helper()
	parts := []part{
		{"[Content_Types].xml", xmlPI + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", xmlPI + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", documentXML(body)},
	}
	return zipParts(t, append(parts, extra...)...)
}

// para is a w:p of one run of text, with the paragraph style when set.
func para(style, text string) string {
	pr := ""
	if style != "" {
		pr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + pr + `<w:r><w:t xml:space="preserve">` + xmlEscape(text) + `</w:t></w:r></w:p>`
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slideXML is a slide with a title placeholder and body paragraphs.
func slideXML(title string, paras ...string) string {
	var b strings.Builder
	b.WriteString(xmlPI + `<p:sld ` + nsP + `><p:cSld><p:spTree>`)
	if title != "" {
		b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:bodyPr/><a:p><a:r><a:rPr lang="en-US"/><a:t>` + xmlEscape(title) + `</a:t></a:r></a:p></p:txBody></p:sp>`)
	}
	b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="3" name="Content 2"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody><a:bodyPr/>`)
	for _, p := range paras {
		b.WriteString(`<a:p><a:pPr lvl="0"/><a:r><a:rPr lang="en-US"/><a:t>` + xmlEscape(p) + `</a:t></a:r><a:endParaRPr lang="en-US"/></a:p>`)
	}
	b.WriteString(`</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`)
	return b.String()
}

// pptxFile builds a deck of the slides; when listed is not nil,
// presentation.xml lists the slides in that order (numbers into slides,
// from 1), else it is left out and the part names give the order.
func pptxFile(t testing.TB, slides []string, listed []int, extra ...part) []byte {
	t.Helper()
	parts := []part{{"[Content_Types].xml", xmlPI + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`}}
	// The slides go in last first, so that the zip's order gives nothing
	// away.
	for i := len(slides) - 1; i >= 0; i-- {
		parts = append(parts, part{fmt.Sprintf("ppt/slides/slide%d.xml", i+1), slides[i]})
	}
	if listed != nil {
		var ids, rels strings.Builder
		for i, n := range listed {
			fmt.Fprintf(&ids, `<p:sldId id="%d" r:id="rId%d"/>`, 256+i, 10+n)
			fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide%d.xml"/>`, 10+n, n)
		}
		parts = append(parts,
			part{"ppt/presentation.xml", xmlPI + `<p:presentation ` + nsP + `><p:sldIdLst>` + ids.String() + `</p:sldIdLst></p:presentation>`},
			part{"ppt/_rels/presentation.xml.rels", xmlPI + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`})
	}
	return zipParts(t, append(parts, extra...)...)
}
