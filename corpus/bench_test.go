package corpus

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/citebot/citebot/internal/pdftest"
)

// BenchmarkLoadSplitSeeds measures ingest of the embedded corpus up to
// chunks: read, decode, clean, split.
func BenchmarkLoadSplitSeeds(b *testing.B) {
	benchLoadSplit(b, Default())
}

// BenchmarkLoadSplitLarge measures the same on a synthetic corpus of 200
// articles of about 12 KB each, with site boilerplate around them, in the
// three supported formats.
func BenchmarkLoadSplitLarge(b *testing.B) {
	benchLoadSplit(b, syntheticCorpus(200))
}

func benchLoadSplit(b *testing.B, fsys fs.FS) {
	var size int64
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
		}
		return nil
	})
	b.SetBytes(size)
	b.ReportAllocs()
	ctx := context.Background()
	opts := LoadOptions{Logger: discardLogger()}
	chunks := 0
	for b.Loop() {
		docs, _, err := Load(ctx, fsys, opts)
		if err != nil {
			b.Fatal(err)
		}
		chunks += len(SplitAll(docs, ChunkOptions{}))
	}
	b.ReportMetric(float64(chunks)/b.Elapsed().Seconds(), "chunks/s")
}

func BenchmarkSentences(b *testing.B) {
	text := syntheticArticle(rand.New(rand.NewPCG(1, 2)), 0)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Sentences(text, Span{0, len(text)})
	}
}

func BenchmarkExtractHTML(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	page := toHTML(syntheticArticle(r, 0))
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, _, err := ExtractHTML(strings.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
}

var benchWords = strings.Fields(`the a of to in and minister defence treaty convention ports Estonia
	Latvia Lithuania Poland Finland security parliament government said on Monday would could
	withdraw agreement million percent capacity terminal officials plans Russia border NATO forces
	budget spending decision vote talks statement council region countries allies increase`)

// syntheticArticle makes a deterministic article of about 12 KB: a
// headline, a dateline, 40 paragraphs of three to five sentences, and
// boilerplate lines around and inside it.
func syntheticArticle(r *rand.Rand, n int) string {
	word := func() string { return benchWords[r.IntN(len(benchWords))] }
	var b strings.Builder
	b.WriteString("Home | World | Business | Sport\nSubscribe to our newsletter\n")
	fmt.Fprintf(&b, "Synthetic Headline Number %d About Baltic Ports\n13 March 2025 17:29\n", n)
	for p := range 40 {
		for s := range 3 + r.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			w := word()
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			for range 8 + r.IntN(14) {
				b.WriteByte(' ')
				b.WriteString(word())
			}
			if r.IntN(4) == 0 {
				fmt.Fprintf(&b, " in %d", 1990+r.IntN(35))
			}
			b.WriteByte('.')
		}
		b.WriteByte('\n')
		if p == 20 {
			b.WriteString("Share on Facebook\nRelated Story About Something Else Entirely\n")
		}
	}
	b.WriteString("Follow us on Telegram\n© 2025 Example Media. All rights reserved.\n")
	return b.String()
}

func toHTML(article string) string {
	var b strings.Builder
	b.WriteString("<html><head><title>Synthetic</title><script>var x = 1;</script></head><body><nav><a>Home</a></nav><article>")
	for line := range strings.Lines(article) {
		fmt.Fprintf(&b, "<p>%s</p>\n", strings.TrimSpace(line))
	}
	b.WriteString("</article><footer>© 2025</footer></body></html>")
	return b.String()
}

func syntheticCorpus(n int) fstest.MapFS {
	r := rand.New(rand.NewPCG(7, 11))
	fsys := fstest.MapFS{}
	for i := range n {
		a := syntheticArticle(r, i)
		switch i % 4 {
		case 0:
			fsys[fmt.Sprintf("html/%03d.html", i)] = &fstest.MapFile{Data: []byte(toHTML(a))}
		case 1:
			fsys[fmt.Sprintf("md/%03d.md", i)] = &fstest.MapFile{Data: []byte("# " + a)}
		default:
			fsys[fmt.Sprintf("txt/%03d.txt", i)] = &fstest.MapFile{Data: []byte(a)}
		}
	}
	return fsys
}

