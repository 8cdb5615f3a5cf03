package telegram

import (
	"fmt"
	"strings"
	"unicode"
)

// MaxMessageLen is the longest message Telegram accepts, in UTF-16 code
// units after entity parsing. splitHTML measures the HTML source instead,
// which is never shorter, so its chunks always fit.
const MaxMessageLen = 4096

// breakClass ranks the places a message may be split, best first.
type breakClass int

const (
	breakParagraph breakClass = iota // after a blank line
	breakLine                        // after a newline
	breakSentence                    // after ". ", "? ", "!” " …
	breakWord                        // after a space
	breakAny                         // between any two characters
	numBreakClasses
)

// splitHTML splits valid Telegram HTML into messages of at most limit UTF-16
// units each, preferring paragraph, then line, then sentence, then word
// boundaries. Tags open at a split are closed at the end of one chunk and
// reopened at the start of the next, so every chunk is valid on its own and
// keeps its formatting; entities and characters are never cut. Whitespace at
// a split is dropped, as are chunks with no visible text (Telegram refuses
// empty messages).
func splitHTML(s string, limit int) ([]string, error) {
	atoms, err := lexHTML(s)
	if err != nil {
		return nil, fmt.Errorf("split message: %w", err)
	}
	if utf16Len(s) <= limit {
		if !hasVisible(atoms) {
			return nil, nil
		}
		return []string{s}, nil
	}

	var chunks []string
	var open []atom // tags open at atoms[i]
	for i := 0; i < len(atoms); {
		// A chunk never starts with whitespace.
		for i < len(atoms) && atoms[i].kind == atomChar && unicode.IsSpace(atoms[i].r) {
			i++
		}
		if i == len(atoms) {
			break
		}
		end, err := chooseBreak(atoms, i, open, limit)
		if err != nil {
			return nil, err
		}
		chunk, after := renderChunk(atoms, i, end, open)
		if hasVisible(atoms[i:end]) {
			chunks = append(chunks, chunk)
		}
		open, i = after, end
	}
	return chunks, nil
}

// chooseBreak returns the end (exclusive) of the chunk that starts at
// atoms[i] with the tags in open already open.
func chooseBreak(atoms []atom, i int, open []atom, limit int) (int, error) {
	stack := append([]atom(nil), open...)
	size, closeLen := 0, 0
	for _, t := range stack {
		size += t.n
		closeLen += len(t.name) + 3 // "</name>"
	}
	var best [numBreakClasses]int // latest break of each class; 0 = none
	var bestSize [numBreakClasses]int
	visible := false
	fallback := 0 // latest boundary before any visible text
	j := i
	for ; j < len(atoms); j++ {
		a := atoms[j]
		nextClose := closeLen
		switch a.kind {
		case atomOpen:
			nextClose += len(a.name) + 3
		case atomClose:
			nextClose -= len(a.name) + 3
		}
		if size+a.n+nextClose > limit {
			break
		}
		size += a.n
		closeLen = nextClose
		switch a.kind {
		case atomOpen:
			stack = append(stack, a)
		case atomClose:
			stack = stack[:len(stack)-1]
		case atomChar:
			if !unicode.IsSpace(a.r) {
				visible = true
			}
		}
		if !visible {
			fallback = j + 1
			continue
		}
		c := classify(atoms, j+1)
		for k := c; k < numBreakClasses; k++ {
			best[k], bestSize[k] = j+1, size+closeLen
		}
	}
	if j == len(atoms) {
		return j, nil
	}
	// A good boundary early in the chunk would leave a short message and
	// use up Telegram's per-chat message budget, so prefer the best class
	// that still fills at least a third of the limit; failing that, the best
	// class at all.
	for c := breakClass(0); c < numBreakClasses; c++ {
		if best[c] > i && bestSize[c] >= limit/3 {
			return best[c], nil
		}
	}
	for c := breakClass(0); c < numBreakClasses; c++ {
		if best[c] > i {
			return best[c], nil
		}
	}
	if fallback > i {
		// Only whitespace and tags fit: cut there; the caller drops the
		// invisible chunk and carries the open tags on.
		return fallback, nil
	}
	return 0, fmt.Errorf("split message: %d units of open tags leave no room in %d", size+closeLen, limit)
}

// classify ranks the boundary before atoms[j] (after atoms[j-1]).
func classify(atoms []atom, j int) breakClass {
	prev := func(k int) rune { // the k-th character before the boundary, skipping no tags
		if j-k < 0 || atoms[j-k].kind != atomChar {
			return 0
		}
		return atoms[j-k].r
	}
	if j >= len(atoms) {
		return breakParagraph
	}
	switch {
	case prev(1) == '\n' && prev(2) == '\n':
		return breakParagraph
	case prev(1) == '\n':
		return breakLine
	case unicode.IsSpace(prev(1)):
		// Look back past closing tags and closing quotes or brackets for
		// sentence-ending punctuation: `end.” Next`, `end.</i> Next`.
		for k := j - 2; k >= 0; k-- {
			a := atoms[k]
			if a.kind == atomClose {
				continue
			}
			if a.kind != atomChar {
				break
			}
			if strings.ContainsRune(`"'”’»)]`, a.r) {
				continue
			}
			if strings.ContainsRune(".!?…", a.r) {
				return breakSentence
			}
			break
		}
		return breakWord
	}
	return breakAny
}

// renderChunk writes atoms[i:end] with the tags in open reopened in front
// and the tags still open at end closed behind, trimming trailing
// whitespace. It returns the chunk and the tags open at end.
func renderChunk(atoms []atom, i, end int, open []atom) (string, []atom) {
	var b strings.Builder
	for _, t := range open {
		b.WriteString(t.raw)
	}
	stack := append([]atom(nil), open...)
	last := end
	for last > i && atoms[last-1].kind == atomChar && unicode.IsSpace(atoms[last-1].r) {
		last--
	}
	for k := i; k < end; k++ {
		a := atoms[k]
		if k < last {
			b.WriteString(a.raw)
		}
		switch a.kind {
		case atomOpen:
			stack = append(stack, a)
		case atomClose:
			stack = stack[:len(stack)-1]
		}
	}
	for k := len(stack) - 1; k >= 0; k-- {
		b.WriteString("</" + stack[k].name + ">")
	}
	return b.String(), stack
}

// hasVisible reports whether atoms contain a non-space character.
func hasVisible(atoms []atom) bool {
	for _, a := range atoms {
		if a.kind == atomChar && !unicode.IsSpace(a.r) {
			return true
		}
	}
	return false
}
