package transport

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/zeebo/blake3"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/protocol"
)

// Transport publishes and fetches artifacts under a key. Both implementations are *Remote.
type Transport interface {
	// UploadPayload stores the artifact at artifactDir under its content address and returns
	// the manifest bytes to publish with SwapPointer. It publishes nothing.
	UploadPayload(ctx context.Context, key, artifactDir string) (pointer []byte, err error)
	// SwapPointer publishes pointer (manifest bytes whose payload is uploaded) unless the
	// current pointer has a higher rank.
	SwapPointer(ctx context.Context, key string, pointer []byte) (Outcome, error)
	// Pointer returns the published manifest and its exact bytes; ErrNoPointer when none.
	Pointer(ctx context.Context, key string) (*artifact.Manifest, []byte, error)
	// Download writes the published artifact's tar to the new file at path, checked against
	// the pointer, and returns the pointer's manifest.
	Download(ctx context.Context, key, path string) (*artifact.Manifest, error)
	// Prune deletes the payloads protocol.PayloadPrunable allows, last modified at or before
	// now − grace, and returns how many it deleted.
	Prune(ctx context.Context, key string, grace time.Duration) (int, error)
	// PruneRetired deletes what earlier incarnations of the bucket left under the keys
	// PointerKey(base, inc): the payloads protocol.RetiredPayloadPrunable allows against live
	// (the bucket's live incarnation as the bucket reported it, never a fold's), last modified
	// at or before now − grace, and then each such pointer protocol.RetiredPointerDeletable
	// allows. A zero live prunes nothing.
	PruneRetired(ctx context.Context, base string, live kv.Incarnation, grace time.Duration) (RetiredPruned, error)
}

// Upload is UploadPayload followed by SwapPointer: the payload lands before the pointer names
// it, so a published pointer's payload always exists.
func Upload(ctx context.Context, t Transport, key, artifactDir string) (Outcome, error) {
	ptr, err := t.UploadPayload(ctx, key, artifactDir)
	if err != nil {
		return Outcome{}, err
	}
	return t.SwapPointer(ctx, key, ptr)
}

// Status is how a publish ended.
type Status uint8

const (
	// Published: the pointer now names the artifact.
	Published Status = iota + 1
	// SupersededByNewer: the pointer already named an artifact of higher rank and was left
	// alone. The upload was still a success: a newer artifact is published.
	SupersededByNewer
)

// String names the status.
func (s Status) String() string {
	switch s {
	case Published:
		return "Published"
	case SupersededByNewer:
		return "SupersededByNewer"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Outcome is the result of a publish: its status and, when superseded, the cursor of the
// newer published artifact.
type Outcome struct {
	Status Status
	Remote kv.Cursor
}

// Errors, matched with errors.Is.
var (
	// ErrNoPointer: nothing is published under the key yet. Export first.
	ErrNoPointer = errors.New("transport: no artifact is published under this key")
	// ErrPayloadMissing: the pointer read names a payload that is not there: it was pruned
	// after a newer publish (read the pointer again, as ImportRemote does), or the pointer
	// was doctored.
	ErrPayloadMissing = errors.New("transport: the pointer's payload is missing")
	// ErrNoCompareAndSwap: the pointer store cannot compare-and-swap (or lock), so a publish
	// could regress the pointer: the transport fails closed. Use a store that can.
	ErrNoCompareAndSwap = errors.New("transport: the pointer store offers no compare-and-swap")
	// ErrInvalidKey: the key is not usable as a kv key, an object name and a file name; nothing
	// was sent. Use letters, digits, '_', '-' and single inner dots.
	ErrInvalidKey = errors.New("transport: invalid key")
	// ErrContended: the pointer swap lost MaxSwapAttempts compare-and-swap races in a row.
	// Nothing was published; the next round retries.
	ErrContended = errors.New("transport: the pointer swap kept losing compare-and-swap races")
)

// MaxSwapAttempts bounds the pointer swap's compare-and-swap retries.
const MaxSwapAttempts = 8

// MaxPointerBytes bounds the pointer a reader accepts (a manifest's bound).
const MaxPointerBytes = artifact.MaxManifestBytes

var keyRE = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]*$`)

// checkKey admits keys that are safe as a kv key, an object name prefix and a file name.
func checkKey(key string) error {
	if !keyRE.MatchString(key) || strings.Contains(key, "..") || len(key) > 200 {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	return nil
}

// payloadPrefix is where a key's payloads live.
func payloadPrefix(key string) string { return key + ".payloads/" }

// payloadName is the content address of an artifact: its rank (so prune needs no fetch) and
// the BLAKE3 hash of its manifest bytes, which commit to every payload file's hash.
func payloadName(key string, m *artifact.Manifest, pointer []byte) string {
	sum := blake3.Sum256(pointer)
	return fmt.Sprintf("%s%016x-%s.tar", payloadPrefix(key), rankOf(m), hex.EncodeToString(sum[:]))
}

// rankOf is the manifest cursor's rank for K1 and K2.
func rankOf(m *artifact.Manifest) uint64 { return protocol.CursorRank(m.Cursor.Version().Bytes()) }

// rankFromName reads the rank a payload's name starts with; ok=false for a name this package
// did not write.
func rankFromName(name string) (uint64, bool) {
	base := name[strings.LastIndexByte(name, '/')+1:]
	hexRank, _, found := strings.Cut(base, "-")
	if !found || len(hexRank) != 16 {
		return 0, false
	}
	r, err := strconv.ParseUint(hexRank, 16, 64)
	return r, err == nil
}

// readCapped reads at most max bytes of r, failing when there are more.
func readCapped(r io.Reader, max int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: %s exceeds %d bytes", artifact.ErrInvalid, what, max)
	}
	return b, nil
}
