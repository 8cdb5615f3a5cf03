// Package words splits text into words and normalises them for matching:
// case and accents are folded, possessives dropped and content words
// stemmed, so that "Šakalienė's" in a question meets "Sakaliene" in a
// passage. The retrieval engine, the reader and the local embedder all see
// text through it, so that they agree on what a word is.
package words

import (
	"strings"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a text, with its byte offsets into that text.
type Token struct {
	Start, End int
	// Norm is the word lower-cased and accent-folded, without a possessive
	// suffix.
	Norm string
	// Stem is the Porter stem of Norm, the word itself for numbers, and ""
	// for stop words.
	Stem string
	// Cap reports an upper-case first letter in the original.
	Cap bool
	// Num reports a word that starts with a digit.
	Num bool
	// Upper reports a word of two letters or more, all of them upper-case
	// in the original, as acronyms are written ("NYC", "EU").
	Upper bool
}

// Content reports whether the token is a content word (not a stop word).
func (t Token) Content() bool { return t.Stem != "" }

// Split splits text into word tokens. Hyphenated words ("anti-personnel"),
// decimals and thousands ("3.5", "2,000") and apostrophes ("Latvia's") stay
// inside one token; the possessive is dropped from Norm.
func Split(text string) []Token { return SplitStemmed(text, Stem) }

// SplitStemmed is Split with stem standing in for Stem, such as a table of
// a corpus's words stemmed once, which spares the stemmer on text read
// again and again.
func SplitStemmed(text string, stem func(norm string) string) []Token {
	return AppendSplitStemmed(make([]Token, 0, len(text)/6), text, stem)
}

// AppendSplitStemmed appends the tokens SplitStemmed gives for text to
// toks and returns the extended slice.
func AppendSplitStemmed(toks []Token, text string, stem func(norm string) string) []Token {
	scan(text, func(start, end int) { toks = append(toks, newToken(text, start, end, stem)) })
	return toks
}

// scan calls word with the byte offsets of each word of text, in order.
func scan(text string, word func(start, end int)) {
	i := 0
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf && !asciiWord[c] {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		end := i + size
		for end < len(text) {
			if c := text[end]; c < utf8.RuneSelf && asciiWord[c] {
				end++
				continue
			}
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
		word(start, end)
		i = end
	}
}

// Terms returns the distinct stems of the content words of text, in order.
func Terms(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range Split(text) {
		if t.Stem == "" || seen[t.Stem] {
			continue
		}
		seen[t.Stem] = true
		out = append(out, t.Stem)
	}
	return out
}

// asciiWord is isWordRune for the ASCII bytes, which are most of any
// text: scanning decoded and classified every rune, a tenth of the cost
// of tokenizing.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

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

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func newToken(text string, start, end int, stem func(string) string) Token {
	raw := text[start:end]
	first, _ := utf8.DecodeRuneInString(raw)
	n := Fold(raw)
	if k := strings.LastIndexByte(n, '\''); k > 0 {
		n = n[:k] // "latvia's" → "latvia"; "countries'" is left to the stemmer
	}
	t := Token{Start: start, End: end, Norm: n, Cap: unicode.IsUpper(first), Num: unicode.IsDigit(first)}
	t.Upper = t.Cap && isUpperWord(raw)
	if !IsStop(n) {
		t.Stem = stem(n)
	}
	return t
}

// isUpperWord reports whether w has two letters or more and no
// lower-case one.
func isUpperWord(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r):
			return false
		case unicode.IsLetter(r):
			letters++
		}
	}
	return letters >= 2
}

// Stem returns the Porter stem of a folded word. Numbers are kept as they
// are, but for an ordinal suffix: "27th" and "27" are one day.
func Stem(w string) string {
	if w == "" {
		return w
	}
	if w[0] >= '0' && w[0] <= '9' {
		if n := len(w); n > 2 && w[n-3] >= '0' && w[n-3] <= '9' {
			switch w[n-2:] {
			case "st", "nd", "rd", "th":
				return w[:n-2]
			}
		}
		return w
	}
	if base, ok := irregular[w]; ok {
		w = base
	}
	if base, ok := ieVerbs[w]; ok {
		w = base
	}
	return porterstemmer.StemString(w)
}

