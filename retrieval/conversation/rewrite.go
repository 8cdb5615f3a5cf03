package conversation

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/parallel"
	"github.com/citebot/citebot/retrieval/reader"
	"github.com/citebot/citebot/retrieval/words"
)

// This file reads follow-up questions without a language model: "and
// Latvia?" after "when did Estonia ratify Ottawa?" becomes "when did Latvia
// ratify Ottawa?". The previous question supplies the frame, and the
// follow-up's new name takes the place of the name in the frame that is of
// the same kind. Which name that is, the corpus says: names listed
// together ("Estonia, Latvia, Lithuania and Poland") are of a kind.

// Rewriter makes follow-up questions stand on their own, from what it
// learnt of a corpus: which words are names, and which names the corpus
// lists together. It is safe for concurrent use once made.
type Rewriter struct {
	stats *reader.Stats
	coord map[string]int32 // names listed together in the corpus
}

// NewRewriter learns from the chunks of a corpus whose statistics are
// stats.
//
// A large corpus is read in shares, one per spare core (parallel.Spare);
// their counts are added in order, so the result does not depend on
// timing.
func NewRewriter(stats *reader.Stats, chunks []corpus.Chunk) *Rewriter {
	n := min(parallel.Spare(), max(len(chunks)/learnShard, 1))
	parts := make([]*Rewriter, n)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := i*len(chunks)/n, (i+1)*len(chunks)/n
		wg.Go(func() {
			p := &Rewriter{stats: stats, coord: map[string]int32{}}
			sp := words.NewSplitter(stats.Stem)
			var toks []words.Token // one sentence's, the slice reused
			for _, c := range chunks[lo:hi] {
				for _, s := range reader.ChunkSentences(c) {
					if !mayList(s) {
						continue // nothing to count, nothing to split
					}
					toks = sp.AppendSplit(toks[:0], s)
					if !words.TitleCased(toks) {
						p.coordinate(s, toks)
					}
				}
			}
			parts[i] = p
		})
	}
	wg.Wait()
	r := parts[0]
	for _, p := range parts[1:] {
		for _, k := range slices.Sorted(maps.Keys(p.coord)) {
			if _, ok := r.coord[k]; ok || len(r.coord) < maxCoordPairs {
				r.coord[k] += p.coord[k]
			}
		}
	}
	return r
}

// learnShard is how many chunks one core reads at least; below it,
// starting and merging another share costs more than it saves.
var learnShard = 4000

// followUpCues open a follow-up that leans on the previous question. They
// are tried longest first.
var followUpCues = []string{
	"and what about ", "and how about ", "and the same for ", "what about ", "how about ", "same for ",
	"same question for ", "and for ", "what of ", "and ", "or ", "also ",
}

// quantifiers complete a question word: "how many", "how long".
var quantifiers = map[string]bool{
	"many": true, "much": true, "long": true, "old": true, "often": true, "far": true, "else": true,
}

// pronouns that point back at the previous question's subject.
var backPronouns = map[string]bool{
	"it": true, "its": true, "they": true, "them": true, "their": true, "theirs": true,
	"he": true, "him": true, "his": true, "she": true, "her": true, "hers": true, "there": true,
}

// entitySpan is a run of name or number tokens in a text.
type entitySpan struct {
	start, end int // byte offsets in the text
	key        string
	num        bool
}

// Rewrite returns text unchanged unless it reads as a follow-up to
// the last of turns: an elliptical fragment ("and Latvia?", "why?", "what
// about in 2005?") or a question whose only subject is a pronoun.
func (r *Rewriter) Rewrite(turns []Turn, text string) string {
	if len(turns) == 0 {
		return text
	}
	prev := turns[len(turns)-1].Standalone
	if prev == "" {
		prev = turns[len(turns)-1].Question
	}
	cue, rest := splitCue(text)
	rest = strings.TrimSpace(strings.TrimRight(rest, "?!.。？！ "))
	if rest == "" {
		return text
	}
	toks := words.Split(rest)
	if len(toks) == 0 {
		return text
	}
	// After a cue the fragment's first word is not the first of a
	// sentence, so a capital there marks a name.
	ents := r.entitySpans(rest, toks, cue == "")
	whOnly, entOnly := true, true
	for _, t := range toks {
		if !words.IsQuestionWord(t.Norm) && !words.IsAuxiliary(t.Norm) && !words.IsStop(t.Norm) && !quantifiers[t.Norm] {
			whOnly = false
		}
		if t.Stem != "" && !inSpan(ents, t) {
			entOnly = false
		}
	}
	whStart := words.IsQuestionWord(toks[0].Norm) || words.IsAuxiliary(toks[0].Norm)

	switch {
	case whOnly && (cue != "" || len(toks) <= 2):
		// "why?", "and when?": the previous question, asked another way.
		return r.reframe(prev, rest)
	case len(ents) > 0 && entOnly && (cue != "" || !whStart):
		// "and Latvia?", "Latvia?", "what about 2005?"
		return r.substitute(prev, rest, ents)
	case cue != "" && !whStart:
		// "and the defence minister?": keep the previous topic.
		return withTopic(rest, r.entityTexts(prev))
	case whStart && len(ents) == 0 && hasBackPronoun(toks):
		// "when did it happen?"
		topic := r.entityTexts(prev)
		if hasPersonPronoun(toks) {
			if name := r.leadName(turns[len(turns)-1]); name != "" {
				topic = []string{name}
			}
		}
		return withTopic(rest, topic)
	}
	return text
}

