// Package artifact moves a fold between nodes as a verified artifact: a directory holding the
// backend's payload under data/ and, written last, MANIFEST.json, which names the backend and
// its format generation, the cursor the payload is consistent with, and the size and BLAKE3
// hash of every payload file.
//
// Export stages the artifact in a hidden directory beside its destination, verifies the copy
// by reopening it, hashes and fsyncs it, writes the manifest, and renames the whole into
// place: any artifact that exists is complete. Import treats an artifact as untrusted: it
// copies only the files the manifest lists, within configured bounds, re-checks every hash,
// opens the staged copy and requires its cursor to equal the manifest's, and only then renames
// it into the destination. A refused import leaves the destination as it was.
//
// The package knows no backend: a backend describes itself through Verifier (the import side)
// and Source (the export side), which the backends implement. A backend whose verifier can hash
// the files it checks implements HashingVerifier too: export and import then read its payload
// once, verifying and hashing together while the files are fsynced, and an import copies the
// files without hashing them (the kernel copies file to file) and checks the hashes of the
// staged copy, the bytes that are renamed into place. A source that can check its payload while
// writing it implements CheckingSource: it reads each part of a file back as soon as it is
// written, so that export checks, hashes and (through fsyncs on the side) syncs the copy while
// it is still being written, instead of afterwards.
package artifact
