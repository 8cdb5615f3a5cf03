package corpus

import (
	"slices"
	"strings"
	"testing"
)

func TestFormatOf(t *testing.T) {
	tests := []struct {
		source string
		want   format
	}{
		{"a.txt", formatText}, {"dir/b.MD", formatMarkdown}, {"c.markdown", formatMarkdown},
		{"d.HTM", formatHTML}, {"e.html", formatHTML}, {"noext", formatText}, {"dir.md/file", formatText},
	}
	for _, tt := range tests {
		if got := formatOf(tt.source); got != tt.want {
			t.Errorf("formatOf(%q): got %d, want %d", tt.source, got, tt.want)
		}
	}
}

func TestWrapWidth(t *testing.T) {
	wrapped := "The Port of Tallinn opened a second container terminal on Monday, which\n" +
		"doubles the capacity of the harbour to six hundred thousand containers a\n" +
		"year. Officials said the project cost one hundred and twenty million euros\n" +
		"and took two years to build, and that it would open to ships in the\n" +
		"spring.\n"
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"wrapped", wrapped, true},
		{"one paragraph a line", "A short line.\nAnother short line that ends.\nA third one here.\n", false},
		{"long lines", strings.Repeat("word ", 40) + "\n" + strings.Repeat("word ", 30), false},
		{"seed", seedDocs(t)[2].Text, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wrapWidth(tt.text) > 0; got != tt.want {
				t.Errorf("got wrapped=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestPlainBlocksJoinsWrappedLines(t *testing.T) {
	text := "A Short Title\n" +
		"The Port of Tallinn opened a second container terminal on Monday, which\n" +
		"doubles the capacity of the harbour to six hundred thousand containers a\n" +
		"year.\n" +
		"- a bullet that starts a new item even though the line above is long\n"
	var got []string
	for _, b := range plainBlocks(text, 74) {
		got = append(got, text[b.span.Start:b.span.End])
	}
	want := []string{
		"A Short Title",
		"The Port of Tallinn opened a second container terminal on Monday, which\n" +
			"doubles the capacity of the harbour to six hundred thousand containers a\nyear.",
		"- a bullet that starts a new item even though the line above is long",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
