package appendlog

import (
	"os"
	"syscall"
)

// mapFile maps the file at path read-only, its pages populated up front, so that a verifying
// read neither allocates nor copies the file. unmap releases the mapping; the bytes must not
// be used after it. The mapping sees the file as it is: read it through readMapped, which
// turns the fault of a file truncated meanwhile into an error.
func mapFile(path string) (data []byte, unmap func() error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size == 0 || int64(int(size)) != size {
		b, err := os.ReadFile(path) // nothing to map, or more than the address space holds
		return b, func() error { return nil }, err
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
