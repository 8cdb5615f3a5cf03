package corpus

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"
)

func loadSeeds(t *testing.T) []Document {
	t.Helper()
	docs, _, err := Load(context.Background(), Default(), LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestChunkOfRebuildsSplit(t *testing.T) {
	docs := loadSeeds(t)
	wrapped := []Document{{Source: "wrapped.txt", Text: "A sentence that\nwraps onto a second line. And another one.\n\nA new paragraph."}}
	Clean(wrapped)
	docs = append(docs, wrapped...)
	shared := 0
	for _, d := range docs {
		for i, c := range Split(d, ChunkOptions{}) {
			got := ChunkOf(d, i, c.Sentences)
			if !reflect.DeepEqual(got, c) {
				t.Fatalf("ChunkOf(%s, %d) = %+v, want %+v", d.Source, i, got, c)
			}
			if len(c.Text) > 0 && len(d.Text) > 0 && unsafe.StringData(c.Text) == unsafe.StringData(d.Text[c.Start:]) {
				shared++
			}
		}
	}
	if shared == 0 {
		t.Errorf("no chunk text shares its document's memory")
	}
}

func TestChunkOfFlattensBreaks(t *testing.T) {
	d := Document{Source: "a.txt", Text: "One line\nwrapped. Two."}
	c := ChunkOf(d, 0, []Span{{0, 17}, {18, 22}})
	if got, want := c.Text, "One line wrapped. Two."; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got, want := c.ID, "a.txt#0"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
}

func TestDocumentsRoundTrip(t *testing.T) {
	docs := loadSeeds(t)
	html := Document{Source: "p.html", Text: "Title\nBody text here.", layout: []lineMark{{kind: 1, level: 1}, {links: 40, away: 10}}, Body: []Span{{6, 21}}, Pages: []int{0, 6}}
	docs = append(docs, html)
	var buf bytes.Buffer
	if err := WriteDocuments(&buf, docs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDocuments(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, docs) {
		t.Errorf("ReadDocuments(WriteDocuments(docs)) differs from docs")
	}
}

func TestReadDocumentsRejectsDamage(t *testing.T) {
	tests := map[string][]Document{
		"span past the text": {{Source: "a.txt", Text: "short", Body: []Span{{0, 99}}}},
		"reversed span":      {{Source: "a.txt", Text: "short", Body: []Span{{3, 1}}}},
	}
	for name, docs := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDocuments(&buf, docs); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadDocuments(&buf); err == nil {
				t.Errorf("ReadDocuments accepted %+v", docs)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteDocuments(&buf, loadSeeds(t)); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadDocuments(bytes.NewReader(buf.Bytes()[:buf.Len()/2])); err == nil {
			t.Errorf("ReadDocuments accepted half a file")
		}
	})
}

func TestStamps(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "b.txt"), "bee")
	write(filepath.Join(dir, "sub", "a.md"), "# A\n")
	write(filepath.Join(dir, ".git", "x.txt"), "hidden")
	write(filepath.Join(dir, "image.png"), "png")
	write(filepath.Join(outside, "secret.txt"), "secret")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	got, err := Stamps(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Source)
	}
	if want := []string{"b.txt", "link.txt", "sub/a.md"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("sources = %v, want %v", names, want)
	}
	if got[0].Size != 3 || got[0].ModTime == 0 {
		t.Errorf("b.txt stamp = %+v, want size 3 and a time", got[0])
	}
	if got[1].Size != -1 {
		t.Errorf("link leaving the corpus stamp = %+v, want size -1", got[1])
	}
	if _, err := Stamps(context.Background(), filepath.Join(dir, "missing")); err == nil {
		t.Errorf("Stamps of a missing folder: no error")
	}
}
