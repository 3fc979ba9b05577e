package artifact

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Import verifies the untrusted artifact at artifactDir and places its payload (the contents
// of data/) at dest, which must be absent or an empty directory. In order, the first failure
// winning: the manifest must parse; its backend must be v's and its generation one v accepts;
// its sizes must be within opts; dest must be free; data/ may hold only regular files and
// directories, and only the files the manifest lists. Each listed file is then copied into a
// hidden directory beside dest, and its size and BLAKE3 hash checked (the hash as it is
// copied, or, when v is a HashingVerifier, of the staged copy as v verifies it, before its
// verdict counts). The staged copy is opened through v.Verify and its cursor and incarnation
// must equal the manifest's; only then is it renamed to dest and dest's parent fsynced.
//
// Every refusal matches ErrInvalid and names the file and the fault; dest is then exactly as
// it was and no staging directory remains. The artifact itself is never changed.
func Import(artifactDir, dest string, v Verifier, opts ImportOptions) (*Manifest, error) {
	m, _, err := ReadManifest(artifactDir)
	if err != nil {
		return nil, err
	}
	if err := admit(m, v, opts); err != nil {
		return nil, err
	}
	if err := checkDest(dest); err != nil {
		return nil, err
	}
	top := filepath.Join(artifactDir, DataDir)
	if fi, err := os.Lstat(top); err != nil || !fi.IsDir() {
		return nil, invalidf("%s is missing or not a directory", top)
	}
	present, _, err := walkPayload(artifactDir)
	if err != nil {
		return nil, err
	}
	listed := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	for _, p := range present {
		if !listed[p] {
			return nil, invalidf("undeclared file %s: the manifest does not list it", p)
		}
	}
	st, err := openImportStage(m, v, dest)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		if err := copyListed(st, artifactDir, f); err != nil {
			st.discard()
			return nil, err
		}
	}
	if err := st.seal(v, dest); err != nil {
		return nil, err
	}
	return m, nil
}

// copyListed copies one listed file from the artifact into the stage, refusing a file that is
// missing, not regular, or swapped between the check and the open.
func copyListed(st *importStage, artifactDir string, f File) error {
	src := filepath.Join(artifactDir, filepath.FromSlash(f.Path))
	before, err := os.Lstat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return invalidf("payload file missing: %s is listed but absent", f.Path)
	}
	if err != nil {
		return ioErr("stat", src, err)
	}
	if !before.Mode().IsRegular() {
		return invalidf("payload file %s is non-regular (%v)", f.Path, before.Mode().Type())
	}
	in, err := os.Open(src)
	if err != nil {
		return ioErr("open", src, err)
	}
	defer in.Close()
	after, err := in.Stat()
	if err != nil {
		return ioErr("stat", src, err)
	}
	if !os.SameFile(before, after) {
		return invalidf("payload file %s changed while it was being imported", f.Path)
	}
	return st.copyFile(f, in)
}
