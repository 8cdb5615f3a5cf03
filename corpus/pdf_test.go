package corpus

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/citebot/citebot/internal/pdftest"
)

// loadPDFs loads files, read as a corpus, with opts (and the shared
// PDFium cache unless opts names one).
func loadPDFs(t *testing.T, files map[string][]byte, opts LoadOptions) ([]Document, []Skipped) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	opts.Logger = discardLogger()
	if opts.PDFCacheDir == "" {
		opts.PDFCacheDir = testPDFCache
	}
	docs, skipped, err := Load(context.Background(), fsys, opts)
	if err != nil && err != ErrNoDocuments {
		t.Fatal(err)
	}
	return docs, skipped
}

func TestReadPDFText(t *testing.T) {
	pages := [][]string{
		{"Quarterly report", "Revenue rose to €4.2 million – a “record” quarter, the board’s view."},
		{"Київ office", "Офіс у Києві відкривається о 9:00."},
		{"Outlook", "We expect growth of 8% next year."},
	}
	docs, skipped := loadPDFs(t, map[string][]byte{"reports/q3.pdf": pdftest.Build(t, pdftest.Spec{Pages: pages, Title: "Quarterly report"})}, LoadOptions{})
	if len(skipped) != 0 || len(docs) != 1 {
		t.Fatalf("got %d documents, skipped %+v; want 1 document", len(docs), skipped)
	}
	d := docs[0]
	if d.Title != "Quarterly report" {
		t.Errorf("got title %q, want %q", d.Title, "Quarterly report")
	}
	var want []string
	for _, p := range pages {
		want = append(want, strings.Join(p, "\n"))
	}
	if got := d.Text; got != strings.Join(want, pdfPageSep) {
		t.Errorf("got text\n%q\nwant\n%q", got, strings.Join(want, pdfPageSep))
	}
	if len(d.Pages) != len(pages) {
		t.Fatalf("got page starts %v, want %d pages", d.Pages, len(pages))
	}
	for i, p := range pages {
		start := d.Pages[i]
		if !strings.HasPrefix(d.Text[start:], p[0]) {
			t.Errorf("page %d starts at %d with %q, want %q", i+1, start, d.Text[start:min(len(d.Text), start+20)], p[0])
		}
		for _, line := range p {
			at := strings.Index(d.Text, line)
			if got := d.PageAt(at); got != i+1 {
				t.Errorf("PageAt(%d) for %q: got page %d, want %d", at, line, got, i+1)
			}
		}
	}
}

func TestPageAt(t *testing.T) {
	pages := []int{0, 10, 25}
	tests := []struct{ offset, want int }{{0, 1}, {9, 1}, {10, 2}, {24, 2}, {25, 3}, {1000, 3}}
	for _, tt := range tests {
		if got := PageAt(pages, tt.offset); got != tt.want {
			t.Errorf("PageAt(%v, %d): got %d, want %d", pages, tt.offset, got, tt.want)
		}
	}
	if got := PageAt(nil, 5); got != 0 {
		t.Errorf("PageAt(nil, 5): got %d, want 0", got)
	}
	if got := (Document{}).PageAt(3); got != 0 {
		t.Errorf("Document without Pages: got page %d, want 0", got)
	}
}

