package natsstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// An NKey seed file authenticates an operator-less NKey user; another user's seed is
// rejected.
func TestNKeySeedFile(t *testing.T) {
	t.Parallel()
	ukp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := ukp.PublicKey()
	seed, _ := ukp.Seed()
	srv := embedded.StartT(t, embedded.Options{Configure: func(o *server.Options) {
		o.Nkeys = []*server.NkeyUser{{Nkey: pub}}
	}})
	dir := t.TempDir()
	seedPath := filepath.Join(dir, "user.nk")
	if err := os.WriteFile(seedPath, append(seed, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	c := connectTo(t, srv, Config{NKeySeedFile: seedPath, Logger: logs.logger()})
	if !c.Healthy() {
		t.Fatal("not healthy")
	}
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "nkey"})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, "k", "v")

	other, _ := nkeys.CreateUser()
	otherSeed, _ := other.Seed()
	otherPath := filepath.Join(dir, "other.nk")
	if err := os.WriteFile(otherPath, otherSeed, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Connect(testCtx(t), Config{URL: srv.URL(), NKeySeedFile: otherPath, Logger: logs.logger()})
	if !errors.Is(err, kv.ErrConnectionFailed) {
		t.Fatalf("unknown nkey: Connect = %v, want ErrConnectionFailed", err)
	}
	assertNoSecret(t, "error", err.Error(), otherPath, string(otherSeed))
	assertNoSecret(t, "logs", logs.String(), seedPath, otherPath, string(seed), string(otherSeed))
}

// A creds file is read again at every reconnect: after an outage the connection
// re-authenticates from the file, and if the file has become unreadable it does not, and the
// failure is logged without the path.
func TestCredsFileIsReadAtReconnect(t *testing.T) {
	t.Parallel()
	op := newOperatorFixture(t)
	srv := embedded.StartT(t, embedded.Options{Configure: op.configure})
	credsPath := filepath.Join(t.TempDir(), "rotating.creds")
	if err := os.WriteFile(credsPath, op.creds, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	c := connectTo(t, srv, Config{CredsFile: credsPath, Logger: logs.logger()})
	bounce := func() {
		t.Helper()
		srv.Stop()
		if _, ok := poll(15*time.Second, func() bool { return !c.Healthy() }); !ok {
			t.Fatal("still healthy after the server stopped")
		}
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
	}
	bounce()
	if _, ok := poll(15*time.Second, c.Healthy); !ok {
		t.Fatal("did not re-authenticate from the creds file")
	}
	if err := os.Remove(credsPath); err != nil {
		t.Fatal(err)
	}
	bounce()
	if _, ok := poll(5*time.Second, c.Healthy); ok {
		t.Fatal("reconnected although the creds file is gone")
	}
	if !strings.Contains(logs.String(), "Config.CredsFile cannot be read") {
		t.Fatalf("the unreadable creds file was not logged:\n%s", logs.String())
	}
	assertNoSecret(t, "logs", logs.String(), credsPath, "rotating.creds", string(op.creds))
}
