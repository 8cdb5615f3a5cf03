package corpus

// DOCXFile, Para, PPTXFile and SlideXML let the external tests build
// Office files as the package's own tests do.
var (
	DOCXFile = docxFile
	Para     = para
	PPTXFile = pptxFile
	SlideXML = slideXML
)
