package reader

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/citebot/citebot/corpus"
)

// corpusOf loads documents from name → text, splits them and returns the
// statistics and every chunk as a passage, which is all the reader needs.
func corpusOf(t testing.TB, files map[string]string) (*Stats, []Passage) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	docs, _, err := corpus.Load(context.Background(), fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	ps := make([]Passage, len(chunks))
	for i, c := range chunks {
		ps[i] = Passage{Chunk: c, Score: float64(len(chunks) - i)}
	}
	return Learn(chunks), ps
}

var treaty = map[string]string{
	"accord.txt": "The fisheries accord\n\n" +
		"The accord limits catches of cod in the Baltic Sea. " +
		"Norway joined the accord in 1994, Sweden and Iceland in 1996, Finland in 1999 and Denmark in 2002. " +
		"Russia has not joined the accord. " +
		"The secretariat is in Bergen and is led by Ingrid Solheim.\n",
	"harbour.txt": "The harbour\n\nThe harbour of Bergen handles 40,000 tonnes of fish a year. " +
		"It was rebuilt in 1988 after a fire.\n",
}

func TestReadLeadsWithTheBoundValue(t *testing.T) {
	st, ps := corpusOf(t, treaty)
	r, err := New(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, want string }{
		{"When did Finland join the accord?", "1999"},
		{"When did Denmark join the accord?", "2002"},
		// A plural head wants the whole coordinated pair.
		{"Which countries joined the accord in 1996?", "Sweden and Iceland"},
		{"Who leads the secretariat?", "Ingrid Solheim"},
		{"How many tonnes of fish does the harbour of Bergen handle?", "40,000"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			rd := r.Read(tt.q, ps)
			if !rd.Answered || !strings.Contains(rd.Lead, tt.want) {
				t.Fatalf("got answered=%v lead %q (confidence %.2f), want a lead with %q", rd.Answered, rd.Lead, rd.Confidence, tt.want)
			}
			ev := rd.Evidence[0]
			if ev.LeadStart < 0 || ev.Text[ev.LeadStart:ev.LeadEnd] != rd.Lead {
				t.Errorf("lead %q is not marked in its sentence %q", rd.Lead, ev.Text)
			}
		})
	}
}

func TestReadYesNo(t *testing.T) {
	st, ps := corpusOf(t, treaty)
	r, err := New(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, lead, value string }{
		{"Did Finland join the accord in 1999?", "Yes", ""},
		{"Did Finland join the accord in 2002?", "No", "1999"},
		{"Has Russia joined the accord?", "No", ""},
		// An opening clause does not hide the question.
		{"If I read the treaty, did Finland join the accord in 2002?", "No", "1999"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			rd := r.Read(tt.q, ps)
			if !rd.Answered {
				// Refusing is allowed; answering wrongly is not.
				t.Skipf("refused (confidence %.2f)", rd.Confidence)
			}
			if rd.Lead != tt.lead || rd.Value != tt.value {
				t.Errorf("got %q with value %q, want %q with %q", rd.Lead, rd.Value, tt.lead, tt.value)
			}
		})
	}
}

