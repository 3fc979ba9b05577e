package artifact

import (
	"encoding/hex"
	"path"

	"github.com/zeebo/blake3"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Digest is the size and the lowercase hex BLAKE3 hash of one payload file, as a manifest
// records them.
type Digest struct {
	Size   uint64
	BLAKE3 string
}

// DigestOf returns the Digest of a file whose contents are data: the hash a manifest lists.
func DigestOf(data []byte) Digest {
	sum := blake3.Sum256(data)
	return Digest{Size: uint64(len(data)), BLAKE3: hex.EncodeToString(sum[:])}
}

// Digester computes the Digest of a file from its bytes written to it in order, for a source
// that reads its files back piece by piece (see CheckingSource).
type Digester struct {
	h *blake3.Hasher
	n uint64
}

// NewDigester returns a Digester of the empty file.
func NewDigester() *Digester { return &Digester{h: blake3.New()} }

// Write adds p to the bytes hashed; it never fails.
func (d *Digester) Write(p []byte) (int, error) {
	d.n += uint64(len(p))
	return d.h.Write(p)
}

// Digest returns the Digest of the bytes written so far: DigestOf their concatenation.
func (d *Digester) Digest() Digest {
	return Digest{Size: d.n, BLAKE3: hex.EncodeToString(d.h.Sum(nil))}
}

// HashingVerifier is a Verifier that hashes the payload files in the same read that verifies
// them, so that Export and Import read a payload once rather than twice. A backend whose
// payload is one file it only reads implements it; Export and Import fall back to hashing each
// file themselves for any file it does not report.
type HashingVerifier interface {
	Verifier
	// VerifyHashed is Verify that also returns, for each file under dataDir it read whole, the
	// Digest of the very bytes it checked, keyed by the file's path relative to dataDir with
	// '/' separators. It returns the digests it computed even when verification fails, so that
	// a damaged file is reported by its checksum first. Unlike Verify it must not create or
	// change anything, even inside dataDir: the files it reads are being fsynced meanwhile.
	VerifyHashed(dataDir string) (kv.Cursor, kv.Incarnation, map[string]Digest, error)
}

// verifyHashed runs v's VerifyHashed when it has one and translates the digests' keys to
// manifest paths ("data/…"); otherwise it runs Verify and returns no digests.
func verifyHashed(v Verifier, dataDir string) (kv.Cursor, kv.Incarnation, map[string]Digest, error) {
	hv, ok := v.(HashingVerifier)
	if !ok {
		c, inc, err := v.Verify(dataDir)
		return c, inc, nil, err
	}
	c, inc, ds, err := hv.VerifyHashed(dataDir)
	out := make(map[string]Digest, len(ds))
	for p, d := range ds {
		out[path.Join(DataDir, p)] = d
	}
	return c, inc, out, err
}
