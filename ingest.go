package citebot

// IngestStats reports what building the index did.
type IngestStats struct {
	Files    int    `json:"files"`
	Chunks   int    `json:"chunks"`
	Embedded int    `json:"embedded"` // chunks embedded now
	Reused   int    `json:"reused"`   // chunks whose stored vectors were reused
	Changed  int    `json:"changed"`  // files new or changed since the stored index
	Removed  int    `json:"removed"`  // files in the stored index but no longer in the corpus
	Rebuilt  string `json:"rebuilt,omitempty"`
	Embedder string `json:"embedder"`
	// SaveError is why the index could not be stored; the engine still
	// answers from memory.
	SaveError string `json:"save_error,omitempty"`
}
