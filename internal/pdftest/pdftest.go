// Package pdftest writes small PDFs for tests: real files, with a text
// layer that any character round-trips through, so that tests of PDF
// reading need no committed binaries.
package pdftest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Spec describes a PDF: each page a list of lines.
type Spec struct {
	Pages [][]string
	// Title goes into the document information dictionary.
	Title string
	// Encrypted adds a standard security handler whose user password is
	// not empty, so that a reader needs it to open the file.
	Encrypted bool
	// NoText draws a shape on each page instead of its lines, as a scan
	// without a text layer would show an image.
	NoText bool
}

// Build writes a PDF of spec by hand. Its one font maps one-byte codes
// to the characters used, through a ToUnicode CMap, so that any character
// (’ “ ” € –, Cyrillic) comes back from a reader as written. The glyphs
// are Helvetica's, with fixed widths: the text is meant to be extracted,
// not looked at.
func Build(t testing.TB, spec Spec) []byte {
	t.Helper()
	// Code 0x20 is the space, as readers expect; other characters get the
	// codes after it in order of first use.
	codes := map[rune]byte{' ': 0x20}
	var order []rune
	next := 0x21
	for _, lines := range spec.Pages {
		for _, line := range lines {
			for _, r := range line {
				if _, ok := codes[r]; !ok {
					if next > 0xFF {
						t.Fatal("pdftest: more than 222 distinct characters")
					}
					codes[r] = byte(next)
					order = append(order, r)
					next++
				}
			}
		}
	}

	var objs []string // objs[i] is object i+1
	add := func(body string) int {
		objs = append(objs, body)
		return len(objs)
	}
	stream := func(data string) string {
		return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
	}

	catalog := add("") // filled in below
	pagesObj := add("")
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n")
	all := append([]rune{' '}, order...)
	for chunk := range slices.Chunk(all, 100) {
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(chunk))
		for _, r := range chunk {
			fmt.Fprintf(&cmap, "<%02X> <%s>\n", codes[r], utf16Hex(r))
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	toUnicode := add(stream(cmap.String()))
	widths := strings.TrimSpace(strings.Repeat("500 ", 256))
	font := add(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 0 /LastChar 255 /Widths [%s] /ToUnicode %d 0 R >>", widths, toUnicode))

	var kids []string
	for _, lines := range spec.Pages {
		var c strings.Builder
		if spec.NoText {
			c.WriteString("0.5 g 72 72 300 400 re f")
		} else {
			c.WriteString("BT /F1 11 Tf 14 TL 72 760 Td\n")
			for _, line := range lines {
				c.WriteString("<")
				for _, r := range line {
					fmt.Fprintf(&c, "%02X", codes[r])
				}
				c.WriteString("> Tj T*\n")
			}
			c.WriteString("ET")
		}
		contents := add(stream(c.String()))
		page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesObj, font, contents))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	trailer := fmt.Sprintf("/Root %d 0 R", catalog)
	if spec.Title != "" {
		info := add(fmt.Sprintf("<< /Title <FEFF%s> >>", utf16HexString(spec.Title)))
		trailer += fmt.Sprintf(" /Info %d 0 R", info)
	}
	if spec.Encrypted {
		// RC4, 40-bit (V 1, R 2). O and U are not derived from any known
		// password, so the empty user password fails and the file stays
		// closed to a reader without the password, as intended.
		enc := add("<< /Filter /Standard /V 1 /R 2 /P -44 " +
			"/O <" + strings.Repeat("5A", 32) + "> /U <" + strings.Repeat("A5", 32) + "> >>")
		trailer += fmt.Sprintf(" /Encrypt %d 0 R /ID [<%s> <%s>]", enc, strings.Repeat("01", 16), strings.Repeat("01", 16))
	}

	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, body := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

// utf16Hex is r in UTF-16BE as hex digits, as a CMap writes it.
func utf16Hex(r rune) string {
	if r < 0x10000 {
		return fmt.Sprintf("%04X", r)
	}
	r -= 0x10000
	return fmt.Sprintf("%04X%04X", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
}

func utf16HexString(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(utf16Hex(r))
	}
	return b.String()
}

// Write builds a PDF of spec and writes it to the file path, creating its
// folder.
func Write(t testing.TB, path string, spec Spec) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, Build(t, spec), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Report is a two-page report whose second page alone says how many
// engineers were hired (14), in a sentence with Cyrillic in it.
var Report = Spec{Pages: [][]string{
	{"Quarterly report", "This report covers the third quarter of the year."},
	{"Staff", "The company hired 14 engineers in the Київ office this quarter."},
}}
