//go:build !unix

package memory

// offHeapFloats returns n zeroed float32s from the heap where anonymous
// mappings are not available; release does nothing.
func offHeapFloats(n int) (data []float32, release func()) {
	return make([]float32, n), func() {}
}
