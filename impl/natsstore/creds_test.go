package natsstore

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// operatorFixture is an operator-mode server setup: one account with JetStream, and a user of it
// whose .creds content is creds.
type operatorFixture struct {
	configure func(*server.Options)
	creds     []byte // decorated .creds content (user JWT + user seed)
	otherUser []byte // .creds of a user signed by an account the server does not trust
}

func newOperatorFixture(t *testing.T) operatorFixture {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	okp, err := nkeys.CreateOperator()
	must(err)
	opub, err := okp.PublicKey()
	must(err)
	oc := jwt.NewOperatorClaims(opub)
	oc.Name = "test-operator"
	// Operator-mode JetStream needs a system account.
	skp, err := nkeys.CreateAccount()
	must(err)
	spub, err := skp.PublicKey()
	must(err)
	oc.SystemAccount = spub
	sc := jwt.NewAccountClaims(spub)
	sc.Name = "SYS"
	sjwt, err := sc.Encode(okp)
	must(err)

	akp, err := nkeys.CreateAccount()
	must(err)
	apub, err := akp.PublicKey()
	must(err)
	ac := jwt.NewAccountClaims(apub)
	ac.Name = "test-account"
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	ajwt, err := ac.Encode(okp)
	must(err)

	userCreds := func(signer nkeys.KeyPair) []byte {
		ukp, err := nkeys.CreateUser()
		must(err)
		upub, err := ukp.PublicKey()
		must(err)
		uc := jwt.NewUserClaims(upub)
		ujwt, err := uc.Encode(signer)
		must(err)
		seed, err := ukp.Seed()
		must(err)
		creds, err := jwt.FormatUserConfig(ujwt, seed)
		must(err)
		return creds
	}
	stranger, err := nkeys.CreateAccount()
	must(err)

	resolver := &server.MemAccResolver{}
	must(resolver.Store(apub, ajwt))
	must(resolver.Store(spub, sjwt))
	return operatorFixture{
		configure: func(o *server.Options) {
			o.TrustedOperators = []*jwt.OperatorClaims{oc}
			o.AccountResolver = resolver
			o.SystemAccount = spub
		},
		creds:     userCreds(akp),
		otherUser: userCreds(stranger),
	}
}

// assertNoSecret fails if text holds any of the secrets.
func assertNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("%s contains a credential (%.12s…):\n%s", where, s, text)
		}
	}
}

// Inline creds (base64 of the .creds content) and a creds file authenticate against an
// operator-mode server with a real user JWT, and the store works; creds for an account the
// server does not trust are rejected.
func TestCredsAuthenticateWithUserJWT(t *testing.T) {
	t.Parallel()
	op := newOperatorFixture(t)
	srv := embedded.StartT(t, embedded.Options{Configure: op.configure})
	dir := t.TempDir()
	credsPath := filepath.Join(dir, "user.creds")
	if err := os.WriteFile(credsPath, op.creds, 0o600); err != nil {
		t.Fatal(err)
	}
	inline := base64.StdEncoding.EncodeToString(op.creds)

	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"inline", Config{URL: srv.URL(), Creds: inline}},
		{"file", Config{URL: srv.URL(), CredsFile: credsPath}},
		// Creds wins over a broken CredsFile and URL userinfo: the priority order.
		{"priority", Config{URL: strings.Replace(srv.URL(), "://", "://nobody:nothing@", 1), Creds: inline, CredsFile: filepath.Join(dir, "missing")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBuffer
			tc.cfg.Logger = logs.logger()
			c := connectTo(t, srv, tc.cfg)
			if !c.Healthy() {
				t.Fatal("not healthy")
			}
			s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "creds_" + tc.name})
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, s, "k", tc.name)
			assertNoSecret(t, "logs", logs.String(), inline, string(op.creds), credsPath, "nothing")
		})
	}

	// Without credentials, or with a user of an untrusted account, the server says no.
	for name, cfg := range map[string]Config{
		"none":      {URL: srv.URL()},
		"untrusted": {URL: srv.URL(), Creds: base64.StdEncoding.EncodeToString(op.otherUser)},
	} {
		var logs logBuffer
		cfg.Logger = logs.logger()
		_, err := Connect(testCtx(t), cfg)
		if !errors.Is(err, kv.ErrConnectionFailed) {
			t.Fatalf("%s: Connect = %v, want ErrConnectionFailed", name, err)
		}
		if name == "untrusted" && !strings.Contains(err.Error(), "credentials") {
			t.Fatalf("%s: error %q does not point at the credentials", name, err)
		}
		assertNoSecret(t, name+" error", err.Error(), cfg.Creds, string(op.otherUser))
		assertNoSecret(t, name+" logs", logs.String(), cfg.Creds, string(op.otherUser))
	}
}

