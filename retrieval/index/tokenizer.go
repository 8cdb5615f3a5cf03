package index

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

func init() {
	// Registration fails only for a name taken twice, which is a bug.
	if err := registry.RegisterTokenizer(tokenName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{unicode: unicode.NewUnicodeTokenizer()}, nil
	}); err != nil {
		panic(err)
	}
}

// tokenName is the analyzer's tokenizer: bleve's Unicode word
// segmentation (UAX #29), with the same tokens, made cheaper for runs of
// ASCII, where the rules reduce to a few classes of bytes.
// The segmenter was a quarter of ingest's analysis.
const tokenName = "citebot_unicode"

// asciiClass is a byte's UAX #29 word-break class, for ASCII.
type asciiClass uint8

const (
	clOther     asciiClass = iota
	clLetter               // ALetter
	clDigit                // Numeric
	clExtend               // ExtendNumLet: "_"
	clMidLetter            // MidLetter: ":"
	clMidNumLet            // MidNumLet and Single_Quote: "." "'"
	clMidNum               // MidNum: "," ";"
)

var asciiClasses = func() (t [utf8.RuneSelf]asciiClass) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = clLetter, clLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clDigit
	}
	t['_'] = clExtend
	t[':'] = clMidLetter
	t['.'], t['\''] = clMidNumLet, clMidNumLet
	t[','], t[';'] = clMidNum, clMidNum
	return t
}()

// wordTokenizer is bleve's Unicode tokenizer with a path of its own for
// ASCII. Text that is not all ASCII is cut at spaces into runs that are
// or are not; only the latter go to bleve's segmenter. A space followed
// by an ASCII byte is a word boundary on both sides under every UAX #29
// rule (none joins a space to a letter, digit or mark, and ASCII has no
// combining marks), so the runs give the tokens the whole text would.
type wordTokenizer struct{ unicode analysis.Tokenizer }

func (w wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) {
		// bleve's segmenter stops at the first invalid byte; only it
		// gives what it gives.
		return w.unicode.Tokenize(input)
	}
	var out analysis.TokenStream
	start, ascii := 0, true // the run being gathered
	flush := func(end int) {
		if end <= start {
			return
		}
		var ts analysis.TokenStream
		if ascii {
			ts = tokenizeASCII(input[start:end])
		} else {
			ts = w.unicode.Tokenize(input[start:end])
		}
		if start == 0 && end == len(input) {
			out = ts
			return
		}
		for _, t := range ts {
			t.Start += start
			t.End += start
			t.Position = len(out) + 1
			out = append(out, t)
		}
	}
	piece, pieceASCII := 0, true
	for i := 0; i <= len(input); i++ {
		cut := i == len(input) || input[i] == ' ' && (i+1 == len(input) || input[i+1] < utf8.RuneSelf)
		if !cut {
			pieceASCII = pieceASCII && input[i] < utf8.RuneSelf
			continue
		}
		if pieceASCII != ascii && piece > start {
			flush(piece)
			start = piece
		}
		ascii = pieceASCII
		piece, pieceASCII = i+1, true
	}
	flush(len(input))
	return out
}

// tokenizeASCII splits ASCII text into words by the rules of UAX #29
// that ASCII can meet (scanASCII).
func tokenizeASCII(input []byte) analysis.TokenStream {
	tokens := make([]analysis.Token, 0, len(input)/5+1)
	scanASCII(input, func(start, end int, numeric bool) {
		typ := analysis.AlphaNumeric
		if numeric {
			typ = analysis.Numeric
		}
		tokens = append(tokens, analysis.Token{Term: input[start:end], Start: start, End: end, Position: len(tokens) + 1, Type: typ})
	})
	out := make(analysis.TokenStream, len(tokens))
	for k := range tokens {
		out[k] = &tokens[k]
	}
	return out
}

// scanASCII calls word with the offsets of each word of ASCII input, by
// the rules of UAX #29 that ASCII can meet: letters, digits and "_" join
// (WB5, WB8–WB10, WB13a–b); a letter, a mid-letter mark and a letter join
// (WB6–7: "can't", "e.g"); a digit, a mid-number mark and a digit join
// (WB11–12: "3.5", "2,000"). Every other byte stands alone and is not a
// word. numeric reports a word of digits (and marks) only.
func scanASCII(input []byte, word func(start, end int, numeric bool)) {
	i := 0
	for i < len(input) {
		c := asciiClasses[input[i]]
		if c != clLetter && c != clDigit && c != clExtend {
			i++
			continue
		}
		start := i
		letters, digits := c == clLetter, c == clDigit
		prev := c
		i++
	word:
		for i < len(input) {
			cur := asciiClasses[input[i]]
			switch {
			case cur == clLetter || cur == clDigit || cur == clExtend:
			case i+1 < len(input) && prev == clLetter && (cur == clMidLetter || cur == clMidNumLet) &&
				asciiClasses[input[i+1]] == clLetter:
			case i+1 < len(input) && prev == clDigit && (cur == clMidNum || cur == clMidNumLet) &&
				asciiClasses[input[i+1]] == clDigit:
			default:
				break word
			}
			letters = letters || cur == clLetter
			digits = digits || cur == clDigit
			prev = cur
			i++
		}
		word(start, i, digits && !letters)
	}
}

// eachTerm calls f with the term of each token tok gives for input, in
// order. For the analyzer's own tokenizer and ASCII text it builds no
// token stream.
func eachTerm(tok analysis.Tokenizer, input []byte, f func(term []byte)) {
	if _, own := tok.(wordTokenizer); own && isASCII(input) {
		scanASCII(input, func(start, end int, _ bool) { f(input[start:end]) })
		return
	}
	for _, t := range tok.Tokenize(input) {
		f(t.Term)
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
