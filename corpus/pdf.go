package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Defaults for the limits on PDF files.
const (
	// DefaultMaxPDFSize is the largest PDF, in bytes, that Load reads when
	// LoadOptions.MaxPDFSize is zero. PDFs carry fonts and images, so
	// they get a limit of their own, above DefaultMaxFileSize.
	DefaultMaxPDFSize = 64 << 20
	// DefaultMaxPDFPages is the most pages a PDF may have when
	// LoadOptions.MaxPDFPages is zero.
	DefaultMaxPDFPages = 2000
)

// pdfPageSep goes between two pages' text in Document.Text: a blank line,
// so that no sentence or paragraph runs from one page into the next.
const pdfPageSep = "\n\n"

// pdfLimits bounds what Load reads of one PDF.
type pdfLimits struct {
	size  int64
	pages int
}

func (o LoadOptions) pdfLimits() pdfLimits {
	l := pdfLimits{size: o.MaxPDFSize, pages: o.MaxPDFPages}
	if l.size <= 0 {
		l.size = DefaultMaxPDFSize
	}
	if l.pages <= 0 {
		l.pages = DefaultMaxPDFPages
	}
	return l
}

// pdfEngine is PDFium, compiled to WebAssembly and run by wazero (pure
// Go, no cgo), for one Load. Compiling the module takes seconds, so it is
// started on the first PDF only, once, and Close releases it; with a
// cache dir the compiled code is kept on disk for the next start.
type pdfEngine struct {
	cacheDir string
	lim      pdfLimits
	log      *slog.Logger

	started bool
	err     error // why PDFium could not be started
	cache   wazero.CompilationCache
	pool    pdfium.Pool
	inst    pdfium.Pdfium
}

func newPDFEngine(opts LoadOptions, log *slog.Logger) *pdfEngine {
	return &pdfEngine{cacheDir: opts.PDFCacheDir, lim: opts.pdfLimits(), log: log}
}

// instance returns the PDFium instance, starting it on first use.
func (e *pdfEngine) instance(ctx context.Context) (pdfium.Pdfium, error) {
	if e.inst != nil {
		return e.inst, nil
	}
	if e.err != nil {
		return nil, e.err
	}
	if !e.started {
		e.started = true
		if err := e.start(ctx); err != nil {
			e.err = fmt.Errorf("start PDFium: %w", err)
			return nil, e.err
		}
	}
	inst, err := e.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("PDFium instance: %w", err)
	}
	e.inst = inst
	return inst, nil
}

func (e *pdfEngine) start(ctx context.Context) error {
	// The bundled module needs exception handling (see
	// webassembly.Config.RuntimeConfig); a custom config must ask for it.
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	if e.cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(e.cacheDir)
		if err != nil {
			// Without the cache PDFs are read all the same, after a
			// slower start.
			e.log.LogAttrs(ctx, slog.LevelWarn, "corpus: PDF reader cache unusable; compiling without it",
				slog.String("dir", e.cacheDir), slog.String("err", err.Error()))
		} else {
			e.cache = cache
			rc = rc.WithCompilationCache(cache)
		}
	}
	pool, err := webassembly.Init(webassembly.Config{
		// The pool and its runtime outlive this call's ctx only until
		// Close; a cancelled ctx is seen between files and pages.
		Context:       context.WithoutCancel(ctx),
		MinIdle:       0,
		MaxIdle:       1,
		MaxTotal:      1,
		RuntimeConfig: rc,
		// Documents are handed over in memory: the module needs no
		// files, so it gets none (the default mounts "/").
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
	})
	if err != nil {
		if e.cache != nil {
			e.cache.Close(context.WithoutCancel(ctx))
			e.cache = nil
		}
		return err
	}
	e.pool = pool
	return nil
}

// dropInstance discards an instance that failed for a reason other than
// the document, so that the next file gets a fresh one.
func (e *pdfEngine) dropInstance() {
	if e.inst != nil {
		e.inst.Close()
		e.inst = nil
	}
}

// Close releases PDFium, if it was started.
func (e *pdfEngine) Close() error {
	e.dropInstance()
	var errs []error
	if e.pool != nil {
		errs = append(errs, e.pool.Close())
		e.pool = nil
	}
	if e.cache != nil {
		errs = append(errs, e.cache.Close(context.Background()))
		e.cache = nil
	}
	return errors.Join(errs...)
}

// pdfText is the text of a PDF: its pages joined by pdfPageSep, where
// each page starts, and the title from its metadata (which Clean keeps
// when it is a line of the text, as for HTML).
type pdfText struct {
	title string
	text  string
	pages []int
}

