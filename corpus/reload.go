package corpus

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Reload updates docs, a corpus Load read from fsys, for the paths that
// changed under it (slash paths relative to the root, as a folder watcher
// reports them; a path may name a file or a folder, and "." the whole
// corpus). Only the changed files are read again: each document at or
// under a changed path is dropped, and whatever the path now holds is
// read as Load reads it. docs is not modified.
//
// Clean judges lines repeated across documents as boilerplate, so the
// files read again are cleaned in the company of all the others. The
// documents that did not change keep the cleaning they had; a full Load
// might judge a line of theirs differently now that another file shares
// it.
//
// Reload returns the new documents sorted by Source, the files it skipped
// and why, and ErrNoDocuments when none is left.
func Reload(ctx context.Context, fsys fs.FS, docs []Document, changed []string, opts LoadOptions) ([]Document, []Skipped, error) {
	rd := newFileReader(opts, opts.logger())
	defer rd.Close()
	under := func(src string) bool {
		for _, p := range changed {
			if p == "." || src == p || strings.HasPrefix(src, p+"/") {
				return true
			}
		}
		return false
	}
	var kept, fresh []Document
	for _, d := range docs {
		if !under(d.Source) {
			kept = append(kept, d)
		}
	}
	var skipped []Skipped
	seen := map[string]bool{}
	read := func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		if !supportedExt[strings.ToLower(path.Ext(p))] {
			return // Load reports these; a watcher sees editors' temporary files.
		}
		doc, why := rd.read(ctx, fsys, p)
		if why.Reason != "" {
			why.Source = p
			skipped = append(skipped, why)
			return
		}
		fresh = append(fresh, doc)
	}
	for _, p := range changed {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if p != "." && Hidden(p) {
			continue
		}
		fi, err := fs.Stat(fsys, p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // removed or renamed away
		case err != nil:
			skipped = append(skipped, Skipped{Source: p, Kind: SkipUnreadable, Reason: "unreadable: " + errText(err)})
		case fi.IsDir():
			err := fs.WalkDir(fsys, p, func(q string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil // a folder that went while it was walked
				}
				if q != p && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if !d.IsDir() {
					read(q)
				}
				return ctx.Err()
			})
			if err != nil {
				return nil, nil, err
			}
		default:
			read(p)
		}
	}

	// Clean the fresh documents among all the others, then keep only
	// their results.
	all := make([]Document, 0, len(fresh)+len(kept))
	all = append(all, fresh...)
	for _, d := range kept {
		d.Body = nil
		all = append(all, d)
	}
	Clean(all)
	out := kept
	for _, d := range all[:len(fresh)] {
		if len(d.Body) == 0 {
			skipped = append(skipped, Skipped{Source: d.Source, Kind: SkipNoText, Reason: "no article text after removing boilerplate"})
			continue
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Document) int { return strings.Compare(a.Source, b.Source) })
	slices.SortFunc(skipped, func(a, b Skipped) int { return strings.Compare(a.Source, b.Source) })
	if len(out) == 0 {
		return nil, skipped, ErrNoDocuments
	}
	return out, skipped, nil
}

// Hidden reports whether an element of the slash path p starts with a
// dot: Load passes over hidden files and folders, so a watcher of the
// corpus folder can too.
func Hidden(p string) bool {
	for el := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(el, ".") {
			return true
		}
	}
	return false
}
