package artifact

import (
	"encoding/hex"
	"strings"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// maxNameLen bounds a backend name or generation string.
const maxNameLen = 64

// validate checks everything Parse requires of a manifest's contents.
func (m *Manifest) validate() error {
	if err := checkName("backend", m.Identity.Backend); err != nil {
		return err
	}
	if err := checkName("backend_version", m.Identity.Generation); err != nil {
		return err
	}
	seen := make(map[string]bool, len(m.Files))
	for i, f := range m.Files {
		if err := CheckPath(f.Path); err != nil {
			return err
		}
		if i > 0 && f.Path <= m.Files[i-1].Path {
			if f.Path == m.Files[i-1].Path {
				return invalidf("%s: file %q is listed twice", ManifestFile, f.Path)
			}
			return invalidf("%s: files are not sorted by path (%q after %q)", ManifestFile, f.Path, m.Files[i-1].Path)
		}
		if !isLowerHex(f.BLAKE3) || len(f.BLAKE3) != 64 {
			return invalidf("%s: file %q: blake3 %q is not 64 lowercase hex digits", ManifestFile, f.Path, f.BLAKE3)
		}
		seen[f.Path] = true
	}
	for _, f := range m.Files {
		for dir := f.Path; ; {
			j := strings.LastIndexByte(dir, '/')
			dir = dir[:j]
			if dir == DataDir {
				break
			}
			if seen[dir] {
				return invalidf("%s: %q is listed as a file and is also the directory of %q", ManifestFile, dir, f.Path)
			}
		}
	}
	return nil
}

// CheckPath reports whether p is a payload path a manifest may list: '/'-separated, under
// "data/", every component a plain name (not empty, ".", or ".."), and no backslash, NUL or
// other control character. The error matches ErrInvalid.
func CheckPath(p string) error {
	rest, ok := strings.CutPrefix(p, DataDir+"/")
	if !ok || rest == "" {
		return invalidf("%s: path %q is not a file under %s/", ManifestFile, p, DataDir)
	}
	for _, r := range p {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return invalidf("%s: path %q holds a backslash or control character", ManifestFile, p)
		}
	}
	for _, c := range strings.Split(rest, "/") {
		if c == "" || c == "." || c == ".." {
			return invalidf("%s: path %q has an empty, \".\" or \"..\" component", ManifestFile, p)
		}
	}
	return nil
}

func checkName(field, s string) error {
	if s == "" || len(s) > maxNameLen {
		return invalidf("%s: %s %q must be 1 to %d characters", ManifestFile, field, s, maxNameLen)
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return invalidf("%s: %s %q may hold only letters, digits, '.', '-' and '_'", ManifestFile, field, s)
		}
	}
	return nil
}

// parseCursorHex decodes cursor_hex: lowercase hex of at most kv.MaxVersionLen bytes, "" for
// the zero cursor.
func parseCursorHex(s string) (kv.Cursor, error) {
	if !isLowerHex(s) || len(s)%2 != 0 {
		return kv.Cursor{}, invalidf("%s: cursor_hex %q is not lowercase hex of whole bytes", ManifestFile, s)
	}
	raw, _ := hex.DecodeString(s)
	v, err := kv.VersionFromBytes(raw)
	if err != nil {
		return kv.Cursor{}, invalidf("%s: cursor_hex %q: %v", ManifestFile, s, err)
	}
	return kv.CursorFromVersion(v), nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
