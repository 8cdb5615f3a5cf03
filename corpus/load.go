package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	textunicode "golang.org/x/text/encoding/unicode"
)

// DefaultMaxFileSize is the largest file Load reads when
// LoadOptions.MaxFileSize is zero.
const DefaultMaxFileSize = 10 << 20

// ErrNoDocuments means a corpus held no file with usable text.
var ErrNoDocuments = errors.New("no documents in corpus")

// LoadOptions tunes Load. The zero value is ready to use.
type LoadOptions struct {
	// MaxFileSize is the largest file, in bytes, that Load reads; larger
	// files are skipped. Zero or negative means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxUnzippedSize is the most bytes Load inflates from one Office file
	// (.docx, .pptx, which are zip archives); a file that would inflate
	// past it is refused as a zip bomb. Zero or negative means
	// DefaultMaxUnzippedSize.
	MaxUnzippedSize int64
	// MaxPartSize is the most bytes Load inflates from one part of an
	// Office file (word/document.xml, one slide), by its declared or its
	// actual size. Zero or negative means DefaultMaxPartSize.
	MaxPartSize int64
	// MaxZipEntries is the most entries an Office file may hold. Zero or
	// negative means DefaultMaxZipEntries.
	MaxZipEntries int
	// MaxOfficeSize is the largest Office file (.docx, .pptx), in bytes,
	// that Load reads, in place of MaxFileSize: such files carry images
	// and fonts that are never inflated, while what is inflated is bounded
	// by MaxUnzippedSize. Zero or negative means DefaultMaxOfficeSize.
	MaxOfficeSize int64
	// MaxPDFSize is the largest PDF, in bytes, that Load reads (in place
	// of MaxFileSize, as PDFs carry fonts and images); larger ones are
	// skipped as too big. Zero or negative means DefaultMaxPDFSize.
	MaxPDFSize int64
	// MaxPDFPages is the most pages a PDF may have; longer ones are
	// skipped as too big. Zero or negative means DefaultMaxPDFPages.
	MaxPDFPages int
	// PDFCacheDir is a folder where the PDF reader (PDFium compiled to
	// WebAssembly) keeps its compiled code, so that only the first load
	// pays the seconds it takes to compile. Empty means no cache: every
	// load that meets a PDF compiles it again.
	PDFCacheDir string
	// Logger receives an info line for each skipped file; nil means
	// slog.Default().
	Logger *slog.Logger
}

// logger is opts.Logger, or slog.Default() when it is nil.
func (o LoadOptions) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

// LoadDir loads the corpus in the folder dir; see Load. It fails with a
// clear error when dir does not exist or is not a folder, and wraps
// ErrNoDocuments with dir when no file had usable text.
//
// The folder is opened as an os.Root, so nothing outside it is ever read:
// a symbolic link whose target lies outside dir (memo.txt -> /etc/passwd,
// or -> ../citebot.yaml) is skipped and reported like any other bad file.
// Links that stay inside the folder are followed.
func LoadDir(ctx context.Context, dir string, opts LoadOptions) ([]Document, []Skipped, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus folder %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("corpus folder %s: not a directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus folder %s: %w", dir, err)
	}
	defer root.Close()
	docs, skipped, err := Load(ctx, root.FS(), opts)
	if err != nil {
		return docs, skipped, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	return docs, skipped, nil
}

