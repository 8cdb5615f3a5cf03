package corpus

import (
	"regexp"
	"strings"
)

// Markdown is cleaned in place: the text is never rewritten, so offsets stay
// valid, but each block's span starts after its leading markup (#, >, list
// markers, table pipes) and markup-only lines (fences, rules, front matter,
// link definitions) are not blocks at all.

var (
	mdFence      = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	mdHeading    = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+|$)`)
	mdClosingAtx = regexp.MustCompile(`[ \t]+#+[ \t]*$`)
	mdSetext     = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	mdRule       = regexp.MustCompile(`^ {0,3}([-*_])(?:[ \t]*([-*_])){2,}[ \t]*$`)
	mdQuote      = regexp.MustCompile(`^ {0,3}>[ \t]?`)
	mdListItem   = regexp.MustCompile(`^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)(?:\[[ xX]\][ \t]+)?`)
	mdTableSep   = regexp.MustCompile(`^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
	mdLinkDef    = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S`)
	mdTagOnly    = regexp.MustCompile(`^(?:[ \t]*<[^<>]*>)+[ \t]*$`)
	mdLink       = regexp.MustCompile(`!?\[[^\]]*\]\([^)]*\)|<https?://[^>]*>`)
)

// markdownBlocks splits Markdown text into blocks. Consecutive plain lines
// form one paragraph, as Markdown renders them; a list item takes in its
// continuation lines.
func markdownBlocks(text string) []block {
	var (
		out       []block
		inFence   string // the fence that opened the current code block
		inComment bool
		open      bool // the last block is a paragraph or item that may continue
		lineNo    int
	)
	frontMatterEnd := frontMatter(text)
	for start := 0; start <= len(text); lineNo++ {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		lineStart := start
		line := text[start:end]
		start = end + 1
		if lineStart < frontMatterEnd {
			continue
		}
		blank := strings.TrimSpace(line) == ""
		switch {
		case inFence != "":
			open = false
			if m := mdFence.FindString(line); m != "" && strings.TrimSpace(m)[0] == inFence[0] &&
				len(strings.TrimSpace(m)) >= len(inFence) && strings.TrimSpace(line) == strings.TrimSpace(m) {
				inFence = ""
				continue
			}
			if sp, ok := trimSpan(text, lineStart, end); ok {
				out = append(out, block{span: sp, kind: kindCode})
			}
			continue
		case inComment:
			open = false
			if strings.Contains(line, "-->") {
				inComment = false
			}
			continue
		case blank:
			open = false
			continue
		}
		if m := mdFence.FindStringSubmatch(line); m != nil {
			inFence, open = m[1], false
			continue
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "<!--") {
			inComment = !strings.Contains(t, "-->")
			open = false
			continue
		}
		if mdLinkDef.MatchString(line) || mdTagOnly.MatchString(line) {
			open = false
			continue
		}
		// A setext underline turns the paragraph above into a heading; the
		// paragraph must be a single line, or "---" is a rule.
		if m := mdSetext.FindStringSubmatch(line); m != nil && open && len(out) > 0 {
			last := &out[len(out)-1]
			if last.kind == kindPara && !strings.Contains(text[last.span.Start:last.span.End], "\n") {
				last.kind, last.level = kindHeading, 1
				if m[1][0] == '-' {
					last.level = 2
				}
				open = false
				continue
			}
		}
		if mdRule.MatchString(line) {
			open = false
			continue
		}
		off, kind, level := 0, kindPara, 0
		quoted := false
		for {
			m := mdQuote.FindStringIndex(line[off:])
			if m == nil {
				break
			}
			off += m[1]
			quoted = true
		}
		if m := mdHeading.FindStringSubmatchIndex(line[off:]); m != nil {
			kind, level = kindHeading, m[3]-m[2]
			off += m[1]
		} else if m := mdListItem.FindStringIndex(line[off:]); m != nil {
			kind = kindList
			off += m[1]
		} else if t := strings.TrimSpace(line[off:]); strings.HasPrefix(t, "|") {
			if mdTableSep.MatchString(line[off:]) {
				open = false
				continue
			}
			kind = kindTable
		} else if quoted {
			kind = kindQuote
		} else if open && len(out) > 0 {
			// A lazy continuation line of the paragraph or item above.
			if sp, ok := trimSpan(text, lineStart, end); ok {
				out[len(out)-1].span.End = sp.End
			}
			continue
		}
		contentEnd := end
		switch kind {
		case kindHeading:
			if loc := mdClosingAtx.FindStringIndex(line[off:]); loc != nil {
				contentEnd = lineStart + off + loc[0]
			}
		case kindTable:
			t := strings.TrimRight(line, " \t")
			contentEnd = lineStart + len(t)
			if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
				contentEnd--
			}
			off = strings.IndexByte(line, '|') + 1
		}
		if contentEnd < lineStart+off {
			contentEnd = lineStart + off
		}
		sp, ok := trimSpan(text, lineStart+off, contentEnd)
		if !ok {
			open = false
			continue
		}
		if kind != kindHeading && kind != kindTable && isLinkOnly(text[sp.Start:sp.End]) {
			kind = kindLinkOnly
		}
		out = append(out, block{span: sp, kind: kind, level: level})
		open = kind == kindPara || kind == kindList
	}
	return out
}

// frontMatter returns the end offset of a YAML or TOML front matter block at
// the start of text, or 0 when there is none (or it is never closed).
func frontMatter(text string) int {
	for _, fence := range []string{"---", "+++"} {
		if !strings.HasPrefix(text, fence+"\n") {
			continue
		}
		rest := text[len(fence)+1:]
		for off := 0; off < len(rest); {
			end := strings.IndexByte(rest[off:], '\n')
			if end < 0 {
				end = len(rest)
			} else {
				end += off
			}
			line := strings.TrimRight(rest[off:end], " \t")
			if line == fence || (fence == "---" && line == "...") {
				return len(fence) + 1 + min(end+1, len(rest))
			}
			off = end + 1
		}
	}
	return 0
}

// isLinkOnly reports a Markdown line whose only text is links or images,
// such as a menu or a "read more" link.
func isLinkOnly(s string) bool {
	if !strings.Contains(s, "](") && !strings.Contains(s, "<http") {
		return false
	}
	rest := mdLink.ReplaceAllString(s, "")
	for _, r := range rest {
		if isLetterOrDigit(r) {
			return false
		}
	}
	return true
}
