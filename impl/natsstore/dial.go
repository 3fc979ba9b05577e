package natsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Connect dials the server described by cfg, authenticates with the first credential set
// (Creds, CredsFile, NKeySeedFile, URL userinfo; see Config) and returns a healthy connection
// that reconnects by itself after network failures until Close.
//
// Connect is bounded by ctx and by cfg.ConnectTimeout. Every failure — bad credentials
// configuration, unreachable server, rejected authentication, TLS failure, deadline — matches
// kv.ErrConnectionFailed; a deadline or cancellation also matches ctx.Err(). No error and no
// log line contains a credential or a credential file path.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	log := loggerOf(cfg)
	a, err := cfg.auth()
	if err != nil {
		log.Warn("nats connect: invalid credentials configuration", "config", cfg, "err", err)
		return nil, err
	}
	if a.ignored != "" {
		log.Warn("nats connect: some credentials are set but not used", "ignored", a.ignored, "using", a.method)
	}
	timeout := cfg.connectTimeout()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dialTimeout := timeout
	if dl, ok := cctx.Deadline(); ok {
		dialTimeout = max(min(dialTimeout, time.Until(dl)), time.Millisecond)
	}

	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.Timeout(dialTimeout),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats connection lost; reconnecting", "url", RedactURL(cfg.URL), "err", a.secrets.scrubErr(err))
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats connection re-established", "url", nc.ConnectedUrlRedacted())
		}),
		nats.ClosedHandler(func(*nats.Conn) {
			log.Debug("nats connection closed", "url", RedactURL(cfg.URL))
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("nats asynchronous error", "err", a.secrets.scrubErr(err))
		}),
	}
	opts = append(opts, a.opts...)
	if cfg.TLS != nil {
		opts = append(opts, nats.Secure(cfg.TLS))
	}

	type dialed struct {
		nc  *nats.Conn
		err error
	}
	done := make(chan dialed, 1)
	go func() {
		nc, err := nats.Connect(a.dialURL, opts...)
		done <- dialed{nc, err}
	}()
	var nc *nats.Conn
	select {
	case d := <-done:
		if d.err != nil {
			err := kv.NewError("connect", "", kv.ErrConnectionFailed, a.secrets.scrubErr(d.err)).
				WithHint(dialHint(d.err, cfg))
			log.Warn("nats connect failed", "config", cfg, "auth", a.method, "err", err)
			return nil, err
		}
		nc = d.nc
	case <-cctx.Done():
		go func() { // the dial may still succeed: do not leak it
			if d := <-done; d.nc != nil {
				d.nc.Close()
			}
		}()
		err := kv.NewError("connect", "", kv.ErrConnectionFailed, cctx.Err()).
			WithHint(fmt.Sprintf("no connection to %s within %v; check the URL, the network and Config.ConnectTimeout",
				RedactURL(a.dialURL), timeout))
		log.Warn("nats connect timed out", "config", cfg, "err", err)
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, kv.NewError("connect", "", kv.ErrConnectionFailed, a.secrets.scrubErr(err)).
			WithHint(hintJetStreamSetup)
	}
	log.Debug("nats connected", "url", nc.ConnectedUrlRedacted(), "auth", a.method)
	return &Conn{cfg: cfg, nc: nc, js: js}, nil
}

// dialHint says what to do about a failed dial. The package's own credential failures are
// recognised by type (credentialError from the callbacks nats.go runs while connecting, a
// kv.ErrConnectionFailed from parsing a creds file), nats.go's by its sentinels.
func dialHint(err error, cfg Config) string {
	var cred *credentialError
	switch {
	case errors.Is(err, nats.ErrAuthorization), errors.Is(err, nats.ErrAuthExpired),
		errors.Is(err, nats.ErrAuthRevoked), errors.Is(err, nats.ErrAccountAuthExpired):
		return hintAuthRejected
	case errors.As(err, &cred), errors.Is(err, kv.ErrConnectionFailed):
		return hintCredentials
	case errors.Is(err, nats.ErrNoServers):
		return fmt.Sprintf("no server answered at %s; check the URL and that the server is running", RedactURL(cfg.URL))
	case errors.Is(err, nats.ErrSecureConnRequired), errors.Is(err, nats.ErrSecureConnWanted):
		return hintTLSMismatch
	case cfg.TLS != nil:
		return hintTLSCheck
	default:
		return fmt.Sprintf("check that a NATS server is reachable at %s", RedactURL(cfg.URL))
	}
}
