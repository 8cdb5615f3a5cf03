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
		{"table", "| a | b |\n|---|:-:|\n| 1 | 2 |\n", []blk{{"a | b", kindTable, 0}, {"1 | 2", kindTable, 0}}},
		{"fences dropped, code kept", "```go\nx := 1\n```\n~~~\ny\n~~~\n", []blk{{"x := 1", kindCode, 0}, {"y", kindCode, 0}}},
		{"unclosed fence", "```\nx\n", []blk{{"x", kindCode, 0}}},
		{"front matter", "---\ntitle: x\n---\nBody.\n", []blk{{"Body.", kindPara, 0}}},
		{"unclosed front matter is a rule", "---\nBody.\n", []blk{{"Body.", kindPara, 0}}},
		{"comments and tags", "<!-- a\nb -->\n<div align=\"center\">\nText.\n", []blk{{"Text.", kindPara, 0}}},
		{"link definitions", "[1]: https://example.com\nText.\n", []blk{{"Text.", kindPara, 0}}},
		{"link-only line", "[Home](/) | [About](/about)\n", []blk{{"[Home](/) | [About](/about)", kindLinkOnly, 0}}},
		{"inline link kept", "See [the report](/r) for more.\n", []blk{{"See [the report](/r) for more.", kindPara, 0}}},
		{"empty heading", "#\n##   \n", nil},
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
