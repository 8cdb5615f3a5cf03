//go:build unix

package memory

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// offHeapInt8 returns n zeroed int8s in an anonymous mapping outside the
// Go heap, and the function that unmaps them. Where the system refuses
// the mapping they come from the heap, and release does nothing.
func offHeapInt8(n int) (data []int8, release func()) {
	if n == 0 {
		return nil, func() {}
	}
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return make([]int8, n), func() {}
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), n), func() { _ = unix.Munmap(b) }
}