// readPDF extracts the text of a PDF, page by page in PDFium's reading
// order, or returns why the file is skipped. Each page is loaded, read
// and closed before the next, so memory holds the file, the text read so
// far and one page, however long the document.
func (e *pdfEngine) readPDF(ctx context.Context, raw []byte) (out pdfText, why Skipped) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return pdfText{}, Skipped{Kind: SkipEmpty, Reason: "empty file"}
	}
	if !bytes.Contains(raw[:min(len(raw), 1024)], []byte("%PDF-")) {
		// Readers, PDFium too, accept junk before the header within the
		// first kilobyte.
		return pdfText{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt PDF: no %PDF- header"}
	}
	inst, err := e.instance(ctx)
	if err != nil {
		return pdfText{}, Skipped{Kind: SkipUnreadable, Reason: "unreadable PDF: " + err.Error()}
	}
	defer func() {
		// PDFium runs inside wazero, which turns its faults into errors;
		// this is the last guard that a bad file cannot stop an ingest.
		if r := recover(); r != nil {
			e.dropInstance()
			out, why = pdfText{}, Skipped{Kind: SkipCorrupt, Reason: fmt.Sprintf("corrupt PDF: reader failed: %v", r)}
		}
	}()
	doc, err := inst.FPDF_LoadCustomDocument(&requests.FPDF_LoadCustomDocument{Reader: bytes.NewReader(raw), Size: int64(len(raw))})
	if err != nil {
		return pdfText{}, e.openFailure(err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return pdfText{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt PDF: page count: " + err.Error()}
	}
	switch n := count.PageCount; {
	case n == 0:
		return pdfText{}, Skipped{Kind: SkipCorrupt, Reason: "corrupt PDF: no pages"}
	case n > e.lim.pages:
		return pdfText{}, Skipped{Kind: SkipTooBig, Reason: fmt.Sprintf("too big: PDF of %d pages (limit %d)", n, e.lim.pages)}
	}
	var b strings.Builder
	out.pages = make([]int, 0, count.PageCount)
	for i := range count.PageCount {
		if err := ctx.Err(); err != nil {
			return pdfText{}, Skipped{Kind: SkipUnreadable, Reason: "unreadable PDF: " + err.Error()}
		}
		text, err := pageText(inst, doc.Document, i)
		if err != nil {
			return pdfText{}, Skipped{Kind: SkipCorrupt, Reason: fmt.Sprintf("corrupt PDF: page %d: %s", i+1, err)}
		}
		if i > 0 {
			b.WriteString(pdfPageSep)
		}
		out.pages = append(out.pages, b.Len())
		b.WriteString(text)
	}
	out.text = b.String()
	if strings.TrimSpace(out.text) == "" {
		return pdfText{}, Skipped{Kind: SkipNoText, Reason: "no text in PDF (scanned? OCR is out of scope)"}
	}
	if meta, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc.Document, Tag: "Title"}); err == nil {
		out.title = collapseSpace(meta.Value)
	}
	return out, Skipped{}
}

// openFailure is the reason to skip a PDF that PDFium would not open.
func (e *pdfEngine) openFailure(err error) Skipped {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return Skipped{Kind: SkipEncrypted, Reason: "encrypted PDF: it needs a password"}
	case errors.Is(err, pdfiumerrors.ErrSecurity):
		return Skipped{Kind: SkipEncrypted, Reason: "encrypted PDF: unsupported encryption"}
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile), errors.Is(err, pdfiumerrors.ErrUnknown):
		return Skipped{Kind: SkipCorrupt, Reason: "corrupt PDF: " + err.Error()}
	}
	e.dropInstance()
	return Skipped{Kind: SkipCorrupt, Reason: "corrupt PDF: " + err.Error()}
}

// pageText returns the text of page i (0-based) of doc, with LF line
// ends, loading the page and closing it again.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (string, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return "", err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", err
	}
	if n.Count <= 0 {
		return "", nil
	}
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n.Count})
	if err != nil {
		return "", err
	}
	return cleanPDFText(t.Text), nil
}

// cleanPDFText gives PDFium's text LF line ends and removes the control
// characters it writes (the NUL that ends its buffer, the U+0002 it marks
// a hyphen broken across lines with), leaving every other character as
// extracted.
func cleanPDFText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n', r == '\t':
			return r
		case r < 0x20, r == 0x7f, r == 0xfffe, r == 0xffff:
			return -1
		}
		return r
	}, s)
	return strings.TrimRight(s, " \t\n")
}
