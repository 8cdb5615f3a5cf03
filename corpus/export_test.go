package corpus

// DOCXFile, Para, PPTXFile and SlideXML let the external tests build
// Office files as the package's own tests do, and WriteFiles write them.
var (
	DOCXFile   = docxFile
	Para       = para
	PPTXFile   = pptxFile
	SlideXML   = slideXML
	WriteFiles = writeFiles
)

// SharedPDFCache is the PDFium compilation cache the package's tests share.
func SharedPDFCache() string { return testPDFCache }
