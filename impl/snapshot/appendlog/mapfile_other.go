//go:build !linux

package appendlog

import "os"

// mapFile reads the file at path whole (off Linux the file is not mapped); unmap does nothing.
func mapFile(path string) (data []byte, unmap func() error, err error) {
	b, err := os.ReadFile(path)
	return b, func() error { return nil }, err
}
