package corpus

import (
	"fmt"
	"testing"
)

func TestMarkdownBlocks(t *testing.T) {
	type blk struct {
		text  string
		kind  blockKind
		level int
	}
	tests := []struct {
		name string
		text string
		want []blk
	}{
		{"atx heading with closing hashes", "## Key figures ##\n", []blk{{"Key figures", kindHeading, 2}}},
		{"setext headings", "Big Title\n=========\n\nSmaller\n-------\n", []blk{{"Big Title", kindHeading, 1}, {"Smaller", kindHeading, 2}}},
		{"rule is not a heading", "Para one.\n\n---\n\nPara two.\n", []blk{{"Para one.", kindPara, 0}, {"Para two.", kindPara, 0}}},
		{"paragraph lines join", "one\ntwo\n\nthree\n", []blk{{"one\ntwo", kindPara, 0}, {"three", kindPara, 0}}},
		{"lists and task boxes", "- apples\n* pears\n+ figs\n12. plums\n3) kiwis\n- [x] done\n",
			[]blk{{"apples", kindList, 0}, {"pears", kindList, 0}, {"figs", kindList, 0}, {"plums", kindList, 0}, {"kiwis", kindList, 0}, {"done", kindList, 0}}},
		{"list item continuation", "- first line\n  continues here\n", []blk{{"first line\n  continues here", kindList, 0}}},
		{"nested quote", "> > deep quote\n> # quoted heading\n", []blk{{"deep quote", kindQuote, 0}, {"quoted heading", kindHeading, 1}}},
		{"table", "| a | b |\n|---|:-:|\n| 1 | 2 |\n", []blk{{"a | b |\n|---|:-:|", kindTable, 0}, {"1 | 2", kindTable, 0}}},
		{"fences dropped, code kept", "```go\nx := 1\n```\n~~~\ny\n~~~\n", []blk{{"x := 1", kindCode, 0}, {"y", kindCode, 0}}},
		{"unclosed fence", "```\nx\n", []blk{{"x", kindCode, 0}}},
		{"front matter", "---\ntitle: x\n---\nBody.\n", []blk{{"Body.", kindPara, 0}}},
		{"unclosed front matter is a rule", "---\nBody.\n", []blk{{"Body.", kindPara, 0}}},
		{"comments and tags", "<!-- a\nb -->\n<div align=\"center\">\nText.\n", []blk{{"Text.", kindPara, 0}}},
		{"link definitions", "[1]: https://example.com\nText.\n", []blk{{"Text.", kindPara, 0}}},
		{"link-only line", "[Home](/) | [About](/about)\n", []blk{{"[Home](/) | [About](/about)", kindLinkOnly, 0}}},
		{"inline link kept", "See [the report](/r) for more.\n", []blk{{"See [the report](/r) for more.", kindPara, 0}}},
		{"empty heading", "#\n##   \n", nil},
		{"heading attributes", "## Introduction {#intro}\n", []blk{{"Introduction", kindHeading, 2}}},
		{"html heading", "<h1 align=\"center\">Lumen</h1>\nCases for phones.\n", []blk{{"Lumen", kindHeading, 1}, {"Cases for phones.", kindPara, 0}}},
		{"heading never glued", "# Title\nFirst sentence.\n", []blk{{"Title", kindHeading, 1}, {"First sentence.", kindPara, 0}}},
		{"bold line over a paragraph is a heading", "**Note**\nCases are sold separately.\n",
			[]blk{{"Note", kindHeading, 0}, {"Cases are sold separately.", kindPara, 0}}},
		{"bold words inside a paragraph", "**Note** that\ncases are sold separately.\n", []blk{{"**Note** that\ncases are sold separately.", kindPara, 0}}},
		{"indented code", "Run:\n\n    lumen reset --battery\n    lumen status\n\nDone.\n",
			[]blk{{"Run:", kindPara, 0}, {"lumen reset --battery", kindCode, 0}, {"lumen status", kindCode, 0}, {"Done.", kindPara, 0}}},
		{"indented paragraph of a list item", "1. Step one.\n\n    More about step one.\n",
			[]blk{{"Step one.", kindList, 0}, {"More about step one.", kindPara, 0}}},
		{"list of links stays a list", "- [Qi standard](https://example.org/qi)\n", []blk{{"[Qi standard](https://example.org/qi)", kindList, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []blk
			for _, b := range markdownBlocks(tt.text) {
				got = append(got, blk{tt.text[b.span.Start:b.span.End], b.kind, b.level})
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMarkdownLinks(t *testing.T) {
	tests := []struct {
		line        string
		kind        blockKind
		links, away int
	}{
		{"- [Qi standard](https://example.org/qi)", kindList, 100, 100},
		{"1. [Charging](#charging)", kindList, 100, 0},
		{"[Home](/) · [World](/world)", kindLinkOnly, 100, 100},
		{"See [the report](/r) for more.", kindPara, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			b := markdownBlocks(tt.line)
			if len(b) != 1 || b[0].kind != tt.kind || b[0].links != tt.links || b[0].away != tt.away {
				t.Errorf("got %+v, want one block of kind %d with links %d, away %d", b, tt.kind, tt.links, tt.away)
			}
		})
	}
}

// TestMarkdownGuide reads a Markdown page with front matter, an HTML
// heading, a table of contents, lists, a table and code.
func TestMarkdownGuide(t *testing.T) {
	checkFixture(t, "guide.md", "Lumen", []string{
		"Lumen",
		"Contents",
		"Supported makers",
		"Lumen cases fit phones from three makers:",
		"Apple",
		"Google",
		"Samsung",
		"Each case is tested on the maker's two latest models.",
		"Older models usually fit, but the camera cut-out may not line up.",
		"Note",
		"Cases for folding phones are sold separately.",
		"Charging",
		"The case passes wireless charging through at up to 15 W.",
		"A case with a metal plate (sold for car mounts) blocks it; remove the plate first.",
		"Charger | Time to 80% | |---------|-------------|",
		"15 W | 55 min",
		"7.5 W | 95 min",
		"Reset the case's battery monitor with:",
		"lumen reset --battery",
		"lumen status",
	})
}

func TestFrontMatterTitle(t *testing.T) {
	tests := []struct{ text, want string }{
		{"---\ntitle: \"Field guide\"\nlayout: x\n---\nBody.", "Field guide"},
		{"+++\ntitle = 'TOML title'\n+++\nBody.", "TOML title"},
		{"---\nlayout: x\n---\nBody.", ""},
		{"No front matter.", ""},
	}
	for _, tt := range tests {
		if got := frontMatterTitle(tt.text); got != tt.want {
			t.Errorf("frontMatterTitle(%q): got %q, want %q", tt.text, got, tt.want)
		}
	}
}