// Load reads every supported file under fsys, recursively, and returns the
// documents sorted by Source, cleaned (see Clean), together with the files
// it skipped and why.
//
// Supported files are .txt, .md and .markdown, .html and .htm, Word and
// PowerPoint files, .docx and .pptx, and PDF files, .pdf (matched without
// regard to case). Of a PDF Load reads each page's text layer in reading
// order (with PDFium, run as WebAssembly), a blank line between pages,
// and records where each page starts (Document.Pages); a PDF that is
// encrypted, corrupt, has no text layer (a scan; OCR is out of scope), or
// passes opts' page or size limit is skipped.
// Of a Word file Load reads the body's paragraphs, tables and links, with
// headings on lines of their own; of a PowerPoint file, each slide's text
// in the deck's order, a blank line between slides. Hidden files and
// folders (.git, .DS_Store) are passed over silently. Files that are
// empty, binary, unreadable, too big, not regular files or of another type
// are skipped, and so are Office files that are corrupt, encrypted (or
// legacy .doc and .ppt) or would inflate past the limits of opts (zip
// bombs). Skipped files are reported in the returned list with their Kind
// and logged at info level; they never make Load fail.
//
// Text is repaired on the way in: a byte-order mark is removed, UTF-16
// files with a byte-order mark are decoded, HTML in a declared legacy
// charset is decoded, other text in Latin-1 or Windows-1252 is detected and
// decoded, stray invalid bytes in UTF-8 text become U+FFFD, and CRLF and CR
// line ends become LF. Document.Hash is the SHA-256 of the raw bytes.
//
// A symbolic link whose target lies outside fsys (when fsys can tell, as
// an os.Root's FS can; see LoadDir) is skipped with the reason "link
// resolves outside the corpus".
//
// Load fails only when the root cannot be read or ctx is done, or with
// ErrNoDocuments when no file had usable text.
func Load(ctx context.Context, fsys fs.FS, opts LoadOptions) ([]Document, []Skipped, error) {
	log := opts.logger()
	rd := newFileReader(opts, log)
	defer rd.Close()
	var (
		docs    []Document
		skipped []Skipped
	)
	// Each skipped file is logged at info level only: the caller has the
	// list, to summarise in one line rather than a warning per file.
	skip := func(source string, why Skipped) {
		why.Source = source
		skipped = append(skipped, why)
		log.LogAttrs(ctx, slog.LevelInfo, "corpus: skipped file",
			slog.String("source", source), slog.String("reason", why.Reason))
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if p == "." {
				return err
			}
			skip(p, unreadable(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			log.LogAttrs(ctx, slog.LevelDebug, "corpus: hidden file passed over", slog.String("source", p))
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(path.Ext(p))
		if !supportedExt[ext] {
			if ext == "" {
				skip(p, Skipped{Kind: SkipUnsupported, Reason: "unsupported file type (no extension)"})
			} else {
				skip(p, Skipped{Kind: SkipUnsupported, Reason: fmt.Sprintf("unsupported file type %q", ext)})
			}
			return nil
		}
		doc, why := rd.read(ctx, fsys, p)
		if why.Reason != "" {
			skip(p, why)
			return nil
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, skipped, ctxErr
		}
		return nil, skipped, fmt.Errorf("read corpus: %w", err)
	}

	Clean(docs)
	kept := docs[:0]
	for _, d := range docs {
		if len(d.Body) == 0 {
			skip(d.Source, Skipped{Kind: SkipNoText, Reason: "no article text after removing boilerplate"})
			continue
		}
		kept = append(kept, d)
	}
	docs = kept
	slices.SortFunc(docs, func(a, b Document) int { return strings.Compare(a.Source, b.Source) })
	slices.SortFunc(skipped, func(a, b Skipped) int { return strings.Compare(a.Source, b.Source) })
	if len(docs) == 0 {
		return nil, skipped, ErrNoDocuments
	}
	return docs, skipped, nil
}

var supportedExt = map[string]bool{
	".txt": true, ".md": true, ".markdown": true, ".html": true, ".htm": true,
	".docx": true, ".pptx": true, ".pdf": true,
}

// fileReader reads the files of one Load or Reload within the limits of
// its LoadOptions; Close releases the PDF reader it may have started.
type fileReader struct {
	maxSize int64
	zl      zipLimits
	pdf     *pdfEngine
}

func newFileReader(opts LoadOptions, log *slog.Logger) *fileReader {
	maxSize := opts.MaxFileSize
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	return &fileReader{maxSize: maxSize, zl: opts.zipLimits(), pdf: newPDFEngine(opts, log)}
}

// Close releases what reading started.
func (r *fileReader) Close() error { return r.pdf.Close() }

// read reads and decodes one file. It returns why it skips the file (a
// Skipped with a Reason) instead of an error, because a bad file is
// skipped, not fatal.
func (r *fileReader) read(ctx context.Context, fsys fs.FS, p string) (Document, Skipped) {
	maxSize := r.maxSize
	switch formatOf(p) {
	case formatPDF:
		maxSize = r.pdf.lim.size
	case formatDOCX, formatPPTX:
		maxSize = r.zl.file
	}
	// Stat follows symbolic links, so a link to a folder or a device is
	// caught before it is opened (reading a FIFO would block for ever).
	fi, err := fs.Stat(fsys, p)
	if err != nil {
		if leavesRoot(fsys, p) {
			return Document{}, Skipped{Kind: SkipOutside, Reason: reasonOutside}
		}
		return Document{}, unreadable(err)
	}
	if !fi.Mode().IsRegular() {
		return Document{}, Skipped{Kind: SkipNotRegular, Reason: "not a regular file"}
	}
	if fi.Size() > maxSize {
		return Document{}, Skipped{Kind: SkipTooBig, Reason: fmt.Sprintf("too big: %d bytes (limit %d)", fi.Size(), maxSize)}
	}
	f, err := fsys.Open(p)
	if err != nil {
		return Document{}, unreadable(err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return Document{}, unreadable(err)
	}
	if int64(len(raw)) > maxSize {
		return Document{}, Skipped{Kind: SkipTooBig, Reason: fmt.Sprintf("too big: more than %d bytes", maxSize)}
	}
	sum := sha256.Sum256(raw)
	doc := Document{Source: p, Hash: hex.EncodeToString(sum[:])}

	if formatOf(p) == formatPDF {
		pt, why := r.pdf.readPDF(ctx, raw)
		if why.Reason != "" {
			return Document{}, why
		}
		doc.Title, doc.Text, doc.Pages = pt.title, pt.text, pt.pages
		return doc, Skipped{}
	}
	if f := formatOf(p); f == formatDOCX || f == formatPPTX {
		read := readDOCX
		if f == formatPPTX {
			read = readPPTX
		}
		pg, why := read(raw, r.zl)
		if why.Reason != "" {
			return Document{}, why
		}
		doc.Title, doc.Text, doc.layout = pg.title, pg.text, pg.layout
		return doc, Skipped{}
	}
	isHTML := formatOf(p) == formatHTML
	text, why := decodeText(raw, isHTML)
	if why.Reason != "" {
		return Document{}, why
	}
	if isHTML {
		p, err := readPage(text)
		if err != nil {
			return Document{}, Skipped{Kind: SkipUnreadable, Reason: "unreadable HTML: " + errText(err)}
		}
		if strings.TrimSpace(p.text) == "" {
			return Document{}, Skipped{Kind: SkipNoText, Reason: "no text in HTML"}
		}
		doc.Title, text, doc.layout = p.title, p.text, p.layout
	}
	doc.Text = text
	return doc, Skipped{}
}

// unreadable is the Skipped for a file that could not be read.
func unreadable(err error) Skipped {
	return Skipped{Kind: SkipUnreadable, Reason: "unreadable: " + errText(err)}
}

// reasonOutside is the Skipped reason for a link out of the corpus.
const reasonOutside = "link resolves outside the corpus"

// maxLinkHops bounds how far leavesRoot follows a chain of links; the
// kernel gives up at 40 as well.
const maxLinkHops = 40

// leavesRoot reports whether p is a symbolic link that resolves outside
// fsys, by following the chain of link targets as os.Root does: an
// absolute target, or a relative one that climbs above the root, leaves
// it. (os.Root refuses such a path with an error it does not export, so
// the reason is worked out here rather than read from the error.)
func leavesRoot(fsys fs.FS, p string) bool {
	cur := p
	for range maxLinkHops {
		fi, err := fs.Lstat(fsys, cur)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return false
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return false
		}
		if path.IsAbs(target) {
			return true
		}
		cur = path.Join(path.Dir(cur), target)
		if cur == ".." || strings.HasPrefix(cur, "../") {
			return true
		}
	}
	return false
}

// decodeText turns raw file bytes into clean UTF-8 text with LF line ends,
// or returns why the file is not text.
func decodeText(raw []byte, isHTML bool) (string, Skipped) {
	switch {
	case len(bytes.TrimSpace(raw)) == 0:
		return "", Skipped{Kind: SkipEmpty, Reason: "empty file"}
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		dec := textunicode.UTF16(textunicode.LittleEndian, textunicode.ExpectBOM).NewDecoder()
		b, err := dec.Bytes(raw)
		if err != nil {
			return "", Skipped{Kind: SkipUnreadable, Reason: "unreadable UTF-16: " + errText(err)}
		}
		raw = b
	case !utf8.Valid(raw) && cyrillic8(raw) != nil:
		// Checked before looksBinary: nearly every letter of Russian or
		// Ukrainian text in an 8-bit charset is a byte that is invalid
		// UTF-8.
		if b, err := cyrillic8(raw).NewDecoder().Bytes(raw); err == nil {
			raw = b
		}
	case looksBinary(raw):
		return "", Skipped{Kind: SkipBinary, Reason: "binary file"}
	case !utf8.Valid(raw):
		if enc := legacyEncoding(raw, isHTML); enc != nil {
			if b, err := enc.NewDecoder().Bytes(raw); err == nil {
				raw = b
			}
		}
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	text := strings.ToValidUTF8(string(raw), "\uFFFD")
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	if strings.TrimSpace(text) == "" {
		return "", Skipped{Kind: SkipEmpty, Reason: "empty file"}
	}
	return text, Skipped{}
}

// legacyEncoding names the 8-bit charset of raw, which is not valid UTF-8,
// or returns nil when raw reads as UTF-8 with a few damaged bytes (those
// become U+FFFD). A page that declares its charset in a meta tag gets that
// one. Otherwise the bytes decide: text in Latin-1 or Windows-1252 has
// accented letters as single high bytes and, by chance, hardly ever a valid
// UTF-8 sequence, while damaged UTF-8 still has more valid multi-byte
// characters than stray bytes. Windows-1252 is the WHATWG default for
// undeclared 8-bit text (it is Latin-1 plus typographic quotes and dashes
// in 0x80–0x9F), as x/net/html/charset also falls back to.
func legacyEncoding(raw []byte, isHTML bool) encoding.Encoding {
	if isHTML {
		enc, name, _ := charset.DetermineEncoding(raw, "text/html")
		if enc != nil && name != "utf-8" && name != "windows-1252" {
			return enc // declared in a meta tag (windows-1252 is also the default)
		}
	}
	valid, invalid := 0, 0
	for i := 0; i < len(raw); {
		if raw[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	if valid >= invalid {
		return nil
	}
	return charmap.Windows1252
}

// cyrillic8 names the 8-bit Cyrillic charset of raw, Windows-1251 or
// KOI8-R, or returns nil when raw does not read as Cyrillic text. In both
// charsets the letters are the bytes 0xC0–0xFF, and in Cyrillic text
// written in them most bytes are letters, far more than the accented
// letters of Latin-1 text; the charsets differ in which half holds the
// lower case (0xE0–0xFF in Windows-1251, 0xC0–0xDF in KOI8-R), and running
// text is mostly lower case.
func cyrillic8(raw []byte) encoding.Encoding {
	sample := raw[:min(len(raw), 64<<10)]
	var high, first, second, control int
	for _, c := range sample {
		switch {
		case c == 0:
			return nil
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f':
			control++
		case c >= 0xE0:
			second++
			high++
		case c >= 0xC0:
			first++
			high++
		case c >= 0x80:
			high++
		}
	}
	if control*100 > len(sample) || high*5 < len(sample) || (first+second)*100 < high*85 {
		return nil
	}
	if second >= first {
		return charmap.Windows1251
	}
	return charmap.KOI8R
}

// looksBinary reports data that is not text: it has NUL bytes, or in its
// first 8 KiB more than a tenth of the bytes are control characters, or
// more than three tenths are control characters or invalid UTF-8. (A text
// in a legacy 8-bit encoding has some invalid bytes, but not that many.)
func looksBinary(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	sample := data[:min(len(data), 8<<10)]
	control, invalid := 0, 0
	for i := 0; i < len(sample); {
		c := sample[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v' && c != 0x1b {
				control++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(sample[i:])
		// A character cut by the end of the sample is not invalid.
		if r == utf8.RuneError && size == 1 && (len(sample)-i >= utf8.UTFMax || len(sample) == len(data)) {
			invalid++
		}
		i += size
	}
	return control*10 > len(sample) || (control+invalid)*10 > len(sample)*3
}

// hasLine reports whether one of text's lines is s, ignoring white space.
func hasLine(text, s string) bool {
	s = collapseSpace(s)
	for line := range strings.Lines(text) {
		if collapseSpace(line) == s {
			return true
		}
	}
	return false
}

// errText describes err without the path, which the Skipped entry already
// names.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
