package artifact

import (
	"fmt"
	"path"
	"path/filepath"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// CheckingSource is a Source that checks its payload while it writes it: it reads each part of
// every file back from the file as soon as that part is written, so that checking and hashing
// the copy overlap writing it instead of following it. Export calls WriteChecked in place of
// WritePayload and the Verify that would follow.
type CheckingSource interface {
	Source
	// WriteChecked writes the payload into dataDir, which does not exist yet, as WritePayload
	// does, and checks the copy as Verify would, from the bytes it reads back from the files
	// it wrote: what it reports of the copy must be what Verify would recover from the whole
	// files. It may fsync them as it writes them; Export fsyncs them afterwards. An error means
	// the payload could not be written; a copy that was written but does not check is reported
	// in Checked.Refused.
	WriteChecked(dataDir string) (Checked, error)
}

// Checked is what a CheckingSource reports of the payload it wrote.
type Checked struct {
	// Live and LiveIncarnation are the live fold's cursor and incarnation the payload was
	// written from.
	Live            kv.Cursor
	LiveIncarnation kv.Incarnation
	// Copy and CopyIncarnation are what the copy, read back, recovers.
	Copy            kv.Cursor
	CopyIncarnation kv.Incarnation
	// Digests holds the Digest of each file it read back whole, of the very bytes it checked,
	// keyed by the file's path relative to dataDir with '/' separators. Export hashes any
	// file missing here itself.
	Digests map[string]Digest
	// Refused, when not nil, says why the copy does not check; Export then fails.
	Refused error
}

// exported is what Export learned from writing and checking a payload: the source's report,
// and the manifest's file list, every file hashed and fsynced.
type exported struct {
	Checked
	files []File
}

// writeAndCheck writes src's payload into stage and checks it: through WriteChecked for a
// CheckingSource, else WritePayload then verifyPayload.
func writeAndCheck(src Source, stage string) (exported, error) {
	data := filepath.Join(stage, DataDir)
	cs, ok := src.(CheckingSource)
	if !ok {
		live, liveInc, err := src.WritePayload(data)
		if err != nil {
			return exported{}, fmt.Errorf("export: write payload: %w", err)
		}
		got, gotInc, files, err := verifyPayload(src, stage)
		if err != nil {
			return exported{}, err
		}
		return exported{Checked{Live: live, LiveIncarnation: liveInc, Copy: got, CopyIncarnation: gotInc}, files}, nil
	}
	c, err := cs.WriteChecked(data)
	if err != nil {
		return exported{}, fmt.Errorf("export: write payload: %w", err)
	}
	paths, dirs, err := walkPayload(stage)
	if err != nil {
		return exported{}, err
	}
	if c.Refused != nil {
		return exported{}, copyDoesNotOpen(c.Refused)
	}
	full := make([]string, len(paths), len(paths)+len(dirs))
	for i, p := range paths {
		full[i] = filepath.Join(stage, filepath.FromSlash(p))
	}
	known := make(map[string]Digest, len(c.Digests)) // walkPayload lists paths under data/
	for p, d := range c.Digests {
		known[path.Join(DataDir, p)] = d
	}
	files, err := payloadFiles(paths, full, known)
	if err != nil {
		return exported{}, err
	}
	if err := syncAll(append(full, dirs...)); err != nil {
		return exported{}, err
	}
	return exported{c, files}, nil
}