// Every way credentials can be malformed or missing fails Connect with ErrConnectionFailed
// before dialling, with a message naming the field, and neither the error nor any log line
// shows the credential or the file path.
func TestCredsConfigurationErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	op := newOperatorFixture(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "secret-missing.creds")
	garbage := filepath.Join(dir, "secret-garbage.creds")
	if err := os.WriteFile(garbage, []byte("this is not a creds file s3cr3t-content"), 0o600); err != nil {
		t.Fatal(err)
	}
	noJWT := base64.StdEncoding.EncodeToString([]byte("-----BEGIN USER NKEY SEED-----\nSUAJUNK\n------END USER NKEY SEED------\n"))
	ukp, _ := nkeys.CreateUser()
	seed, _ := ukp.Seed()
	seedOnly := base64.StdEncoding.EncodeToString(seed)
	jwtOnly := strings.Split(string(op.creds), "------END NATS USER JWT------")[0] + "------END NATS USER JWT------\n"
	jwtOnlyB64 := base64.StdEncoding.EncodeToString([]byte(jwtOnly))
	nonUTF8 := base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe, 's', 'e', 'c'})

	for _, tc := range []struct {
		name, field string
		cfg         Config
		secrets     []string
	}{
		{"bad base64", "Config.Creds", Config{Creds: "!!not*base64 s3cr3t!!"}, []string{"!!not*base64 s3cr3t!!", "s3cr3t"}},
		{"not utf8", "Config.Creds", Config{Creds: nonUTF8}, []string{nonUTF8}},
		{"no jwt", "Config.Creds", Config{Creds: noJWT}, []string{noJWT, "SUAJUNK"}},
		{"seed only", "Config.Creds", Config{Creds: seedOnly}, []string{seedOnly, string(seed)}},
		{"jwt only", "Config.Creds", Config{Creds: jwtOnlyB64}, []string{jwtOnlyB64, jwtOnly[40:80]}},
		{"missing creds file", "Config.CredsFile", Config{CredsFile: missing}, []string{missing, "secret-missing"}},
		{"creds file is a directory", "Config.CredsFile", Config{CredsFile: dir}, []string{dir}},
		{"garbage creds file", "Config.CredsFile", Config{CredsFile: garbage}, []string{garbage, "s3cr3t-content"}},
		{"missing seed file", "Config.NKeySeedFile", Config{NKeySeedFile: missing}, []string{missing, "secret-missing"}},
		{"garbage seed file", "Config.NKeySeedFile", Config{NKeySeedFile: garbage}, []string{garbage, "s3cr3t-content"}},
		{"unparseable url", "Config.URL", Config{URL: "nats://bob:pa ss%zz@host:4222"}, []string{"pa ss", "%zz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBuffer
			tc.cfg.Logger = logs.logger()
			start := time.Now()
			_, err := Connect(context.Background(), tc.cfg)
			if !errors.Is(err, kv.ErrConnectionFailed) {
				t.Fatalf("Connect = %v, want ErrConnectionFailed", err)
			}
			if time.Since(start) > time.Second {
				t.Fatalf("a configuration error took %v (it must fail before dialling)", time.Since(start))
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %q does not name %s", err, tc.field)
			}
			var ke *kv.Error
			if !errors.As(err, &ke) || ke.Hint == "" {
				t.Fatalf("error %q carries no hint", err)
			}
			assertNoSecret(t, "error", err.Error(), tc.secrets...)
			assertNoSecret(t, "logs", logs.String(), tc.secrets...)
			if !strings.Contains(logs.String(), "level=WARN") {
				t.Fatalf("the failure was not logged:\n%s", logs.String())
			}
		})
	}
}