// splitCue separates a follow-up cue from the rest of text.
func splitCue(text string) (cue, rest string) {
	t := strings.TrimSpace(text)
	lower := strings.ToLower(t)
	for _, c := range followUpCues {
		if strings.HasPrefix(lower, c) {
			return c, t[len(c):]
		}
	}
	return "", t
}

// entitySpans finds the names and numbers in text: runs of adjacent tokens
// that are numbers, capitalised content words (but for the first word of a
// sentence, when initial says text starts one), or words the corpus
// usually capitalises.
func (r *Rewriter) entitySpans(text string, toks []words.Token, initial bool) []entitySpan {
	var out []entitySpan
	var cur *entitySpan
	var keys []string
	flush := func() {
		if cur != nil {
			cur.key = strings.Join(keys, " ")
			out = append(out, *cur)
		}
		cur, keys = nil, nil
	}
	for i, t := range toks {
		ent := r.isEntityToken(t, i == 0 && initial)
		if !ent {
			flush()
			continue
		}
		gap := ""
		if cur != nil {
			gap = text[cur.end:t.Start]
		}
		if cur == nil || gap != " " || cur.num != t.Num {
			flush()
			cur = &entitySpan{start: t.Start, end: t.End, num: t.Num}
		}
		cur.end = t.End
		keys = append(keys, t.Norm)
	}
	flush()
	return out
}

func (r *Rewriter) isEntityToken(t words.Token, initial bool) bool {
	if t.Num {
		return true
	}
	if t.Stem == "" || words.IsQuestionWord(t.Norm) {
		return false
	}
	if r.stats.Proper(t.Norm) {
		return true
	}
	// A capital in a question marks a name, unless the corpus writes the
	// word in lower case: "Minister" in "Who is the Prime Minister?".
	return t.Cap && !initial && !r.stats.Common(t.Norm)
}

func inSpan(spans []entitySpan, t words.Token) bool {
	for _, s := range spans {
		if t.Start >= s.start && t.End <= s.end {
			return true
		}
	}
	return false
}

// entityTexts lists the names and numbers of text as written.
func (r *Rewriter) entityTexts(text string) []string {
	var out []string
	for _, s := range r.entitySpans(text, words.Split(text), true) {
		out = append(out, trimPossessive(text[s.start:s.end]))
	}
	return out
}