// TestReadYesNoHearsZeroAsNo checks that "zero dependencies" answers "No"
// to "any dependencies?", never "Yes".
func TestReadYesNoHearsZeroAsNo(t *testing.T) {
	st, ps := corpusOf(t, map[string]string{"lib.txt": "The library\n\n" +
		"The library is written in pure Go and has zero third-party dependencies. " +
		"It needs Go 1.21 or later and runs on Linux, macOS and Windows.\n"})
	r, err := New(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rd := r.Read("Does the library have any third-party dependencies?", ps)
	if !rd.Answered || rd.Lead != "No" {
		t.Errorf("got answered %v with %q (confidence %.2f), want No", rd.Answered, rd.Lead, rd.Confidence)
	}
}

// TestReadYesNoCorrectsAValueTheCorpusLacks checks that a year found
// nowhere in the corpus does not make the reader refuse "No, 1988": the
// sentence answers "When was the harbour rebuilt?" as surely as ever.
func TestReadYesNoCorrectsAValueTheCorpusLacks(t *testing.T) {
	st, ps := corpusOf(t, treaty)
	r, err := New(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ q, value string }{
		{"Was the harbour rebuilt in 1990?", "1988"},
		{"Did Finland join the accord in 2001?", "1999"},
	} {
		t.Run(tt.q, func(t *testing.T) {
			rd := r.Read(tt.q, ps)
			if !rd.Answered || rd.Lead != "No" || rd.Value != tt.value {
				t.Errorf("got answered %v, %q with value %q (confidence %.2f), want No with %q",
					rd.Answered, rd.Lead, rd.Value, rd.Confidence, tt.value)
			}
		})
	}
}

func TestReadRefusesWhatThePassagesDoNotSay(t *testing.T) {
	st, ps := corpusOf(t, treaty)
	r, err := New(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"What is the boiling point of ethanol?",
		"Who painted The Starry Night?",
		"",
		"???",
	} {
		if rd := r.Read(q, ps); rd.Answered {
			t.Errorf("%q: got answered with %q, want a refusal", q, rd.Lead)
		}
	}
	if rd := r.Read("When did Finland join the accord?", nil); rd.Answered {
		t.Errorf("answered from no passages")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		q    string
		wh   wh
		head string
	}{
		{"when did Estonia ratify Ottawa?", whWhen, ""},
		{"In what year was John Peter Zenger tried?", whWhen, "year"},
		{"Who is the prime minister of Latvia?", whWho, ""},
		{"How many troops are there?", whHowMany, "troop"},
		{"How much did the T-shirt make?", whHowMuch, ""},
		{"How long was Beyonce depressed?", whHowLong, ""},
		{"How high did it climb?", whHowAdj, ""},
		{"Where is the summit?", whWhere, ""},
		{"Which countries ratified the Ottawa Convention in 2005?", whWhatNoun, "countri"},
		{"What Women's National Basketball Association team is based in New York?", whWhatNoun, "team"},
		{"What was the name of Beyoncé's first tour?", whWhatNoun, "name"},
		{"What does the convention prohibit?", whWhat, ""},
		{"Why did they withdraw?", whWhy, ""},
		{"Did Poland sign the treaty?", whYesNo, ""},
		{"Most iPods feature how many buttons?", whHowMany, "button"},
		// An opening clause sets the scene; the main clause asks.
		{"When Liszt lived close to Chopin, where did he call home?", whWhere, ""},
		{"When I compile a package, does the compiler read its dependencies?", whYesNo, ""},
		{"If I add a directory to a watcher, are its subdirectories watched too?", whYesNo, ""},
		{"When did the treaty, signed in 1997, take effect?", whWhen, ""},
		{"After what movie, did Beyonce create Sasha Fierce?", whWhatNoun, "movi"},
		{"When the store was launched, how many songs did it sell?", whHowMany, "song"},
		{"If the minister resigns, the treaty lapses?", whOther, ""},
		{"Is cgo enabled by default when cross-compiling?", whYesNo, ""},
		{"Has flag.Parse already been run when my TestMain function is called?", whYesNo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			st, _ := corpusOf(t, treaty)
			q := analyze(tt.q, st)
			if q.wh != tt.wh || q.head != tt.head {
				t.Errorf("got %v with head %q, want %v with head %q", q.wh, q.head, tt.wh, tt.head)
			}
		})
	}
}

