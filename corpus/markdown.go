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
	mdAttrs      = regexp.MustCompile(`[ \t]*\{[#.][^{}]*\}[ \t]*$`)
	htmlHeading  = regexp.MustCompile(`(?i)^[ \t]*<h([1-6])(?:[ \t][^<>]*)?>([^<>]*)</h[1-6][ \t]*>[ \t]*$`)
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
	)
	frontMatterEnd := frontMatter(text)
	for lineStart, end := range lineSpans(text) {
		line := text[lineStart:end]
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
		if m := htmlHeading.FindStringSubmatchIndex(line); m != nil {
			// <h1 align="center">Name</h1>, as many READMEs open.
			if sp, ok := trimSpan(text, lineStart+m[4], lineStart+m[5]); ok {
				out = append(out, block{span: sp, kind: kindHeading, level: int(line[m[2]] - '0')})
			}
			open = false
			continue
		}
		if mdLinkDef.MatchString(line) || mdTagOnly.MatchString(line) {
			open = false
			continue
		}
		// Four spaces after a blank line start a code block, unless they
		// continue a list item.
		if !open && indentOf(line) >= 4 && !afterItem(out, text, lineStart) {
			if sp, ok := trimSpan(text, lineStart, end); ok {
				out = append(out, block{span: sp, kind: kindCode})
			}
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
				// The delimiter row joins the header row above it, so that
				// chunks can carry the header to its rows.
				if sp, ok := trimSpan(text, lineStart, end); ok {
					joinDelimiter(text, out, lineStart, sp)
				}
				open = false
				continue
			}
			kind = kindTable
		} else if quoted {
			kind = kindQuote
		} else if open && len(out) > 0 && emphasisLine(text, out[len(out)-1]) > 0 {
			// "**Note**" over a paragraph is a heading (level 0: found by
			// its shape); its span leaves out the emphasis.
			last := &out[len(out)-1]
			n := emphasisLine(text, *last)
			last.kind, last.span = kindHeading, Span{last.span.Start + n, last.span.End - n}
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
			// "## Introduction {#intro}": the attributes are markup.
			if loc := mdAttrs.FindStringIndex(text[lineStart+off : contentEnd]); loc != nil {
				contentEnd = lineStart + off + loc[0]
			}
		}
		if contentEnd < lineStart+off {
			contentEnd = lineStart + off
		}
		sp, ok := trimSpan(text, lineStart+off, contentEnd)
		if kind == kindTable {
			sp, ok = pipeRow(text, lineStart, lineStart+strings.IndexByte(line, '|'), end)
		}
		if !ok {
			open = false
			continue
		}
		b := block{span: sp, kind: kind, level: level}
		if kind != kindHeading && kind != kindTable && isLinkOnly(text[sp.Start:sp.End]) {
			// A list of links may be the article's references; a line of
			// them is a menu.
			b.links, b.away = 100, 100
			if onlyAnchors(text[sp.Start:sp.End]) {
				b.away = 0
			}
			if kind != kindList {
				b.kind = kindLinkOnly
			}
		}
		out = append(out, b)
		open = kind == kindPara || kind == kindList
	}
	return out
}

// indentOf returns the columns of white space that start line, a tab
// counting four.
func indentOf(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n
		}
	}
	return n
}

// afterItem reports whether the last block is a list item and only blank
// lines lie between it and lineStart, so that an indented line continues
// the item rather than starting code.
func afterItem(out []block, text string, lineStart int) bool {
	if len(out) == 0 || out[len(out)-1].kind != kindList {
		return false
	}
	return strings.TrimSpace(text[out[len(out)-1].span.End:lineStart]) == ""
}

// emphasisLine reports a one-line paragraph wholly in bold or italics,
// "**Note**", which authors use as a heading, by returning the length of
// its emphasis marker, or 0.
func emphasisLine(text string, b block) int {
	if b.kind != kindPara {
		return 0
	}
	s := text[b.span.Start:b.span.End]
	if strings.IndexByte(s, '\n') >= 0 || len(s) < 3 {
		return 0
	}
	for _, m := range []string{"**", "__", "*", "_"} {
		inner := ""
		if len(s) > 2*len(m) && strings.HasPrefix(s, m) && strings.HasSuffix(s, m) {
			inner = s[len(m) : len(s)-len(m)]
		}
		if strings.TrimSpace(inner) == inner && inner != "" && !strings.ContainsAny(inner, "*_") {
			return len(m)
		}
	}
	return 0
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

// frontMatterTitle returns the title set in a Markdown file's YAML or TOML
// front matter ("title: …" or "title = …"), or "".
func frontMatterTitle(text string) string {
	end := frontMatter(text)
	if end == 0 {
		return ""
	}
	for line := range strings.Lines(text[4:end]) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			k, v, ok = strings.Cut(line, "=")
		}
		if ok && strings.EqualFold(strings.TrimSpace(k), "title") {
			v = strings.TrimSpace(v)
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			return collapseSpace(v)
		}
	}
	return ""
}

// linkText returns the text of a Markdown link or image, "[text](url)".
func linkText(link string) string {
	open := strings.IndexByte(link, '[')
	end := strings.LastIndex(link, "](")
	if open < 0 || end < open {
		return ""
	}
	return link[open+1 : end]
}

// onlyAnchors reports whether every link in s leads to a #anchor on the
// same page, as a table of contents does.
func onlyAnchors(s string) bool {
	for _, m := range mdLink.FindAllString(s, -1) {
		open := strings.LastIndex(m, "](")
		if open < 0 || !strings.HasPrefix(m[open+2:], "#") {
			return false
		}
	}
	return true
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
