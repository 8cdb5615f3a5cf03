package slack

import (
	"strings"
	"unicode/utf8"
)

const codeFence = "```"

// splitMrkdwn cuts rendered mrkdwn into pieces of at most limit characters
// (runes), preferring paragraph, then line, then word boundaries. It never
// cuts inside an entity such as &amp; or a <url|label> token, and a code
// block that spans a cut is closed and reopened so each piece renders on its
// own. Empty pieces are dropped. limit must be well above maxLinkRunes.
func splitMrkdwn(s string, limit int) []string {
	var out []string
	prefix := ""
	for {
		s = strings.TrimLeft(s, "\n")
		if strings.TrimSpace(s) == "" {
			return out
		}
		if utf8.RuneCountInString(prefix)+utf8.RuneCountInString(s) <= limit {
			return append(out, prefix+s)
		}
		// Room for the prefix and for a closing "\n```".
		budget := limit - utf8.RuneCountInString(prefix) - len(codeFence) - 1
		cut := findCut(s, budget)
		chunk := prefix + strings.TrimRight(s[:cut], " \t\n")
		s = s[cut:]
		prefix = ""
		if strings.Count(chunk, codeFence)%2 == 1 {
			chunk += "\n" + codeFence
			prefix = codeFence + "\n"
		}
		if strings.TrimSpace(strings.Trim(chunk, "`\n")) != "" {
			out = append(out, chunk)
		}
	}
}

// findCut returns a byte offset in (0, len(s)) at which to cut s so that
// s[:cut] holds at most budget runes.
func findCut(s string, budget int) int {
	var (
		runes                         int
		para, line, space, safe, hard int
		inEntity, inToken             bool
	)
	for i, r := range s {
		if runes == budget {
			hard = i
			break
		}
		runes++
		if !inEntity && !inToken {
			safe = i // cutting before s[i] is safe
			switch {
			case r == '\n' && i > 0 && s[i-1] == '\n':
				para = i
			case r == '\n':
				line = i
			case r == ' ':
				space = i
			}
		}
		switch r {
		case '&':
			inEntity = true
		case ';':
			inEntity = false
		case '<':
			inToken = true
		case '>':
			inToken = false
		}
	}
	if hard == 0 {
		hard = len(s)
	}
	if !inEntity && !inToken {
		safe = hard
	}
	half := hard / 2
	for _, c := range []int{para, line, space} {
		if c > half {
			return c
		}
	}
	if safe > 0 {
		return safe
	}
	// Only reachable if a token is longer than budget, which linkToken
	// prevents; a hard cut is better than an endless loop.
	return hard
}