func TestBadPDFsSkipped(t *testing.T) {
	good := pdftest.Build(t, pdftest.Spec{Pages: [][]string{{"The good report says the pump runs at 40 bar."}}})
	three := pdftest.Build(t, pdftest.Spec{Pages: [][]string{{"One."}, {"Two."}, {"Three."}}})
	files := map[string][]byte{
		"good.pdf":      good,
		"locked.pdf":    pdftest.Build(t, pdftest.Spec{Pages: [][]string{{"Secret figures."}}, Encrypted: true}),
		"scan.pdf":      pdftest.Build(t, pdftest.Spec{Pages: [][]string{{"x"}, {"y"}}, NoText: true}),
		"empty.pdf":     nil,
		"garbage.pdf":   []byte("%PDF-1.7\nthis is not a PDF at all, just words\n"),
		"notapdf.pdf":   []byte("GIF89a\x01\x00\x01\x00"),
		"truncated.pdf": good[:len(good)/3],
		"long.pdf":      three,
		"big.pdf":       append(append([]byte{}, good...), make([]byte, 4000)...),
	}
	docs, skipped := loadPDFs(t, files, LoadOptions{MaxPDFPages: 2, MaxPDFSize: int64(len(good) + 1000)})
	if len(docs) != 1 || docs[0].Source != "good.pdf" {
		t.Errorf("got documents %v, want good.pdf only", sourcesOf(docs))
	}
	want := map[string]struct {
		kind   SkipKind
		reason string
	}{
		"locked.pdf":    {SkipEncrypted, "encrypted"},
		"scan.pdf":      {SkipNoText, "no text in PDF (scanned? OCR is out of scope)"},
		"empty.pdf":     {SkipEmpty, "empty"},
		"garbage.pdf":   {SkipCorrupt, "corrupt PDF"},
		"notapdf.pdf":   {SkipCorrupt, "corrupt PDF"},
		"truncated.pdf": {SkipCorrupt, "corrupt PDF"},
		"long.pdf":      {SkipTooBig, "3 pages (limit 2)"},
		"big.pdf":       {SkipTooBig, "too big"},
	}
	got := map[string]Skipped{}
	for _, s := range skipped {
		got[s.Source] = s
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			s, ok := got[name]
			if !ok {
				t.Fatalf("not skipped, want %s", w.kind)
			}
			if s.Kind != w.kind || !strings.Contains(s.Reason, w.reason) {
				t.Errorf("got %s (%q), want %s with %q", s.Kind, s.Reason, w.kind, w.reason)
			}
		})
	}
	if len(skipped) != len(want) {
		t.Errorf("got %d skipped, want %d: %+v", len(skipped), len(want), skipped)
	}
}

func TestPDFCompilationCache(t *testing.T) {
	pdf := pdftest.Build(t, pdftest.Report)
	t.Run("kept in the dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "pdfium")
		for i := range 2 {
			docs, skipped := loadPDFs(t, map[string][]byte{"q3.pdf": pdf}, LoadOptions{PDFCacheDir: dir})
			if len(docs) != 1 || len(skipped) != 0 {
				t.Fatalf("load %d: got %d documents, skipped %+v; want q3.pdf read", i+1, len(docs), skipped)
			}
			if n := filesUnder(t, dir); n == 0 {
				t.Fatalf("load %d: no compiled code in %s", i+1, dir)
			}
		}
	})
	t.Run("unusable dir", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		docs, skipped := loadPDFs(t, map[string][]byte{"q3.pdf": pdf}, LoadOptions{PDFCacheDir: file})
		if len(docs) != 1 || len(skipped) != 0 {
			t.Fatalf("got %d documents, skipped %+v; want q3.pdf read without the cache", len(docs), skipped)
		}
	})
}

// filesUnder counts the regular files under dir.
func filesUnder(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// FuzzReadPDF checks that no file makes the PDF reader fail other than by
// skipping it, and that what it reads is consistent: text, and pages that
// start in order within it.
func FuzzReadPDF(f *testing.F) {
	good := pdftest.Build(f, pdftest.Report)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(pdftest.Build(f, pdftest.Spec{Pages: [][]string{{"Secret."}}, Encrypted: true}))
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	e := newPDFEngine(LoadOptions{PDFCacheDir: testPDFCache}, discardLogger())
	f.Cleanup(func() { e.Close() })
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, why := e.readPDF(context.Background(), raw)
		if why.Reason != "" {
			if why.Kind == "" {
				t.Errorf("skipped without a kind: %q", why.Reason)
			}
			return
		}
		if strings.TrimSpace(got.text) == "" || len(got.pages) == 0 || got.pages[0] != 0 {
			t.Fatalf("read %d pages starting %v of text %q", len(got.pages), got.pages, got.text)
		}
		for i := 1; i < len(got.pages); i++ {
			if got.pages[i] < got.pages[i-1] || got.pages[i] > len(got.text) {
				t.Fatalf("page starts %v out of order or past the text (%d bytes)", got.pages, len(got.text))
			}
		}
	})
}
