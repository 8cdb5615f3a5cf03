package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

const article = "A Headline About Baltic Ports\nThe port opened a second terminal on Monday.\n"

func TestLoadSeeds(t *testing.T) {
	docs, skipped, err := Load(context.Background(), Default(), LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Errorf("got skipped %v, want none", skipped)
	}
	if len(docs) != 5 {
		t.Fatalf("got %d documents, want 5", len(docs))
	}
	for i, d := range docs {
		if i > 0 && docs[i-1].Source >= d.Source {
			t.Errorf("got %q after %q, want sorted by Source", d.Source, docs[i-1].Source)
		}
		raw, err := fs.ReadFile(Default(), d.Source)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if d.Hash != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: got hash %s, want the SHA-256 of the file", d.Source, d.Hash)
		}
		if d.Text != string(raw) {
			t.Errorf("%s: got Text changed, want the file's text (it is clean UTF-8 with LF)", d.Source)
		}
		checkBody(t, d)
	}
	if docs[0].Source != "000_2bc005b4439df7f9.txt" {
		t.Errorf("got first source %q, want the plain file name", docs[0].Source)
	}
}

func TestLoadSkipsBadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"good.txt":                {Data: []byte(article)},
		"sub/deeper/note.MD":      {Data: []byte("# A Markdown Title Here\n\nSome text in markdown.\n")},
		"page.HTM":                {Data: []byte("<html><body><h1>Page Title Here</h1><p>Page text.</p></body></html>")},
		"empty.txt":               {Data: []byte{}},
		"blank.md":                {Data: []byte(" \n\t\r\n")},
		"binary.txt":              {Data: []byte("PK\x03\x04\x00\x00binary")},
		"noise.txt":               {Data: bytes.Repeat([]byte{0x01, 0x02, 0x80, 0xff}, 100)},
		"image.png":               {Data: []byte("\x89PNG")},
		"README":                  {Data: []byte(article)},
		"big.txt":                 {Data: bytes.Repeat([]byte("a "), 600)},
		"menu.html":               {Data: []byte("<nav>Home</nav><script>x()</script>")},
		".hidden.txt":             {Data: []byte(article)},
		".git/config.txt":         {Data: []byte(article)},
		"sub/.cache/x.txt":        {Data: []byte(article)},
		"boilerplate-only.txt":    {Data: []byte("Follow us on Twitter\nSubscribe to our newsletter\n")},
		"dir.txt/inside.txt":      {Data: []byte(article)},
		"sub/deeper/another.html": {Data: []byte("<title>Only A Title Page</title><p>And a line of text.</p>")},
	}
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, nil))
	docs, skipped, err := Load(context.Background(), fsys, LoadOptions{MaxFileSize: 1000, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	sources := sourcesOf(docs)
	wantDocs := []string{"dir.txt/inside.txt", "good.txt", "page.HTM", "sub/deeper/another.html", "sub/deeper/note.MD"}
	if !slices.Equal(sources, wantDocs) {
		t.Errorf("got documents %q, want %q", sources, wantDocs)
	}
	wantSkipped := map[string]Skipped{
		"README":               {Kind: SkipUnsupported, Reason: "unsupported file type (no extension)"},
		"big.txt":              {Kind: SkipTooBig, Reason: "too big: 1200 bytes (limit 1000)"},
		"binary.txt":           {Kind: SkipBinary, Reason: "binary file"},
		"blank.md":             {Kind: SkipEmpty, Reason: "empty file"},
		"boilerplate-only.txt": {Kind: SkipNoText, Reason: "no article text after removing boilerplate"},
		"empty.txt":            {Kind: SkipEmpty, Reason: "empty file"},
		"image.png":            {Kind: SkipUnsupported, Reason: `unsupported file type ".png"`},
		"menu.html":            {Kind: SkipNoText, Reason: "no text in HTML"},
		"noise.txt":            {Kind: SkipBinary, Reason: "binary file"},
	}
	got := map[string]Skipped{}
	for _, s := range skipped {
		got[s.Source] = s
	}
	for src, want := range wantSkipped {
		want.Source = src
		if got[src] != want {
			t.Errorf("%s: got %+v, want %+v", src, got[src], want)
		}
	}
	if len(got) != len(wantSkipped) {
		t.Errorf("got skipped %v, want exactly %v", got, wantSkipped)
	}
	// One info line per file: the caller summarises them as a warning.
	for src := range wantSkipped {
		if !strings.Contains(logBuf.String(), "level=INFO msg=\"corpus: skipped file\" source="+src+" ") {
			t.Errorf("got no info line logged for %s in:\n%s", src, logBuf.String())
		}
	}
	if strings.Contains(logBuf.String(), "level=WARN") {
		t.Errorf("got a warning for a skipped file, want info lines:\n%s", logBuf.String())
	}
	for _, d := range docs {
		switch d.Source {
		case "sub/deeper/note.MD":
			if d.Title != "A Markdown Title Here" {
				t.Errorf("got markdown title %q", d.Title)
			}
		case "page.HTM":
			if d.Title != "Page Title Here" || d.Text != "Page Title Here\nPage text." {
				t.Errorf("got HTML title %q text %q", d.Title, d.Text)
			}
		case "sub/deeper/another.html":
			// The <title> is not in the body, so it becomes the first line.
			if d.Title != "Only A Title Page" || d.Text != "Only A Title Page\nAnd a line of text." {
				t.Errorf("got HTML title %q text %q", d.Title, d.Text)
			}
		}
	}
}

func TestLoadRepairsText(t *testing.T) {
	utf16le := func(s string, bom []byte, le bool) []byte {
		out := append([]byte{}, bom...)
		for _, u := range utf16.Encode([]rune(s)) {
			if le {
				out = append(out, byte(u), byte(u>>8))
			} else {
				out = append(out, byte(u>>8), byte(u))
			}
		}
		return out
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"Latin-1", []byte("Caf\xe9 Society Reopens Its Doors\nThe caf\xe9 in G\xf6teborg reopened.\n"), "Café Society Reopens Its Doors\nThe café in Göteborg reopened.\n"},
		{"Windows-1252", []byte("Caf\xe9 Owners Speak Out Today\n\x93We stay open,\x94 she said \x96 for now.\n"), "Café Owners Speak Out Today\n“We stay open,” she said – for now.\n"},
		{"damaged UTF-8", []byte("Šakalienė Speaks In Vilnius Today\nShe spoke \xff today.\n"), "Šakalienė Speaks In Vilnius Today\nShe spoke \uFFFD today.\n"},
		{"BOM", []byte("\xEF\xBB\xBF" + article), article},
		{"CRLF", []byte(strings.ReplaceAll(article, "\n", "\r\n")), article},
		{"old Mac CR", []byte(strings.ReplaceAll(article, "\n", "\r")), article},
		{"UTF-16LE", utf16le("Šakalienė Speaks In Vilnius Today\nShe spoke.\n", []byte{0xFF, 0xFE}, true), "Šakalienė Speaks In Vilnius Today\nShe spoke.\n"},
		{"UTF-16BE", utf16le("Šakalienė Speaks In Vilnius Today\nShe spoke.\n", []byte{0xFE, 0xFF}, false), "Šakalienė Speaks In Vilnius Today\nShe spoke.\n"},
		{"Windows-1251", encode(t, charmap.Windows1251, russian), russian},
		{"KOI8-R", encode(t, charmap.KOI8R, russian), russian},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, skipped, err := Load(context.Background(), fstest.MapFS{"a.txt": {Data: tt.data}}, LoadOptions{Logger: discardLogger()})
			if err != nil {
				t.Fatalf("got error %v (skipped %v)", err, skipped)
			}
			if docs[0].Text != tt.want {
				t.Errorf("got %q, want %q", docs[0].Text, tt.want)
			}
			sum := sha256.Sum256(tt.data)
			if docs[0].Hash != hex.EncodeToString(sum[:]) {
				t.Error("got hash of the repaired text, want hash of the raw bytes")
			}
		})
	}
}

