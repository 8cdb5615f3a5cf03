package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFormatOf(t *testing.T) {
	tests := []struct {
		source string
		want   format
	}{
		{"a.txt", formatText}, {"dir/b.MD", formatMarkdown}, {"c.markdown", formatMarkdown},
		{"d.HTM", formatHTML}, {"e.html", formatHTML}, {"noext", formatText}, {"dir.md/file", formatText},
		{"f.docx", formatDOCX}, {"g.PPTX", formatPPTX}, {"h.doc", formatText},
	}
	for _, tt := range tests {
		if got := formatOf(tt.source); got != tt.want {
			t.Errorf("formatOf(%q): got %d, want %d", tt.source, got, tt.want)
		}
	}
}

func TestWrapWidth(t *testing.T) {
	wrapped := "The Port of Tallinn opened a second container terminal on Monday, which\n" +
		"doubles the capacity of the harbour to six hundred thousand containers a\n" +
		"year. Officials said the project cost one hundred and twenty million euros\n" +
		"and took two years to build, and that it would open to ships in the\n" +
		"spring.\n"
	long := "See https://example.com/a/very/long/address/that/runs/past/the/wrap/width/of/the/file/and/keeps/going/on/and/on/index.html\n"
	tests := []struct {
		name string
		text string
		want int
	}{
		{"wrapped", wrapped, 72},
		{"one paragraph a line", "A short line.\nAnother short line that ends.\nA third one here.\n", 0},
		{"long lines", strings.Repeat("word ", 40) + "\n" + strings.Repeat("word ", 30), 0},
		{"seed", seedDocs(t)[2].Text, 0},
		{"seed without blank lines", seedDocs(t)[0].Text, 0},
		{"one long line does not hide the wrapping", long + "\n" + wrapped + "\n" + long, 72},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wrapWidth(tt.text, textLines(tt.text)); got != tt.want {
				t.Errorf("got width %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTextBlocks(t *testing.T) {
	type blk struct {
		text string
		kind blockKind
	}
	wrapped := "Tern wraps the go command and records, for every package that imports C,\n" +
		"the exact compiler flags that were used. It was written for teams that\n" +
		"ship one binary to several Linux distributions and need the same build\n" +
		"twice. The #cgo noescape directive may be used to tell\n" +
		"the compiler that no Go pointers escape via the named C function.\n"
	tests := []struct {
		name string
		text string
		want []blk
	}{
		{"wrapped paragraph is one block", wrapped, []blk{{strings.TrimSpace(wrapped), kindPara}}},
		{"blank line ends a paragraph", "First paragraph ends here.\n\nSecond one.", []blk{
			{"First paragraph ends here.", kindPara}, {"Second one.", kindPara}}},
		{"one paragraph a line stays apart", "Estonia ratified it in 2004.\nLatvia followed in 2005.\n", []blk{
			{"Estonia ratified it in 2004.", kindPara}, {"Latvia followed in 2005.", kindPara}}},
		{"short line over a capital is a title", "A Short Title\nThe port opened a second terminal on Monday.", []blk{
			{"A Short Title", kindPara}, {"The port opened a second terminal on Monday.", kindPara}}},
		{"lower-case continuation of a two-line note", "The #cgo noescape directive may be used to tell\nthe compiler that no pointers escape.", []blk{
			{"The #cgo noescape directive may be used to tell\nthe compiler that no pointers escape.", kindPara}}},
		{"comma runs on", "Download a release from the project page, or,\nif you prefer, Build It from source.", []blk{
			{"Download a release from the project page, or,\nif you prefer, Build It from source.", kindPara}}},
		{"menu words stay apart", "twitter\nyoutube\napple store\nplay market\n", []blk{
			{"twitter", kindPara}, {"youtube", kindPara}, {"apple store", kindPara}, {"play market", kindPara}}},
		{"bullets", "Kinds of flags:\n\n  - compiler flags, which are recorded per\n    package;\n  - linker flags.\n", []blk{
			{"Kinds of flags:", kindPara}, {"compiler flags, which are recorded per\n    package;", kindList}, {"linker flags.", kindList}}},
		{"numbered list", "1. Delete the lock file.\n2. Run the build.\n", []blk{
			{"Delete the lock file.", kindList}, {"Run the build.", kindList}}},
		{"lazy list continuation", "   * Redistributions of source code must retain the above copyright\n" +
			"notice, this list of conditions and the following disclaimer in the\n" +
			"documentation, and the same holds for binary forms of the software too.\n", []blk{
			{"Redistributions of source code must retain the above copyright\n" +
				"notice, this list of conditions and the following disclaimer in the\n" +
				"documentation, and the same holds for binary forms of the software too.", kindList}}},
		{"go doc heading", "Package tern pins builds.\n\n# Using tern\n\nRun tern in place of go.", []blk{
			{"Package tern pins builds.", kindPara}, {"Using tern", kindHeading}, {"Run tern in place of go.", kindPara}}},
		{"hash without space is not a heading", "#cgo directives are read from the preamble.", []blk{
			{"#cgo directives are read from the preamble.", kindPara}}},
		{"heading by shape between blank lines", "Installation\n\nDownload a release from the project page.", []blk{
			{"Installation", kindHeading}, {"Download a release from the project page.", kindPara}}},
		{"capitals line is no heading", "MORE STORIES\n\nDownload a release from the project page.", []blk{
			{"MORE STORIES", kindPara}, {"Download a release from the project page.", kindPara}}},
		{"indented code after a colon", "Existing scripts keep working:\n\n    tern build ./...\n    tern test -race ./...\n\nThen commit.", []blk{
			{"Existing scripts keep working:", kindPara}, {"tern build ./...", kindCode}, {"tern test -race ./...", kindCode}, {"Then commit.", kindPara}}},
		{"indented prose in documentation joins", "These settings exist:\n\n" +
			"    clobberfree: setting clobberfree=1 causes the garbage collector to\n" +
			"    clobber the memory content of an object with bad content when it frees\n" +
			"    the object.\n", []blk{
			{"These settings exist:", kindPara},
			{"clobberfree: setting clobberfree=1 causes the garbage collector to\n" +
				"    clobber the memory content of an object with bad content when it frees\n" +
				"    the object.", kindCode}}},
		{"first-line indent", "    The first line of this paragraph is indented as in a letter,\nand the rest is not.", []blk{
			{"The first line of this paragraph is indented as in a letter,\nand the rest is not.", kindPara}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []blk
			for _, b := range textBlocks(tt.text) {
				got = append(got, blk{tt.text[b.span.Start:b.span.End], b.kind})
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("got  %q,\nwant %q", got, tt.want)
			}
		})
	}
}

// loadFixture loads one file of testdata/docs as Load would, cleaned.
func loadFixture(t *testing.T, name string) Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	docs, _, err := Load(context.Background(), fstest.MapFS{name: {Data: data}}, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return docs[0]
}

// fixtureSentences returns the sentences of a loaded document's chunks as
// a reader sees them: line breaks read as spaces.
func fixtureSentences(t *testing.T, d Document) []string {
	t.Helper()
	chunks := Split(d, ChunkOptions{Overlap: -1})
	checkChunks(t, d, chunks, ChunkOptions{Overlap: -1})
	var out []string
	for _, c := range chunks {
		for _, sp := range c.Sentences {
			out = append(out, collapseSpace(d.Text[sp.Start:sp.End]))
		}
	}
	return out
}

// checkFixture loads a file of testdata/docs and checks its title and every
// sentence of its chunks, in order.
func checkFixture(t *testing.T, name, title string, want []string) {
	t.Helper()
	d := loadFixture(t, name)
	if d.Title != title {
		t.Errorf("got title %q, want %q", d.Title, title)
	}
	if got := fixtureSentences(t, d); !slices.Equal(got, want) {
		t.Errorf("got sentences\n%q\nwant\n%q", got, want)
	}
}

// TestHardWrappedManual reads an 80-column manual: paragraphs, headings,
// lists and code as a reader of the file sees them.
func TestHardWrappedManual(t *testing.T) {
	d := loadFixture(t, "manual.txt")
	if want := "Tern: a small tool for pinning cgo builds"; d.Title != want {
		t.Errorf("got title %q, want %q", d.Title, want)
	}
	got := fixtureSentences(t, d)
	for _, want := range []string{
		"Tern: a small tool for pinning cgo builds",
		"Installation",
		"Using tern with the go command",
		"The #cgo noescape directive may be used to tell the compiler that no Go pointers escape via the named C function.",
		"Tern needs Go 1.23.",
		"Older releases lack the toolchain directive it reads.",
		"Version 0.9.4 was the last to support Go 1.21.4 and earlier.",
		"The C type void* is represented by Go's unsafe.Pointer.",
		"Binaries are published for linux/amd64 and linux/arm64; see https://downloads.example.org/tern/releases/latest/checksums/sha256/linux-amd64-and-arm64-binaries-and-signatures.txt for the checksums of every file.",
		"linker flags, which are recorded once for the whole binary, because the linker sees all packages together;",
		"Delete tern.lock.",
		"tern build ./...",
		"The design follows the approach presented by Hans-J. Boehm and Sarita V. Adve for reasoning about shared state, applied to build inputs instead of memory.",
		"Prof. Adve's later work, e.g. on data-race-free models, shaped the rules for flags that depend on each other.",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("got no sentence %q in\n%q", want, got)
		}
	}
	for _, s := range got {
		if strings.HasSuffix(s, " to tell") || strings.HasPrefix(s, "the compiler") {
			t.Errorf("got sentence %q cut at a line break", s)
		}
	}
}