// User and password in the URL authenticate, are removed before dialling, and never appear
// in errors or logs; a wrong password is rejected with a hint.
func TestURLUserPassword(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t, embedded.Options{Configure: func(o *server.Options) {
		o.Users = []*server.User{{Username: "alice", Password: "pa:ss@w/rd"}}
	}})
	host := strings.TrimPrefix(srv.URL(), "nats://")
	var logs logBuffer
	good := Config{URL: "nats://alice:pa%3Ass%40w%2Frd@" + host, Logger: logs.logger()}
	c := connectTo(t, srv, good)
	if !c.Healthy() {
		t.Fatal("not healthy")
	}
	if u := c.nc.ConnectedUrl(); strings.Contains(u, "alice") || strings.Contains(u, "@") {
		t.Fatalf("dialled URL kept the userinfo: %s", u)
	}
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "userpass"})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, "k", "v")

	// Through an outage: the reconnect authenticates again (the userinfo was moved into the
	// options, not lost with the URL), and the disconnect/reconnect log lines show no secret.
	srv.Stop()
	if _, ok := poll(15*time.Second, func() bool { return !c.Healthy() }); !ok {
		t.Fatal("still healthy after the server stopped")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if _, ok := poll(15*time.Second, c.Healthy); !ok {
		t.Fatal("did not re-authenticate after the restart")
	}
	roundTrip(t, s, "k", "after-restart")
	if !strings.Contains(logs.String(), "connection lost") || !strings.Contains(logs.String(), "re-established") {
		t.Fatalf("the outage was not logged:\n%s", logs.String())
	}

	bad := Config{URL: "nats://alice:wrong-secret-pw@" + host, Logger: logs.logger()}
	_, err = Connect(testCtx(t), bad)
	if !errors.Is(err, kv.ErrConnectionFailed) {
		t.Fatalf("wrong password: Connect = %v, want ErrConnectionFailed", err)
	}
	if !strings.Contains(err.Error(), "rejected the credentials") {
		t.Fatalf("wrong password: error %q has no hint", err)
	}
	for _, text := range []string{err.Error(), logs.String(), good.String(), bad.String()} {
		assertNoSecret(t, "output", text, "pa:ss@w/rd", "pa%3Ass%40w%2Frd", "wrong-secret-pw")
	}
}

// A lone user in the URL is a token (nats.go's convention), not a user with an empty password.
func TestURLToken(t *testing.T) {
	t.Parallel()
	srv := embedded.StartT(t, embedded.Options{Configure: func(o *server.Options) {
		o.Authorization = "s3cr3t-t0ken"
	}})
	host := strings.TrimPrefix(srv.URL(), "nats://")
	var logs logBuffer
	c := connectTo(t, srv, Config{URL: "s3cr3t-t0ken@" + host, Logger: logs.logger()}) // no scheme: nats:// assumed
	if !c.Healthy() {
		t.Fatal("not healthy")
	}
	_, err := Connect(testCtx(t), Config{URL: "nats://wr0ng-t0ken@" + host, Logger: logs.logger()})
	if !errors.Is(err, kv.ErrConnectionFailed) {
		t.Fatalf("wrong token: %v", err)
	}
	assertNoSecret(t, "error", err.Error(), "wr0ng-t0ken")
	assertNoSecret(t, "logs", logs.String(), "s3cr3t-t0ken", "wr0ng-t0ken")
}