// substitute puts the follow-up's names into the previous question in
// place of the names of the same kind. With no name of that kind to
// replace, the follow-up keeps the previous question's names as its topic.
func (r *Rewriter) substitute(prev, rest string, news []entitySpan) string {
	olds := r.entitySpans(prev, words.Split(prev), true)
	type repl struct {
		old    entitySpan
		phrase string
	}
	var repls []repl
	for _, num := range []bool{false, true} {
		var kind []entitySpan
		for _, n := range news {
			if n.num == num {
				kind = append(kind, n)
			}
		}
		if len(kind) == 0 {
			continue
		}
		phrase := r.displayName(rest[kind[0].start:kind[len(kind)-1].end])
		best, bestScore := -1, int32(-1)
		for i, o := range olds {
			if o.num != num {
				continue
			}
			var score int32
			for _, n := range kind {
				score += r.coord[pairKey(n.key, o.key)]
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			return withTopic(rest, r.entityTexts(prev))
		}
		repls = append(repls, repl{olds[best], phrase})
	}
	sort.Slice(repls, func(i, j int) bool { return repls[i].old.start > repls[j].old.start })
	out := prev
	for _, r := range repls {
		old := out[r.old.start:r.old.end]
		phrase := trimPossessive(r.phrase)
		if suffix := possessiveSuffix(old); suffix != "" {
			phrase += suffix
		}
		out = out[:r.old.start] + phrase + out[r.old.end:]
	}
	return out
}

// reframe asks the previous question with the follow-up's question words:
// "why?" after "when did Estonia ratify Ottawa?" is "why did Estonia ratify
// Ottawa?". A previous question it cannot take apart gives the follow-up
// its names instead.
func (r *Rewriter) reframe(prev, wh string) string {
	toks := words.Split(prev)
	switch {
	case len(toks) == 0:
	case words.IsAuxiliary(toks[0].Norm):
		// "did Estonia ratify Ottawa?" → "when did Estonia ratify Ottawa?"
		return wh + " " + lowerFirst(prev[toks[0].Start:])
	case words.IsQuestionWord(toks[0].Norm):
		// Drop the question word with its head ("how many", "which
		// year") up to the verb that follows it.
		k := 1
		if k < len(toks) && toks[0].Norm == "how" && quantifiers[toks[k].Norm] {
			k++
		} else if k < len(toks) && (toks[0].Norm == "which" || toks[0].Norm == "what") {
			// "which year did …": skip the head noun up to the verb.
			for k < len(toks) && k <= 3 && !words.IsAuxiliary(toks[k].Norm) {
				k++
			}
		}
		if k < len(toks) && words.IsAuxiliary(toks[k].Norm) {
			return wh + " " + prev[toks[k].Start:]
		}
	}
	return withTopic(wh, r.entityTexts(prev))
}

// withTopic adds topic names to a question that leaves them out.
func withTopic(question string, topic []string) string {
	q := strings.TrimRight(strings.TrimSpace(question), "?!.。？！ ")
	if len(topic) == 0 {
		return q + "?"
	}
	return q + " (" + strings.Join(topic, ", ") + ")?"
}

// leadName is the first name in a previous answer: "Evika Silina" in
// "Evika Silina. Latvia's prime minister …", whom "she" refers to next.
func (r *Rewriter) leadName(t Turn) string {
	if !t.Answered {
		return ""
	}
	for _, s := range r.entitySpans(t.Answer, words.Split(t.Answer), true) {
		if !s.num {
			return trimPossessive(t.Answer[s.start:s.end])
		}
	}
	return ""
}

func hasBackPronoun(toks []words.Token) bool {
	for _, t := range toks {
		if backPronouns[t.Norm] {
			return true
		}
	}
	return false
}

func hasPersonPronoun(toks []words.Token) bool {
	for _, t := range toks {
		switch t.Norm {
		case "he", "him", "his", "she", "her", "hers":
			return true
		}
	}
	return false
}

// displayName capitalises a name typed in lower case ("latvia") the way
// names are written.
func (r *Rewriter) displayName(s string) string {
	toks := words.Split(s)
	var b strings.Builder
	last := 0
	for _, t := range toks {
		b.WriteString(s[last:t.Start])
		w := s[t.Start:t.End]
		if !t.Num && !t.Cap && r.stats.Proper(t.Norm) {
			r, size := utf8.DecodeRuneInString(w)
			w = string(unicode.ToUpper(r)) + w[size:]
		}
		b.WriteString(w)
		last = t.End
	}
	b.WriteString(s[last:])
	return b.String()
}

func possessiveSuffix(s string) string {
	for _, suf := range []string{"'s", "’s", "s'", "s’"} {
		if strings.HasSuffix(s, suf) {
			if suf[0] == 's' {
				return suf[1:]
			}
			return suf
		}
	}
	return ""
}

func trimPossessive(s string) string {
	for _, suf := range []string{"'s", "’s"} {
		if strings.HasSuffix(s, suf) {
			return s[:len(s)-len(suf)]
		}
	}
	if strings.HasSuffix(s, "'") || strings.HasSuffix(s, "’") {
		return strings.TrimRight(s, "'’")
	}
	return s
}

func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// Bounds on the coordination statistics, so that a huge corpus cannot make
// them huge.
const (
	maxCoordPairs = 1 << 20
	maxCoordChain = 12
)

// listSeparators join the items of a list: "Estonia, Latvia and Poland".
var listSeparators = map[string]bool{
	", ": true, " and ": true, ", and ": true, " or ": true, ", or ": true, " & ": true, "/": true,
	" / ": true, " nor ": true,
}

// mayList reports whether text holds a list separator, without which
// coordinate finds nothing to count.
func mayList(text string) bool {
	return strings.ContainsAny(text, ",&/") || strings.Contains(text, " and ") ||
		strings.Contains(text, " or ") || strings.Contains(text, " nor ")
}

// coordinate counts the names (or numbers) that a corpus sentence lists
// together. Names listed together are of the same kind, which tells
// substitute which name a follow-up replaces. NewRewriter calls it for
// every sentence but headlines, whose words are all capitalised.
func (r *Rewriter) coordinate(text string, toks []words.Token) {
	spans := r.entitySpans(text, toks, true)
	var chain []entitySpan
	count := func() {
		for i := 0; i < len(chain) && i < maxCoordChain; i++ {
			for j := i + 1; j < len(chain) && j < maxCoordChain; j++ {
				k := pairKey(chain[i].key, chain[j].key)
				if _, ok := r.coord[k]; ok || len(r.coord) < maxCoordPairs {
					r.coord[k]++
				}
			}
		}
		chain = chain[:0]
	}
	for i, sp := range spans {
		if i > 0 && !listSeparators[text[spans[i-1].end:sp.start]] {
			count()
		}
		chain = append(chain, sp)
	}
	count()
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "\x00" + b
}
