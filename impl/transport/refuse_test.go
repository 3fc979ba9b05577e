package transport

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
)

// A payload tampered with after export still uploads (only the manifest is checked there), but
// the remote import refuses it: dest is never created and scratch ends empty.
func TestImportRemoteRefusesATamperedArtifact(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		art := artifactAt(t, 4, 3)
		payload := filepath.Join(art, artifact.DataDir, appendlog.PayloadFile)
		b, err := os.ReadFile(payload)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x01
		if err := os.WriteFile(payload, b, 0o644); err != nil {
			t.Fatal(err)
		}
		publish(t, tr, art)
		scratch, dest := t.TempDir(), filepath.Join(t.TempDir(), "fold")
		_, err = ImportRemote(tctx(t), tr, "fold", scratch, dest, appendlog.ArtifactFormat{}, artifact.ImportOptions{})
		if !errors.Is(err, artifact.ErrInvalid) {
			t.Fatalf("import of a tampered artifact: %v, want artifact.ErrInvalid", err)
		}
		if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("dest after a refused import: %v, want absent", err)
		}
		assertEmpty(t, scratch)
	})
}

// A pointer beyond MaxPointerBytes is refused as invalid, not read whole and not imported.
func TestOversizePointerIsRefused(t *testing.T) {
	root := t.TempDir()
	tr, err := NewDirectory(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "fold.pointer"), make([]byte, MaxPointerBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tr.Pointer(tctx(t), "fold"); !errors.Is(err, artifact.ErrInvalid) {
		t.Fatalf("Pointer of an oversize pointer: %v, want artifact.ErrInvalid", err)
	}
	if _, err := tr.Download(tctx(t), "fold", filepath.Join(t.TempDir(), "x.tar")); !errors.Is(err, artifact.ErrInvalid) {
		t.Fatalf("Download through an oversize pointer: %v, want artifact.ErrInvalid", err)
	}
}

// Nothing published yet: the pointer read says so, and prune deletes nothing.
func TestNothingPublished(t *testing.T) {
	tr, err := NewDirectory(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tr.Pointer(tctx(t), "fold"); !errors.Is(err, ErrNoPointer) {
		t.Fatalf("Pointer before any publish: %v, want ErrNoPointer", err)
	}
	if n, err := tr.Prune(tctx(t), "fold", 0); n != 0 || err != nil {
		t.Fatalf("Prune before any publish = %d, %v", n, err)
	}
}

// Keys that could escape the root or collide with the layout are refused before any I/O.
func TestBadKeysAreRefused(t *testing.T) {
	tr, err := NewDirectory(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "../x", "a/b", ".hidden", "a..b", "a b"} {
		if _, _, err := tr.Pointer(tctx(t), key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("key %q: %v, want ErrInvalidKey", key, err)
		}
	}
}

// Uploading an artifact whose payload is already stored leaves the stored object alone (same
// name, same content), so a reader fetching it is never disturbed.
func TestReuploadLeavesTheStoredPayloadAlone(t *testing.T) {
	forEach(t, func(t *testing.T, e *env, tr *Remote) {
		art := artifactAt(t, 3, 2)
		if _, err := tr.UploadPayload(tctx(t), "fold", art); err != nil {
			t.Fatal(err)
		}
		before, err := tr.objs.list(tctx(t), payloadPrefix("fold"))
		if err != nil || len(before) != 1 {
			t.Fatalf("after one upload: %v, %v", before, err)
		}
		if _, err := tr.UploadPayload(tctx(t), "fold", art); err != nil {
			t.Fatal(err)
		}
		after, err := tr.objs.list(tctx(t), payloadPrefix("fold"))
		if err != nil || len(after) != 1 || !after[0].modTime.Equal(before[0].modTime) {
			t.Fatalf("after a re-upload: %v (%v), want the one object, unmodified since %v", after, err, before[0].modTime)
		}
	})
}
