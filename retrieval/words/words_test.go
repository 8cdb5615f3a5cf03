package words

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Šakalienė", "sakaliene"},
		{"Władysław Kosiniak-Kamysz", "wladyslaw kosiniak-kamysz"},
		{"Straße", "strasse"},
		{"plain", "plain"},
		{"Ærø", "aero"},
		{"Latvia’s", "latvia's"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	text := "Latvia’s anti-personnel mines: 3.5% in 2,000 cases, Estonia in 2004."
	var got []string
	for _, tk := range Split(text) {
		got = append(got, text[tk.Start:tk.End])
	}
	want := []string{"Latvia’s", "anti-personnel", "mines", "3.5", "in", "2,000", "cases", "Estonia", "in", "2004"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens = %q, want %q", got, want)
	}
	toks := Split(text)
	if toks[0].Norm != "latvia" {
		t.Errorf("possessive norm = %q, want latvia", toks[0].Norm)
	}
	if toks[4].Stem != "" || toks[4].Content() {
		t.Errorf("stop word %q has stem %q, want none", toks[4].Norm, toks[4].Stem)
	}
	if !toks[9].Num || toks[9].Stem != "2004" {
		t.Errorf("number token = %+v, want Num with itself as stem", toks[9])
	}
}

func TestTermsMatchAcrossAccentsAndInflection(t *testing.T) {
	a := Terms("Sakaliene ratify")
	b := Terms("Šakalienė ratified")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("terms differ: %q vs %q", a, b)
	}
}

func TestEditDistanceAtMost1(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"defenc", "defens", true},
		{"otawa", "ottawa", true},
		{"ratfi", "ratifi", true},
		{"abc", "abc", true},
		{"abc", "abde", false},
		{"kitten", "sitting", false},
		{"", "a", true},
	}
	for _, tt := range tests {
		if got := EditDistanceAtMost1(tt.a, tt.b); got != tt.want {
			t.Errorf("EditDistanceAtMost1(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "a", "Šakalienė’s 3.5%", "-,.-", "\xff\xfe", "a-", "2,", "x’"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, tk := range Split(s) {
			if tk.Start < prev || tk.End <= tk.Start || tk.End > len(s) {
				t.Fatalf("bad token span [%d,%d) after %d in %q", tk.Start, tk.End, prev, s)
			}
			prev = tk.End
		}
		_ = Fold(s)
	})
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ratified", "ratifi"},
		{"2004", "2004"},
		{"27th", "27"},
		{"1st", "1"},
		{"3.5", "3.5"},
		{"1990s", "1990s"},
		{"4th-generation", "4th-generation"},
		{"wrote", Stem("write")},
		{"written", Stem("writes")},
		{"met", Stem("meeting")},
		{"left", "left"},
		{"died", Stem("die")},
		{"dies", Stem("die")},
		{"dying", Stem("die")},
		{"lying", Stem("lie")},
		{"tied", Stem("ties")},
		{"ratify", Stem("ratifies")},
	}
	for _, tt := range tests {
		if got := Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitterMatchesSplit(t *testing.T) {
	texts := []string{
		"Estonia ratified the Ottawa Convention in 2004; Latvia's in 2005.",
		"estonia RATIFIED it, Estonia's minister said — Šakalienė's talks.",
		"The 27th and 3.5, 2,000 anti-personnel mines.",
		"",
		"Ratified ratified RATIFIED",
		"The EU, NYC and the U.S. signed; I agreed.",
	}
	sp := NewSplitter(Stem)
	var buf []Token
	// Twice: the second pass reads every spelling from memory.
	for pass := range 2 {
		for _, text := range texts {
			got, want := sp.Split(text), Split(text)
			if !slices.Equal(got, want) {
				t.Errorf("pass %d: Split(%q) = %v, want %v", pass, text, got, want)
			}
			// One slice reused from text to text.
			if buf = sp.AppendSplit(buf[:0], text); !slices.Equal(buf, want) {
				t.Errorf("pass %d: AppendSplit(buf[:0], %q) = %v, want %v", pass, text, buf, want)
			}
		}
	}
	// Appended after what is there.
	first := Split(texts[0])
	if got, want := sp.AppendSplit(slices.Clone(first), texts[1]), append(first, Split(texts[1])...); !slices.Equal(got, want) {
		t.Errorf("AppendSplit after %d tokens = %v, want %v", len(first), got, want)
	}
}

func TestSplitterBounded(t *testing.T) {
	sp := NewSplitter(Stem)
	var b strings.Builder
	for i := range maxForms + 10 {
		fmt.Fprintf(&b, "w%d ", i)
	}
	text := b.String() + "Ratified"
	got := sp.Split(text)
	if n := len(sp.forms); n != maxForms {
		t.Errorf("splitter remembers %d spellings, want %d", n, maxForms)
	}
	// Past the bound, words are still split right.
	if last := got[len(got)-1]; last.Norm != "ratified" || last.Stem != Stem("ratified") || !last.Cap {
		t.Errorf("last token = %+v, want ratified, stemmed, capitalised", last)
	}
}

func FuzzSplitterMatchesSplit(f *testing.F) {
	f.Add("Estonia's 2,000 anti-personnel mines, ratified in 2004.")
	f.Add("\xffé日本 ’s")
	f.Fuzz(func(t *testing.T, text string) {
		sp := NewSplitter(Stem)
		for range 2 {
			if got, want := sp.Split(text), Split(text); !slices.Equal(got, want) {
				t.Fatalf("Split(%q) = %v, want %v", text, got, want)
			}
		}
	})
}

// runeScan and runeFold are scan and Fold as they were before their
// ASCII fast paths, rune by rune: the oracle FuzzFastPathsMatchRuneByRune
// checks the fast paths against.
func runeScan(text string) [][2]int {
	var out [][2]int
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start, end := i, i+size
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if isWordRune(r2) {
				end += s2
				continue
			}
			if isJoiner(r2) && end+s2 < len(text) {
				r3, _ := utf8.DecodeRuneInString(text[end+s2:])
				digitJoin := (r2 == '.' || r2 == ',') && unicode.IsDigit(r3) && unicode.IsDigit(lastRune(text[start:end]))
				if digitJoin || r2 != '.' && r2 != ',' && isWordRune(r3) {
					end += s2
					continue
				}
			}
			break
		}
		out = append(out, [2]int{start, end})
		i = end
	}
	return out
}

func runeFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		foldRune(r, &b)
	}
	return b.String()
}

func FuzzFastPathsMatchRuneByRune(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "Šakalienė’s 3.5% of 2,000", "ABC-def x.y", "\xff\xfeA", "a-", "2,", "MiXeD 1.23. Go"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got [][2]int
		scan(s, func(start, end int) { got = append(got, [2]int{start, end}) })
		if want := runeScan(s); !reflect.DeepEqual(got, want) {
			t.Errorf("scan(%q) = %v, want %v", s, got, want)
		}
		if got, want := Fold(s), runeFold(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestUpper checks which words count as written in capitals, as acronyms
// are: two letters or more, none of them lower-case.
func TestUpper(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"NYC", true}, {"EU", true}, {"U.S", false}, {"I", false}, {"A", false},
		{"Nyc", false}, {"nyc", false}, {"MP3", true}, {"3D", false}, {"ÉU", true}, {"McDonald", false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			toks := Split(tt.word)
			if len(toks) == 0 {
				t.Fatalf("no token in %q", tt.word)
			}
			if got := toks[0].Upper; got != tt.want {
				t.Errorf("Split(%q)[0].Upper = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}
