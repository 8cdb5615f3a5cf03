package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/corpus"
)

// digest is a hash of every file's path and text, in order.
func digest(t *testing.T, cfg Config) (sum string, files int, bytes int) {
	t.Helper()
	h := sha256.New()
	err := Generate(cfg, func(f File) error {
		fmt.Fprintf(h, "%s\x00%s\x00", f.Path, f.Text)
		files++
		bytes += len(f.Text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), files, bytes
}

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name     string
		a, b     Config
		wantSame bool
	}{
		{"same seed", Config{MB: 0.5, Seed: 1}, Config{MB: 0.5, Seed: 1}, true},
		{"other seed", Config{MB: 0.5, Seed: 1}, Config{MB: 0.5, Seed: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, _ := digest(t, tt.a)
			b, _, _ := digest(t, tt.b)
			if got := a == b; got != tt.wantSame {
				t.Errorf("same corpus: got %v, want %v", got, tt.wantSame)
			}
		})
	}
}

func TestGenerateSize(t *testing.T) {
	tests := []struct {
		mb float64
	}{{0.1}, {1}, {3}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.mb), func(t *testing.T) {
			_, files, bytes := digest(t, Config{MB: tt.mb, Seed: 7})
			target := int(tt.mb * (1 << 20))
			if bytes < target || bytes > target+80000 {
				t.Errorf("bytes: got %d, want %d to %d", bytes, target, target+80000)
			}
			// 50 MiB should give about 7,700 files; allow for the spread
			// of file sizes in a small sample.
			want := tt.mb * 7700 / 50
			if math.Abs(float64(files)-want) > max(0.25*want, 5) {
				t.Errorf("files: got %d, want about %.0f", files, want)
			}
		})
	}
}

func TestGenerateRejectsBadSize(t *testing.T) {
	for _, mb := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		t.Run(fmt.Sprint(mb), func(t *testing.T) {
			if err := Generate(Config{MB: mb}, func(File) error { return nil }); err == nil {
				t.Errorf("Generate(MB=%v): got nil error, want one", mb)
			}
		})
	}
}

// TestGeneratedCorpusChunks loads a written corpus the way ingest does and
// checks that it survives boilerplate cleaning and splits into about as
// many chunks per MB as the 50 MB corpus (96k chunks), and that
// its text reads like prose: words from several classes, dates, figures.
func TestGeneratedCorpusChunks(t *testing.T) {
	dir := t.TempDir()
	files, bytes, err := WriteDir(Config{MB: 2, Seed: 1}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	docs, skipped, err := corpus.LoadDir(context.Background(), dir, corpus.LoadOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != files || len(skipped) != 0 {
		t.Fatalf("loaded %d documents and skipped %d: got, want %d and 0", len(docs), len(skipped), files)
	}
	var kept int
	for _, d := range docs {
		for _, s := range d.Body {
			kept += s.End - s.Start
		}
	}
	if int64(kept) < bytes*9/10 {
		t.Errorf("cleaning kept %d of %d bytes; want at least 90%%", kept, bytes)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	perMB := float64(len(chunks)) / (float64(bytes) / (1 << 20))
	if want := 96000.0 / 50; math.Abs(perMB-want) > 0.1*want {
		t.Errorf("chunks per MiB: got %.0f, want about %.0f", perMB, want)
	}
	text := docs[0].Text
	for _, want := range []string{" the ", ", ", "."} {
		if !strings.Contains(text, want) {
			t.Errorf("first document has no %q:\n%s", want, text[:min(len(text), 400)])
		}
	}
}

func TestWriteDirRefusesNonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := WriteDir(Config{MB: 0.1, Seed: 1}, dir, nil); err == nil {
		t.Fatal("WriteDir into a non-empty folder: got nil error, want one")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(got) != "mine" {
		t.Errorf("keep.txt: got %q, want it untouched", got)
	}
}