func TestIsPlural(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"countries", true},
		{"albums", true},
		{"songs", true},
		{"class", false},
		{"status", false},
		{"analysis", false},
		{"physics", false},
		{"bus", false},
		{"team", false},
	}
	for _, tt := range tests {
		if got := isPlural(tt.word); got != tt.want {
			t.Errorf("isPlural(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct{ sentence, want string }{
		{"The film grossed $84.7 million in China.", "$84.7 million"},
		{"She sang in the choir at St. John's United Methodist Church as a child.", "St. John's United Methodist Church"},
		{"Beyoncé (born September 4, 1981) is an American singer.", "September 4, 1981"},
		{"Born and raised in Houston, Texas, she performed in various competitions.", "Houston, Texas"},
		{"Over 300 of the villagers were stranded.", "Over 300"},
		{"The Zhengtong Emperor reigned 1435–1449.", "1435–1449"},
		{"The court sent a delegation to secure urgently needed horses.", "to secure urgently needed horses"},
		{"It grew 19% in fiscal year 2013.", "19%"},
		{"It appeared in a commercial with Britney Spears, Pink, and Enrique Iglesias.", "Britney Spears, Pink, and Enrique Iglesias"},
		{"The Battle of Long Island was fought in August 1776.", "The Battle of Long Island"},
		{"It draws on work by Hans-J. Boehm and Sarita V. Adve.", "Hans-J. Boehm and Sarita V. Adve"},
		// Literals, whole, without their marks.
		{`Give that file a name ending in "_test.go".`, "_test.go"},
		{"Expect a 20 chars long sequence (`[0-9a-v]{20}`).", "[0-9a-v]{20}"},
		{"Use the prefix ‘all:’ to include them.", "all:"},
		{`He wrote to a friend, "I curse the moment of my departure."`, "I curse the moment of my departure."},
		{"The treaty bans the use, stockpiling, production and transfer of anti-personnel mines.",
			"the use, stockpiling, production and transfer of anti-personnel mines"},
	}
	st, _ := corpusOf(t, treaty)
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			toks := st.split(tt.sentence)
			var got []string
			for _, sp := range candidates(tt.sentence, toks) {
				got = append(got, tt.sentence[sp.start:sp.end])
				if sp.start < 0 || sp.end > len(tt.sentence) || sp.start >= sp.end {
					t.Fatalf("bad span [%d, %d)", sp.start, sp.end)
				}
			}
			for _, g := range got {
				if g == tt.want {
					return
				}
			}
			t.Errorf("candidates lack %q; got %q", tt.want, got)
		})
	}
}

