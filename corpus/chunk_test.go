package corpus

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// docOf makes a cleaned document whose body is every non-blank line.
func docOf(source, text string) Document {
	d := Document{Source: source, Text: text}
	for _, b := range lineBlocks(text) {
		d.Body = append(d.Body, b.span)
	}
	if d.Body == nil {
		d.Body = []Span{}
	}
	return d
}

func chunkSentenceTexts(d Document, c Chunk) []string {
	var out []string
	for _, sp := range c.Sentences {
		out = append(out, d.Text[sp.Start:sp.End])
	}
	return out
}

func TestSplitPacksWholeSentences(t *testing.T) {
	// Five sentences of 19 characters each ("Sentence number N.").
	var b strings.Builder
	for i := range 5 {
		fmt.Fprintf(&b, "Sentence number %d. ", i)
	}
	d := docOf("a.txt", strings.TrimSpace(b.String()))
	tests := []struct {
		name string
		opts ChunkOptions
		want [][]int // sentence numbers per chunk
	}{
		{"two per chunk, no overlap", ChunkOptions{Size: 40, Overlap: -1}, [][]int{{0, 1}, {2, 3}, {4}}},
		{"all in one", ChunkOptions{Size: 1000, Overlap: -1}, [][]int{{0, 1, 2, 3, 4}}},
		{"one sentence overlap", ChunkOptions{Size: 40, Overlap: 19}, [][]int{{0, 1}, {1, 2}, {2, 3}, {3, 4}}},
		{"overlap smaller than a sentence", ChunkOptions{Size: 40, Overlap: 10}, [][]int{{0, 1}, {2, 3}, {4}}},
		{"three per chunk, two overlap", ChunkOptions{Size: 60, Overlap: 40}, [][]int{{0, 1, 2}, {1, 2, 3}, {2, 3, 4}}},
		{"size below a sentence: one per chunk", ChunkOptions{Size: 15, Overlap: 100}, [][]int{{0}, {1}, {2}, {3}, {4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := Split(d, tt.opts)
			var got [][]int
			for _, c := range chunks {
				var nums []int
				for _, s := range chunkSentenceTexts(d, c) {
					var n int
					fmt.Sscanf(s, "Sentence number %d.", &n)
					nums = append(nums, n)
				}
				got = append(got, nums)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got chunks %v, want %v", got, tt.want)
			}
			checkChunks(t, d, chunks, tt.opts)
		})
	}
}

func TestSplitDefaults(t *testing.T) {
	size, overlap := ChunkOptions{}.sizes()
	if size != DefaultChunkSize || overlap != DefaultChunkOverlap {
		t.Errorf("got defaults %d/%d, want %d/%d", size, overlap, DefaultChunkSize, DefaultChunkOverlap)
	}
	if _, overlap := (ChunkOptions{Overlap: -1}).sizes(); overlap != 0 {
		t.Errorf("got overlap %d for negative, want 0", overlap)
	}
}

// TestChunkOptionsEffective checks that Effective fills in what Split
// applies, and that passing the result again changes nothing.
func TestChunkOptionsEffective(t *testing.T) {
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "Sentence number %d is here. ", i)
	}
	d := docOf("a.txt", strings.TrimSpace(b.String()))
	tests := []struct {
		name string
		opts ChunkOptions
		want ChunkOptions
	}{
		{"zero value", ChunkOptions{}, ChunkOptions{Size: DefaultChunkSize, Overlap: DefaultChunkOverlap}},
		{"size only", ChunkOptions{Size: 400}, ChunkOptions{Size: 400, Overlap: DefaultChunkOverlap}},
		{"no overlap", ChunkOptions{Size: 400, Overlap: -1}, ChunkOptions{Size: 400, Overlap: -1}},
		{"any negative overlap", ChunkOptions{Overlap: -7}, ChunkOptions{Size: DefaultChunkSize, Overlap: -1}},
		{"overlap above a small size", ChunkOptions{Size: 100}, ChunkOptions{Size: 100, Overlap: 100}},
		{"negative size", ChunkOptions{Size: -5, Overlap: 20}, ChunkOptions{Size: DefaultChunkSize, Overlap: 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.opts.Effective()
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if again := got.Effective(); again != got {
				t.Errorf("got %+v when applied again, want %+v", again, got)
			}
			if a, e := Split(d, tt.opts), Split(d, got); fmt.Sprint(a) != fmt.Sprint(e) {
				t.Errorf("got other chunks with the effective options:\n%v\nwant\n%v", e, a)
			}
		})
	}
}

