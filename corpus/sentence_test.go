package corpus

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func sentenceTexts(text string, within Span) []string {
	var out []string
	for _, sp := range Sentences(text, within) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"plain", "Estonia ratified it in 2004. Latvia followed in 2005.",
			[]string{"Estonia ratified it in 2004.", "Latvia followed in 2005."}},
		{"question and exclamation", "Why now? Because the threat grew! Officials agreed.",
			[]string{"Why now?", "Because the threat grew!", "Officials agreed."}},
		{"closing quote after stop", "“Military threats have significantly increased.” The ministers agreed.",
			[]string{"“Military threats have significantly increased.”", "The ministers agreed."}},
		{"straight quote and bracket", `He said "we will unite." (It was March.) Then he left.`,
			[]string{`He said "we will unite."`, "(It was March.)", "Then he left."}},
		{"opening quote starts next", `The statement read. “We believe it.”`,
			[]string{"The statement read.", "“We believe it.”"}},
		{"titles", "Mr. Tusk met Gen. Smith and Dr. Jones. They talked.",
			[]string{"Mr. Tusk met Gen. Smith and Dr. Jones.", "They talked."}},
		{"months", "It was signed on Jan. 5 and ratified in Feb. 2004. Then war came.",
			[]string{"It was signed on Jan. 5 and ratified in Feb. 2004.", "Then war came."}},
		{"e.g. and i.e.", "Some states, e.g. Poland, agreed, i.e. Warsaw signed. Others did not.",
			[]string{"Some states, e.g. Poland, agreed, i.e. Warsaw signed.", "Others did not."}},
		{"U.S. and U.K.", "The U.S. Senate and the U.K. Parliament voted. Both passed it.",
			[]string{"The U.S. Senate and the U.K. Parliament voted.", "Both passed it."}},
		{"initials", "J. R. Smith wrote it. He agreed.", []string{"J. R. Smith wrote it.", "He agreed."}},
		{"decimal", "Spending rose to 3.5 percent. It was 2.1 before.",
			[]string{"Spending rose to 3.5 percent.", "It was 2.1 before."}},
		{"number abbreviation", "See No. 5 in the list. No. It was not.",
			[]string{"See No. 5 in the list.", "No.", "It was not."}},
		{"reigned, circa, born", "The Yongle Emperor (r. 1402–1424) sent envoys (c. 1407). He died.",
			[]string{"The Yongle Emperor (r. 1402–1424) sent envoys (c. 1407).", "He died."}},
		{"page and floruit", "See p. 12 and fl. 1200 there. Then stop.", []string{"See p. 12 and fl. 1200 there.", "Then stop."}},
		{"a lower-case letter before a word", "Call it plan b. The end.", []string{"Call it plan b.", "The end."}},
		{"a closing straight quote opens nothing", `He claimed universal rule", and yet "he was not the Great Khan". Thus he turned to China.`,
			[]string{`He claimed universal rule", and yet "he was not the Great Khan".`, "Thus he turned to China."}},
		{"a short straight quotation", `He asked "C? Go? Cgo!" and left. Then he stayed.`,
			[]string{`He asked "C? Go? Cgo!" and left.`, "Then he stayed."}},
		{"an abbreviation before a closing quote", `He wrote, "Herz, Liszt, Hiller, etc." Liszt came. See Acme Inc. Tools for more.`,
			[]string{`He wrote, "Herz, Liszt, Hiller, etc."`, "Liszt came.", "See Acme Inc. Tools for more."}},
		{"footnote marks", "He can jump from a ledge.[c] Link uses a sword. He lived there until 1830.[n 6][12] Here they stayed.",
			[]string{"He can jump from a ledge.[c]", "Link uses a sword.", "He lived there until 1830.[n 6][12]", "Here they stayed."}},
		{"no footnote mark", "See the guide.[link](http://x.io) Then go. It ended.[a (b)] Then.",
			[]string{"See the guide.[link](http://x.io) Then go.", "It ended.[a (b)] Then."}},
		{"etc", "Tanks, mines, etc. Were all banned? No.", []string{"Tanks, mines, etc. Were all banned?", "No."}},
		{"ellipsis mid-sentence", "He paused... and then spoke. The end… Next one.",
			[]string{"He paused... and then spoke.", "The end…", "Next one."}},
		{"lower case after stop", "It cost 5 bn. euros in total.", []string{"It cost 5 bn. euros in total."}},
		{"digit starts sentence", "It ended in 2003. 2004 was next.", []string{"It ended in 2003.", "2004 was next."}},
		{"blank line", "A heading\n\nThe text follows.", []string{"A heading", "The text follows."}},
		{"single line break is space", "One long sentence that\nwraps here. Next.", []string{"One long sentence that\nwraps here.", "Next."}},
		{"no space after stop", "Caliber.Az reports. Fine.", []string{"Caliber.Az reports.", "Fine."}},
		{"cjk", "今日は晴れ。明日は雨。", []string{"今日は晴れ。", "明日は雨。"}},
		{"surrounding space", "  \t Only one.  ", []string{"Only one."}},
		{"empty", "   ", nil},
		{"no punctuation", "Baltic nations Estonia Europe", []string{"Baltic nations Estonia Europe"}},
		// Manuals and papers.
		{"initials in names", "The model follows the approach presented by Hans-J. Boehm and Sarita V. Adve in their paper. It is formal.",
			[]string{"The model follows the approach presented by Hans-J. Boehm and Sarita V. Adve in their paper.", "It is formal."}},
		{"initials across a line break", "presented by Hans-J.\nBoehm and Sarita V.\nAdve in 2008. Next.",
			[]string{"presented by Hans-J.\nBoehm and Sarita V.\nAdve in 2008.", "Next."}},
		{"capital letter ends a sentence", "then A is synchronized before B. All the atomic operations agree.",
			[]string{"then A is synchronized before B.", "All the atomic operations agree."}},
		{"variable name ends a sentence", "derived from W. If a read observes w, then w is first.",
			[]string{"derived from W.", "If a read observes w, then w is first."}},
		{"version ends a sentence", "The loop variable changed in Go 1.22. Older code still compiles.",
			[]string{"The loop variable changed in Go 1.22.", "Older code still compiles."}},
		{"version inside a sentence", "Upgrade to Go 1.23.4 or later. Then rebuild.",
			[]string{"Upgrade to Go 1.23.4 or later.", "Then rebuild."}},
		{"dotted identifier ends a sentence", "The C type void* is represented by Go's unsafe.Pointer. The C types are mapped.",
			[]string{"The C type void* is represented by Go's unsafe.Pointer.", "The C types are mapped."}},
		{"domain ends a sentence", "Read the guide at example.com. It is short.", []string{"Read the guide at example.com.", "It is short."}},
		{"url ends a sentence", "See https://go.dev/doc/install. Then run it.", []string{"See https://go.dev/doc/install.", "Then run it."}},
		{"url with query", "Open https://example.com/search?q=Go! Then wait.", []string{"Open https://example.com/search?q=Go!", "Then wait."}},
		{"code span", "Call `os.Exit(1). Then` to stop. Done.", []string{"Call `os.Exit(1). Then` to stop.", "Done."}},
		{"code span with method", "Use `x.Y()`. It returns a value.", []string{"Use `x.Y()`.", "It returns a value."}},
		{"unclosed backtick", "A lone ` mark. Next one.", []string{"A lone ` mark.", "Next one."}},
		{"short quoted title", `See "C? Go? Cgo!" for an introduction. It is old.`,
			[]string{`See "C? Go? Cgo!" for an introduction.`, "It is old."}},
		{"long quotation still splits", "He said: “We will unite. It is important for us.” Then he left.",
			[]string{"He said: “We will unite.", "It is important for us.”", "Then he left."}},
		{"list numbers", "1. Install the tool. 2. Run it.", []string{"1. Install the tool.", "2. Run it."}},
		{"section number", "2.1. Overview of the design", []string{"2.1. Overview of the design"}},
		{"year is a sentence end", "It ended. 2004. Then it began.", []string{"It ended.", "2004.", "Then it began."}},
		{"ph.d.", "She holds a Ph.D. from Tartu. She teaches.", []string{"She holds a Ph.D. from Tartu.", "She teaches."}},
		{"U.S. before an opener", "The plant is in the U.S. The company said so.", []string{"The plant is in the U.S.", "The company said so."}},
		{"etc. before an opener", "Tanks, mines, etc. The list is long.", []string{"Tanks, mines, etc.", "The list is long."}},
		{"company before an opener", "He founded Acme Inc. The firm grew.", []string{"He founded Acme Inc.", "The firm grew."}},
		{"title before a name", "Dr. The Quang visited.", []string{"Dr. The Quang visited."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentenceTexts(tt.text, Span{0, len(tt.text)})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSentencesWithinSpan(t *testing.T) {
	text := "Skip this. Take this one. And this. Not this."
	start := strings.Index(text, "Take")
	end := strings.Index(text, " Not")
	got := sentenceTexts(text, Span{start, end})
	want := []string{"Take this one.", "And this."}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSentencesClampsBadSpans(t *testing.T) {
	text := "Šakalienė said it. Done."
	tests := []struct {
		name string
		sp   Span
	}{
		{"negative start", Span{-5, 10}},
		{"end past text", Span{0, 1000}},
		{"inverted", Span{10, 3}},
		{"inside a character", Span{1, len(text) - 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSentenceSpans(t, text, tt.sp, Sentences(text, tt.sp))
		})
	}
}

// checkSentenceSpans asserts the Sentences contract: spans inside the
// (clamped) range, in order, not overlapping, trimmed, non-empty, valid
// UTF-8 when the text is.
func checkSentenceSpans(t *testing.T, text string, within Span, got []Span) {
	t.Helper()
	lo, hi := max(within.Start, 0), min(within.End, len(text))
	prev := lo
	for i, sp := range got {
		if sp.Start < prev || sp.End > hi || sp.Start >= sp.End {
			t.Fatalf("sentence %d = %v: out of order or bounds (prev end %d, limit %d)", i, sp, prev, hi)
		}
		s := text[sp.Start:sp.End]
		r, _ := utf8.DecodeRuneInString(s)
		l, _ := utf8.DecodeLastRuneInString(s)
		if unicode.IsSpace(r) || unicode.IsSpace(l) {
			t.Fatalf("sentence %d = %q: not trimmed", i, s)
		}
		if utf8.ValidString(text) && !utf8.ValidString(s) {
			t.Fatalf("sentence %d = %q: cuts a character", i, s)
		}
		if !strings.Contains(text, s) {
			t.Fatalf("sentence %d = %q: not in the text", i, s)
		}
		prev = sp.End
	}
	// Nothing is lost: every character of the range outside the sentences
	// is white space.
	start, end := clampSpan(text, within)
	next := 0
	for i := start; i < end; {
		if next < len(got) && i >= got[next].Start {
			i = got[next].End
			next++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !unicode.IsSpace(r) && !isInvisible(r) {
			t.Fatalf("text %q at %d (%q) is in no sentence of %v", text, i, r, got)
		}
		i += size
	}
}

func FuzzSentences(f *testing.F) {
	f.Add("Mr. Tusk met Gen. Smith. They talked… and left! “Why?” he asked.", 0, 1000)
	f.Add("3.5 percent. U.S. Senate. e.g. this. No. 5. 今日は晴れ。", 2, 40)
	f.Add("\n\n  a.\n\nB? \u00a0C! ...", 0, 20)
	f.Add("\xff\xfe broken. Text.", 1, 9)
	f.Add("a ledge.[c] Link. 1830.[n 6][12] Here. x.[y(z)] W.[", 0, 60)
	// More seeds, for the rules of manuals and papers, are in
	// testdata/fuzz/FuzzSentences.
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		sp := Span{start, end}
		checkSentenceSpans(t, text, sp, Sentences(text, sp))
	})
}
