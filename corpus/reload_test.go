package corpus

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReload(t *testing.T) {
	dir := t.TempDir()
	put := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("a.txt", "Alpha is the first letter of the Greek alphabet.\n")
	put("b.txt", "Beta is the second letter of the Greek alphabet.\n")
	put("sub/c.txt", "Gamma is the third letter of the Greek alphabet.\n")
	ctx := context.Background()
	fsys := os.DirFS(dir)
	docs, _, err := Load(ctx, fsys, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}

	put("a.txt", "Alpha was rewritten: it now opens the list of letters.\n")
	put("d.md", "# Delta\n\nDelta is the fourth letter of the Greek alphabet.\n")
	put("e.bin~", "an editor's backup")
	if err := os.RemoveAll(filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	got, skipped, err := Reload(ctx, fsys, docs, []string{"a.txt", "d.md", "e.bin~", "sub"}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped: got %v, want none", skipped)
	}
	want, _, err := Load(ctx, fsys, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d documents, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Source != want[i].Source || got[i].Text != want[i].Text || got[i].Hash != want[i].Hash || got[i].Title != want[i].Title {
			t.Errorf("document %d: got %s %q (%s), want %s %q (%s)", i, got[i].Source, got[i].Title, got[i].Hash, want[i].Source, want[i].Title, want[i].Hash)
		}
		if len(got[i].Body) == 0 {
			t.Errorf("document %s: no body", got[i].Source)
		}
	}
	if docs[0].Hash == got[0].Hash {
		t.Error("the edited file kept its old hash")
	}

	t.Run("everything removed", func(t *testing.T) {
		empty := t.TempDir()
		_, _, err := Reload(ctx, os.DirFS(empty), docs, []string{"."}, LoadOptions{})
		if !errors.Is(err, ErrNoDocuments) {
			t.Errorf("got %v, want ErrNoDocuments", err)
		}
	})
}

func TestHidden(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want bool
	}{{"a.txt", false}, {".git", true}, {"a/.b/c.txt", true}, {"a/b.c", false}, {".", true}} {
		if got := Hidden(tc.p); got != tc.want {
			t.Errorf("Hidden(%q): got %v, want %v", tc.p, got, tc.want)
		}
	}
}
