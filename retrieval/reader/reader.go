// Package reader finds the answer to a question in retrieved passages: the
// sentence to quote, the phrase inside it to lead with, and how likely that
// answer is to be right. It is an extractive reader in the style of the
// SQuAD feature-based baselines: candidate sentences and phrases are
// described by general features (how much of the question they cover,
// where the question's words fall around a phrase, what shape the phrase
// has against what the question asks for) and scored by log-linear models
// whose weights were fitted on SQuAD 2.0 questions by internal/readerfit.
// Below a fitted confidence threshold it refuses rather than guess.
package reader

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// Options tunes a Reader. The zero value uses the embedded fitted model.
type Options struct {
	// Model replaces the embedded model; nil means DefaultModel.
	Model *Model
	// Threshold, when positive, replaces the model's confidence threshold.
	Threshold float64
	// Sentences is how many of the best sentences, by the first-stage
	// sentence model, the answer model reads phrase by phrase; zero means
	// DefaultSentences.
	Sentences int
}

// DefaultSentences is how many sentences the answer model reads when
// Options.Sentences is zero: the answer's sentence is among the first
// stage's best 12 in 96% of the training questions where it was
// retrieved, and reading more adds phrases that compete without adding
// answers.
const DefaultSentences = 12

// Reader answers questions from passages. It is safe for concurrent use.
type Reader struct {
	stats     *Stats
	m         *compiled
	threshold float64
	sentences int
}

// New returns a Reader over a corpus with statistics st.
func New(st *Stats, opts Options) (*Reader, error) {
	m := opts.Model
	if m == nil {
		var err error
		if m, err = DefaultModel(); err != nil {
			return nil, err
		}
	}
	c, err := compile(m)
	if err != nil {
		return nil, err
	}
	r := &Reader{stats: st, m: c, threshold: c.threshold, sentences: opts.Sentences}
	if opts.Threshold > 0 {
		r.threshold = opts.Threshold
	}
	if r.sentences <= 0 {
		r.sentences = DefaultSentences
	}
	return r, nil
}

// Reading is what the reader found.
type Reading struct {
	// Answered is false when the passages do not answer the question well
	// enough; Evidence then holds the nearest sentences, if any.
	Answered bool
	// Lead is the direct answer: a phrase of Evidence[0].Text, verbatim,
	// or "Yes"/"No" for a yes/no question. It is empty when the quoted
	// sentence is itself the answer.
	Lead string
	// Value, for a "No", is what Evidence[0] states in place of the
	// question's number or date ("2004" against "in 2005?"), verbatim;
	// Evidence[0].LeadStart and LeadEnd bound it.
	Value string
	// Confidence is the fitted probability that the answer is right.
	Confidence float64
	// Evidence lists the sentences that support the answer, best first.
	// Evidence[0] is the one the lead comes from.
	Evidence []Evidence
}

// Evidence is a sentence of a source, verbatim.
type Evidence struct {
	Source string
	Title  string
	// Text is the sentence as it stands in the source, line breaks read
	// as spaces.
	Text string
	// Start is Text's byte offset in the source document.
	Start int
	// Score is the reader's probability that this is the sentence that
	// answers.
	Score float64
	// LeadStart and LeadEnd bound the lead phrase in Text; both are -1
	// when the lead is not a phrase of Text.
	LeadStart, LeadEnd int
}

// decision is how the reader reached a Reading, for confidence and for
// fitting.
type decision struct {
	q     *question
	infos []sentenceInfo
	z     []float64 // per sentence, first-stage scores
	order []int     // sentence indices by first-stage score, best first
	top   []scored  // the best sentences, rescored with their phrases
	best  int       // index into top of the chosen sentence
	agree float64   // probability of the chosen answer, summed over the sentences that give it
	// bestFeats are the features of the chosen phrase.
	bestFeats Vector
	// maxIDF is the idf of a word in no chunk, the most a word can weigh.
	maxIDF float64
	conf   Vector
}

