package corpus

import (
	"fmt"
	"os"
	"testing"
)

// testPDFCache is a PDFium compilation cache that the package's tests
// share, so that a run compiles PDFium once rather than once a test.
var testPDFCache string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "corpus-test-pdfium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testPDFCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
