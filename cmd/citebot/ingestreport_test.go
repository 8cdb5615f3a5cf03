package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/pdftest"
)

func TestWriteIngestReport(t *testing.T) {
	docs := []corpus.Document{
		{Source: "a.txt"}, {Source: "notes/b.md"}, {Source: "c.markdown"},
		{Source: "q3.pdf", Pages: []int{0, 120}}, {Source: "q4.PDF", Pages: []int{0, 80, 200}},
	}
	skipped := []corpus.Skipped{
		{Source: "z.pdf", Kind: corpus.SkipEncrypted, Reason: "encrypted PDF (needs a password)"},
		{Source: "bad\nname.docx", Kind: corpus.SkipCorrupt, Reason: "corrupt Word file"},
	}
	var b strings.Builder
	writeIngestReport(&b, docs, skipped)
	got := b.String()
	for _, want := range []string{
		"read  files  pages\n",
		"md    2      -\n",
		"pdf   2      5\n",
		"txt   1      -\n",
		"skipped 2:\n",
		"  bad?name.docx  corrupt Word file\n",
		"  z.pdf          encrypted PDF (needs a password)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q; got\n%s", want, got)
		}
	}
	b.Reset()
	writeIngestReport(&b, docs[:1], nil)
	if strings.Contains(b.String(), "skipped") {
		t.Errorf("got %q, want no skipped section when nothing was skipped", b.String())
	}
}

// TestIngestReportsWhatItReadAndSkipped runs ingest as a user would over a
// folder with a text file, a PDF and files it must skip.
func TestIngestReportsWhatItReadAndSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("notes.txt", []byte("The depot opened in 1961. It closed in 1999.\n"))
	write("empty.txt", nil)
	write("blob.txt", []byte{0, 1, 2, 3, 0, 0, 7})
	pdftest.Write(t, filepath.Join(dir, "q3.pdf"), pdftest.Report)
	pdftest.Write(t, filepath.Join(dir, "locked.pdf"), pdftest.Spec{Pages: [][]string{{"Secret."}}, Encrypted: true})
	code, out, errs := runCmd(t, "ingest", "--corpus", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"pdf   1      2", "txt   1      -", "skipped 3:", "blob.txt", "empty.txt", "locked.pdf"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestIngestHonoursThePDFPageLimit checks that CITEBOT_MAX_PDF_PAGES
// reaches the PDF reader: a two-page report over a one-page limit is
// skipped as too big, and reported.
func TestIngestHonoursThePDFPageLimit(t *testing.T) {
	dir := t.TempDir()
	pdftest.Write(t, filepath.Join(dir, "q3.pdf"), pdftest.Report)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("The depot opened in 1961.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CITEBOT_MAX_PDF_PAGES", "1")
	code, out, errs := runCmd(t, "ingest", "--corpus", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "skipped 1:") || !strings.Contains(out, "q3.pdf") || strings.Contains(out, "pdf   1") {
		t.Errorf("want q3.pdf skipped over the page limit; got\n%s", out)
	}
}