// scored is a sentence rescored by the answer model together with its
// candidate phrases.
type scored struct {
	si    int       // index into infos
	cands []span    // its candidate phrases
	a     []float64 // each phrase's score, sentence part included
	marg  float64   // probability that the answer is in this sentence
	bestA int       // its best phrase
	spanP float64   // the best phrase's probability within the sentence
}

// Read answers question from passages, which are given best first.
func (r *Reader) Read(question string, passages []Passage) Reading {
	rd, _ := r.read(question, passages)
	return rd
}

func (r *Reader) read(question string, passages []Passage) (Reading, *decision) {
	q := analyze(question, r.stats)
	if len(q.terms) == 0 {
		return Reading{}, nil
	}
	sents := sentencesOf(r.stats, passages)
	d := r.decide(q, sents)
	if d == nil {
		return Reading{}, nil
	}
	rd := Reading{Confidence: sigmoid(d.conf.dot(r.m.conf))}
	rd.Answered = rd.Confidence >= r.threshold
	t := d.top[d.best]
	best := d.infos[t.si].s
	ev := Evidence{Source: best.source, Title: best.title, Text: best.verbatim(), Start: best.docStart,
		Score: t.marg, LeadStart: -1, LeadEnd: -1}
	switch sp := t.cands[t.bestA]; {
	case q.wh == whYesNo:
		v := r.yesNo(q, &d.infos[t.si])
		if v.ok && !v.yes && v.asked != nil {
			// "Was it revised in 2021?" against "… revised in 2022": the
			// question's value is missing from the sentence, which the
			// confidence model counts against it; what "No, 2022" rests
			// on is how surely the sentence answers "When was it
			// revised?", so that reading's confidence stands in.
			if d2 := r.decide(v.asked, sents); d2 != nil && d2.top[d2.best].si == t.si {
				rd.Confidence = sigmoid(d2.conf.dot(r.m.conf))
				rd.Answered = rd.Confidence >= r.threshold
			}
		}
		switch {
		case !v.ok:
			rd.Answered = false
		case v.yes:
			rd.Lead = "Yes"
		default:
			rd.Lead = "No"
			if v.value.kind >= 0 && v.value.end > v.value.start {
				if a, b, ok := best.toVerbatim(v.value.start, v.value.end); ok {
					rd.Value = ev.Text[a:b]
					ev.LeadStart, ev.LeadEnd = a, b
				}
			}
		}
		if !rd.Answered {
			rd.Lead, rd.Value = "", ""
		}
	case rd.Answered && t.spanP >= r.m.lead && sp.kind != kindSentence:
		sp = titleLead(best, qualifiedLead(best, countedLead(q, best, sp)))
		// A table row's lead is a cell of the row quoted; a column name
		// alone leaves the row to answer.
		if a, b, ok := best.toVerbatim(sp.start, sp.end); ok {
			rd.Lead = ev.Text[a:b]
			ev.LeadStart, ev.LeadEnd = a, b
		}
	}
	if rd.Answered || d.infos[t.si].cov > 0 {
		// A refusal lists only sentences that share words with the
		// question, as the nearest the corpus comes to it.
		rd.Evidence = append(rd.Evidence, ev)
	}
	for _, o := range d.top {
		if len(rd.Evidence) >= 3 {
			break
		}
		s := d.infos[o.si].s
		if o.si == t.si || d.infos[o.si].cov == 0 || citedSource(rd.Evidence, s.source) {
			continue
		}
		rd.Evidence = append(rd.Evidence, Evidence{Source: s.source, Title: s.title, Text: s.verbatim(),
			Start: s.docStart, Score: o.marg, LeadStart: -1, LeadEnd: -1})
	}
	return rd, d
}

