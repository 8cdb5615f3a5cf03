package words

import (
	"reflect"
	"testing"
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
	}
	for _, tt := range tests {
		if got := Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStemmerRemembersStem(t *testing.T) {
	m := Stemmer{}
	for _, w := range []string{"ratified", "ratifies", "27th", "countries", "ratified", "", "running"} {
		if got, want := m.Stem(w), Stem(w); got != want {
			t.Errorf("Stemmer.Stem(%q) = %q, want %q", w, got, want)
		}
	}
	if got, want := len(m), 6; got != want {
		t.Errorf("Stemmer holds %d words, want %d", got, want)
	}
}
