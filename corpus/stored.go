package corpus

import (
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// FileStamp is what a stored index remembers of a corpus file to tell,
// without reading it, whether it changed: its size and modification time,
// as make and rsync do.
type FileStamp struct {
	Source  string
	Size    int64
	ModTime int64 // Unix nanoseconds
}

// Stamps lists the files under dir that Load would try to read (hidden
// files and folders and unsupported types are left out), sorted by
// Source, with their size and modification time. A file it cannot stat
// gets Size -1, so that it never matches a stored stamp. Only the
// directory entries are read, never the files.
func Stamps(ctx context.Context, dir string) ([]FileStamp, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus folder %s: %w", dir, err)
	}
	defer root.Close()
	fsys := root.FS()
	var out []FileStamp
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if p == "." {
				return err
			}
			out = append(out, FileStamp{Source: p, Size: -1})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !supportedExt[strings.ToLower(path.Ext(p))] {
			return nil
		}
		// fs.Stat follows a link, as Load's read does, and the root
		// refuses one that leads outside the corpus.
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			out = append(out, FileStamp{Source: p, Size: -1})
			return nil
		}
		out = append(out, FileStamp{Source: p, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus folder %s: %w", dir, err)
	}
	slices.SortFunc(out, func(a, b FileStamp) int { return strings.Compare(a.Source, b.Source) })
	return out, nil
}

// storedDocument is a Document as WriteDocuments encodes it, with the
// line layout that Clean reads when a changed file is cleaned among the
// stored ones.
type storedDocument struct {
	Source, Title, Text, Hash string
	Pages                     []int
	Body                      []Span
	Layout                    []storedMark
}

type storedMark struct {
	Kind, Level, Links, Away int
}

// WriteDocuments encodes docs, after Clean, for ReadDocuments.
func WriteDocuments(w io.Writer, docs []Document) error {
	out := make([]storedDocument, len(docs))
	for i, d := range docs {
		out[i] = storedDocument{Source: d.Source, Title: d.Title, Text: d.Text, Hash: d.Hash, Pages: d.Pages, Body: d.Body}
		if d.layout != nil {
			out[i].Layout = make([]storedMark, len(d.layout))
			for j, m := range d.layout {
				out[i].Layout[j] = storedMark{Kind: int(m.kind), Level: m.level, Links: m.links, Away: m.away}
			}
		}
	}
	if err := gob.NewEncoder(w).Encode(out); err != nil {
		return fmt.Errorf("write documents: %w", err)
	}
	return nil
}

// ReadDocuments decodes what WriteDocuments wrote. Spans that do not fit
// their document's text are an error, so that a damaged file cannot make
// a later slice of the text panic.
func ReadDocuments(r io.Reader) ([]Document, error) {
	var in []storedDocument
	if err := gob.NewDecoder(r).Decode(&in); err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	docs := make([]Document, len(in))
	for i, d := range in {
		for _, sp := range d.Body {
			if !sp.Within(len(d.Text)) {
				return nil, fmt.Errorf("read documents: %s: body span %d-%d outside its %d bytes", d.Source, sp.Start, sp.End, len(d.Text))
			}
		}
		docs[i] = Document{Source: d.Source, Title: d.Title, Text: d.Text, Hash: d.Hash, Pages: d.Pages, Body: d.Body}
		if d.Layout != nil {
			docs[i].layout = make([]lineMark, len(d.Layout))
			for j, m := range d.Layout {
				docs[i].layout[j] = lineMark{kind: blockKind(m.Kind), level: m.Level, links: m.Links, away: m.Away}
			}
		}
	}
	return docs, nil
}

// Within reports whether s is a span of a text of n bytes.
func (s Span) Within(n int) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= n }
