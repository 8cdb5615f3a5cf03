package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Common English words by class, most frequent first, so that a Zipf draw
// over a class favours them as real text does. The made-up long tail comes
// after them.
var (
	commonNouns = strings.Fields(`time year people way day government company
		number group problem fact report council city market country school
		state family student week month program question work member system
		law plan project price water area money story service industry result
		board change policy process office road meeting level plant rate record
		study court team model budget data network power energy field village
		region station river bridge harbour museum library hospital factory
		contract agreement survey committee election minister director farmer
		engineer doctor teacher officer worker visitor supplier customer
		archive festival strike shortage flood storm harvest railway tunnel
		license permit audit loan tax fund grant debt wage pension ticket`)
	commonAdjs = strings.Fields(`new local public national small large early
		late major regional main final former annual second northern southern
		eastern western rural urban private federal total recent strong weak
		open formal informal quiet busy narrow broad central remote coastal
		mountain foreign domestic modest sharp steady gradual sudden`)
	commonVerbs = strings.Fields(`said reported announced approved rejected
		opened closed built moved signed reached raised cut delayed expanded
		reviewed tested launched found lost won described questioned
		supported blocked proposed completed started ended measured repaired
		funded replaced recorded published visited inspected estimated
		confirmed denied challenged extended reduced doubled`)
	adverbs = strings.Fields(`quickly slowly again later earlier today
		yesterday recently finally quietly openly largely partly sharply
		briefly formally jointly locally`)
	preps = strings.Fields(`in near across after before during under over
		without against along beyond through within beside`)
	openers = []string{"However", "Meanwhile", "Later", "In the end",
		"At first", "By then", "Since then", "For now", "In response",
		"As a result", "Even so", "In practice"}
	joins = []string{", and", ", but", ", while", " because", " after",
		" although", ", so", " before", " until", ", whereas"}
	firstNames = strings.Fields(`Anna Jonas Marta Peeter Olga Henrik Maria
		Tomas Laura Piotr Ingrid Mikael Sofia Daniel Elena Arturs Kristiina
		Lukas Emma Oskar Nora Viktor Helena Matteo Ruta Andres Zofia Karl
		Lena Igor Agnes Pavel Irena Felix Greta Stefan Alma Janis Ida Marek
		Hanna Simon Leila Omar Chen Amara Kenji Priya Diego Fatima Samuel
		Yusuf Clara Mateo Aisha Rafael Noor Erik Vera Adam Lucia`)
	surnames = strings.Fields(`Kowalska Petraitis Ozola Tamm Ivanova Larsen
		Nowak Berzins Kask Virtanen Jensen Schmidt Rossi Garcia Novak Horvat
		Popescu Dimitrov Lindqvist Hansen Moreau Dubois Fischer Weber Kaur
		Okafor Tanaka Mensah Haddad Silva Costa Nakamura Ali Kim Park Singh
		Mwangi Andersson Nieminen Kuznetsova Balodis Saar Zielinski`)
	places = strings.Fields(`Vilnius Riga Tallinn Warsaw Helsinki Kyiv
		Berlin Oslo Stockholm Copenhagen Gdansk Tartu Kaunas Lisbon Madrid
		Porto Lyon Ghent Leeds Cork Bergen Turku Krakow Brno Graz Split
		Nairobi Accra Lagos Osaka Pune Lima Quito Perth Hobart Dunedin
		Halifax Tromso Umea Narva Liepaja Klaipeda Parnu Daugavpils`)
	months = strings.Fields(`January February March April May June July
		August September October November December`)
	syllables = strings.Fields(`ba be bi bo bu da de di do du ka ke ki ko ku
		la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri
		ro ru sa se si so su ta te ti to tu va ve vi vo vu tra tre pro pla
		gri stro bla cre dro fen mar tor ven lin sar kel dor mun ton`)
)

// Vocabulary and topic sizes.
const (
	tailWords  = 24000 // made-up words after the common ones
	topics     = 400
	topicNouns = 120
	topicAdjs  = 25
)

// generator holds the vocabulary drawn from one seed.
type generator struct {
	seed   uint64
	nouns  []string // common, then made-up
	adjs   []string
	topics []topic
}

type topic struct {
	nouns, adjs []string
}

