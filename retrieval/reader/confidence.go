package reader

// Confidence model features: the chosen answer's scores, read absolutely
// (how much of the question the sentence covers, what it misses) and
// against the alternatives (how far ahead of the runner-up it is).
var (
	confLayout                                  layout
	cfBias, cfP, cfMargin, cfCov, cfMissEnt     int
	cfSpanP, cfWh, cfAvgIDF, cfTerms            int
	cfMissNum, cfCovEnt, cfBigram, cfMissMaxIDF int
	cfUnknown, cfCaseMiss                       int
	cfNegMismatch, cfFuzzyEnt, cfConflict       int
	cfAgree, cfMissNear, cfClauseRival          int
	cfClauseOwn, cfSubst                        int
)

var termCountLabels = []string{"1", "2", "3", "4-5", "6+"}

func init() {
	l := &confLayout
	cfBias = l.add("bias")
	cfP = l.add("sentence-prob")
	cfMargin = l.add("margin")
	cfCov = l.add("cov")
	cfMissEnt = l.block("missing-entities", countLabels)
	cfMissNum = l.add("missing-number")
	cfMissMaxIDF = l.add("missing-max-idf")
	cfCovEnt = l.add("cov-entity")
	cfBigram = l.add("bigram")
	cfSpanP = l.add("span-prob")
	cfWh = l.block("wh", whNames[:])
	cfAvgIDF = l.add("avg-idf")
	cfTerms = l.block("terms", termCountLabels)
	cfUnknown = l.add("unknown-words")
	cfCaseMiss = l.add("name-matched-lower-case")
	cfNegMismatch = l.add("negation-mismatch")
	cfFuzzyEnt = l.add("name-matched-loosely")
	cfConflict = l.add("conflicting-number")
	cfAgree = l.add("answer-prob")
	cfMissNear = l.block("missing-entities-nearby", countLabels)
	cfClauseRival = l.add("answer-clause-rival-name")
	cfClauseOwn = l.add("answer-clause-own-name")
	cfSubst = l.block("substituted", substLabels)
}

func termBucket(n int) int {
	switch {
	case n <= 3:
		return max(n, 1) - 1
	case n <= 5:
		return 3
	}
	return 4
}

// confidenceFeatures describes decision d for the confidence model.
func confidenceFeatures(d *decision) Vector {
	v := Vector{}
	v.on(cfBias)
	t := d.top[d.best]
	v.set(cfP, t.marg)
	second := 0.0
	for k, o := range d.top {
		if k != d.best {
			second = max(second, o.marg)
		}
	}
	v.set(cfMargin, t.marg-second)
	in := &d.infos[t.si]
	v.set(cfCov, in.cov)
	for _, f := range in.feats {
		switch {
		case int(f.ID) >= sfMissEnt && int(f.ID) < sfMissEnt+len(countLabels):
			v.on(cfMissEnt + int(f.ID) - sfMissEnt)
		case int(f.ID) >= sfMissEntNear && int(f.ID) < sfMissEntNear+len(countLabels):
			v.on(cfMissNear + int(f.ID) - sfMissEntNear)
		case int(f.ID) == sfMissNum:
			v.on(cfMissNum)
		case int(f.ID) == sfMissMaxIDF:
			v.set(cfMissMaxIDF, float64(f.Val))
		case int(f.ID) == sfCovEnt:
			v.set(cfCovEnt, float64(f.Val))
		case int(f.ID) == sfBigram:
			v.set(cfBigram, float64(f.Val))
		case int(f.ID) == sfCaseMiss:
			v.set(cfCaseMiss, float64(f.Val))
		case int(f.ID) == sfNegMismatch:
			v.on(cfNegMismatch)
		case int(f.ID) == sfFuzzyEnt:
			v.on(cfFuzzyEnt)
		case int(f.ID) == sfConflict:
			v.on(cfConflict)
		case int(f.ID) >= sfSubst && int(f.ID) < sfSubst+len(substLabels):
			v.on(cfSubst + int(f.ID) - sfSubst)
		}
	}
	spanP, agree, wh := t.spanP, d.agree, d.q.wh
	if wh == whYesNo {
		// A yes/no question needs the sentence, not a phrase of it; and
		// the training questions hold almost none, so it is weighed as
		// the statement it asks about, with no question-type prior (the
		// "other" questions of the training set are its oddest, and their
		// prior would count against every yes/no question).
		spanP, agree = 1, t.marg
	}
	if d.q.wh != whYesNo {
		// Whose the answer is: a clause naming another ("Latvia's Prime
		// Minister Evika Silina" for Estonia's) is a swap, not an answer.
		for _, f := range d.bestFeats {
			switch int(f.ID) {
			case afSegRival:
				v.on(cfClauseRival)
			case afSegOwn:
				v.on(cfClauseOwn)
			}
		}
	}
	v.set(cfSpanP, spanP)
	v.set(cfAgree, agree)
	if wh != whYesNo {
		v.on(cfWh + int(wh))
	}
	if len(d.q.terms) > 0 {
		// Relative to the rarest a word can be in this corpus, so that
		// the feature means the same in a small corpus and a large one.
		v.set(cfAvgIDF, d.q.weight/float64(len(d.q.terms))/d.maxIDF)
	}
	v.on(cfTerms + termBucket(len(d.q.terms)))
	if d.q.weight > 0 {
		var unknown float64
		for _, t := range d.q.terms {
			if t.unknown {
				unknown += t.idf
			}
		}
		v.set(cfUnknown, unknown/d.q.weight)
	}
	return v
}