// countedLead widens the lead of a how-many or how-long question to what
// its number counts or measures, when the sentence says it right after
// the number: "10,000 households" to "How many households were the
// offices in charge of?", not a bare "10,000" beside a quote that also
// counts 1,000 of something else; "20 km deep" to "How deep is the
// fault?". The phrase the models chose stays the answer; the lead only
// says what it counts, verbatim.
func countedLead(q *question, s *sentence, sp span) span {
	if sp.j <= sp.i || sp.j >= len(s.toks) {
		return sp
	}
	want := ""
	switch last := s.toks[sp.j-1]; q.wh {
	case whHowMany:
		if isNumber(last) {
			want = q.head
		}
	case whHowLong, whHowAdj: // the number may be followed by its unit
		if q.whAt+1 < len(q.toks) && slices.ContainsFunc(s.toks[sp.i:sp.j], func(t words.Token) bool { return t.Num }) {
			want = q.toks[q.whAt+1].Stem
		}
	}
	next := s.toks[sp.j]
	if want == "" || next.Stem != want || sp.end > next.Start || strings.TrimSpace(s.text[sp.end:next.Start]) != "" {
		return sp
	}
	sp.j, sp.end = sp.j+1, next.End
	return sp
}

// quantityQualifiers are the words before a number that change what it
// says, alone or after the word given ("more than", "at least", "up to").
// It is stricter than the candidates' approximators, which let any of
// "to", "at", "than" open a phrase: the lead grows only by a whole
// qualifier.
var quantityQualifiers = map[string]string{
	"over": "", "under": "", "about": "", "around": "", "nearly": "", "almost": "",
	"approximately": "", "roughly": "", "some": "", "estimated": "", "exactly": "",
	"only": "", "just": "", "than": "more less fewer", "least": "at", "most": "at", "to": "up",
}

// qualifiedLead widens a lead that opens with a number to the words
// right before it that qualify the quantity: "fewer than 60" to "How many
// of the students survived?", where a bare "60" says more than the
// sentence does; "about 12 million", "at least 300".
func qualifiedLead(s *sentence, sp span) span {
	if sp.j <= sp.i || !s.toks[sp.i].Num {
		return sp
	}
	// tightBefore reports whether token k stands one space before from.
	tightBefore := func(k, from int) bool {
		return k >= 0 && s.toks[k].End < from && s.text[s.toks[k].End:from] == " "
	}
	k := sp.i - 1
	if !tightBefore(k, sp.start) {
		return sp
	}
	first, ok := quantityQualifiers[s.toks[k].Norm]
	if !ok {
		return sp
	}
	if first != "" {
		if !tightBefore(k-1, s.toks[k].Start) || !slices.Contains(strings.Fields(first), s.toks[k-1].Norm) {
			return sp
		}
		k--
	}
	sp.i, sp.start = k, s.toks[k].Start
	return sp
}

// titleLead widens a lead that is a name to the "the" before it inside
// the sentence: the capitalised "The" is part of the name ("The Wind
// Waker", "The Hague", not "Wind Waker"), and a lower-case one is how
// the sentence names it ("the Ganden Phodrang", "the National Park
// Service"), as an answer to "which regime" would. A "The" that opens the
// sentence, or a quote or clause within it, is capitalised for its place,
// not the name, and stays out.
func titleLead(s *sentence, sp span) span {
	i := sp.i - 1
	if i <= 0 || sp.j <= sp.i || !s.toks[sp.i].Cap {
		return sp
	}
	the := s.toks[i]
	if the.Norm != "the" || (the.Cap && afterOpener(s.text, s.toks, i)) ||
		sp.start < the.End || s.text[the.End:sp.start] != " " {
		return sp
	}
	sp.i, sp.start = i, the.Start
	return sp
}