// BenchmarkLoadDOCX measures ingest of Word files of about two pages (a
// title, headings and 20 paragraphs, about 1,000 words, with the run
// formatting and revision ids Word writes), read and cleaned by Load.
func BenchmarkLoadDOCX(b *testing.B) {
	const files = 100
	r := rand.New(rand.NewPCG(3, 5))
	fsys := fstest.MapFS{}
	var size int64
	for i := range files {
		data := toDOCX(b, syntheticArticle(r, i), 20)
		size += int64(len(data))
		fsys[fmt.Sprintf("docx/%03d.docx", i)] = &fstest.MapFile{Data: data}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	ctx := context.Background()
	opts := LoadOptions{Logger: discardLogger()}
	for b.Loop() {
		docs, _, err := Load(ctx, fsys, opts)
		if err != nil || len(docs) != files {
			b.Fatalf("got %d documents, error %v", len(docs), err)
		}
	}
	b.ReportMetric(float64(b.N*files)/b.Elapsed().Seconds(), "files/s")
}

// toDOCX makes a Word file of the article's first paras paragraphs, its
// headline as the title and a heading every eighth paragraph, each
// paragraph split into runs marked up as Word marks them.
func toDOCX(tb testing.TB, article string, paras int) []byte {
	var body strings.Builder
	lines := strings.Split(strings.TrimSpace(article), "\n")
	body.WriteString(para("Title", lines[2]))
	n := 0
	for _, line := range lines[4:] {
		if n == paras {
			break
		}
		if n%8 == 0 {
			fmt.Fprintf(&body, `<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Section %d</w:t></w:r></w:p>`, n/8+1)
		}
		n++
		body.WriteString(`<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6"><w:pPr><w:spacing w:after="160"/><w:jc w:val="both"/></w:pPr>`)
		words := strings.Fields(line)
		for len(words) > 0 {
			k := min(len(words), 6)
			fmt.Fprintf(&body, `<w:r w:rsidRPr="00B7C8D9"><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/><w:lang w:val="en-GB"/></w:rPr><w:t xml:space="preserve">%s </w:t></w:r>`, strings.Join(words[:k], " "))
			words = words[k:]
		}
		body.WriteString(`</w:p>`)
	}
	return docxFile(tb, body.String(),
		part{"docProps/core.xml", coreXML(xmlEscape(lines[2]))},
		part{"word/styles.xml", xmlPI + `<w:styles ` + nsW + `><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>`})
}

// BenchmarkLoadPDF measures ingest of a generated text PDF of 200 and of
// 500 pages (46 lines of about 80 characters a page): PDFium started from
// its compiled code cache, as every start after the first is, then each
// page read, cleaned and kept. Memory holds the file, its text and one
// page at a time, so B/op grows with the text, not with PDFium's pages.
func BenchmarkLoadPDF(b *testing.B) {
	for _, pages := range []int{200, 500} {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) {
			data := syntheticPDF(b, pages)
			fsys := fstest.MapFS{"report.pdf": &fstest.MapFile{Data: data}}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			ctx := context.Background()
			opts := LoadOptions{Logger: discardLogger(), PDFCacheDir: b.TempDir()}
			if _, _, err := Load(ctx, fsys, opts); err != nil { // fills the cache
				b.Fatal(err)
			}
			for b.Loop() {
				docs, _, err := Load(ctx, fsys, opts)
				if err != nil || len(docs) != 1 || len(docs[0].Pages) != pages {
					b.Fatalf("got %d documents, error %v", len(docs), err)
				}
			}
			b.ReportMetric(float64(b.N*pages)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// syntheticPDF makes a PDF of the given number of pages of article text,
// wrapped at 80 characters, 46 lines a page.
func syntheticPDF(tb testing.TB, pages int) []byte {
	r := rand.New(rand.NewPCG(7, 11))
	var lines []string
	for n := 0; len(lines) < pages*46; n++ {
		for _, para := range strings.Split(syntheticArticle(r, n), "\n") {
			var line strings.Builder
			for _, w := range strings.Fields(para) {
				if line.Len()+len(w) > 80 {
					lines = append(lines, line.String())
					line.Reset()
				}
				if line.Len() > 0 {
					line.WriteByte(' ')
				}
				line.WriteString(w)
			}
			if line.Len() > 0 {
				lines = append(lines, line.String())
			}
		}
	}
	spec := pdftest.Spec{}
	for p := range pages {
		spec.Pages = append(spec.Pages, lines[p*46:(p+1)*46])
	}
	return pdftest.Build(tb, spec)
}