// TestCandidatesJoinLikeWithLike checks that a list never joins a year
// to the name that opens the next clause.
func TestLiterals(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Don’t quote the ‘all:’ prefix’s name.", []string{"all:"}},
		{"Set `GOGC` and \"GOMEMLIMIT\" but not “ GODEBUG”.", []string{"GOGC", "GOMEMLIMIT"}},
		{"An unclosed \"quote and `tick", nil},
		{"\"\" and ``", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, l := range literals(tt.text) {
				got = append(got, tt.text[l[0]:l[1]])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCandidatesJoinLikeWithLike(t *testing.T) {
	sentence := "Lithuania ratified the convention in 2003, Estonia in 2004, Latvia and Ukraine in 2005."
	st, _ := corpusOf(t, treaty)
	got := map[string]bool{}
	for _, sp := range candidates(sentence, st.split(sentence)) {
		got[sentence[sp.start:sp.end]] = true
	}
	for _, bad := range []string{"2003, Estonia", "2004, Latvia", "2004, Latvia and Ukraine"} {
		if got[bad] {
			t.Errorf("candidates hold %q", bad)
		}
	}
	if !got["Latvia and Ukraine"] {
		t.Errorf("candidates lack %q", "Latvia and Ukraine")
	}
}

// TestCandidatesSkipAddresses checks that no candidate is part of a web
// address or a Markdown link's target, while the link's text still is.
func TestCandidatesSkipAddresses(t *testing.T) {
	sentence := "Thanks to [@eliben](https://github.com/eliben) whose post at www.example.org/rag started it."
	st, _ := corpusOf(t, treaty)
	got := map[string]bool{}
	for _, sp := range candidates(sentence, st.split(sentence)) {
		got[sentence[sp.start:sp.end]] = true
		if sp.kind == kindSentence {
			continue
		}
		for _, bad := range []string{"https", "github", "com/eliben", "example", "rag"} {
			if strings.Contains(sentence[sp.start:sp.end], bad) {
				t.Errorf("candidate %q is part of an address", sentence[sp.start:sp.end])
			}
		}
	}
	if !got["eliben"] {
		t.Errorf("candidates lack the link text %q; got %v", "eliben", got)
	}
}

// TestOpenerCapitalIsNotAName checks that a word capitalised only because
// it opens the sentence does not read as a name when the corpus never
// writes it as one inside a sentence, while a name that opens a sentence
// still does.
func TestOpenerCapitalIsNotAName(t *testing.T) {
	st, ps := corpusOf(t, map[string]string{
		"a.txt": "Buffers\n\nThe buffer was small prior to the release. Prior to v9, the buffer held 4096 bytes. " +
			"Norway joined in 1994. In 2001 Norway left. It was prior to that a member.\n",
	})
	sents := sentencesOf(st, ps)
	shapes := map[string][numShapes]bool{}
	for _, s := range sents {
		for _, sp := range candidates(s.text, s.toks) {
			if sp.j-sp.i == 1 && sp.i == 0 {
				shapes[s.text[sp.start:sp.end]] = spanShapes(s, sp)
			}
		}
	}
	for _, tt := range []struct {
		word string
		name bool
	}{{"Prior", false}, {"Norway", true}} {
		sh, ok := shapes[tt.word]
		if !ok {
			t.Fatalf("no candidate %q opens a sentence", tt.word)
		}
		if got := sh[shCapAll]; got != tt.name {
			t.Errorf("%q reads as a name: got %v, want %v", tt.word, got, tt.name)
		}
	}
}

func TestDefaultModel(t *testing.T) {
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compile(m); err != nil {
		t.Fatalf("the embedded model does not fit this code: %v", err)
	}
	if m.Threshold <= 0 || m.Threshold >= 1 || m.LeadThreshold < 0 || m.LeadThreshold >= 1 {
		t.Errorf("thresholds %v and %v, want both in [0, 1)", m.Threshold, m.LeadThreshold)
	}
	if len(m.Sentence) == 0 || len(m.Answer) == 0 || len(m.Confidence) == 0 {
		t.Errorf("model has %d, %d, %d weights, want all three models fitted", len(m.Sentence), len(m.Answer), len(m.Confidence))
	}
}

func TestModelForOtherCodeIsRefused(t *testing.T) {
	var m Model
	if err := json.Unmarshal([]byte(`{"sentence":{"no-such-feature":1}}`), &m); err != nil {
		t.Fatal(err)
	}
	if _, err := New(&Stats{}, Options{Model: &m}); err == nil || !strings.Contains(err.Error(), "no-such-feature") {
		t.Errorf("got %v, want an error naming the unknown feature", err)
	}
}

func TestFeatureNamesAreUnique(t *testing.T) {
	for name, l := range map[string]*layout{"sentence": &sentLayout, "span": &spanLayout, "answer": &answerLayout, "confidence": &confLayout} {
		if len(l.index) != len(l.names) {
			t.Errorf("%s layout: %d names but %d distinct", name, len(l.names), len(l.index))
		}
	}
}

func TestKind(t *testing.T) {
	if got := Kind("How many bones are in the adult human body?"); got != "how-many" {
		t.Errorf("Kind = %q, want how-many", got)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"When did Finland join?", "", "\xff\xfe?", "Did it — “yes” — in 1999?", "how many ,,, 3.5%", "If ﬁ İ, does it?", "When I, what",
		"How many tonnes of fish does the harbour handle?", "How long ago was it rebuilt?", "how tonnes"} {
		f.Add(s)
	}
	st, ps := corpusOf(f, treaty)
	r, err := New(st, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		rd := r.Read(q, ps)
		for _, ev := range rd.Evidence {
			if ev.LeadStart >= 0 && (ev.LeadStart > ev.LeadEnd || ev.LeadEnd > len(ev.Text)) {
				t.Fatalf("lead bounds [%d, %d) outside %q", ev.LeadStart, ev.LeadEnd, ev.Text)
			}
		}
		if rd.Answered && len(rd.Evidence) == 0 {
			t.Fatal("answered without evidence")
		}
	})
}

func FuzzCandidates(f *testing.F) {
	for _, s := range []string{"", "A", "$5 and 6%", "St. J. Smith, 1990–1999.", "“Quoted” (paren) [x]", "\xff1,2,3"} {
		f.Add(s)
	}
	st, _ := corpusOf(f, treaty)
	f.Fuzz(func(t *testing.T, s string) {
		for _, sp := range candidates(s, st.split(s)) {
			if sp.start < 0 || sp.end > len(s) || sp.start >= sp.end || sp.i >= sp.j {
				t.Fatalf("bad candidate %+v in %q", sp, s)
			}
		}
	})
}

func TestContainsAnyRune(t *testing.T) {
	tests := []struct {
		s, set string
	}{
		{"costs $5", "$€£¥₹"},
		{"costs €5", "$€£¥₹"},
		{"costs ₹5", "$€£¥₹"},
		{"costs 5 dollars", "$€£¥₹"},
		{"", "$€"},
		{"ab", ""},
		{"50% más", "%‰"},
		{"5‰", "%‰"},
		{"naïve ¥", "$€£¥₹"},
		{"\xff\xfe", "$€"},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got, want := containsAnyRune(tt.s, tt.set), strings.ContainsAny(tt.s, tt.set); got != want {
				t.Errorf("containsAnyRune(%q, %q) = %v, want %v", tt.s, tt.set, got, want)
			}
		})
	}
}

