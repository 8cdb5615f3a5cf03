package corpus

import "testing"

func TestMeasure(t *testing.T) {
	tests := []struct {
		line                                             string
		words                                            int
		terminal, titleCase, allCaps, url, handle, prose bool
	}{
		{"The ministers met in Riga on Monday.", 7, true, false, false, false, false, true},
		{"Prisoner Swap Promised Following Trump-Putin Call Goes Ahead", 8, false, true, false, false, false, false},
		{"JOIN US ON TELEGRAM", 4, false, true, true, false, false, false},
		{"Follow our coverage on @Example_news.", 5, true, false, false, false, true, true},
		{"Read it at example.com", 4, false, false, false, true, false, false},
		{"“Quoted sentence ends here.”", 4, true, false, false, false, false, true},
		{"Share | Tweet | E-mail", 3, false, true, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			f := measure(tt.line)
			got := []bool{f.terminal, f.titleCase(), f.allCaps(), f.url, f.handle, f.prose()}
			want := []bool{tt.terminal, tt.titleCase, tt.allCaps, tt.url, tt.handle, tt.prose}
			if f.words != tt.words {
				t.Errorf("got %d words, want %d", f.words, tt.words)
			}
			names := []string{"terminal", "titleCase", "allCaps", "url", "handle", "prose"}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("got %s=%v, want %v", names[i], got[i], want[i])
				}
			}
		})
	}
}

func TestMeasureNorm(t *testing.T) {
	a, b := measure("Follow us on Telegram!"), measure("  follow US on   telegram")
	if a.norm != b.norm || a.norm != "follow us on telegram" {
		t.Errorf("got norms %q and %q, want both %q", a.norm, b.norm, "follow us on telegram")
	}
}

func TestIsDomain(t *testing.T) {
	tests := []struct {
		tok  string
		want bool
	}{
		{"Caliber.Az", true}, {"news.example.co.uk", true}, {"mod.gov.lt", true},
		{"U.S", false}, {"e.g", false}, {"3.5", false}, {"example", false}, {"a.b", false}, {"x.", false},
	}
	for _, tt := range tests {
		if got := isDomain(tt.tok); got != tt.want {
			t.Errorf("isDomain(%q): got %v, want %v", tt.tok, got, tt.want)
		}
	}
}

func TestIsSeparatedMenu(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"Home | World | Business", true},
		{"News › Europe › Baltics", true},
		{"Politics / Economy / Culture", true},
		{"Tallinn | Riga", false},
		{"The vote was 5 > 3 in favour, then 4 > 2 against.", false},
		{"He said yes | she said no | they said maybe later today", false},
	}
	for _, tt := range tests {
		if got := isSeparatedMenu(tt.line); got != tt.want {
			t.Errorf("isSeparatedMenu(%q): got %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestWordingRulesFitTriggerBits(t *testing.T) {
	// Rule i is triggered by bit i of a uint32 whose top bits are word
	// classes.
	if n := len(wordingRules); n > 24 {
		t.Errorf("got %d wording rules, want at most 24", n)
	}
}