func TestSplitLongSentenceIsOwnChunk(t *testing.T) {
	long := "This sentence is much longer than the tiny chunk size that the test sets."
	d := docOf("a.txt", "Short one. "+long+" Short two.")
	chunks := Split(d, ChunkOptions{Size: 50, Overlap: 30})
	if len(chunks) != 3 {
		t.Fatalf("got %d chunks %q, want 3", len(chunks), chunkTexts(chunks))
	}
	if chunks[1].Text != long {
		t.Errorf("got middle chunk %q, want the long sentence alone", chunks[1].Text)
	}
	checkChunks(t, d, chunks, ChunkOptions{Size: 50, Overlap: 30})
}

func TestSplitCutsRunawaySentence(t *testing.T) {
	words := strings.Repeat("word ", 400) // 2,000 characters, no full stop
	d := docOf("a.txt", words)
	opts := ChunkOptions{Size: 100, Overlap: -1}
	chunks := Split(d, opts)
	for _, c := range chunks {
		if n := utf8.RuneCountInString(c.Text); n > 2*opts.Size {
			t.Errorf("got chunk of %d characters, want at most %d", n, 2*opts.Size)
		}
	}
	if len(chunks) < 10 {
		t.Errorf("got %d chunks, want the text cut into at least 10", len(chunks))
	}
	checkChunks(t, d, chunks, opts)
}

func TestSplitSentencesStayInTheirSpan(t *testing.T) {
	// Two body lines without final punctuation must not merge into one
	// sentence.
	d := docOf("a.txt", "First line without stop\nSecond line without stop")
	chunks := Split(d, ChunkOptions{})
	if len(chunks) != 1 {
		t.Fatalf("got %d chunks, want 1", len(chunks))
	}
	got := chunkSentenceTexts(d, chunks[0])
	if len(got) != 2 || got[0] != "First line without stop" {
		t.Errorf("got sentences %q, want the two lines apart", got)
	}
	if want := "First line without stop Second line without stop"; chunks[0].Text != want {
		t.Errorf("got text %q, want %q", chunks[0].Text, want)
	}
}

func TestSplitMetadata(t *testing.T) {
	d := docOf("dir/a.txt", "One. Two. Three.")
	d.Title = "A title"
	chunks := Split(d, ChunkOptions{Size: 8, Overlap: -1})
	for i, c := range chunks {
		if want := fmt.Sprintf("dir/a.txt#%d", i); c.ID != want {
			t.Errorf("got ID %q, want %q", c.ID, want)
		}
		if c.Source != "dir/a.txt" || c.Title != "A title" {
			t.Errorf("got source %q title %q, want the document's", c.Source, c.Title)
		}
		if d.Text[c.Start:c.End] != c.Text {
			t.Errorf("got Text[Start:End] %q, want %q", d.Text[c.Start:c.End], c.Text)
		}
	}
}

func TestSplitFlattensLineBreaksKeepingLengths(t *testing.T) {
	d := docOf("a.txt", "x")
	d.Text = "A sentence that\nwraps onto a second line. And another."
	d.Body = []Span{{0, len(d.Text)}}
	chunks := Split(d, ChunkOptions{})
	if len(chunks) != 1 {
		t.Fatalf("got %d chunks, want 1", len(chunks))
	}
	if want := "A sentence that wraps onto a second line. And another."; chunks[0].Text != want {
		t.Errorf("got %q, want %q", chunks[0].Text, want)
	}
	checkChunks(t, d, chunks, ChunkOptions{})
}

func TestSplitNilBodyCleansFirst(t *testing.T) {
	d := Document{Source: "a.txt", Text: "Real News Headline Goes Here\nThe article says something useful.\nFollow us on Twitter"}
	chunks := Split(d, ChunkOptions{})
	if len(chunks) != 1 {
		t.Fatalf("got %d chunks, want 1", len(chunks))
	}
	if want := "Real News Headline Goes Here The article says something useful."; chunks[0].Text != want {
		t.Errorf("got %q, want %q", chunks[0].Text, want)
	}
	if chunks[0].Title != "Real News Headline Goes Here" {
		t.Errorf("got title %q, want the headline", chunks[0].Title)
	}
}

