package corpus

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// bodyLines returns the text of each Body span.
func bodyLines(d Document) []string {
	var out []string
	for _, sp := range d.Body {
		out = append(out, d.Text[sp.Start:sp.End])
	}
	return out
}

func bodyText(d Document) string { return strings.Join(bodyLines(d), "\n") }

// seedDocs returns the seed files as raw, uncleaned documents.
func seedDocs(t testing.TB) []Document {
	t.Helper()
	names, err := fs.Glob(Default(), "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for _, n := range names {
		b, err := fs.ReadFile(Default(), n)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, Document{Source: n, Text: string(b)})
	}
	return docs
}

func TestCleanSeeds(t *testing.T) {
	docs := seedDocs(t)
	Clean(docs)
	bySource := map[string]Document{}
	for _, d := range docs {
		bySource[d.Source] = d
		checkBody(t, d)
	}

	t.Run("titles", func(t *testing.T) {
		want := map[string]string{
			"000_2bc005b4439df7f9.txt": "The Lithuanian Ministry of Defense has published a copy of a letter signed by its defense minister…",
			"001_ab8ee8623a11ff01.txt": "Poland, Lithuania, Latvia, and Estonia announced on Tuesday they are withdrawing from the 1997…",
			"002_16874060ac9fe7ff.txt": "Eastern NATO allies uniting to withdraw from Ottawa Convention, says Polish minister",
			"003_205263a981956156.txt": "Poland and Baltic States Withdraw from Landmine Ban Amid Rising Russian Threat",
			"004_a2def31897be0633.txt": "Baltic Defense Ministers Support Their Countries’ Withdrawal from Anti-Personnel Mine Ban Treaty",
		}
		for src, w := range want {
			if got := bySource[src].Title; got != w {
				t.Errorf("%s: got title %q, want %q", src, got, w)
			}
		}
	})

	t.Run("boilerplate gone", func(t *testing.T) {
		gone := []string{
			"JOIN US ON TELEGRAM",
			"Follow our coverage",
			"@Kyivpost_official",
			"Prisoner Swap Promised Following Trump-Putin Call Goes Ahead",
			"press Ctrl + Enter",
			"WHAT ARE YOU LOOKING FOR",
			"Any use of materials",
			"© 2025",
			"night_theme",
			"Views: 322",
			"Liked the story?",
			"copy link",
			"Follow us on Telegram",
			"The most important world news",
			"MORE STORIES",
			"Baltic nations Estonia Europe Latvia Lithuania mines Poland World",
		}
		for _, d := range docs {
			body := bodyText(d)
			for _, g := range gone {
				if strings.Contains(body, g) {
					t.Errorf("%s: got %q in the body, want it dropped", d.Source, g)
				}
			}
			for _, l := range bodyLines(d) {
				lone := strings.ToLower(l)
				if slices.Contains([]string{"twitter", "facebook", "youtube", "instagram", "telegram", "world", "a+", "a-", "print", "ads", "loading", "search", "ru", "arm", "caliber.az"}, lone) {
					t.Errorf("%s: got lone line %q in the body, want it dropped", d.Source, l)
				}
			}
		}
	})

	t.Run("article kept", func(t *testing.T) {
		kept := map[string][]string{
			"000_2bc005b4439df7f9.txt": {
				"Lithuania and Belarus ratified the convention in 2003, Estonia in 2004, Latvia and Ukraine in 2005 and Poland in 2012.",
				"The recommendation has still to be ratified and approved by the countries’ parliaments.",
				"“We want to ensure common principles",
			},
			"001_ab8ee8623a11ff01.txt": {
				"Lithuania has also expressed plans to increase explosives manufacturing.",
				"Latvia’s Prime Minister Evika Silina",
				"Raimundas Vaiksnoras.",
			},
			"002_16874060ac9fe7ff.txt": {
				"13 March 2025 17:29",
				"By Khagan Isayev",
				"Finnish Defence Minister Antti Hakkanen",
				"announced by Prime Minister Donald Tusk on March 7.",
			},
			"003_205263a981956156.txt": {"Amnesty International", "5% of their GDP"},
			"004_a2def31897be0633.txt": {"on March 6, 2025.", "On March 7, Polish Prime Minister Donald Tusk"},
		}
		for src, want := range kept {
			body := bodyText(bySource[src])
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: got body without %q, want it kept", src, w)
				}
			}
		}
		// Every line that reads as a sentence and is not a prompt is kept:
		// the seeds have exactly this many article lines each.
		wantLines := map[string]int{
			"000_2bc005b4439df7f9.txt": 11, // 15 lines: 4 boilerplate
			"001_ab8ee8623a11ff01.txt": 11, // all of it
			"002_16874060ac9fe7ff.txt": 13, // title, date, 10 paragraphs, byline
			"003_205263a981956156.txt": 9,  // title and 8 paragraphs
			"004_a2def31897be0633.txt": 13, // title once and 12 paragraphs
		}
		for src, n := range wantLines {
			if got := len(bySource[src].Body); got != n {
				t.Errorf("%s: got %d body lines %q, want %d", src, got, bodyLines(bySource[src]), n)
			}
		}
	})

	t.Run("duplicate title once", func(t *testing.T) {
		d := bySource["004_a2def31897be0633.txt"]
		if n := strings.Count(bodyText(d), d.Title); n != 1 {
			t.Errorf("got the title %d times in the body, want once", n)
		}
	})
}

