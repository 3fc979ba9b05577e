package appendlog

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f[off:off+n] back to the device without
// waiting for it (sync_file_range with SYNC_FILE_RANGE_WRITE). It makes nothing durable: the
// fsync that follows still does, but finds less left to write. Errors are ignored for that
// reason; the fsync reports any.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if n <= 0 || err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) { _ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE) })
}
