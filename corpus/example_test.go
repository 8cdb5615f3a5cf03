package corpus_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/citebot/citebot/corpus"
)

func ExampleLoad() {
	docs, skipped, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(docs), "documents,", len(skipped), "skipped")
	d := docs[3]
	fmt.Println(d.Source)
	fmt.Println(d.Title)
	// Output:
	// 5 documents, 0 skipped
	// 003_205263a981956156.txt
	// Poland and Baltic States Withdraw from Landmine Ban Amid Rising Russian Threat
}

func ExampleLoadDir() {
	// A missing folder is a clear error, not an empty corpus.
	_, _, err := corpus.LoadDir(context.Background(), "/no/such/corpus", corpus.LoadOptions{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// true
}

func ExampleSplit() {
	docs := []corpus.Document{{
		Source: "ports.txt",
		Text: "Baltic Ports Expand Their Capacity\n" +
			"The Port of Tallinn opened a second terminal on Monday. It doubles capacity.\n" +
			"Share on Facebook\n" +
			"Riga plans a similar expansion in 2026.\n",
	}}
	corpus.Clean(docs)
	for _, c := range corpus.Split(docs[0], corpus.ChunkOptions{Size: 100, Overlap: 30}) {
		fmt.Printf("%s [%d:%d] %s\n", c.ID, c.Start, c.End, c.Text)
	}
	// Output:
	// ports.txt#0 [0:90] Baltic Ports Expand Their Capacity The Port of Tallinn opened a second terminal on Monday.
	// ports.txt#1 [91:169] It doubles capacity. Riga plans a similar expansion in 2026.
}

func ExampleSentences() {
	text := "Mr. Tusk spoke on Jan. 7. He said: “We will unite.” Spending is 3.5 percent."
	for _, sp := range corpus.Sentences(text, corpus.Span{Start: 0, End: len(text)}) {
		fmt.Println(text[sp.Start:sp.End])
	}
	// Output:
	// Mr. Tusk spoke on Jan. 7.
	// He said: “We will unite.”
	// Spending is 3.5 percent.
}

func ExampleExtractHTML() {
	page := `<html><head><title>Ports | Example</title><script>track()</script></head>
<body><nav>Home · World</nav><article><h1>Ports &amp; Harbours</h1>
<p>Tallinn opened   a terminal.</p><footer>© 2024</footer></article></body></html>`
	title, text, err := corpus.ExtractHTML(strings.NewReader(page))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n%q\n", title, text)
	// Output:
	// "Ports & Harbours"
	// "Ports & Harbours\nTallinn opened a terminal."
}

func ExampleClean() {
	docs := []corpus.Document{{
		Source: "a.txt",
		Text:   "WORLD\nTreaty Talks Resume In Vilnius\nTalks resumed on Monday.\nFollow us on Telegram\n© 2025 Example",
	}}
	corpus.Clean(docs)
	fmt.Println(docs[0].Title)
	for _, sp := range docs[0].Body {
		fmt.Println(docs[0].Text[sp.Start:sp.End])
	}
	// Output:
	// Treaty Talks Resume In Vilnius
	// Treaty Talks Resume In Vilnius
	// Talks resumed on Monday.
}