func TestSplitSeedsTitleInFirstChunk(t *testing.T) {
	docs, _, err := Load(context.Background(), Default(), LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		chunks := Split(d, ChunkOptions{})
		if len(chunks) == 0 {
			t.Fatalf("%s: got no chunks", d.Source)
		}
		// A long title is cut with "…"; the chunk has the whole sentence.
		if !strings.HasPrefix(chunks[0].Text, strings.TrimSuffix(d.Title, "…")) {
			t.Errorf("%s: got first chunk %.80q, want it to start with the title %q", d.Source, chunks[0].Text, d.Title)
		}
		checkChunks(t, d, chunks, ChunkOptions{})
	}
	all := SplitAll(docs, ChunkOptions{})
	found := false
	for _, c := range all {
		if c.Source == "000_2bc005b4439df7f9.txt" && strings.Contains(c.Text, "Estonia in 2004") {
			found = true
		}
	}
	if !found {
		t.Error("got no chunk of 000 with \"Estonia in 2004\", want one")
	}
}

func chunkTexts(cs []Chunk) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Text)
	}
	return out
}

// checkChunks asserts the Split contract.
func checkChunks(t *testing.T, d Document, chunks []Chunk, opts ChunkOptions) {
	t.Helper()
	size, _ := opts.sizes()
	prevStart, prevLast := -1, Span{-1, -1}
	for i, c := range chunks {
		if len(c.Sentences) == 0 {
			t.Fatalf("chunk %d has no sentences", i)
		}
		if c.Start != c.Sentences[0].Start || c.End != c.Sentences[len(c.Sentences)-1].End {
			t.Fatalf("chunk %d: Start/End %d/%d, want first/last sentence bounds", i, c.Start, c.End)
		}
		if c.Start < prevStart {
			t.Fatalf("chunk %d starts at %d, before chunk %d at %d", i, c.Start, i-1, prevStart)
		}
		// Overlap repeats whole sentences only: a chunk begins after the
		// previous chunk's start at a sentence boundary it shared.
		if i > 0 && c.Start < prevLast.End {
			shared := false
			for _, sp := range chunks[i-1].Sentences {
				if sp == c.Sentences[0] {
					shared = true
				}
			}
			if !shared {
				t.Fatalf("chunk %d overlaps chunk %d mid-sentence", i, i-1)
			}
		}
		off := 0
		prev := Span{-1, -1}
		for j, sp := range c.Sentences {
			if sp.Start < 0 || sp.End > len(d.Text) || sp.Start >= sp.End || sp.Start < prev.End {
				t.Fatalf("chunk %d sentence %d = %v: out of bounds or order", i, j, sp)
			}
			inBody := false
			for _, b := range d.Body {
				if sp.Start >= b.Start && sp.End <= b.End {
					inBody = true
				}
			}
			if !inBody {
				t.Fatalf("chunk %d sentence %d = %v crosses or leaves the body spans", i, j, sp)
			}
			n := sp.End - sp.Start
			if off+n > len(c.Text) {
				t.Fatalf("chunk %d: Text %q too short for its sentences", i, c.Text)
			}
			var b strings.Builder
			writeFlat(&b, d.Text[sp.Start:sp.End])
			if c.Text[off:off+n] != b.String() {
				t.Fatalf("chunk %d sentence %d: Text has %q, want %q", i, j, c.Text[off:off+n], b.String())
			}
			off += n + 1
			prev = sp
		}
		if off-1 != len(c.Text) {
			t.Fatalf("chunk %d: Text is %d bytes, want the joined sentences' %d", i, len(c.Text), off-1)
		}
		if n := utf8.RuneCountInString(c.Text); n > size && len(c.Sentences) > 1 {
			t.Fatalf("chunk %d: %d characters in %d sentences, want at most %d", i, n, len(c.Sentences), size)
		}
		if n := utf8.RuneCountInString(c.Text); n > 2*size {
			t.Fatalf("chunk %d: %d characters, want at most %d", i, n, 2*size)
		}
		prevStart, prevLast = c.Start, c.Sentences[len(c.Sentences)-1]
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Headline Of The Story\nFirst sentence. Second one!\nThird? Yes.", 30, 10)
	f.Add("Mr. A. B. Smith met Gen. X.\n\nA\nb. C… d", 5, 100)
	f.Add(strings.Repeat("word ", 300), 50, -1)
	f.Add("\xff\xfe\x00 bad. UTF-8.", 0, 0)
	f.Fuzz(func(t *testing.T, text string, size, overlap int) {
		size = size % 5000 // keep the run fast; any sign is allowed
		d := Document{Source: "f.txt", Text: text}
		opts := ChunkOptions{Size: size, Overlap: overlap}
		chunks := Split(d, opts)
		cleaned := []Document{d}
		Clean(cleaned)
		checkChunks(t, cleaned[0], chunks, opts)
	})
}