func newGenerator(seed uint64) *generator {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	g := &generator{seed: seed}
	seen := map[string]bool{}
	for _, w := range commonNouns {
		seen[w] = true
	}
	g.nouns = append(g.nouns, commonNouns...)
	tail := make([]string, 0, tailWords)
	for len(tail) < tailWords {
		var sb strings.Builder
		for range 2 + r.IntN(3) {
			sb.WriteString(syllables[r.IntN(len(syllables))])
		}
		w := sb.String()
		if !seen[w] {
			seen[w] = true
			tail = append(tail, w)
		}
	}
	g.nouns = append(g.nouns, tail...)
	g.adjs = append(g.adjs, commonAdjs...)
	// Some made-up words double as adjectives ("the vorenic plant").
	for _, w := range tail[:2000] {
		g.adjs = append(g.adjs, w+"ic")
	}
	// A topic's words come from the rarer part of the vocabulary, so that
	// articles on the same topic share words that others seldom use.
	for range topics {
		var t topic
		for range topicNouns {
			t.nouns = append(t.nouns, tail[500+r.IntN(len(tail)-500)])
		}
		for range topicAdjs {
			t.adjs = append(t.adjs, g.adjs[len(commonAdjs)+r.IntN(2000)])
		}
		g.topics = append(g.topics, t)
	}
	return g
}

// doc writes one article; its random stream depends only on the seed and
// the file number, so any file can be regenerated alone.
type doc struct {
	r      *rand.Rand
	g      *generator
	t      topic
	nouns  *rand.Zipf // over g.nouns
	adjs   *rand.Zipf // over g.adjs
	tnouns *rand.Zipf // over t.nouns
	cast   []string   // the people the article is about
	place  string
	sb     strings.Builder
}

func (g *generator) file(i int) File {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)+1))
	d := &doc{r: r, g: g, t: g.topics[r.IntN(len(g.topics))]}
	d.nouns = rand.NewZipf(r, 1.1, 4, uint64(len(g.nouns)-1))
	d.adjs = rand.NewZipf(r, 1.2, 3, uint64(len(g.adjs)-1))
	d.tnouns = rand.NewZipf(r, 1.15, 2, uint64(len(d.t.nouns)-1))
	for range 2 + r.IntN(3) {
		d.cast = append(d.cast, d.person())
	}
	d.place = places[r.IntN(len(places))]

	// Sizes are log-normal around meanFileBytes, as real folders hold a
	// few long documents among many short ones.
	const sigma = 0.6
	size := int(math.Exp(math.Log(meanFileBytes) - sigma*sigma/2 + sigma*r.NormFloat64()))
	size = min(max(size, 600), 80000)

	title := d.title()
	markdown := r.IntN(10) < 4
	wrap := !markdown && r.IntN(10) < 3
	if markdown {
		d.sb.WriteString("# " + title + "\n\n")
	} else {
		d.sb.WriteString(title + "\n\n")
	}
	for p := 0; d.sb.Len() < size; p++ {
		switch {
		case markdown && p > 0 && p%4 == 0:
			d.sb.WriteString("## " + d.heading() + "\n\n")
		case markdown && r.IntN(12) == 0:
			for range 3 + r.IntN(3) {
				d.sb.WriteString("- " + d.sentence() + "\n")
			}
			d.sb.WriteString("\n")
			continue
		}
		var para []string
		for range 2 + r.IntN(6) {
			para = append(para, d.sentence())
		}
		text := strings.Join(para, " ")
		if wrap {
			text = hardWrap(text, 72+r.IntN(10))
		}
		d.sb.WriteString(text + "\n\n")
	}
	ext := "txt"
	if markdown {
		ext = "md"
	}
	return File{
		Path: fmt.Sprintf("d%02d/%06d-%s.%s", i%100, i, slug(title), ext),
		Text: d.sb.String(),
	}
}

func (d *doc) pick(list []string) string { return list[d.r.IntN(len(list))] }

func (d *doc) person() string { return d.pick(firstNames) + " " + d.pick(surnames) }

// noun draws a noun: from the article's topic four times in ten, else
// from the whole vocabulary.
func (d *doc) noun() string {
	if d.r.IntN(10) < 4 {
		return d.t.nouns[d.tnouns.Uint64()]
	}
	return d.g.nouns[d.nouns.Uint64()]
}

func (d *doc) adj() string {
	if d.r.IntN(10) < 3 {
		return d.pick(d.t.adjs)
	}
	return d.g.adjs[d.adjs.Uint64()]
}

