package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
)

// Question is one line of the questions file, in the shared eval-set
// format (retrieval.EvalQuestion), so that scripts/loadtest, the
// benchmarks and `citebot eval` all read it.
type Question struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	Sources  []string `json:"sources"`
	Kind     string   `json:"kind"`
}

// questionSampler keeps n distinct questions drawn uniformly from every
// question the corpus's sentences give, by reservoir sampling over the
// files fed to it in order, so that one pass writes the corpus and picks
// the questions, and a 200 MB corpus is never held in memory.
type questionSampler struct {
	n    int
	r    *rand.Rand
	seen int // candidates offered so far
	keep []Question
	in   map[string]bool // lower-cased questions in keep
}

func newQuestionSampler(n int, seed uint64) *questionSampler {
	// Its own stream, so that asking for questions leaves the corpus
	// byte for byte as it is without them.
	return &questionSampler{n: n, r: rand.New(rand.NewPCG(seed, 0x5175657374696f6e)), in: map[string]bool{}}
}

func (s *questionSampler) add(f File) {
	for _, sent := range sentences(f.Text) {
		c, ok := parse(sent)
		if !ok {
			continue
		}
		q := c.question(s.r.IntN(c.forms()))
		key := strings.ToLower(q.Question)
		if s.in[key] {
			continue
		}
		q.Sources = []string{f.Path}
		s.seen++
		switch {
		case len(s.keep) < s.n:
			s.keep = append(s.keep, q)
			s.in[key] = true
		default:
			if j := s.r.IntN(s.seen); j < s.n {
				delete(s.in, strings.ToLower(s.keep[j].Question))
				s.keep[j] = q
				s.in[key] = true
			}
		}
	}
}

// questions returns the sample in a seeded random order, so that any
// prefix of it (the first 300 asked one at a time, say) is spread over
// the whole corpus, numbered in that order.
func (s *questionSampler) questions() []Question {
	out := append([]Question(nil), s.keep...)
	s.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	for i := range out {
		out[i].ID = fmt.Sprintf("gen-%06d", i+1)
	}
	return out
}

var (
	verbSet = func() map[string]bool {
		m := map[string]bool{}
		for _, v := range commonVerbs {
			m[v] = true
		}
		return m
	}()
	// sentenceEnd is where text.go's sentences end: a full stop or a
	// question mark before a space (figures such as 87.1 have none).
	sentenceEnd = regexp.MustCompile(`[.?] `)
	// whenPrefix and otherPrefix are the openers sentence() writes.
	whenPrefix  = regexp.MustCompile(`^(On \d{1,2} [A-Z][a-z]+ \d{4}|In \d{4}), `)
	otherPrefix = regexp.MustCompile(`^(According to [A-Z][a-z]+ [A-Z][a-z]+|` + strings.Join(openers, "|") + `), `)
	nameSet     = func() map[string]bool {
		m := map[string]bool{}
		for _, n := range firstNames {
			m[n] = true
		}
		return m
	}()
)

// sentences splits a generated file's prose into sentences, one line of
// words each, leaving out titles and headings.
func sentences(text string) []string {
	var out []string
	for i, p := range strings.Split(text, "\n\n") {
		switch {
		case i == 0 || strings.HasPrefix(p, "#"):
			// the title, or a Markdown heading
		case strings.HasPrefix(p, "- "):
			for _, line := range strings.Split(p, "\n") {
				if b, ok := strings.CutPrefix(line, "- "); ok {
					out = append(out, strings.TrimRight(b, ".?")) // a bullet is one sentence
				}
			}
		default:
			flat := strings.Join(strings.Fields(p), " ") + " "
			for _, s := range sentenceEnd.Split(flat, -1) {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, strings.TrimRight(s, ".?"))
				}
			}
		}
	}
	return out
}

// clause is the first clause of a sentence, split where a question can
// ask about it.
type clause struct {
	when    string // "On 8 August 1959" or "In 1962", if the sentence opens with one
	subject string // as it reads mid-sentence: "the council", "Anna Tamm"
	verb    string // in the past tense, as written
	object  string // the rest of the clause
	person  bool   // the subject is a person's name
}

