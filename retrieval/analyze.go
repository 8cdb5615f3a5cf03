package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// token is one word of a text, with its byte offsets into that text.
type token struct {
	start, end int
	norm       string // lower-cased and accent-folded
	stem       string // Porter stem of norm; "" for stop words
	cap        bool   // first letter is upper case in the original
	num        bool   // starts with a digit
}

// foldRune maps a rune to its unaccented lower-case ASCII form where one
// exists. Letters that do not decompose (ł, ø, ß, æ…) are spelled out so that
// "Władysław" and "Wladyslaw" meet.
func foldRune(r rune, b *strings.Builder) {
	if r < utf8.RuneSelf {
		b.WriteRune(unicode.ToLower(r))
		return
	}
	switch r {
	case 'ł', 'Ł':
		b.WriteByte('l')
		return
	case 'ø', 'Ø':
		b.WriteByte('o')
		return
	case 'đ', 'Đ', 'ð', 'Ð':
		b.WriteByte('d')
		return
	case 'ß':
		b.WriteString("ss")
		return
	case 'æ', 'Æ':
		b.WriteString("ae")
		return
	case 'œ', 'Œ':
		b.WriteString("oe")
		return
	case 'þ', 'Þ':
		b.WriteString("th")
		return
	case 'ı':
		b.WriteByte('i')
		return
	case '’', '‘', 'ʼ':
		b.WriteByte('\'')
		return
	}
	if base, ok := decompose(r); ok {
		b.WriteRune(unicode.ToLower(base))
		return
	}
	b.WriteRune(unicode.ToLower(r))
}

// fold lower-cases s and strips diacritics.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || ('A' <= s[i] && s[i] <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		foldRune(r, &b)
	}
	return b.String()
}

// isWordRune reports whether r can be part of a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isJoiner reports whether r joins two word parts into one token when it
// stands between them: "anti-personnel", "Kosiniak-Kamysz", "3.5", "5,000".
func isJoiner(r rune) bool {
	switch r {
	case '-', '‐', '‑', '.', ',', '\'', '’':
		return true
	}
	return false
}

// tokenize splits text into word tokens. Apostrophe suffixes ("'s") are
// dropped from the normalised form so that "Latvia's" matches "Latvia";
// hyphenated words stay one token, and their parts are matched separately by
// the scorer.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/6)
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		end := i + size
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if isWordRune(r2) {
				end += s2
				continue
			}
			if isJoiner(r2) && end+s2 < len(text) {
				r3, _ := utf8.DecodeRuneInString(text[end+s2:])
				digitJoin := (r2 == '.' || r2 == ',') && unicode.IsDigit(r3) && unicode.IsDigit(lastRune(text[start:end]))
				wordJoin := r2 != '.' && r2 != ',' && isWordRune(r3)
				if digitJoin || wordJoin {
					end += s2
					continue
				}
			}
			break
		}
		toks = append(toks, newToken(text, start, end))
		i = end
	}
	return toks
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func newToken(text string, start, end int) token {
	raw := text[start:end]
	first, _ := utf8.DecodeRuneInString(raw)
	n := fold(raw)
	if k := strings.LastIndexByte(n, '\''); k > 0 {
		n = n[:k] // "latvia's" → "latvia", "countries'" handled by the stemmer
	}
	t := token{start: start, end: end, norm: n, cap: unicode.IsUpper(first), num: unicode.IsDigit(first)}
	if !isStopWord(n) {
		t.stem = stem(n)
	}
	return t
}

// stem returns the Porter stem of a folded word. Numbers are kept as they are.
func stem(w string) string {
	if w == "" || (w[0] >= '0' && w[0] <= '9') {
		return w
	}
	return porterstemmer.StemString(w)
}

// terms returns the distinct stems of the content words in text, in order.
func terms(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tokenize(text) {
		if t.stem == "" || seen[t.stem] {
			continue
		}
		seen[t.stem] = true
		out = append(out, t.stem)
	}
	return out
}

// isStopWord reports whether a folded word carries no topic on its own.
func isStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

var stopWords = func() map[string]struct{} {
	list := `a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll
she's should shouldn't so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've
were weren't what what's when when's where where's which while who who's whom why why's with won't would wouldn't
you you'd you'll you're you've your yours yourself yourselves s t just now will shall may might must whose
tell please know`
	m := map[string]struct{}{}
	for _, w := range strings.Fields(list) {
		m[w] = struct{}{}
	}
	return m
}()