// TestReadLeadSaysWhatItCounts checks that a how-many or how-deep answer
// leads with what it counts or measures when the sentence says it right
// after the number (the question's own word, verbatim), and with the
// number alone when it does not.
func TestReadLeadSaysWhatItCounts(t *testing.T) {
	testExactLeads(t, map[string]string{
		"offices.txt": "The offices\n\n" +
			"The court set up offices of Qianhu, in charge of 1,000 households, and offices of Wanhu, in charge of 10,000 households. " +
			"The harbour of Bergen handles 40,000 tonnes of fish a year. " +
			"Swans nest on the lake each spring; in May 2020 the wardens counted 42 of them. " +
			"The fault is 240 km long and 20 km deep. " +
			"When the school collapsed, fewer than 60 pupils survived.\n",
	}, []leadCase{
		{"How many households were the offices of Wanhu in charge of?", "10,000 households"},
		{"How many tonnes of fish does the harbour of Bergen handle?", "40,000 tonnes"},
		{"How many swans did the wardens count in May 2020?", "42"},
		{"How deep is the fault?", "20 km deep"},
		// A qualifier before the number is part of what it says.
		{"How many pupils survived when the school collapsed?", "fewer than 60 pupils"},
	})
}

// TestReadLeadKeepsTheOfATitle checks that a name led with keeps the
// "the" before it inside a sentence, capitalised or not, and that a "The"
// which is capitalised only because it opens the sentence stays out.
func TestReadLeadKeepsTheOfATitle(t *testing.T) {
	testExactLeads(t, map[string]string{
		"games.txt": "The games\n\n" +
			"The game takes place hundreds of years after Ocarina of Time, in an alternate timeline from The Wind Waker. " +
			"Romans built the first bridge over the river. " +
			"The Normans rebuilt the bridge in stone in 1090. " +
			"After the war the three river towns founded the Kestrel League to share the tolls.\n",
	}, []leadCase{
		{"The game takes place in an alternate timeline from what game?", "The Wind Waker"},
		{"Who rebuilt the bridge in stone?", "Normans"},
		{"Which alliance did the three river towns found to share the tolls?", "the Kestrel League"},
	})
}

// leadCase is a question and the lead it must get.
type leadCase struct{ q, want string }

// testExactLeads reads each question over the corpus files and checks
// that it is answered with exactly the lead wanted, marked in its
// sentence.
func testExactLeads(t *testing.T, files map[string]string, tests []leadCase) {
	t.Helper()
	st, ps := corpusOf(t, files)
	r, err := New(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			rd := r.Read(tt.q, ps)
			if !rd.Answered || rd.Lead != tt.want {
				t.Fatalf("got answered=%v lead %q (confidence %.2f), want %q", rd.Answered, rd.Lead, rd.Confidence, tt.want)
			}
			if ev := rd.Evidence[0]; ev.Text[ev.LeadStart:ev.LeadEnd] != rd.Lead {
				t.Errorf("lead %q is not marked in its sentence %q", rd.Lead, ev.Text)
			}
		})
	}
}