// decide reads q: it scores the passages' sentences and their phrases,
// picks the answer and describes it for the confidence model. It returns
// nil when there is nothing to read.
func (r *Reader) decide(q *question, sents []*sentence) *decision {
	if len(sents) == 0 {
		return nil
	}
	d := &decision{q: q, maxIDF: r.stats.maxIDF()}
	d.infos = sentenceFeatures(q, r.stats, sents)
	d.z = make([]float64, len(d.infos))
	for i := range d.infos {
		d.z[i] = d.infos[i].feats.dot(r.m.sent)
	}
	d.order = make([]int, len(d.infos))
	for i := range d.order {
		d.order[i] = i
	}
	sort.SliceStable(d.order, func(a, b int) bool { return d.z[d.order[a]] > d.z[d.order[b]] })
	d.top = r.rescore(q, d.infos, d.z, d.order[:min(r.sentences, len(d.order))])
	if len(d.top) == 0 {
		return nil
	}
	d.best, d.agree = aggregate(d.infos, d.top)
	if q.wh == whYesNo {
		if k := yesNoSentence(q, d.infos, d.top); k >= 0 {
			d.best, d.agree = k, d.top[k].marg
		}
	}
	if t := d.top[d.best]; len(t.cands) > 0 {
		d.bestFeats = spanFeatures(q, r.stats, &d.infos[t.si], t.cands[t.bestA])
	}
	d.conf = confidenceFeatures(d)
	return d
}

// rescore scores every candidate phrase of the sentences at idx with the
// answer model, and turns the scores into probabilities over all of them:
// a sentence is as likely as the phrases in it.
func (r *Reader) rescore(q *question, infos []sentenceInfo, z []float64, idx []int) []scored {
	out := make([]scored, 0, len(idx))
	all := math.Inf(-1)
	var v Vector
	for _, si := range idx {
		in := &infos[si]
		sc := scored{si: si, cands: in.s.phrases()}
		if len(sc.cands) == 0 {
			continue
		}
		base := r.m.answer[jStage1]*z[si] + in.feats.dotAt(r.m.answer, jSent)
		sc.a = make([]float64, len(sc.cands))
		for k, sp := range sc.cands {
			v = appendSpanFeatures(v[:0], q, r.stats, in, sp)
			sc.a[k] = base + v.dotAt(r.m.answer, jSpan)
			if sc.a[k] > sc.a[sc.bestA] {
				sc.bestA = k
			}
		}
		sc.marg = logSumExp(sc.a)
		sc.spanP = math.Exp(sc.a[sc.bestA] - sc.marg)
		all = logAdd(all, sc.marg)
		out = append(out, sc)
	}
	for k := range out {
		out[k].marg = math.Exp(out[k].marg - all)
	}
	return out
}

// aggregate picks the answer: sentences whose best phrases say the same
// thing ("March 7" in two articles) pool their probability, and the
// answer with the most wins, quoted from its likeliest sentence. It
// returns that sentence's index into top and the pooled probability.
func aggregate(infos []sentenceInfo, top []scored) (int, float64) {
	pooled := map[string]float64{}
	keys := make([]string, len(top))
	for k, t := range top {
		sp := t.cands[t.bestA]
		keys[k] = normalizeAnswer(infos[t.si].s.text[sp.start:sp.end])
		pooled[keys[k]] += t.marg
	}
	best := 0
	for k := range top {
		pk, pb := pooled[keys[k]], pooled[keys[best]]
		if pk > pb || pk == pb && top[k].marg > top[best].marg {
			best = k
		}
	}
	return best, pooled[keys[best]]
}

func logSumExp(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	var s float64
	for _, x := range xs {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

func logAdd(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	m := max(a, b)
	return m + math.Log(math.Exp(a-m)+math.Exp(b-m))
}

func citedSource(ev []Evidence, src string) bool {
	for _, e := range ev {
		if e.Source == src {
			return true
		}
	}
	return false
}

// softmax turns scores into probabilities that sum to one.
func softmax(z []float64) []float64 {
	p := make([]float64, len(z))
	if len(z) == 0 {
		return p
	}
	m := z[0]
	for _, x := range z {
		m = max(m, x)
	}
	var sum float64
	for i, x := range z {
		p[i] = math.Exp(x - m)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}