// russian is a short Russian text, for the 8-bit Cyrillic charsets.
const russian = "Новый мост открыт\nМост через реку Алдер открылся для пешеходов в субботу, 12 апреля 2025 года. " +
	"Его длина 210 метров.\n"

// encode writes s in the 8-bit charset enc.
func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadHTMLLegacyCharset(t *testing.T) {
	tests := []struct {
		name string
		page []byte
		want string
	}{
		// "Привет мир" in windows-1251, declared in a meta tag.
		{"declared", []byte("<html><head><meta charset=\"windows-1251\"></head><body><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0. Text.</p></body></html>"), "Привет мир. Text."},
		{"undeclared Latin-1", []byte("<html><body><p>Le caf\xe9 de Gen\xe8ve a rouvert.</p></body></html>"), "Le café de Genève a rouvert."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, _, err := Load(context.Background(), fstest.MapFS{"page.html": {Data: tt.page}}, LoadOptions{Logger: discardLogger()})
			if err != nil {
				t.Fatal(err)
			}
			if docs[0].Text != tt.want {
				t.Errorf("got %q, want %q", docs[0].Text, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	opts := LoadOptions{Logger: discardLogger()}

	t.Run("no documents", func(t *testing.T) {
		_, skipped, err := Load(ctx, fstest.MapFS{"a.pdf": {Data: []byte("%PDF")}}, opts)
		if !errors.Is(err, ErrNoDocuments) {
			t.Errorf("got %v, want ErrNoDocuments", err)
		}
		if len(skipped) != 1 {
			t.Errorf("got skipped %v, want the pdf reported", skipped)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		_, _, err := LoadDir(ctx, filepath.Join(t.TempDir(), "nope"), opts)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope") {
			t.Errorf("got %v, want a not-exist error naming the folder", err)
		}
	})
	t.Run("file not dir", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "a.txt")
		if err := os.WriteFile(f, []byte(article), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadDir(ctx, f, opts)
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("got %v, want a not-a-directory error", err)
		}
	})
	t.Run("empty dir", func(t *testing.T) {
		dir := t.TempDir()
		_, _, err := LoadDir(ctx, dir, opts)
		if !errors.Is(err, ErrNoDocuments) || !strings.Contains(err.Error(), dir) {
			t.Errorf("got %v, want ErrNoDocuments naming %s", err, dir)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, _, err := Load(cctx, Default(), opts)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
	t.Run("unreadable root", func(t *testing.T) {
		_, _, err := Load(ctx, failFS{fail: "."}, opts)
		if err == nil || errors.Is(err, ErrNoDocuments) {
			t.Errorf("got %v, want a read error", err)
		}
	})
	t.Run("unreadable file and folder", func(t *testing.T) {
		fsys := failFS{FS: fstest.MapFS{
			"good.txt":     {Data: []byte(article)},
			"locked.txt":   {Data: []byte(article)},
			"locked/x.txt": {Data: []byte(article)},
		}, fail: "locked.txt", failDir: "locked"}
		docs, skipped, err := Load(ctx, fsys, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || docs[0].Source != "good.txt" {
			t.Errorf("got %d documents, want good.txt only", len(docs))
		}
		var got []string
		for _, s := range skipped {
			got = append(got, s.Source+": "+s.Reason)
		}
		want := []string{"locked: unreadable: permission denied", "locked.txt: unreadable: permission denied"}
		if !slices.Equal(got, want) {
			t.Errorf("got skipped %q, want %q", got, want)
		}
	})
}

// failFS wraps an FS and fails to open one file and to list one folder, as
// files without read permission do (tests run as root cannot chmod that).
type failFS struct {
	fs.FS
	fail, failDir string
}

func (f failFS) Open(name string) (fs.File, error) {
	if name == f.fail {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.FS.Open(name)
}

func (f failFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == f.failDir || name == f.fail {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
	}
	return fs.ReadDir(f.FS, name)
}

// writeFiles writes files (slash paths to text) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sourcesOf(docs []Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Source)
	}
	return out
}

func TestLoadDirReadsFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"b/nested.txt": article, "a.txt": article, ".git/HEAD.txt": article})
	if err := os.Symlink("b", filepath.Join(dir, "link.txt")); err != nil {
		t.Skip("no symlinks:", err)
	}
	docs, skipped, err := LoadDir(context.Background(), dir, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if sources, want := sourcesOf(docs), []string{"a.txt", "b/nested.txt"}; !slices.Equal(sources, want) {
		t.Errorf("got %q, want %q (slash paths, hidden folders passed over)", sources, want)
	}
	if len(skipped) != 1 || skipped[0].Source != "link.txt" || skipped[0].Reason != "not a regular file" || skipped[0].Kind != SkipNotRegular {
		t.Errorf("got skipped %v, want the link to a folder reported", skipped)
	}
}

// TestLoadDirSkipsLinksOutside checks that a link out of the corpus folder
// is never read, whether it is absolute, climbs out with "..", or goes out
// through another link, and that links within the folder still work.
func TestLoadDirSkipsLinksOutside(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "corpus")
	writeFiles(t, top, map[string]string{
		"citebot.txt":      "SECRET Password Line For The Test\nroot:x:0:0:root:/root:/bin/bash\n",
		"corpus/a.txt":     article,
		"corpus/sub/b.txt": "Ferry Service Resumes After Storm\nThe ferry to Helsinki sailed again on Friday.\n",
	})
	links := map[string]string{
		"abs.txt":       filepath.Join(top, "citebot.txt"),
		"up.txt":        "../citebot.txt",
		"sub/deep.txt":  "../../citebot.txt",
		"chain.txt":     "up.txt",
		"absinside.txt": filepath.Join(dir, "a.txt"), // absolute links always leave an os.Root
		"inside.txt":    "sub/b.txt",
		"dangling.txt":  "missing.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skip("no symlinks:", err)
		}
	}
	docs, skipped, err := LoadDir(context.Background(), dir, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if strings.Contains(d.Text, "SECRET") {
			t.Errorf("%s: got the text of a file outside the corpus", d.Source)
		}
	}
	if sources, want := sourcesOf(docs), []string{"a.txt", "inside.txt", "sub/b.txt"}; !slices.Equal(sources, want) {
		t.Errorf("got documents %q, want %q", sources, want)
	}
	got := map[string]string{}
	for _, s := range skipped {
		got[s.Source] = string(s.Kind) + ": " + s.Reason
	}
	outside := string(SkipOutside) + ": link resolves outside the corpus"
	want := map[string]string{
		"abs.txt":       outside,
		"up.txt":        outside,
		"sub/deep.txt":  outside,
		"chain.txt":     outside,
		"absinside.txt": outside,
		"dangling.txt":  string(SkipUnreadable) + ": unreadable: no such file or directory",
	}
	if !maps.Equal(got, want) {
		t.Errorf("got skipped %v, want %v", got, want)
	}
}

func TestLoadSyntheticHTMLPage(t *testing.T) {
	docs, _, err := Load(context.Background(), fstest.MapFS{"port.html": {Data: []byte(syntheticHTML)}}, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if want := "Port of Tallinn opens a second terminal"; d.Title != want {
		t.Errorf("got title %q, want %q", d.Title, want)
	}
	want := []string{
		"Port of Tallinn opens a second terminal",
		"By Mari Tamm · 4 April 2024",
		"The Port of Tallinn opened a second container terminal on Monday, doubling the harbour’s capacity & reach.",
		"Officials said the project cost €120 million.",
		"It took two years.",
		"Cost: €120 million",
		"Capacity: 600,000 containers",
		// Table rows and preformatted lines are content, as in Markdown.
		"Year | Containers |\n| --- | --- |",
		"2023 | 300,000",
		"line one",
		"line two",
		"Words linked here and Link one Link two.",
	}
	if got := bodyLines(d); !slices.Equal(got, want) {
		t.Errorf("got body\n%q\nwant\n%q", got, want)
	}
}
