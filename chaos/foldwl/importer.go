package foldwl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/slipstream-go/slipstream/impl/snapshot/appendlog"
	"github.com/slipstream-go/slipstream/impl/snapshot/artifact"
	"github.com/slipstream-go/slipstream/impl/snapshot/pebble"
	"github.com/slipstream-go/slipstream/impl/transport"
)

// maxImportsPerKey bounds the bootstrapped folds per transport key: each keeps folding until
// the checks, and the machine is shared.
const maxImportsPerKey = 2

// importWindow bounds one import request's retries (faults make attempts fail).
const importWindow = 30 * time.Second

// importer serves import requests one at a time until ctx ends: it bootstraps a fresh fold
// from the key's published artifact with ImportRemote and starts a consumer on it, which
// resumes from the imported cursor.
func (w *Folds) importer(ctx context.Context, reqs <-chan string) {
	done := map[string]int{}
	for {
		var key string
		select {
		case <-ctx.Done():
			return
		case key = <-reqs:
		}
		if done[key] >= maxImportsPerKey {
			w.count("imports skipped (enough running)", 1)
			continue
		}
		if w.importOnce(ctx, key, done[key]+1) {
			done[key]++
		}
	}
}

// importOnce retries one bootstrap for up to importWindow; it reports whether one succeeded.
func (w *Folds) importOnce(ctx context.Context, key string, n int) bool {
	name := fmt.Sprintf("import-%s-%d", key, n)
	home := n % 3
	nc, conn, err := w.clientConn(name, home)
	if err != nil {
		w.failImport(name, err)
		return false
	}
	defer nc.Close()
	ictx, cancel := context.WithTimeout(ctx, importWindow)
	defer cancel()
	tr, _, err := remote(ictx, nc, conn)
	if err != nil {
		w.failImport(name, err)
		return false
	}
	dest := filepath.Join(w.dir, name)
	scratch := filepath.Join(w.dir, "scratch")
	var v artifact.Verifier = appendlog.ArtifactFormat{}
	if key == keyPebble {
		v = pebble.ArtifactFormat{}
	}
	for ictx.Err() == nil {
		actx, acancel := context.WithTimeout(ictx, 10*time.Second)
		m, err := transport.ImportRemote(actx, tr, w.pointerKey(key), scratch, dest, v, artifact.ImportOptions{})
		acancel()
		if err != nil {
			w.failImport(name, err)
			_ = os.RemoveAll(dest) // ImportRemote leaves dest as it was; make sure for the retry
			select {
			case <-ictx.Done():
			case <-time.After(500 * time.Millisecond):
			}
			continue
		}
		var be backend = &pebbleBackend{dir: dest}
		if key == keyLog {
			be = &logBackend{dir: dest, path: appendlog.ImportedPath(dest)}
		}
		c := w.newConsumer(name, home, be)
		c.expect, _ = m.Cursor.Uint64()
		w.mu.Lock()
		w.imported = append(w.imported, c)
		w.mu.Unlock()
		w.count("imports", 1)
		go c.run("import")
		return true
	}
	return false
}

func (w *Folds) failImport(name string, err error) {
	w.count("import errors", 1)
	w.mu.Lock()
	w.failedImp = append(w.failedImp, fmt.Sprintf("%s: %v", name, err))
	w.mu.Unlock()
}
