package retrieval

import (
	"slices"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// This file finds near-duplicate text: syndicated articles share whole
// paragraphs, and a reply should not cite the same words twice.

// wordSetCap is how many chunks' word sets a wordSets keeps.
const wordSetCap = 4096

// wordSets remembers the word sets of the first wordSetCap chunks it is
// asked for, and computes the rest each time. Every answer reads it for
// each of its passages, from as many goroutines as answers in flight: a
// sync.Map read of a kept set takes no lock (an LRU's did, and answers
// queued on it), and a small corpus is kept whole.
type wordSets struct {
	m sync.Map // chunk ID → []uint64
	n atomic.Int64
}

// of returns the sorted word hashes of the chunk id, whose text is text.
func (w *wordSets) of(id, text string) []uint64 {
	if v, ok := w.m.Load(id); ok {
		return v.([]uint64)
	}
	ws := sortedWordHashes(text)
	if w.n.Load() < wordSetCap {
		if _, loaded := w.m.LoadOrStore(id, ws); !loaded {
			w.n.Add(1)
		}
	}
	return ws
}

// similarWords is the Jaccard similarity of two texts' sets of words.
func similarWords(a, b string) float64 {
	return jaccardSorted(sortedWordHashes(a), sortedWordHashes(b))
}

// sortedWordHashes is the sorted set of a text's lower-cased words,
// hashed. It skips stemming: near-duplicate detection compares copies, not
// paraphrases.
func sortedWordHashes(s string) []uint64 {
	out := make([]uint64, 0, len(s)/5)
	h := uint64(fnvOffset64)
	n := 0
	for i := 0; i < len(s); {
		r := rune(s[i])
		if r < utf8.RuneSelf {
			// ASCII, most of any text, without the Unicode tables.
			i++
			switch {
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			default:
				if n > 0 {
					out = append(out, h)
				}
				h, n = fnvOffset64, 0
				continue
			}
			h ^= uint64(r)
			h *= fnvPrime64
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			h ^= uint64(unicode.ToLower(r))
			h *= fnvPrime64
			n++
			continue
		}
		if n > 0 {
			out = append(out, h)
		}
		h, n = fnvOffset64, 0
	}
	if n > 0 {
		out = append(out, h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FNV-1a's parameters, for hashing words without allocating.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// jaccardSorted is the Jaccard similarity of two sorted sets.
func jaccardSorted(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
