package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/citebot/citebot/corpus"
)

// writeIngestReport ends an ingest with what was read, by format, and each
// file that was skipped with the reason, so that a user sees at once that
// a scanned PDF or an encrypted Word file was left out and why.
func writeIngestReport(w io.Writer, docs []corpus.Document, skipped []corpus.Skipped) {
	type tally struct{ files, pages int }
	read := map[string]*tally{}
	for _, d := range docs {
		f := formatOf(d.Source)
		if read[f] == nil {
			read[f] = &tally{}
		}
		read[f].files++
		read[f].pages += len(d.Pages)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "read\tfiles\tpages")
	for _, f := range slices.Sorted(maps.Keys(read)) {
		pages := "-"
		if t := read[f]; t.pages > 0 {
			pages = fmt.Sprint(t.pages)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", f, read[f].files, pages)
	}
	tw.Flush()
	if len(skipped) == 0 {
		return
	}
	skipped = slices.SortedFunc(slices.Values(skipped), func(a, b corpus.Skipped) int {
		return cmp.Compare(a.Source, b.Source)
	})
	fmt.Fprintf(w, "skipped %d:\n", len(skipped))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range skipped {
		// A name or reason comes from the corpus; keep each on its line.
		fmt.Fprintf(tw, "  %s\t%s\n", oneLine(s.Source), oneLine(s.Reason))
	}
	tw.Flush()
}

// formatOf names a document's format by its extension: "pdf", "docx".
func formatOf(source string) string {
	ext := strings.TrimPrefix(strings.ToLower(path.Ext(source)), ".")
	switch ext {
	case "":
		return "other"
	case "htm":
		return "html"
	case "markdown":
		return "md"
	}
	return ext
}

// oneLine replaces control characters, so that a file name cannot break
// the table or write to the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
