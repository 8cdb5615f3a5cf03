package corpus

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// syntheticHTML is a news page with the usual furniture around the article.
const syntheticHTML = `<!DOCTYPE html>
<html><head>
<title>Port of Tallinn opens a second terminal | Example Media</title>
<meta property="og:title" content="OG title">
<style>body { color: red }</style>
<script>var tracking = "Follow us";</script>
</head>
<body>
<div class="cookie-banner">We use cookies. <button>Accept all</button></div>
<header class="site-header"><a href="/">Example Media</a>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
</header>
<main>
<article>
<header><h1>Port of Tallinn opens a <em>second</em> terminal</h1>
<p class="meta">By Mari Tamm · <time>4 April 2024</time></p></header>
<p>The Port of Tallinn opened a second container terminal on Monday,
   doubling the harbour&rsquo;s capacity &amp; reach.</p>
<div class="share-buttons"><a href="#">Share on Facebook</a><a href="#">Share on X</a></div>
<p>Officials said the project cost &euro;120&nbsp;million.<br>It took two years.</p>
<ul><li>Cost: €120 million</li><li>Capacity: 600,000 containers</li></ul>
<table><tr><th>Year</th><th>Containers</th></tr><tr><td>2023</td><td>300,000</td></tr></table>
<pre>line one
  line two</pre>
<p hidden>Hidden paragraph.</p>
<p aria-hidden="true">Screen-reader-hidden paragraph.</p>
<p style="display: none">Invisible paragraph.</p>
<div role="navigation">Role navigation block</div>
<aside>Related: Ferry Traffic Hits Record High</aside>
<form><input value="email"><button>Subscribe</button> Newsletter form text</form>
<noscript>Enable JavaScript</noscript>
<template>Template text</template>
<svg><text>SVG text</text></svg>
<iframe src="x">Iframe text</iframe>
<p>Words<a href="/a">linked</a>here and <a href="/b">Link one</a><a href="/c">Link two</a>.</p>
</article>
</main>
<footer>© 2024 Example Media. All rights reserved.</footer>
</body></html>`

func TestExtractHTML(t *testing.T) {
	title, text, err := ExtractHTML(strings.NewReader(syntheticHTML))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Port of Tallinn opens a second terminal"; title != want {
		t.Errorf("got title %q, want %q", title, want)
	}
	wantLines := []string{
		"Port of Tallinn opens a second terminal",
		"By Mari Tamm · 4 April 2024",
		"The Port of Tallinn opened a second container terminal on Monday, doubling the harbour’s capacity & reach.",
		"Officials said the project cost €120 million.",
		"It took two years.",
		"Cost: €120 million",
		"Capacity: 600,000 containers",
		"| Year | Containers |", // a data table is written as Markdown's
		"| --- | --- |",
		"| 2023 | 300,000 |",
		"line one",
		"line two",
		"Words linked here and Link one Link two.",
	}
	if got := strings.Split(text, "\n"); strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("got lines\n%q\nwant\n%q", got, wantLines)
	}
	for _, gone := range []string{"tracking", "color", "cookies", "Accept", "Home", "Example Media", "Share on",
		"Hidden", "hidden paragraph", "Invisible", "Role navigation", "Related", "Newsletter", "Subscribe",
		"JavaScript", "Template", "SVG", "Iframe", "©", "OG title"} {
		if strings.Contains(text, gone) {
			t.Errorf("got %q in the text, want it skipped", gone)
		}
	}
}

