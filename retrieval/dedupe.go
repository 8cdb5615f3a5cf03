package retrieval

import (
	"slices"
	"unicode"
)

// This file finds near-duplicate text: syndicated articles share whole
// paragraphs, and a reply should not cite the same words twice.

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
	for _, r := range s {
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
