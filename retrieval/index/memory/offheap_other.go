//go:build !unix

package memory

// offHeapInt8 returns n zeroed int8s from the heap where anonymous
// mappings are not available; release does nothing.
func offHeapInt8(n int) (data []int8, release func()) {
	return make([]int8, n), func() {}
}