// checkBody asserts the Body contract: spans in bounds, in order, not
// overlapping, trimmed and non-empty.
func checkBody(t *testing.T, d Document) {
	t.Helper()
	if d.Body == nil {
		t.Fatalf("%s: Body is nil after Clean", d.Source)
	}
	prev := 0
	for i, sp := range d.Body {
		if sp.Start < prev || sp.End > len(d.Text) || sp.Start >= sp.End {
			t.Fatalf("%s: body span %d = %v out of order or bounds (prev end %d, len %d)", d.Source, i, sp, prev, len(d.Text))
		}
		s := d.Text[sp.Start:sp.End]
		r, _ := utf8.DecodeRuneInString(s)
		l, _ := utf8.DecodeLastRuneInString(s)
		if unicode.IsSpace(r) || unicode.IsSpace(l) {
			t.Fatalf("%s: body span %d = %q not trimmed", d.Source, i, s)
		}
		prev = sp.End
	}
	if d.Title == "" && strings.TrimSpace(d.Text) != "" {
		t.Fatalf("%s: empty title", d.Source)
	}
}

// syntheticPage is a news page from an invented site, with boilerplate in
// wording the seeds do not use.
const syntheticPage = `Skip to main content
Menu
Home | World | Business | Sport | Culture
We use cookies to give you the best possible experience. By continuing to browse this site you agree to our use of cookies.
Accept all
Manage preferences
BUSINESS
Port of Tallinn opens a second container terminal
By Mari Tamm
Updated 4 April 2024, 09:15
The Port of Tallinn opened a second container terminal on Monday, doubling the harbour's capacity to 600,000 containers a year.
Share on Facebook
Share on X
Officials said the project cost €120 million and took two years to build.
Riga Airport Adds Three New Routes For Summer
"We are ready for the next decade," said port chief Valdo Kalm.
It opened on time.
Subscribe to our newsletter
Get the top stories in your inbox every morning.
Sign up
Related articles
Ferry Traffic Hits Record High
New Bridge Opens In Tartu
Comments (12)
© 2024 Example Media. All rights reserved.
Privacy Policy | Terms of Use | Contact
`

func TestCleanSyntheticPage(t *testing.T) {
	docs := []Document{{Source: "news/port.txt", Text: syntheticPage}}
	Clean(docs)
	d := docs[0]
	checkBody(t, d)
	want := []string{
		"Port of Tallinn opens a second container terminal",
		"By Mari Tamm",
		"Updated 4 April 2024, 09:15",
		"The Port of Tallinn opened a second container terminal on Monday, doubling the harbour's capacity to 600,000 containers a year.",
		"Officials said the project cost €120 million and took two years to build.",
		`"We are ready for the next decade," said port chief Valdo Kalm.`,
		"It opened on time.",
	}
	if got := bodyLines(d); !slices.Equal(got, want) {
		t.Errorf("got body\n%q\nwant\n%q", got, want)
	}
	if want := "Port of Tallinn opens a second container terminal"; d.Title != want {
		t.Errorf("got title %q, want %q", d.Title, want)
	}
}

