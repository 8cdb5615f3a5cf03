package corpus

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ExampleQuestions returns up to n questions that the documents answer,
// for help texts and input hints, made from the documents' own wording:
// "What is the Ottawa Convention?". The subjects are names the documents
// use more than once: runs of two to four capitalised words inside
// sentences (not at their start, where every word is capitalised, unless
// after an opening "The"), ranked
// by how many documents use them and then how often; failing those, single
// capitalised words the documents never write in lower case ("GOGC",
// "Kubernetes"). A name that most often follows "the" keeps it, and such a
// name that ends like a plural takes "are". When every name occurs only once,
// the question is "What do the documents say about …?", which suits a
// person as well as a thing; a name of several words not written after
// "the" ("Los Angeles", "Donald Tusk") gets that question too. Documents
// must be cleaned (see Clean); ExampleQuestions returns nil when no
// sentence has a name.
func ExampleQuestions(docs []Document, n int) []string {
	if n <= 0 {
		return nil
	}
	names := map[string]*nameStat{}
	lower := map[string]bool{} // words seen in lower case
	read := 0
	for d := range docs {
		if read > maxExampleText {
			break // enough to find what a large corpus is about
		}
		doc := &docs[d]
		for _, body := range doc.Body {
			read += body.End - body.Start
			for _, sp := range Sentences(doc.Text, body) {
				s := doc.Text[sp.Start:sp.End]
				if !endsSentence(s) {
					continue // a heading or a list entry: capitalised anyway
				}
				collectNames(s, d, names, lower)
			}
		}
	}
	var ranked []*nameStat
	once := false // the names are seen once: people as likely as topics
	for _, tier := range []struct {
		multi    bool
		minCount int
	}{{true, 2}, {false, 2}, {true, 1}, {false, 1}} {
		if ranked = rankNames(names, lower, tier.multi, tier.minCount); len(ranked) > 0 {
			once = tier.minCount == 1
			break
		}
	}
	var out []string
	var used []string
	for _, st := range ranked {
		if len(out) == n {
			break
		}
		// "Prime Minister" and "Prime Minister Donald Tusk" make one
		// example, not two.
		if slices.ContainsFunc(used, func(u string) bool { return strings.Contains(u, st.name) || strings.Contains(st.name, u) }) {
			continue
		}
		used = append(used, st.name)
		subject, verb := st.name, "is"
		if st.the*2 > st.count {
			subject = "the " + subject
		}
		switch {
		case once, subject == st.name && st.words > 1:
			// A name of several words written without "the" is most
			// often a person or a place, for which "What is …?" reads
			// oddly ("What is Prime Minister Donald Tusk?"); asking about
			// the documents suits both.
			out = append(out, "What do the documents say about "+subject+"?")
			continue
		case looksPlural(st.name) && subject != st.name:
			// "the Baltic States" are; "Los Angeles", named without
			// "the", is a place that merely ends in s.
			verb = "are"
		}
		out = append(out, "What "+verb+" "+subject+"?")
	}
	return out
}

// nameStat counts one name.
type nameStat struct {
	name  string
	words int
	docs  int // documents that use it
	last  int // the last document counted
	count int
	the   int // occurrences after "the"
	first int // order of first sight, for stable ties
}

// maxNameWords is the longest run of capitalised words counted as a name.
const maxNameWords = 4

// maxExampleText bounds the text ExampleQuestions reads, so that a large
// corpus does not slow start-up.
const maxExampleText = 4 << 20

// collectNames counts the runs of capitalised words in sentence s of
// document d, and notes the words written in lower case.
func collectNames(s string, d int, names map[string]*nameStat, lower map[string]bool) {
	words := strings.Fields(s)
	prevThe := false
	for i := 0; i < len(words); {
		w := trimToWord(words[i])
		if !isNameWord(w) || (i == 0 && sentenceOpeners[strings.ToLower(w)]) {
			if w != "" {
				if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) {
					lower[strings.ToLower(w)] = true
				}
			}
			prevThe = strings.EqualFold(w, "the")
			i++
			continue
		}
		// A run of capitalised words, cut by punctuation: "Convention;" or
		// "Poland," ends it and "(NATO)" starts another.
		j := i + 1
		for j < len(words) && isNameWord(trimToWord(words[j])) &&
			!punctuated(words[j-1], false) && !punctuated(words[j], true) {
			j++
		}
		if i == 0 || j-i > maxNameWords {
			// At a sentence start every word is capitalised (but "The" in
			// "The Ottawa Convention" is passed over above); a longer run
			// is a title or a list of names.
			prevThe = false
			i = j
			continue
		}
		run := make([]string, 0, j-i)
		for _, w := range words[i:j] {
			run = append(run, trimToWord(w))
		}
		// "Go's memory model": the name is "Go".
		last := run[len(run)-1]
		for _, poss := range []string{"'s", "’s"} {
			if t := strings.TrimSuffix(last, poss); t != last && t != "" {
				run[len(run)-1] = t
			}
		}
		name := strings.Join(run, " ")
		st := names[name]
		if st == nil {
			st = &nameStat{name: name, words: len(run), last: -1, first: len(names)}
			names[name] = st
		}
		st.count++
		if prevThe {
			st.the++
		}
		if st.last != d {
			st.docs++
			st.last = d
		}
		prevThe = false
		i = j
	}
}

// isNameWord reports a word of two or more letters that starts with a
// capital and has no digits: "Ottawa", "NATO", "Kosiniak-Kamysz".
func isNameWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || utf8.RuneCountInString(w) < 2 {
		return false
	}
	return !strings.ContainsFunc(w, unicode.IsDigit)
}

// punctuated reports whether word w has punctuation before its first
// letter (start) or after its last one (not start), a possessive
// apostrophe aside.
func punctuated(w string, start bool) bool {
	core := trimToWord(w)
	if start {
		return !strings.HasPrefix(w, core)
	}
	return strings.TrimRight(strings.TrimPrefix(w, w[:strings.Index(w, core)]), "’'") != core
}

// looksPlural reports a name whose last word ends like an English plural:
// "Baltic States", not "Ottawa Convention" or "Congress".
func looksPlural(name string) bool {
	last := name[strings.LastIndexByte(name, ' ')+1:]
	if len(last) < 4 || last == strings.ToUpper(last) {
		return false
	}
	return strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss") &&
		!strings.HasSuffix(last, "us") && !strings.HasSuffix(last, "is")
}

// rankNames returns the names worth asking about, best first: with multi
// true, names of two or more words, not all in capitals; otherwise single
// words of three or more letters that are never written in lower case.
// Each must be seen at least minCount times.
func rankNames(names map[string]*nameStat, lower map[string]bool, multi bool, minCount int) []*nameStat {
	var out []*nameStat
	for _, st := range names {
		switch {
		case st.count < minCount:
		case multi && st.words >= 2 && st.name != strings.ToUpper(st.name):
			out = append(out, st)
		case !multi && st.words == 1 && utf8.RuneCountInString(st.name) >= 3 && !lower[strings.ToLower(st.name)]:
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b *nameStat) int {
		return cmp.Or(cmp.Compare(b.docs, a.docs), cmp.Compare(b.count, a.count), cmp.Compare(a.first, b.first))
	})
	return out
}
