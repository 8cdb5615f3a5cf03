package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The boilerplate rules judge one line at a time by its shape, its links
// and its repetition. They never look for particular sites, topics or
// products: they look for what menus, share prompts, legal notices and
// counters have in common on any site — few words, no sentence
// punctuation, lines that are mostly link text, lines repeated across
// documents, handles and web addresses, symbols instead of words — and
// for the few phrases that only such furniture uses ("share on",
// "subscribe to our", "all rights reserved"). A word on its own ("Apple",
// "Search", "Telegram") never condemns a line.

// lineFeatures are the measurements of a line that the rules look at.
type lineFeatures struct {
	words        int // tokens with a letter or digit
	letters      int
	digits       int
	nonSpace     int
	upper        int // upper-case letters
	cased        int // letters that have case
	contentWords int // letter words after the first that are not function words
	capContent   int // content words that start with a capital
	firstUpper   bool
	terminal     bool   // ends with sentence punctuation
	endPunct     rune   // the last character before any closing quotes
	url          bool   // has a URL, web address or e-mail address
	handle       bool   // has an @handle
	trig         uint32 // bit i set: wordingRules[i] may match
	ctaStarts    []int  // offsets of sentences that start with a call-to-action word
	norm         string
}

// titleCase reports a line in which most words after the first start with
// a capital: a headline or a list of names, not a sentence.
func (f *lineFeatures) titleCase() bool {
	return f.contentWords >= 2 && f.capContent*10 >= f.contentWords*7
}

// allCaps reports a line written in capitals.
func (f *lineFeatures) allCaps() bool {
	return f.cased >= 3 && f.upper*10 >= f.cased*9
}

// prose reports a line that reads like running text: a sentence with at
// least three words, or a long line that is not a headline.
func (f *lineFeatures) prose() bool {
	return (f.terminal && f.words >= 3) || (f.words >= 12 && !f.titleCase())
}

// Word classes. The low bits say which wordingRules a line could match,
// so that their regular expressions run only on the few lines that have
// the words; the high bits mark call-to-action openers and function words.
// All these words are ASCII.
const (
	classCTAStart uint32 = 1 << (iota + 24)
	classFunction
)

var wordClasses = func() map[string]uint32 {
	m := map[string]uint32{}
	add := func(bit uint32, words string) {
		for _, w := range strings.Fields(words) {
			m[w] |= bit
		}
	}
	for i, r := range wordingRules {
		add(1<<i, r.words)
	}
	// The words a call to action starts with; ctaStartRe runs only at
	// sentence starts that have one.
	add(classCTAStart, `please follow like find friend support join share subscribe unsubscribe
		sign signup log login register download click tap read also see continue listen leave donate thanks thank
		don't never stay get report found skip back related recommended popular trending latest`)
	// The short words that stay lower case in a Title Case headline, so the
	// capital ratio leaves them out.
	add(classFunction, `a an the and or but nor of to in on at for from by with as into onto
		upon over amid after before about vs via per is are was were be its it his her their our your
		my this that than then so if not no up out off de la le el del der die das van von y e et da di
		du des und`)
	return m
}()

// maxNormWords is the longest line, in words, that is compared by its
// letters and digits only; longer lines must repeat verbatim to count as
// repeats, which keeps measuring running text cheap.
const maxNormWords = 20

