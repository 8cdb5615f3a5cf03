package corpus

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// lyingDOCX is a Word file whose document.xml declares 100 bytes but
// inflates to n.
func lyingDOCX(t *testing.T, n int) []byte {
	t.Helper()
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(documentXML(para("", strings.Repeat("a", n)))))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "word/document.xml", Method: zip.Deflate,
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadBadOfficeFiles(t *testing.T) {
	good := docxFile(t, para("Heading1", "Leave policy")+para("", "Staff get 25 days of leave a year."))
	var many []part
	for i := range 20 {
		many = append(many, part{fmt.Sprintf("word/media/image%d.png", i), "x"})
	}
	bigSlide := slideXML("Big", strings.Repeat("Words on a slide. ", 25000)) // about 450 KB
	fsys := fstest.MapFS{
		"good.docx":      {Data: good},
		"deck.PPTX":      {Data: pptxFile(t, []string{slideXML("Plan", "We launch in June.")}, nil)},
		"corrupt.docx":   {Data: good[:len(good)/2]},
		"notazip.pptx":   {Data: []byte("this is plain text, not a zip archive\n")},
		"empty.docx":     {Data: nil},
		"encrypted.docx": {Data: append(append([]byte{}, cfbMagic...), make([]byte, 504)...)},
		"legacy.pptx":    {Data: append(append([]byte{}, cfbMagic...), make([]byte, 504)...)},
		"nobody.docx":    {Data: zipParts(t, part{"[Content_Types].xml", "<Types/>"})},
		"badxml.docx":    {Data: zipParts(t, part{"word/document.xml", `<w:document ` + nsW + `><w:body><w:p><w:r><w:t>cut`})},
		"blank.docx":     {Data: docxFile(t, `<w:p/><w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>`)},
		"bomb.docx":      {Data: docxFile(t, para("", strings.Repeat("a", 2<<20)))},
		"liar.docx":      {Data: lyingDOCX(t, 2<<20)},
		"many.docx":      {Data: docxFile(t, para("", "Fine text."), many...)},
		"bigdeck.pptx":   {Data: pptxFile(t, []string{bigSlide, bigSlide, bigSlide}, nil)},
	}
	opts := LoadOptions{Logger: discardLogger(), MaxPartSize: 1 << 20, MaxUnzippedSize: 1 << 20, MaxZipEntries: 10}
	docs, skipped, err := Load(context.Background(), fsys, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var sources []string
	for _, d := range docs {
		sources = append(sources, d.Source)
	}
	if want := []string{"deck.PPTX", "good.docx"}; !slices.Equal(sources, want) {
		t.Errorf("got documents %q, want %q", sources, want)
	}
	want := map[string]struct {
		kind   SkipKind
		reason string
	}{
		"corrupt.docx":   {SkipCorrupt, "corrupt DOCX: zip: not a valid zip file"},
		"notazip.pptx":   {SkipCorrupt, "corrupt PPTX: zip: not a valid zip file"},
		"empty.docx":     {SkipEmpty, "empty file"},
		"encrypted.docx": {SkipEncrypted, "encrypted or legacy .doc"},
		"legacy.pptx":    {SkipEncrypted, "encrypted or legacy .ppt"},
		"nobody.docx":    {SkipCorrupt, "no word/document.xml"},
		"badxml.docx":    {SkipCorrupt, "corrupt DOCX: word/document.xml: XML syntax error"},
		"blank.docx":     {SkipNoText, "no text in DOCX"},
		"bomb.docx":      {SkipTooBig, "refused DOCX as a zip bomb: word/document.xml declares"},
		// archive/zip stops a part at its declared size, so a lie is an error.
		"liar.docx":    {SkipCorrupt, "corrupt DOCX: read word/document.xml: zip: not a valid zip file"},
		"many.docx":    {SkipTooBig, "refused DOCX: 23 zip entries (limit 10)"},
		"bigdeck.pptx": {SkipTooBig, "refused PPTX as a zip bomb: ppt/slides/slide"},
	}
	got := map[string]Skipped{}
	for _, s := range skipped {
		got[s.Source] = s
	}
	for source, w := range want {
		s, ok := got[source]
		switch {
		case !ok:
			t.Errorf("%s: not skipped, want kind %q", source, w.kind)
		case s.Kind != w.kind || !strings.Contains(s.Reason, w.reason):
			t.Errorf("%s: got %q (%s), want %q containing %q", source, s.Kind, s.Reason, w.kind, w.reason)
		}
	}
	if len(skipped) != len(want) {
		t.Errorf("got %d skipped, want %d: %+v", len(skipped), len(want), skipped)
	}
}

// TestOfficeFilesWithImages checks that a Word file over MaxFileSize,
// because of an image it carries, is still read (only its text is
// inflated), and that MaxOfficeSize bounds such files instead.
func TestOfficeFilesWithImages(t *testing.T) {
	image := make([]byte, 3<<20)
	rand.New(rand.NewSource(1)).Read(image) // incompressible, like a photo
	doc := docxFile(t, para("", "The report has a photo of the bridge."), part{"word/media/image1.png", string(image)})
	if len(doc) < 3<<20 {
		t.Fatalf("built a %d-byte file, want over 3 MiB", len(doc))
	}
	fsys := fstest.MapFS{"report.docx": {Data: doc}}
	tests := []struct {
		name string
		opts LoadOptions
		read bool
	}{
		{"over MaxFileSize, within MaxOfficeSize", LoadOptions{MaxFileSize: 1 << 20}, true},
		{"over MaxOfficeSize", LoadOptions{MaxFileSize: 8 << 20, MaxOfficeSize: 2 << 20}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = discardLogger()
			docs, skipped, err := Load(context.Background(), fsys, tt.opts)
			if tt.read {
				if err != nil || len(docs) != 1 || !strings.Contains(docs[0].Text, "photo of the bridge") {
					t.Errorf("got %d documents, err %v, skipped %+v; want report.docx read", len(docs), err, skipped)
				}
				return
			}
			if len(skipped) != 1 || skipped[0].Kind != SkipTooBig {
				t.Errorf("got skipped %+v, want report.docx skipped as too big", skipped)
			}
		})
	}
}

// TestZipLimitsCountEveryPart checks that a deck whose slides are each
// under the part limit is still refused when together they pass the
// limit for the file, and that the default limits read it.
func TestZipLimitsCountEveryPart(t *testing.T) {
	slide := slideXML("Slide", strings.Repeat("Text. ", 60000)) // about 360 KB
	deck := pptxFile(t, []string{slide, slide, slide}, nil)
	_, why := readPPTX(deck, zipLimits{total: 1 << 20, part: 512 << 10, entries: 100})
	if why.Kind != SkipTooBig {
		t.Errorf("got %+v, want it refused as too big", why)
	}
	if _, why := readPPTX(deck, LoadOptions{}.zipLimits()); why.Reason != "" {
		t.Errorf("default limits: got %+v, want the deck read", why)
	}
}