// Splitter is SplitStemmed for one goroutine reading a whole corpus: it
// remembers every spelling it has met with its folded form and stem, so
// that a word seen before costs one lookup instead of folding, a
// stop-word lookup and a stemmer call, which were most of the cost of
// reading a corpus three times at ingest (statistics, rewriter, local
// embedder). It is not safe for concurrent use.
type Splitter struct {
	stem  func(norm string) string
	forms map[string]form
}

// form is what a spelling folds and stems to.
type form struct{ norm, stem string }

// maxForms bounds a Splitter's memory: past it, new spellings are worked
// out every time, as SplitStemmed does.
const maxForms = 1 << 18

// NewSplitter returns a Splitter that stems with stem (Stem, or a
// corpus's stem table).
func NewSplitter(stem func(norm string) string) *Splitter {
	return &Splitter{stem: stem, forms: map[string]form{}}
}

// Split is SplitStemmed(text, stem).
func (sp *Splitter) Split(text string) []Token {
	return sp.AppendSplit(make([]Token, 0, len(text)/6), text)
}

// AppendSplit appends the tokens Split gives for text to toks and returns
// the extended slice. A caller that reads a corpus text by text, done with
// each text's tokens before the next, reuses one slice: a new one for
// each chunk of a 50 MB corpus was 600 MB allocated, and its collection,
// at ingest.
func (sp *Splitter) AppendSplit(toks []Token, text string) []Token {
	scan(text, func(start, end int) {
		raw := text[start:end]
		f, ok := sp.forms[raw]
		if !ok {
			t := newToken(text, start, end, sp.stem)
			if len(sp.forms) >= maxForms {
				toks = append(toks, t)
				return
			}
			// Own copies, so that the memory does not keep whole texts.
			f = form{norm: strings.Clone(t.Norm), stem: strings.Clone(t.Stem)}
			sp.forms[strings.Clone(raw)] = f
		}
		first, _ := utf8.DecodeRuneInString(raw)
		capital := unicode.IsUpper(first)
		toks = append(toks, Token{Start: start, End: end, Norm: f.norm, Stem: f.stem,
			Cap: capital, Num: unicode.IsDigit(first), Upper: capital && isUpperWord(raw)})
	})
	return toks
}

// Fold lower-cases s and strips diacritics. Letters that do not decompose
// (ł, ø, ß, æ…) are spelled out, so that "Władysław" and "Wladyslaw" meet.
func Fold(s string) string {
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
	if b, ok := lowerASCII(s); ok {
		return b
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		foldRune(r, &b)
	}
	return b.String()
}

// lowerASCII lower-cases s when it is all ASCII, as foldRune would,
// without a call per byte: capitalised words are a fifth of a text.
func lowerASCII(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return "", false
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

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

// decompose returns the base letter of an accented rune ("š" → "s") using
// Unicode canonical decomposition.
func decompose(r rune) (rune, bool) {
	var buf [8]byte
	n := norm.NFD.AppendString(buf[:0], string(r))
	for _, b := range string(n) {
		if unicode.Is(unicode.Mn, b) {
			continue
		}
		if b != r {
			return b, true
		}
		return r, false
	}
	return r, false
}

// IsStop reports whether a folded word carries no topic on its own.
func IsStop(w string) bool {
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

// EditDistanceAtMost1 reports whether a and b differ by at most one
// insertion, deletion or substitution of a byte.
func EditDistanceAtMost1(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i, j, diff := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i++
			j++
			continue
		}
		diff++
		if diff > 1 {
			return false
		}
		if len(a) == len(b) {
			i++
		}
		j++
	}
	return diff+(len(b)-j)-(len(a)-i) <= 1
}

// Truncate cuts s to at most n characters, at a word boundary when
// one is near, and marks the cut with "…".
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	cut := 0
	count := 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	t := s[:cut]
	if k := strings.LastIndexAny(t, " \n"); k > len(t)/2 {
		t = t[:k]
	}
	return strings.TrimRight(t, " ,;:") + "…"
}
