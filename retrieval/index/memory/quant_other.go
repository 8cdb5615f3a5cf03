//go:build !amd64

package memory

// axpyInt8 adds a×x to y, x being int8 entries; len(x) must be at least
// len(y).
var axpyInt8 = axpyInt8Generic