// TestCleanLineRules puts one line in the middle of an article and checks
// whether Clean keeps it: boilerplate in many wordings goes, and sentences
// that share its vocabulary stay.
func TestCleanLineRules(t *testing.T) {
	tests := []struct {
		line string
		keep bool
	}{
		// boilerplate
		{"Subscribe to our newsletter", false},
		{"Sign up for our weekly briefing", false},
		{"Share on Facebook", false},
		{"Share this article", false},
		{"Follow us on Instagram @examplenews", false},
		{"Like us on Facebook!", false},
		{"Download our app", false},
		{"Click here to read the full report", false},
		{"Read more: Ferry traffic hits record high", false},
		{"READ ALSO", false},
		{"Related articles", false},
		{"Recommended for you", false},
		{"This website uses cookies to improve your experience.", false},
		{"Copyright 2023 Example News Ltd", false},
		{"© 2024 Example Media. All rights reserved.", false},
		{"Views 1,234", false},
		{"1.2K shares", false},
		{"Comments (4)", false},
		{"Home › World › Europe", false},
		{"News / Europe / Baltics", false},
		{"Facebook Twitter LinkedIn Email", false},
		{"WhatsApp", false},
		{"dark_mode", false},
		{"www.example.com", false},
		{"@examplenews", false},
		{"EXCLUSIVE", false},
		{"Report a typo", false},
		{"Stay informed", false},
		{"Ferry Traffic Hits Record High In Baltic Sea", false},
		{"★★★★☆", false},
		{"2 hours ago", false},
		{"Photo: Reuters", false},
		{"Image source, Getty Images", false},
		{"Thanks for reading!", false},
		{"If you enjoyed this article, please pass it on to a friend.", false},
		// article text
		{"She declined to comment.", true},
		{"Share prices fell 5% on Tuesday.", true},
		{"Like many countries, Finland reviewed its stance.", true},
		{"The company said it would follow our recommendations.", true},
		{"He posted the video on Twitter and Facebook.", true},
		{"Support for the measure grew to 61%.", true},
		{"Updated 4 April 2024", true},
		{"March 18, 2025", true},
		{"By Mari Tamm", true},
		{"No.", true},
		{"Estonia joined in 2004 and Latvia in 2005.", true},
		{"The ministry's website, mod.gov.lt, published the letter.", true},
		{"The minister wrote on social media that the decision was final.", true},
		{"“Join us,” the minister told his colleagues.", true},
		{"the talks continued late into the night without any agreement", true},
		{"He arrived in Kyiv two days ago.", true},
		{"The photo was taken in 2022.", true},
		{"Source: the ministry.", false},
		// Words that menus also use are not menus by themselves, and
		// instructions in a manual are not page furniture.
		{"Press Ctrl + C to stop the server.", true},
		{"Redistribution and use in source and binary forms, with or without modification, are permitted.", true},
		{"Apple and Google sell phones in Estonia.", true},
		{"Search the index with the query command.", true},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			text := "Ports Across The Baltic Expand Capacity\n" +
				"The ports of the Baltic states expanded their capacity this year, officials said.\n" +
				tt.line + "\n" +
				"Officials expect traffic to grow further in the coming decade.\n"
			docs := []Document{{Source: "a.txt", Text: text}}
			lines := clean(docs)
			kept := slices.Contains(bodyLines(docs[0]), strings.TrimSpace(tt.line))
			if kept != tt.keep {
				why := ""
				for _, l := range lines[0] {
					if l.text == strings.TrimSpace(tt.line) {
						why = l.drop
					}
				}
				t.Errorf("got kept=%v (reason %q), want kept=%v", kept, why, tt.keep)
			}
		})
	}
}

