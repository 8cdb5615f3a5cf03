package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
)

// quietCommands log only warnings and errors on a terminal: their output
// is the answer or report, and info lines would bury it.
var quietCommands = map[string]bool{"ask": true, "eval": true, "config": true}

// logDefaults settles a log level or format left at config.LogAuto for the
// command name. JSON is for log collectors, so only serve writes it, and
// only when standard error is not a terminal; everything else writes text.
// On a terminal the quiet commands log at warn level, the rest at info.
// A level or format given explicitly stays as it is.
func logDefaults(l config.Log, name string, terminal bool) config.Log {
	if l.Level == config.LogAuto {
		l.Level = "info"
		if terminal && quietCommands[name] {
			l.Level = "warn"
		}
	}
	if l.Format == config.LogAuto {
		l.Format = "text"
		if name == "serve" && !terminal {
			l.Format = "json"
		}
	}
	return l
}

// terminalWriter is a writer that knows whether it is a terminal; tests
// hand run one to stand in for a terminal.
type terminalWriter interface {
	io.Writer
	IsTerminal() bool
}

// isTerminal reports whether w is a terminal: a terminalWriter that says
// so, or an *os.File open on a terminal.
func isTerminal(w io.Writer) bool {
	switch w := w.(type) {
	case terminalWriter:
		return w.IsTerminal()
	case *os.File:
		return term.IsTerminal(int(w.Fd()))
	}
	return false
}

// logSkipped sums up the corpus files that were skipped in one warning,
// such as "corpus: skipped 3 files: 2 binary, 1 empty"; corpus.Load has
// logged each of them at info level, so when that level is off the
// warning says how to see them.
func logSkipped(ctx context.Context, log *slog.Logger, skipped []corpus.Skipped) {
	if len(skipped) == 0 {
		return
	}
	counts := map[corpus.SkipKind]int{}
	for _, s := range skipped {
		counts[s.Kind]++
	}
	kinds := slices.SortedFunc(maps.Keys(counts), func(a, b corpus.SkipKind) int {
		return cmp.Or(counts[b]-counts[a], cmp.Compare(a, b))
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	files := "files"
	if len(skipped) == 1 {
		files = "file"
	}
	msg := fmt.Sprintf("corpus: skipped %d %s: %s", len(skipped), files, strings.Join(parts, ", "))
	if !log.Enabled(ctx, slog.LevelInfo) {
		msg += "; --log-level info lists them"
	}
	log.LogAttrs(ctx, slog.LevelWarn, msg)
}
