package retrieval

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
			if got := fold(tt.in); got != tt.want {
				t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenize(t *testing.T) {
	text := "Latvia’s anti-personnel mines: 3.5% in 2,000 cases, Estonia in 2004."
	var got []string
	for _, tk := range tokenize(text) {
		got = append(got, text[tk.start:tk.end])
	}
	want := []string{"Latvia’s", "anti-personnel", "mines", "3.5", "in", "2,000", "cases", "Estonia", "in", "2004"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tokens = %q, want %q", got, want)
	}
	toks := tokenize(text)
	if toks[0].norm != "latvia" {
		t.Errorf("possessive norm = %q, want latvia", toks[0].norm)
	}
	if toks[4].stem != "" {
		t.Errorf("stop word %q has stem %q, want none", toks[4].norm, toks[4].stem)
	}
}

func TestTermsMatchAcrossAccentsAndInflection(t *testing.T) {
	a := terms("Sakaliene ratify")
	b := terms("Šakalienė ratified")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("terms differ: %q vs %q", a, b)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		q    string
		want answerType
	}{
		{"when did Estonia ratify Ottawa?", typeDate},
		{"What year did it happen?", typeDate},
		{"Who is the prime minister of Latvia?", typePerson},
		{"Which Finnish minister said so?", typePerson},
		{"How many troops are there?", typeNumber},
		{"What share of GDP goes to defence?", typeNumber},
		{"Where is the summit?", typePlace},
		{"Which countries ratified it in 2005?", typePlace},
		{"Which human rights organization criticised it?", typeEntity},
		{"Did Poland sign the treaty?", typeYesNo},
		{"What does the convention prohibit?", typeDescription},
		{"Why did they withdraw?", typeDescription},
		{"how long ago did it start", typeDate},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			var words []string
			for _, tk := range tokenize(tt.q) {
				words = append(words, tk.norm)
			}
			if got := classify(words); got != tt.want {
				t.Errorf("classify(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
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
		if got := editDistanceAtMost1(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistanceAtMost1(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "a", "Šakalienė’s 3.5%", "-,.-", "\xff\xfe", "a-", "2,", "x’"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, tk := range tokenize(s) {
			if tk.start < prev || tk.end <= tk.start || tk.end > len(s) {
				t.Fatalf("bad token span [%d,%d) after %d in %q", tk.start, tk.end, prev, s)
			}
			prev = tk.end
		}
		_ = fold(s)
	})
}
