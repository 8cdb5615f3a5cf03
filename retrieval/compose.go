package retrieval

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/reader"
	"github.com/citebot/citebot/retrieval/words"
)

// NotCoveredText is how an unanswered question reads. Adapters show it
// differently from an answer, keyed on Answer.Answered, not on this text.
const NotCoveredText = "I couldn't find that in the corpus."

// maxQuoteLen caps a citation's quote; a longer sentence is cut at a word
// boundary, which keeps the quote verbatim.
const maxQuoteLen = 320

// compose turns the reader's finding into an Answer: the direct answer
// first, then the sentence it came from, quoted verbatim with its marker,
// and the citations.
func compose(question string, rd reader.Reading, pageOf pageFunc) citebot.Answer {
	ans := citebot.Answer{Question: question, Citations: []citebot.Citation{}, Mode: citebot.ModeExtractive,
		Confidence: roundScore(rd.Confidence)}
	if !rd.Answered || len(rd.Evidence) == 0 {
		return notCovered(ans, rd.Evidence, pageOf)
	}
	first := rd.Evidence[0]
	ans.Answered = true
	ans.Lead = rd.Lead
	if rd.Value != "" {
		ans.Lead = rd.Lead + ", " + rd.Value
	}
	keep := rd.Value
	if keep == "" {
		keep = rd.Lead
	}
	ans.Citations = append(ans.Citations, citationOf(first, keep, pageOf))
	// Other sources that say the same thing back the answer up.
	for _, ev := range rd.Evidence[1:] {
		if len(ans.Citations) >= 3 {
			break
		}
		if citedSource(ans.Citations, ev.Source) || similarWords(ev.Text, first.Text) >= 0.6 {
			continue
		}
		if keep != "" && (rd.Value != "" || !isVerdict(rd.Lead)) && !containsFold(ev.Text, keep) {
			continue
		}
		ans.Citations = append(ans.Citations, citationOf(ev, keep, pageOf))
	}
	ans.Text = answerText(ans.Lead, first.Text, ans.Citations)
	return ans
}

func isVerdict(lead string) bool { return lead == "Yes" || lead == "No" }

// answerText writes the reply: the lead, then the quote with its marker,
// and markers for the sources that agree. A lead that is nearly the whole
// sentence is not said twice.
func answerText(lead, sentence string, cites []citebot.Citation) string {
	quote := cites[0].Quote
	if lead != "" && !isVerdict(strings.SplitN(lead, ",", 2)[0]) && runeLen(lead) >= runeLen(sentence)*9/10 {
		lead = ""
	}
	var head string
	if lead != "" {
		head = lead
		if !strings.HasSuffix(head, ".") && !strings.HasSuffix(head, "?") && !strings.HasSuffix(head, "!") {
			head += "."
		}
		head += " "
	}
	var tail string
	if len(cites) > 1 {
		marks := make([]string, 0, len(cites)-1)
		for i := 2; i <= len(cites); i++ {
			marks = append(marks, formatMarker(i))
		}
		tail = " Also in " + strings.Join(marks, ", ") + "."
	}
	marker := " " + formatMarker(1)
	budget := citebot.MaxAnswerLen - runeLen(head) - runeLen(marker) - runeLen(tail)
	return head + words.Truncate(quote, budget) + marker + tail
}

// notCovered says the corpus does not answer, and lists the nearest
// sources so the user can look for themselves.
func notCovered(ans citebot.Answer, near []reader.Evidence, pageOf pageFunc) citebot.Answer {
	ans.Answered = false
	for _, ev := range near {
		if len(ans.Citations) >= 3 {
			break
		}
		if citedSource(ans.Citations, ev.Source) {
			continue
		}
		ans.Citations = append(ans.Citations, citationOf(ev, "", pageOf))
	}
	ans.Text = NotCoveredText
	if len(ans.Citations) > 0 {
		names := make([]string, len(ans.Citations))
		for i, c := range ans.Citations {
			names[i] = c.Source
		}
		ans.Text += fmt.Sprintf(" The nearest passages are in %s.", strings.Join(names, ", "))
	}
	return ans
}

func citationOf(ev reader.Evidence, keep string, pageOf pageFunc) citebot.Citation {
	return citebot.Citation{
		Source: ev.Source,
		Title:  ev.Title,
		Quote:  cutQuote(ev.Text, keep),
		Page:   pageOf(ev.Source, ev.Start),
		Score:  roundScore(ev.Score),
	}
}

// pageFunc returns the 1-based page of source that holds the byte at
// offset in its text, or 0 when source has no pages.
type pageFunc func(source string, offset int) int

// pageTable maps each paged document's source to where its pages start
// (corpus.Document.Pages), so that a citation can name its page.
type pageTable map[string][]int

func newPageTable(docs []corpus.Document) pageTable {
	t := pageTable{}
	for _, d := range docs {
		if len(d.Pages) > 0 {
			t[d.Source] = d.Pages
		}
	}
	return t
}

// pageOf is a pageFunc.
func (t pageTable) pageOf(source string, offset int) int {
	return corpus.PageAt(t[source], offset)
}

// cutQuote keeps a quote within maxQuoteLen while keeping it verbatim and
// keeping the direct answer inside it.
func cutQuote(text, answer string) string {
	if runeLen(text) <= maxQuoteLen {
		return text
	}
	start := 0
	if answer != "" {
		if k := strings.Index(text, answer); k > 0 {
			r := []rune(text[:k])
			if len(r) > maxQuoteLen/2 {
				start = len(string(r[:len(r)-maxQuoteLen/2]))
				if sp := strings.IndexByte(text[start:], ' '); sp >= 0 {
					start += sp + 1
				}
			}
		}
	}
	r := []rune(text[start:])
	if len(r) <= maxQuoteLen {
		return text[start:]
	}
	cut := string(r[:maxQuoteLen])
	if sp := strings.LastIndexByte(cut, ' '); sp > maxQuoteLen/2 {
		cut = cut[:sp]
	}
	return strings.TrimRight(cut, " ,;:")
}

func citedSource(cs []citebot.Citation, src string) bool {
	for _, c := range cs {
		if c.Source == src {
			return true
		}
	}
	return false
}

func containsFold(haystack, needle string) bool {
	return strings.Contains(words.Fold(haystack), words.Fold(needle))
}

func roundScore(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}

func formatMarker(n int) string { return fmt.Sprintf("[%d]", n) }

func runeLen(s string) int { return utf8.RuneCountInString(s) }