func TestExtractHTMLTitle(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"article h1 beats site h1", `<header><h1>My Blog</h1></header><article><h1>The Post</h1><p>x</p></article>`, "The Post"},
		{"og:title without h1", `<head><title>T | Site</title><meta property="og:title" content="Open Graph"></head><p>x</p>`, "Open Graph"},
		{"title without site name", `<head><title>Poland - Lithuania sign deal | Example</title></head><p>x</p>`, "Poland - Lithuania sign deal"},
		{"title with dash site", `<head><title>Ports grow fast – Example News</title></head><p>x</p>`, "Ports grow fast"},
		{"no title", `<p>Just text.</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, _, err := ExtractHTML(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			if title != tt.want {
				t.Errorf("got %q, want %q", title, tt.want)
			}
		})
	}
}

func TestExtractHTMLLayout(t *testing.T) {
	page := `<h1>Release notes</h1>
<ul class="toc"><li><a href="#storage">Storage</a></li></ul>
<h2 id="storage">Storage <a class="anchor" href="#storage">¶</a></h2>
<p>Compaction runs in the <a href="/docs/bg">background</a> now.</p>
<ul><li>Apple</li><li><a href="/notes/2.3/">Orbit 2.3 release notes</a></li></ul>
<pre>orbit stop
orbit start</pre>
<table><tr><td>2.3</td><td>June 2025</td></tr></table>`
	p, err := extractPage(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		text string
		mark lineMark
	}
	want := []line{
		{"Release notes", lineMark{kind: kindHeading, level: 1}},
		{"Storage", lineMark{kind: kindList, links: 100}},
		{"Storage", lineMark{kind: kindHeading, level: 2}},
		{"Compaction runs in the background now.", lineMark{links: 31, away: 31}},
		{"Apple", lineMark{kind: kindList}},
		{"Orbit 2.3 release notes", lineMark{kind: kindList, links: 100, away: 100}},
		{"orbit stop", lineMark{kind: kindCode}},
		{"orbit start", lineMark{kind: kindCode}},
		{"2.3 June 2025", lineMark{kind: kindTable}},
	}
	var got []line
	for i, text := range strings.Split(p.text, "\n") {
		l := line{text: text}
		if i < len(p.layout) {
			l.mark = p.layout[i]
		}
		got = append(got, l)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestHTMLPage reads a documentation page: its headings are sentences of
// their own and kept, its table of contents and related links are not.
func TestHTMLPage(t *testing.T) {
	checkFixture(t, "page.html", "Orbit 2.4 release notes", []string{
		"Orbit 2.4 release notes",
		"Orbit 2.4 is a minor release.",
		"It was published on 3 March 2025 and is supported until the release of Orbit 2.6.",
		"Storage",
		"The storage engine now compacts segments in the background.",
		"Compaction runs when a segment is more than half deleted rows.",
		"Apple silicon builds are now signed.",
		"Google Cloud Storage is supported as a backup target.",
		"Samsung",
		"Upgrading",
		"Stop the server, replace the binary and start it again:",
		"orbit stop",
		"cp orbit-2.4 /usr/local/bin/orbit",
		"orbit start",
		"Press Ctrl + C to stop a server running in the foreground.",
		"Version | Supported until | | --- | --- |",
		"2.3 | June 2025",
	})
}

func TestExtractHTMLKeepsWrappedArticle(t *testing.T) {
	// Old site builders wrap the whole page in a form; the article inside
	// must survive.
	page := `<body><form id="aspnetForm"><nav>Menu</nav><div><h1>Title Here</h1><p>The article text.</p></div></form></body>`
	_, text, err := ExtractHTML(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Title Here\nThe article text."; text != want {
		t.Errorf("got %q, want %q", text, want)
	}
}

func TestExtractHTMLDeepNesting(t *testing.T) {
	// The parser rejects nesting deeper than 512; the text must still come
	// out, without the script.
	page := strings.Repeat("<div>", 600) + "<script>bad()</script><p>Deep text.</p>" + strings.Repeat("</div>", 600)
	_, text, err := ExtractHTML(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if text != "Deep text." {
		t.Errorf("got %q, want %q", text, "Deep text.")
	}
}

func TestExtractHTMLReadError(t *testing.T) {
	boom := errors.New("boom")
	_, _, err := ExtractHTML(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the read error", err)
	}
}

func TestPageTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Headline | Site", "Headline"},
		{"Site | A much longer headline", "A much longer headline"},
		{"Plain title", "Plain title"},
	}
	for _, tt := range tests {
		if got := pageTitle(tt.in); got != tt.want {
			t.Errorf("pageTitle(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzExtractHTML(f *testing.F) {
	f.Add(syntheticHTML)
	f.Add("<p>a<br>b</p><pre>x\ny</pre><table><tr><td>1<td>2</table>")
	f.Add(strings.Repeat("<b>", 600) + "x")
	f.Add("<svg><title>t</title></svg><math><mi>x</mi></math><title>real</title>")
	f.Add("\xff<p>\x00</p>&#0;&amp;&nbsp;")
	f.Fuzz(func(t *testing.T, page string) {
		p, err := extractPage(strings.NewReader(page))
		if err != nil {
			t.Fatalf("got error %v for an in-memory page", err)
		}
		title, text := p.title, p.text
		if p.layout != nil && len(p.layout) != strings.Count(text, "\n")+1 {
			t.Fatalf("got %d layout marks for %d lines", len(p.layout), strings.Count(text, "\n")+1)
		}
		for _, line := range strings.Split(text, "\n") {
			if text != "" && strings.TrimSpace(line) == "" {
				t.Fatalf("got a blank line in %q", text)
			}
			if line != strings.TrimSpace(line) {
				t.Fatalf("got untrimmed line %q", line)
			}
		}
		if utf8.ValidString(page) && (!utf8.ValidString(text) || !utf8.ValidString(title)) {
			t.Fatalf("got invalid UTF-8 from a valid page")
		}
		// The extracted text must be a document Clean and Split accept.
		docs := []Document{{Source: "f.html", Text: text, Title: title, layout: p.layout}}
		Clean(docs)
		checkChunks(t, docs[0], Split(docs[0], ChunkOptions{Size: 80}), ChunkOptions{Size: 80})
	})
}

// TestExtractHTMLDataTable checks that a table of data is written as a
// Markdown table, header and delimiter rows first, so that its rows are
// read under their column names, while a table that lays out a page is
// written as before.
func TestExtractHTMLDataTable(t *testing.T) {
	tests := []struct {
		name, page string
		want       []string
	}{
		{"header cells", `<table><tr><th>Variable</th><th>Default</th></tr>
<tr><td>GOGC</td><td>100</td></tr><tr><td>GOMEMLIMIT</td><td>no limit</td></tr></table>`,
			[]string{"| Variable | Default |", "| --- | --- |", "| GOGC | 100 |", "| GOMEMLIMIT | no limit |"}},
		{"a head of plain cells, paragraphs and breaks in cells, a pipe in one", `<table>
<thead><tr><td>Flag</td><td>Meaning</td></tr></thead>
<tbody><tr><td><p>-v</p></td><td><p>Verbose output.</p><p>Repeat for more.</p></td></tr>
<tr><td>-o</td><td>Output file<br>or a | pipe</td></tr></tbody></table>`,
			[]string{"| Flag | Meaning |", "| --- | --- |", "| -v | Verbose output. Repeat for more. |", `| -o | Output file or a \| pipe |`}},
		{"no header row", `<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`,
			[]string{"| a | b |", "| c | d |"}},
		{"a layout table", `<table><tr><td><ul><li>Home</li></ul></td><td>News today</td></tr>
<tr><td>Left</td><td>Right</td></tr></table>`,
			[]string{"Home", "News today", "Left Right"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := extractPage(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Split(p.text, "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("got %q,\nwant %q", got, tt.want)
			}
		})
	}
}
