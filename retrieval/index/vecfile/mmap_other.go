//go:build !unix

package vecfile

import (
	"fmt"
	"io"
	"os"
)

// mapFile reads f's first size bytes where memory mapping is not
// available; release does nothing.
func mapFile(f *os.File, size int) (data []byte, release func() error, err error) {
	data = make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, fmt.Errorf("read: %w", err)
	}
	return data, func() error { return nil }, nil
}

// evict does nothing where files are read rather than mapped.
func evict([]byte) {}
