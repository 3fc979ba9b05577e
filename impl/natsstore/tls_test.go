package natsstore

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/slipstream-go/slipstream/impl/kv"
	"github.com/slipstream-go/slipstream/internal/embedded"
)

// tlsConfigs returns a server TLS config for 127.0.0.1 and a client TLS config that
// trusts it.
func tlsConfigs(t *testing.T) (srv, client *tls.Config) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "slipstream test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12},
		&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// Config.TLS is used to connect to a TLS server; without the server's CA the connection is
// refused with a hint about Config.TLS.
func TestTLS(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := tlsConfigs(t)
	srv := embedded.StartT(t, embedded.Options{Configure: func(o *server.Options) {
		o.TLSConfig = serverTLS
		o.TLS = true
	}})
	c := connectTo(t, srv, Config{TLS: clientTLS})
	if !c.Healthy() || !c.nc.TLSRequired() {
		t.Fatal("not a healthy TLS connection")
	}
	s, err := c.OpenBucket(testCtx(t), kv.StoreConfig{Name: "tls"})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, "k", "v")

	_, err = Connect(testCtx(t), Config{URL: srv.URL(), TLS: &tls.Config{MinVersion: tls.VersionTLS12}})
	if !errors.Is(err, kv.ErrConnectionFailed) || !strings.Contains(err.Error(), "TLS") {
		t.Fatalf("TLS with an unknown CA: Connect = %v, want ErrConnectionFailed mentioning TLS", err)
	}
}
