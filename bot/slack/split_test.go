package slack

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSplitMrkdwn(t *testing.T) {
	para := strings.Repeat("word ", 50) // 250 runes
	tests := []struct {
		name  string
		in    string
		limit int
		check func(t *testing.T, parts []string)
	}{
		{"short stays whole", "hello", 100, func(t *testing.T, parts []string) {
			if len(parts) != 1 || parts[0] != "hello" {
				t.Errorf("got %q, want [hello]", parts)
			}
		}},
		{"empty gives nothing", " \n\n ", 100, func(t *testing.T, parts []string) {
			if len(parts) != 0 {
				t.Errorf("got %q, want none", parts)
			}
		}},
		{"cuts at paragraphs", para + "\n\n" + para + "\n\n" + para, 600, func(t *testing.T, parts []string) {
			if len(parts) != 2 || strings.TrimSpace(parts[1]) != strings.TrimSpace(para) {
				t.Errorf("got %d parts, want 2 cut at the second paragraph break", len(parts))
			}
		}},
		{"never inside an entity", strings.Repeat("&amp;", 300), 99, func(t *testing.T, parts []string) {
			for _, p := range parts {
				if strings.ReplaceAll(p, "&amp;", "") != "" {
					t.Errorf("part %q holds a cut entity", clip(p))
				}
			}
		}},
		{"never inside a link", strings.Repeat("<https://example.org/abc|label> ", 40), 100, func(t *testing.T, parts []string) {
			for _, p := range parts {
				if err := wellFormedMrkdwn(p); err != nil {
					t.Errorf("part %q: %v", clip(p), err)
				}
			}
		}},
		{"code block reopened", "```\n" + strings.Repeat("line of code\n", 100) + "```", 200, func(t *testing.T, parts []string) {
			for _, p := range parts {
				if strings.Count(p, "```")%2 != 0 {
					t.Errorf("part has an unbalanced fence: %q", clip(p))
				}
			}
		}},
		{"one long word", strings.Repeat("x", 1000), 300, func(t *testing.T, parts []string) {
			if len(parts) != 4 {
				t.Errorf("got %d parts, want 4", len(parts))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitMrkdwn(tt.in, tt.limit)
			for _, p := range parts {
				if n := utf8.RuneCountInString(p); n > tt.limit {
					t.Errorf("part of %d runes, limit %d", n, tt.limit)
				}
			}
			if got, want := squash(strings.Join(parts, "")), squash(tt.in); got != want {
				t.Errorf("content changed:\n got %.80q\nwant %.80q", got, want)
			}
			tt.check(t, parts)
		})
	}
}

// squash drops whitespace and backticks, which splitting may add or trim,
// leaving the content that must survive it unchanged.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '`' {
			return -1
		}
		return r
	}, s)
}

func FuzzSplitMrkdwn(f *testing.F) {
	f.Add("Estonia ratified the treaty in 2004 [1]. **Bold** & <b>", uint16(1100))
	f.Add("```\ncode & more\n```\n\n- a\n- b [x](https://x.org/"+strings.Repeat("p", 900)+")", uint16(1010))
	f.Add("é€😀 ", uint16(1024))
	f.Fuzz(func(t *testing.T, md string, limit uint16) {
		lim := 1010 + int(limit)%3000 // above the longest link token
		rendered := markdownToMrkdwn(md)
		if rendered == "" {
			return
		}
		// Repeat until the text must be split.
		n := lim/max(1, utf8.RuneCountInString(rendered)) + 2
		in := strings.Repeat(rendered+"\n", n)
		parts := splitMrkdwn(in, lim)
		for _, p := range parts {
			if c := utf8.RuneCountInString(p); c > lim {
				t.Fatalf("part of %d runes, limit %d", c, lim)
			}
			if err := wellFormedMrkdwn(p); err != nil {
				t.Fatalf("part %q: %v", clip(p), err)
			}
		}
		if got, want := squash(strings.Join(parts, "")), squash(in); got != want {
			t.Fatalf("content changed by splitting")
		}
	})
}
