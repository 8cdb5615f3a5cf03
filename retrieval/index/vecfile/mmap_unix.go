//go:build unix

package vecfile

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps f's first size bytes read-only. The mapping outlives f's
// descriptor; release unmaps it.
func mapFile(f *os.File, size int) (data []byte, release func() error, err error) {
	data, err = unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("mmap: %w", err)
	}
	return data, func() error { return unix.Munmap(data) }, nil
}

// evict drops data's pages from the process's resident memory.
func evict(data []byte) {
	// Advice only: if the system declines, the pages simply stay.
	_ = unix.Madvise(data, unix.MADV_DONTNEED)
}