func (d *doc) date() string {
	return fmt.Sprintf("%d %s %d", 1+d.r.IntN(28), d.pick(months), 1950+d.r.IntN(76))
}

// nounPhrase is a subject or object: a name, a place, a figure, or a
// determiner with an optional adjective and prepositional phrase.
func (d *doc) nounPhrase() string {
	switch n := d.r.IntN(20); {
	case n < 2:
		if d.r.IntN(3) == 0 {
			return d.person()
		}
		return d.pick(d.cast)
	case n < 3:
		return d.pick(places)
	case n < 4:
		return fmt.Sprintf("%s %ss", commaNumber(d.r.IntN(5000)+2), d.noun())
	case n < 5:
		return fmt.Sprintf("%d.%d percent of the %s", d.r.IntN(90), d.r.IntN(10), d.noun())
	}
	var sb strings.Builder
	sb.WriteString(d.pick([]string{"the", "the", "the", "a", "its", "their", "this", "every"}))
	if d.r.IntN(3) == 0 {
		sb.WriteString(" " + d.adj())
	}
	sb.WriteString(" " + d.noun())
	if d.r.IntN(4) == 0 {
		sb.WriteString(" of the " + d.noun())
	}
	return sb.String()
}

func (d *doc) clause() string {
	s := d.nounPhrase() + " " + d.pick(commonVerbs) + " " + d.nounPhrase()
	switch d.r.IntN(6) {
	case 0:
		s += " " + d.pick(preps) + " " + d.nounPhrase()
	case 1:
		s += " " + d.pick(adverbs)
	case 2:
		s += " in " + d.place
	}
	return s
}

func (d *doc) sentence() string {
	var sb strings.Builder
	switch d.r.IntN(8) {
	case 0:
		sb.WriteString("On " + d.date() + ", ")
	case 1:
		sb.WriteString(fmt.Sprintf("In %d, ", 1950+d.r.IntN(76)))
	case 2:
		sb.WriteString("According to " + d.pick(d.cast) + ", ")
	case 3:
		sb.WriteString(d.pick(openers) + ", ")
	}
	sb.WriteString(d.clause())
	if d.r.IntN(3) == 0 {
		sb.WriteString(d.pick(joins) + " " + d.clause())
	}
	s := sb.String()
	end := "."
	if d.r.IntN(25) == 0 {
		end = "?"
	}
	return strings.ToUpper(s[:1]) + s[1:] + end
}

func (d *doc) title() string {
	switch d.r.IntN(3) {
	case 0:
		return titleCase(fmt.Sprintf("the %s %s of %s", d.adj(), d.t.nouns[d.tnouns.Uint64()], d.place))
	case 1:
		return titleCase(fmt.Sprintf("%s and the %s", d.cast[0], d.t.nouns[d.tnouns.Uint64()])) + fmt.Sprintf(", %d", 1950+d.r.IntN(76))
	}
	return titleCase(fmt.Sprintf("how %s %s the %s", d.place, d.pick(commonVerbs), d.t.nouns[d.tnouns.Uint64()]))
}

func (d *doc) heading() string {
	return titleCase(fmt.Sprintf("%s %s %s", d.adj(), d.t.nouns[d.tnouns.Uint64()], d.pick([]string{"today", "in " + d.place, "and " + d.noun(), "since " + fmt.Sprint(1950+d.r.IntN(76))})))
}

func titleCase(s string) string {
	w := strings.Fields(s)
	for i, x := range w {
		if i == 0 || len(x) > 3 {
			w[i] = strings.ToUpper(x[:1]) + x[1:]
		}
	}
	return strings.Join(w, " ")
}

func commaNumber(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}

// slug keeps the letters and digits of s, lower-cased, with hyphens
// between words, and at most 40 bytes.
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			sb.WriteRune(c)
			dash = false
		case !dash && sb.Len() > 0:
			sb.WriteByte('-')
			dash = true
		}
		if sb.Len() >= 40 {
			break
		}
	}
	return strings.Trim(sb.String(), "-")
}

// hardWrap breaks text at spaces into lines of at most width bytes, as
// some plain-text files are.
func hardWrap(text string, width int) string {
	var sb strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		if i > 0 {
			if line+1+len(w) > width {
				sb.WriteByte('\n')
				line = 0
			} else {
				sb.WriteByte(' ')
				line++
			}
		}
		sb.WriteString(w)
		line += len(w)
	}
	return sb.String()
}