// parse finds the first clause of a sentence written by text.go: after
// any opener ("On 3 May 1990, ", "However, ", "According to Anna Tamm,
// "), up to any word that joins a second clause, split at its verb. It
// reports false for a sentence it cannot split.
func parse(sent string) (clause, bool) {
	var c clause
	if m := whenPrefix.FindStringSubmatch(sent); m != nil {
		c.when = m[1]
		sent = sent[len(m[0]):]
	} else if m := otherPrefix.FindString(sent); m != "" {
		sent = sent[len(m):]
	}
	for _, j := range joins {
		if i := strings.Index(sent, j+" "); i > 0 {
			sent = sent[:i]
		}
	}
	words := strings.Fields(sent)
	verb := -1
	for i, w := range words {
		if verbSet[w] {
			verb = i
			break
		}
	}
	if verb < 1 || verb == len(words)-1 {
		return clause{}, false
	}
	c.verb = words[verb]
	c.object = strings.Join(words[verb+1:], " ")
	c.person = isName(words[:verb])
	c.subject = strings.Join(words[:verb], " ")
	// Undo the capital that starts a sentence, except on a name.
	if w := words[0]; !c.person && !placeSet[w] {
		c.subject = strings.ToLower(c.subject[:1]) + c.subject[1:]
	}
	return c, true
}

// forms is how many kinds of question a clause gives: two, and a third
// (when) if it is dated.
func (c clause) forms() int {
	if c.when != "" {
		return 3
	}
	return 2
}

// question asks about one part of c, by form (0 ≤ form < c.forms()): 0
// its subject, 1 its object, 2 its date.
func (c clause) question(form int) Question {
	when := ""
	if c.when != "" {
		when = " " + strings.ToLower(c.when[:1]) + c.when[1:]
	}
	q := Question{Kind: "generated"}
	switch form {
	case 0:
		who := "What"
		if c.person {
			who = "Who"
		}
		q.Question = fmt.Sprintf("%s %s %s%s?", who, c.verb, c.object, when)
		q.Answers = []string{c.subject}
	case 1:
		q.Question = fmt.Sprintf("What did %s %s%s?", c.subject, baseForm[c.verb], when)
		q.Answers = []string{c.object}
	default:
		q.Question = fmt.Sprintf("When did %s %s %s?", c.subject, baseForm[c.verb], c.object)
		q.Answers = []string{c.when[strings.Index(c.when, " ")+1:]}
	}
	return q
}

// isName reports whether words are a person's name as text.go writes one.
func isName(words []string) bool {
	return len(words) == 2 && nameSet[words[0]] && strings.ToLower(words[1][:1]) != words[1][:1]
}

var placeSet = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range places {
		m[p] = true
	}
	return m
}()

// baseForm is each of commonVerbs without its past tense, for "What did
// the council approve?".
var baseForm = map[string]string{
	"said": "say", "reported": "report", "announced": "announce", "approved": "approve",
	"rejected": "reject", "opened": "open", "closed": "close", "built": "build",
	"moved": "move", "signed": "sign", "reached": "reach", "raised": "raise",
	"cut": "cut", "delayed": "delay", "expanded": "expand", "reviewed": "review",
	"tested": "test", "launched": "launch", "found": "find", "lost": "lose",
	"won": "win", "described": "describe", "questioned": "question", "supported": "support",
	"blocked": "block", "proposed": "propose", "completed": "complete", "started": "start",
	"ended": "end", "measured": "measure", "repaired": "repair", "funded": "fund",
	"replaced": "replace", "recorded": "record", "published": "publish", "visited": "visit",
	"inspected": "inspect", "estimated": "estimate", "confirmed": "confirm", "denied": "deny",
	"challenged": "challenge", "extended": "extend", "reduced": "reduce", "doubled": "double",
}

// writeQuestions writes qs as JSON lines to path.
func writeQuestions(path string, qs []Question) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("questions: %w", err)
	}
	w := bufio.NewWriter(f)
	if err := encodeQuestions(w, qs); err != nil {
		f.Close()
		return fmt.Errorf("questions: %w", err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("questions: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("questions: %w", err)
	}
	return nil
}

func encodeQuestions(w io.Writer, qs []Question) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range qs {
		if err := enc.Encode(q); err != nil {
			return err
		}
	}
	return nil
}