// TestCleanKeepsWordsMenusUse checks that lines are judged by their
// shape, not by words a menu once had: lists of makers, networks and
// stores are an author's content.
func TestCleanKeepsWordsMenusUse(t *testing.T) {
	tests := []struct {
		name, source, text string
		want               []string
	}{
		{"markdown list", "phones.md", "# Phones\n\nThe case fits phones from:\n\n- Apple\n- Google\n- Samsung\n",
			[]string{"Phones", "The case fits phones from:", "Apple", "Google", "Samsung"}},
		{"text list", "stores.txt", "Where to buy the app:\n\n- Apple App Store\n- Google Play\n- Telegram channel\n",
			[]string{"Where to buy the app:", "Apple App Store", "Google Play", "Telegram channel"}},
		{"sentence of menu words", "a.txt", "Search, share and print the report from the menu.\n",
			[]string{"Search, share and print the report from the menu."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := []Document{{Source: tt.source, Text: tt.text}}
			Clean(docs)
			if got := bodyLines(docs[0]); !slices.Equal(got, tt.want) {
				t.Errorf("got body %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCleanLinesRepeatedAcrossDocuments(t *testing.T) {
	shared := "Example Media is an independent newsroom covering the Baltics."
	long := "This long syndicated paragraph appears word for word in every one of the documents because a wire service wrote it, and it must stay in all of them."
	var docs []Document
	cities := []string{"Tallinn", "Riga", "Vilnius", "Warsaw"}
	// Enough documents for Clean to spread them over goroutines.
	for i := range 150 {
		cities = append(cities, fmt.Sprintf("Town%03d", i))
	}
	for _, city := range cities {
		docs = append(docs, Document{
			Source: strings.ToLower(city) + ".txt",
			Text:   "News From " + city + " Today\nThe city of " + city + " held elections on Sunday.\n" + long + "\n" + shared + "\n",
		})
	}
	// A tagline that no other rule catches: lower case, mid-article.
	menu := "independent journalism from the baltic states"
	for i := range docs {
		docs[i].Text = strings.Replace(docs[i].Text, "\n", "\n"+menu+"\n", 1)
	}
	Clean(docs)
	for i, d := range docs {
		body := bodyText(d)
		// A shared sentence may be a shared fact: the first document keeps
		// it, the others drop it.
		if got := strings.Contains(body, shared); got != (i == 0) {
			t.Errorf("%s: got shared sentence kept=%v, want %v", d.Source, got, i == 0)
		}
		if strings.Contains(body, menu) {
			t.Errorf("%s: got the site's tagline, want it dropped", d.Source)
		}
		if !strings.Contains(body, long) {
			t.Errorf("%s: got the long shared paragraph dropped, want it kept", d.Source)
		}
	}
	// Two documents sharing a line is not enough: they may be two copies
	// of one article.
	two := []Document{
		{Source: "a.txt", Text: "Officials met on Monday to agree the plan.\n" + shared},
		{Source: "b.txt", Text: "Officials met on Tuesday to sign the plan.\n" + shared},
	}
	Clean(two)
	for _, d := range two {
		if !strings.Contains(bodyText(d), shared) {
			t.Errorf("%s: got a line shared by two documents dropped, want it kept", d.Source)
		}
	}
}

func TestCleanRepeats(t *testing.T) {
	text := "A Headline For The Test Article\n" +
		"Tags Estonia Ports Shipping\n" +
		"The port opened on Monday.\n" +
		"“We are ready,” the chief said.\n" +
		"The port opened on Monday.\n" +
		"Tags Estonia Ports Shipping\n"
	docs := []Document{{Source: "a.txt", Text: text}}
	Clean(docs)
	want := []string{"A Headline For The Test Article", "The port opened on Monday.", "“We are ready,” the chief said."}
	if got := bodyLines(docs[0]); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCleanTitleFallbacks(t *testing.T) {
	tests := []struct {
		name, source, text, want string
	}{
		{"first sentence", "a.txt", "The ministers met in Riga on Monday. They agreed.", "The ministers met in Riga on Monday."},
		{"long first sentence cut at a word", "a.txt",
			"The defence ministers of Estonia, Latvia, Lithuania and Poland recommended on Tuesday that their countries withdraw from the convention.",
			"The defence ministers of Estonia, Latvia, Lithuania and Poland recommended on Tuesday that their…"},
		{"markdown heading", "notes/a.md", "Intro text first.\n\n# The Real Title\n\nBody text here.", "The Real Title"},
		{"preset title kept", "a.html", "Site Name\nThe Page Title Here\nBody text of the page.", "The Page Title Here"},
		{"file name", "dir/only-numbers.txt", "12 34\n", "only-numbers"},
		{"fragment line is never the title", "a.txt",
			"such as functions to control goroutines. It also includes the low-level type\n\nThe runtime package holds the scheduler.",
			"The runtime package holds the scheduler."},
		{"wrapped first sentence whole", "a.txt",
			"Package runtime contains operations that interact with Go's runtime\nsystem. It also holds the scheduler.",
			"Package runtime contains operations that interact with Go's runtime system."},
		{"front matter title", "guide.md", "---\ntitle: \"Field guide to Lumen\"\n---\n\n## Intro\n\nText here.", "Field guide to Lumen"},
		{"long heading cut with an ellipsis", "a.md",
			"# " + strings.Repeat("Very long heading words ", 6) + "end\n\nText.",
			"Very long heading words Very long heading words Very long heading words Very long heading words…"},
		{"section heading of a text file is not its title", "cgo.txt",
			"Cgo enables the creation of Go packages that call C code.\n\n# Using cgo with the go command\n\nTo use cgo write normal Go code.",
			"Cgo enables the creation of Go packages that call C code."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Document{Source: tt.source, Text: tt.text}
			if tt.name == "preset title kept" {
				d.Title = "The Page Title Here"
			}
			docs := []Document{d}
			Clean(docs)
			if docs[0].Title != tt.want {
				t.Errorf("got title %q, want %q", docs[0].Title, tt.want)
			}
		})
	}
}

func TestCleanKeepsShortNote(t *testing.T) {
	docs := []Document{{Source: "note.txt", Text: "Remember the milk\n"}}
	Clean(docs)
	if got := bodyLines(docs[0]); len(got) != 1 || got[0] != "Remember the milk" {
		t.Errorf("got body %q, want the note kept", got)
	}
}

func TestCleanMarkdown(t *testing.T) {
	text := "---\ntitle: front matter\n---\n" +
		"# Port of Tallinn opens a second terminal #\n\n" +
		"[Home](/) · [World](/world) · [Business](/business)\n\n" +
		"> \"We are ready for the next decade,\" said port chief Valdo Kalm.\n\n" +
		"The Port of Tallinn opened a second container terminal on Monday,\n" +
		"doubling the harbour's capacity.\n\n" +
		"## Key figures\n\n" +
		"- Cost: €120 million\n" +
		"2. Capacity: 600,000 containers\n\n" +
		"| Year | Containers |\n|------|-----------:|\n| 2023 | 300,000 |\n\n" +
		"```\ncode line\n```\n\n" +
		"Follow us on [Twitter](https://twitter.com/example)\n"
	docs := []Document{{Source: "port.md", Text: text}}
	Clean(docs)
	d := docs[0]
	checkBody(t, d)
	want := []string{
		"Port of Tallinn opens a second terminal",
		`"We are ready for the next decade," said port chief Valdo Kalm.`,
		"The Port of Tallinn opened a second container terminal on Monday,\ndoubling the harbour's capacity.",
		"Key figures",
		"Cost: €120 million",
		"Capacity: 600,000 containers",
		"Year | Containers |\n|------|-----------:|", // the delimiter row joins its header
		"2023 | 300,000",
		"code line",
	}
	if got := bodyLines(d); !slices.Equal(got, want) {
		t.Errorf("got body\n%q\nwant\n%q", got, want)
	}
	if d.Title != "Port of Tallinn opens a second terminal" {
		t.Errorf("got title %q, want the h1", d.Title)
	}
	if !strings.HasPrefix(d.Text, "---\ntitle") {
		t.Error("got Text rewritten, want it unchanged")
	}
}

func TestCleanHardWrappedText(t *testing.T) {
	text := `A Report On Baltic Ports And Their Growth

The Port of Tallinn opened a second container terminal on Monday, which
doubles the capacity of the harbour to six hundred thousand containers a
year. Officials said the project cost one hundred and twenty million euros
and took two years to build.

The port of Riga plans a similar expansion. Its board will decide on the
plans in the spring, according to a statement published on its website.
`
	docs := []Document{{Source: "report.txt", Text: text}}
	Clean(docs)
	got := bodyLines(docs[0])
	if len(got) != 3 {
		t.Fatalf("got %d body blocks %q, want title and two paragraphs", len(got), got)
	}
	if !strings.HasPrefix(got[1], "The Port of Tallinn") || !strings.HasSuffix(got[1], "two years to build.") {
		t.Errorf("got paragraph %q, want the wrapped lines joined", got[1])
	}
	sents := sentenceTexts(docs[0].Text, docs[0].Body[1])
	if len(sents) != 2 {
		t.Errorf("got %d sentences %q, want 2", len(sents), sents)
	}
}

func FuzzClean(f *testing.F) {
	for _, d := range seedDocs(f) {
		f.Add(d.Source, d.Text)
	}
	f.Add("page.txt", syntheticPage)
	f.Add("a.md", "---\nx\n---\n# T\n> q\n- l\n| a | b |\n|---|\n```\nc\n```\n[x](y)\n")
	f.Add("a.md", "```\nunclosed\n<!-- open\n")
	f.Add("b.html", "A\n\nB\r\nc\x00\xff")
	for _, name := range []string{"manual.txt", "guide.md"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "docs", name)); err == nil {
			f.Add(name, string(b))
		}
	}
	f.Fuzz(func(t *testing.T, source, text string) {
		docs := []Document{{Source: source, Text: text}}
		Clean(docs)
		d := docs[0]
		if d.Text != text {
			t.Fatal("Clean changed Text")
		}
		prev := 0
		for i, sp := range d.Body {
			if sp.Start < prev || sp.End > len(text) || sp.Start >= sp.End {
				t.Fatalf("body span %d = %v out of order or bounds", i, sp)
			}
			prev = sp.End
		}
		if d.Body == nil {
			t.Fatal("Body is nil after Clean")
		}
		if strings.TrimSpace(text) != "" && d.Title == "" && strings.TrimSpace(source) != "" {
			t.Fatalf("empty title for %q", text)
		}
	})
}