// measure computes the features of one line of text in a single pass,
// with a fast path for ASCII.
func measure(s string) lineFeatures {
	var f lineFeatures
	first, sentenceStart, inCode := true, true, false
	var lower [16]byte
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace(c) {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		hasLetter, hasDigit, ascii := false, false, true
		for i < len(s) {
			c := s[i]
			if c < utf8.RuneSelf {
				if asciiSpace(c) {
					break
				}
				f.nonSpace++
				switch {
				case 'a' <= c && c <= 'z':
					f.letters++
					f.cased++
					hasLetter = true
				case 'A' <= c && c <= 'Z':
					f.letters++
					f.cased++
					f.upper++
					hasLetter = true
				case '0' <= c && c <= '9':
					f.digits++
					hasDigit = true
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				break
			}
			ascii = false
			f.nonSpace++
			switch {
			case unicode.IsLetter(r):
				f.letters++
				hasLetter = true
				if unicode.IsUpper(r) || unicode.IsTitle(r) {
					f.upper++
					f.cased++
				} else if unicode.IsLower(r) {
					f.cased++
				}
			case unicode.IsDigit(r):
				f.digits++
				hasDigit = true
			}
			i += size
		}
		tok := s[start:i]
		atStart := sentenceStart
		sentenceStart = endsSentence(tok)
		// Inside a code span, "main.go" is a file name, not a web address.
		ticks := strings.Count(tok, "`")
		code := inCode || ticks > 0
		inCode = inCode != (ticks%2 == 1)
		if tok[0] == '@' && len(tok) >= 3 && !code {
			f.handle = true
		}
		if !hasLetter && !hasDigit {
			continue
		}
		core := trimToWord(tok)
		if !code && strings.IndexByte(core, '.') >= 0 && (isDomain(core) || strings.Contains(tok, "://")) {
			f.url = true
		}
		f.words++
		// Classify the word lower-cased without allocating.
		var cls uint32
		if ascii && len(core) <= len(lower) {
			for j := 0; j < len(core); j++ {
				c := core[j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				lower[j] = c
			}
			cls = wordClasses[string(lower[:len(core)])]
			f.trig |= cls &^ (classCTAStart | classFunction)
			if atStart && cls&classCTAStart != 0 {
				f.ctaStarts = append(f.ctaStarts, start)
			}
		}
		if !hasLetter {
			continue
		}
		r, _ := utf8.DecodeRuneInString(core)
		up := unicode.IsUpper(r) || unicode.IsTitle(r)
		if first {
			f.firstUpper = up || (unicode.IsLetter(r) && !unicode.IsLower(r))
			first = false
			continue
		}
		if cls&classFunction != 0 {
			continue
		}
		f.contentWords++
		if up {
			f.capContent++
		}
	}
	// Symbols are not words; give their rules a chance too.
	if strings.Contains(s, "©") || strings.Contains(s, "(c)") || strings.Contains(s, "(C)") {
		f.trig |= 1 << ruleCopyright
	}
	if f.words <= maxNormWords {
		f.norm = normalize(s)
	} else {
		f.norm = s
	}
	f.endPunct = lastNonCloser(s)
	f.terminal = isTerminal(f.endPunct) || f.endPunct == ':' || f.endPunct == ';'
	return f
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// trimToWord trims everything but letters and digits from both ends of tok.
func trimToWord(tok string) string {
	for len(tok) > 0 {
		r, size := utf8.DecodeRuneInString(tok)
		if isLetterOrDigit(r) {
			break
		}
		tok = tok[size:]
	}
	for len(tok) > 0 {
		r, size := utf8.DecodeLastRuneInString(tok)
		if isLetterOrDigit(r) {
			break
		}
		tok = tok[:len(tok)-size]
	}
	return tok
}

// lastNonCloser returns the last character of s that is neither white
// space nor a closing quote or bracket, or 0.
func lastNonCloser(s string) rune {
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !unicode.IsSpace(r) && !isCloser(r) {
			return r
		}
		s = s[:len(s)-size]
	}
	return 0
}

// normalize returns the words of s lower-cased, without punctuation,
// separated by single spaces, so that lines that differ only in case or
// punctuation compare equal.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isLetterOrDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return b.String()
}

// isDomain reports a token that looks like a web address: name.tld or
// sub.name.tld, with a top-level part of two to six letters.
func isDomain(tok string) bool {
	dot := strings.LastIndexByte(tok, '.')
	if dot <= 0 || dot == len(tok)-1 {
		return false
	}
	tld := tok[dot+1:]
	if len(tld) < 2 || len(tld) > 6 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		c := tld[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	for label := range strings.SplitSeq(tok[:dot], ".") {
		if len(label) < 2 {
			return false
		}
		for _, r := range label {
			if !isLetterOrDigit(r) && r != '-' {
				return false
			}
		}
	}
	return true
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

const months = `jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?`

var (
	// dateRe finds a calendar date: 13 March 2025, March 13, 2025, March 7,
	// 2025-03-13, 13.03.2025.
	dateRe = regexp.MustCompile(`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:` + months + `)\b\.?,?(?:\s+\d{4})?|\b(?:` + months + `)\b\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d\b`)

	// bylineRe finds an author credit: "By Jane Doe", "Written by J. Doe".
	bylineRe = regexp.MustCompile(`^(?i:by|written by|reported by|reporting by|text by|words by|story by|posted by|authors?:?)\s+\p{Lu}`)

	// ctaStartRe finds a call to action at the start of a sentence (it is
	// matched at each sentence start): the imperative that asks the reader
	// to follow, share, subscribe, sign up, download or read on.
	ctaStartRe = regexp.MustCompile(`^(?i)(?:please\s+)?(?:` +
		`share\s+(?:it|this|the\s+(?:story|article|post|page|news)|on|via|now|with\s+(?:your|a)\s+friends?)\b` +
		`|(?:follow|like|find|friend|support)\s+(?:us|our|me)\b|follow\s+on\b|join\s+(?:us|our|the\s+conversation)\b` +
		`|subscribe\b|unsubscribe\b|sign\s*(?:up|in|on)\b|log\s*(?:in|out|on)\b|register\s+(?:now|here|today|for\s+free)\b` +
		`|download\s+(?:our|the|this)\s+app\b|(?:click|tap)\s+here\b|read\s+(?:more|also|next|the\s+full)\b|also\s+read\b` +
		`|see\s+also\b|continue\s+reading\b|listen\s+to\s+(?:this|the)\s+(?:article|story|podcast)\b|leave\s+a\s+(?:comment|reply)\b` +
		`|thanks?\s+(?:you\s+)?for\s+(?:reading|watching|listening|visiting)\b|donate\b|don['’]t\s+miss\b|never\s+miss\b|stay\s+(?:tuned|updated|informed|connected)\b|get\s+(?:our|the\s+latest|the\s+app)\b` +
		`|report\s+(?:an?\s+)?(?:error|typo|mistake)\b|found\s+(?:an?\s+)?(?:error|typo|mistake)\b|skip\s+to\b|back\s+to\s+top\b` +
		`|(?:related|recommended|popular|trending|latest)\s*(?:articles?|stories|posts|news|content|reading|topics|videos)?\s*[:»>]?\s*$)`)

	// counterRe finds view, comment and share counters: "Views: 322".
	counterRe = regexp.MustCompile(`^(?:views?|reads?|comments?|likes?|shares?|votes?|followers|subscribers|replies|rating)\s*[:\-–(]?\s*\d[\d\s.,]*[km]?\)?$` +
		`|^\d[\d.,]*\s*[km]?\s+(?:views?|reads?|comments?|likes?|shares?|votes?|followers|subscribers|replies)$`)
)

// A wordingRule drops a line whose lower-cased text matches re, if the line
// has at most maxWords words and, for loose rules, does not read as a
// plain sentence (it lacks final punctuation, has a link or handle, or is
// six words or fewer). words lists the words that must occur for re to
// match at all.
type wordingRule struct {
	reason   string
	words    string
	maxWords int
	loose    bool
	re       *regexp.Regexp
}

// ruleCopyright indexes the rule in wordingRules that symbols also
// trigger.
const ruleCopyright = 0

var wordingRules = []wordingRule{
	ruleCopyright: {reasonLegal, `copyright`, 60, false,
		regexp.MustCompile(`©|\(c\)\s*(?:19|20)\d\d|\bcopyright\s*(?:©|\(c\))?\s*(?:19|20)\d\d`)},
	{reasonLegal, `rights`, 60, false, regexp.MustCompile(`\ball\s+rights\s+reserved\b`)},
	{reasonLegal, `cookies cookie continuing`, 60, false,
		regexp.MustCompile(`\bwe\s+use\s+cookies\b|\b(?:site|website)\s+uses\s+cookies\b|\buse\s+of\s+cookies\b|\baccept\s+(?:all\s+)?cookies\b` +
			`|\bcookie\s+(?:policy|settings|preferences|notice|banner|consent)\b|\bby\s+(?:continuing|using)\s+(?:to\s+(?:use|browse)\s+)?(?:this|our|the)\s+(?:site|website)\b`)},
	{reasonLegal, `privacy`, 60, false,
		regexp.MustCompile(`\bprivacy\s+policy\b.*\bterms\b|\bterms\s+of\s+(?:use|service)\b.*\bprivacy\b`)},
	// Newsletter promises address the reader's inbox.
	{reasonCTA, `inbox email e-mail mailbox`, 20, false,
		regexp.MustCompile(`\b(?:in|to|into)\s+your\s+(?:inbox|e-?mail|mailbox)\b`)},
	// Sign-offs that court the reader, in any sentence.
	{reasonCTA, `liked enjoyed enjoy`, 30, false,
		regexp.MustCompile(`\b(?:liked|enjoyed|enjoy)\s+(?:the|this|our)\s+(?:story|article|post|piece|newsletter|podcast|video)\b`)},
	// Relative times are page furniture ("2 hours ago"); dates are kept.
	{reasonCounter, `ago`, 5, false,
		regexp.MustCompile(`^(?:(?:updated|published|posted|edited)\s*:?\s*)?(?:\d+|an?|one)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|years?)\s+ago\.?$`)},
	// Media credits and caption labels: "Photo: Reuters", "Image source, Getty".
	{reasonCredit, `photo photos image images picture video source credit illustration`, 8, false,
		regexp.MustCompile(`^(?:photo|image|picture|video|illustration)s?(?:\s+(?:source|credit|caption)s?)?\s*[:,]|^(?:source|credit)s?\s*:`)},
	// Phrases that only menus and promotions use, wherever they stand.
	{reasonCTA, `follow subscribe newsletter newsletters sign liked share join like find download click
		more related most trending recommended read continue skip back`, 40, true,
		regexp.MustCompile(`\bfollow\s+us\b|\bsubscribe\s+to\s+(?:our|the|my)\b|\bour\s+newsletters?\b|\bnewsletter\s+sign|\bsign\s+up\s+(?:for|to)\s+(?:our|the)\b` +
			`|\bliked\s+(?:the|this)\s+(?:story|article|post)\b|\bshare\s+(?:this|the)\s+(?:story|article|post|page)\b|\bshare\s+(?:on|via)\s+\w+|\bjoin\s+us\s+on\b` +
			`|\b(?:like|find|follow)\s+us\s+on\b|\bdownload\s+(?:our|the)\s+app\b|\bclick\s+here\b|\bmore\s+(?:stories|news|articles|videos)\b` +
			`|\brelated\s+(?:articles|stories|posts|news)\b|\bmost\s+(?:read|popular|viewed|shared)\b|\btrending\s+now\b|\brecommended\s+for\s+you\b` +
			`|\bread\s+more\b|\balso\s+read\b|\bcontinue\s+reading\b|\bskip\s+to\s+(?:main\s+)?content\b|\bback\s+to\s+top\b`)},
}

// Drop reasons. Strong reasons are content rules: a line that matched one is
// boilerplate wherever it stands. Soft reasons judge shape and position and
// are undone if they would leave a document with no text at all.
const (
	reasonNone = ""
	// strong
	reasonNoWords    = "no words"
	reasonSymbols    = "mostly symbols"
	reasonCounter    = "counter"
	reasonLegal      = "copyright or cookie notice"
	reasonCTA        = "call to action"
	reasonCredit     = "media credit"
	reasonLinkDense  = "mostly link text"
	reasonLink       = "link or handle"
	reasonSeparators = "menu separators"
	reasonCrossDoc   = "repeated across documents"
	reasonRepeated   = "repeated in document"
	reasonDupTitle   = "duplicate title"
	reasonDuplicate  = "duplicate paragraph"
	// soft
	reasonFragment = "short fragment"
	reasonAllCaps  = "short capitals line"
	reasonHeadline = "headline that is not the title"
	reasonHead     = "before the title"
	reasonTail     = "after the article"
)

func softReason(r string) bool {
	switch r {
	case reasonFragment, reasonAllCaps, reasonHeadline, reasonHead, reasonTail:
		return true
	}
	return false
}

// line is a block under judgement.
type line struct {
	block
	text   string // the block's text, verbatim
	f      lineFeatures
	date   bool
	byline bool
	drop   string
}

// contentRule applies the strong rules that judge a line by its wording
// alone and returns why it is boilerplate, or "".
func contentRule(l *line) string {
	f := &l.f
	if l.kind == kindLinkOnly {
		return reasonLink
	}
	if l.kind == kindTable {
		if _, ok := TableHeader(l.text); ok {
			// Its delimiter row is all dashes, but it names the columns.
			return reasonNone
		}
	}
	// Figures in a Markdown table or list are content even without words.
	figures := f.digits > 0 && (l.kind == kindTable || l.kind == kindList)
	if f.letters < 2 && !l.date && !figures {
		return reasonNoWords
	}
	if (f.letters+f.digits)*2 < f.nonSpace && !l.date && !figures {
		return reasonSymbols
	}
	if f.words > 60 {
		return reasonNone // long running text: no notice or menu is this long
	}
	if f.words <= 4 && f.digits > 0 && counterRe.MatchString(strings.ToLower(strings.TrimSpace(l.text))) {
		return reasonCounter
	}
	if f.words <= 30 {
		for _, off := range f.ctaStarts {
			if ctaStartRe.MatchString(l.text[off:]) {
				return reasonCTA
			}
		}
	}
	if f.trig != 0 {
		lower := strings.ToLower(l.text)
		plain := f.terminal && !f.url && !f.handle && f.words > 6
		for i, r := range wordingRules {
			if f.trig&(1<<i) == 0 || f.words > r.maxWords || (r.loose && plain) {
				continue
			}
			if r.re.MatchString(lower) {
				return r.reason
			}
		}
	}
	if l.kind == kindHeading {
		return reasonNone // an author's heading, even if it is one word
	}
	if (l.links >= 60 && !f.terminal || l.links >= 85 && f.words <= 8) && (l.kind != kindList || l.away == 0) {
		// Menus, tag lists, related stories and tables of contents are
		// link text; a list of references elsewhere is judged by where
		// it stands.
		return reasonLinkDense
	}
	if l.kind == kindTable || l.kind == kindCode || l.kind == kindList {
		return reasonNone // "tern.lock" in a list is a file, not a web address
	}
	if (f.url || f.handle) && (f.words <= 3 || (!f.terminal && f.words <= 15)) {
		return reasonLink
	}
	if f.words <= 24 && l.kind != kindTable && l.kind != kindCode && isSeparatedMenu(l.text) {
		return reasonSeparators
	}
	return reasonNone
}

// isSeparatedMenu reports a line of three or more short items separated by
// bars, bullets or arrows: "Home | World | Sport", "News › Europe › Baltics".
func isSeparatedMenu(s string) bool {
	if !hasSeparator(s) {
		return false
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '|', '•', '·', '»', '›', '>':
			return true
		}
		return false
	})
	if len(parts) < 3 {
		parts = strings.Split(s, " / ")
		if len(parts) < 3 {
			return false
		}
	}
	for _, p := range parts {
		if n := len(strings.Fields(p)); n == 0 || n > 3 {
			return false
		}
	}
	return true
}

// hasSeparator reports whether s has a menu separator: | > / • · » ›.
func hasSeparator(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '|', '>', '/':
			return true
		case 0xC2: // · »
			if i+1 < len(s) && (s[i+1] == 0xB7 || s[i+1] == 0xBB) {
				return true
			}
		case 0xE2: // • ›
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA2 || s[i+2] == 0xBA) {
				return true
			}
		}
	}
	return false
}

// shapeRule applies the soft rules that judge a line by its shape: short
// fragments without punctuation and short lines in capitals.
func shapeRule(l *line) string {
	f := &l.f
	if l.date || l.byline || l.kind == kindHeading || l.kind == kindList || l.kind == kindTable || l.kind == kindCode {
		return reasonNone
	}
	if f.allCaps() && f.words <= 8 {
		return reasonAllCaps
	}
	if f.words <= 3 && !f.terminal && f.digits == 0 {
		return reasonFragment
	}
	return reasonNone
}

// headlineShaped reports a line that could be an article's title: three to
// thirty words, starting with a capital, not ending with a full stop, not in
// capitals and not a date, byline or link.
func headlineShaped(l *line) bool {
	f := &l.f
	if f.words < 3 || f.words > 30 || f.letters < 10 || !f.firstUpper || f.allCaps() {
		return false
	}
	if l.date || l.byline || f.url || f.handle {
		return false
	}
	switch f.endPunct {
	case '.', ':', ';', ',':
		return false
	}
	return l.kind == kindPara || l.kind == kindHeading
}
