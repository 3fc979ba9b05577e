package natsstore

import (
	"encoding/base64"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// auth is what Config's credentials resolve to: the URL to dial (userinfo removed from every
// entry), the nats options that authenticate, the name of the method used (for logs), and the
// secrets that must never appear in an error or a log line.
type auth struct {
	dialURL string
	opts    []nats.Option
	method  string
	ignored string // a lower-priority credential that was set but not used, for a warning
	secrets secrets
}

// secrets is a list of strings scrubbed from any text that leaves the package.
type secrets []string

func (s *secrets) add(v ...string) {
	for _, x := range v {
		if x != "" {
			*s = append(*s, x)
		}
	}
}

// scrub replaces every secret in text with "[redacted]", longest first so that a secret that
// contains another is replaced whole.
func (s secrets) scrub(text string) string {
	sorted := slices.Clone(s)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	for _, x := range sorted {
		text = strings.ReplaceAll(text, x, redacted)
	}
	return text
}

// scrubErr returns err unchanged if its text holds no secret, and otherwise a plain error with
// the scrubbed text (the unscrubbed error is dropped so that nothing can print it later).
func (s secrets) scrubErr(err error) error {
	if err == nil {
		return nil
	}
	t := err.Error()
	if st := s.scrub(t); st != t {
		return errors.New(st)
	}
	return err
}

// connectError is the error every credential problem returns: kv.ErrConnectionFailed with a
// cause that names the Config field, never its content.
func connectError(msg, hint string) error {
	return kv.NewError("connect", "", kv.ErrConnectionFailed, errors.New(msg)).WithHint(hint)
}

// auth resolves the credentials in priority order: Creds, CredsFile, NKeySeedFile, URL
// userinfo, none. Every file is read once here, so an unreadable or malformed one fails
// Connect before any dial, with a message that names the field but not its value.
func (c Config) auth() (*auth, error) {
	a := &auth{method: "none"}
	dialURL, user, pass, hasPass, err := splitUserinfo(c.URL)
	if err != nil {
		return nil, err
	}
	a.dialURL = dialURL
	a.secrets.add(pass, c.Creds, c.CredsFile, c.NKeySeedFile)
	if !hasPass {
		a.secrets.add(user) // a lone user is a token
	}
	urlCreds := user != "" || hasPass

	switch {
	case c.Creds != "":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(c.Creds))
		if err != nil {
			return nil, connectError("Config.Creds is not valid standard base64",
				"set Creds to base64 of the whole .creds file, e.g. `base64 -w0 user.creds`")
		}
		a.secrets.add(string(raw))
		jwt, seed, err := parseCreds(raw, "Config.Creds")
		if err != nil {
			return nil, err
		}
		a.secrets.add(jwt, string(seed))
		a.opts = append(a.opts, nats.UserJWTAndSeed(jwt, string(seed)))
		a.method = "creds"
		if c.CredsFile != "" || c.NKeySeedFile != "" || urlCreds {
			a.ignored = "CredsFile, NKeySeedFile and URL userinfo (Creds takes priority)"
		}
	case c.CredsFile != "":
		raw, err := readSecretFile(c.CredsFile, "Config.CredsFile")
		if err != nil {
			return nil, err
		}
		a.secrets.add(string(raw))
		jwt, seed, err := parseCreds(raw, "Config.CredsFile")
		if err != nil {
			return nil, err
		}
		a.secrets.add(jwt, string(seed))
		a.opts = append(a.opts, credsFileOption(c.CredsFile))
		a.method = "creds file"
		if c.NKeySeedFile != "" || urlCreds {
			a.ignored = "NKeySeedFile and URL userinfo (CredsFile takes priority)"
		}
	case c.NKeySeedFile != "":
		raw, err := readSecretFile(c.NKeySeedFile, "Config.NKeySeedFile")
		if err != nil {
			return nil, err
		}
		a.secrets.add(string(raw))
		kp, err := nkeys.ParseDecoratedUserNKey(raw)
		if err != nil {
			return nil, connectError("Config.NKeySeedFile holds no NKey user seed",
				"the file must contain a user seed (starting with SU), as written by `nk -gen user`")
		}
		pub, err := kp.PublicKey()
		kp.Wipe()
		if err != nil {
			return nil, connectError("Config.NKeySeedFile holds an unusable NKey seed", "generate a new user seed")
		}
		a.opts = append(a.opts, nats.Nkey(pub, seedFileSigner(c.NKeySeedFile)))
		a.method = "nkey seed file"
		if urlCreds {
			a.ignored = "URL userinfo (NKeySeedFile takes priority)"
		}
	case user != "" && hasPass:
		a.opts = append(a.opts, nats.UserInfo(user, pass))
		a.method = "url user/password"
	case user != "":
		a.opts = append(a.opts, nats.Token(user))
		a.method = "url token"
	case hasPass:
		a.ignored = "URL userinfo with an empty user name"
	}
	return a, nil
}

// splitUserinfo parses each comma-separated URL ("nats://" assumed without a scheme), removes
// its userinfo, and returns the cleaned list with the first userinfo found. An entry that does
// not parse fails without showing its text (it may hold a password).
func splitUserinfo(list string) (dial, user, pass string, hasPass bool, err error) {
	if strings.TrimSpace(list) == "" {
		return nats.DefaultURL, "", "", false, nil
	}
	parts := strings.Split(list, ",")
	out := parts[:0]
	found := false
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "://") {
			p = "nats://" + p
		}
		u, perr := url.Parse(p)
		if perr != nil || u.Host == "" {
			return "", "", "", false, connectError(
				"Config.URL entry "+strconv.Itoa(i+1)+" ("+RedactURL(p)+") is not a valid server URL",
				"use nats://host:port (percent-encode special characters in a user or password)")
		}
		if u.User != nil {
			if !found {
				found = true
				user = u.User.Username()
				pass, hasPass = u.User.Password()
			}
			u.User = nil
		}
		out = append(out, u.String())
	}
	if len(out) == 0 {
		return nats.DefaultURL, user, pass, hasPass, nil
	}
	return strings.Join(out, ","), user, pass, hasPass, nil
}

// parseCreds extracts the user JWT and the user NKey seed from .creds content.
func parseCreds(raw []byte, field string) (jwt string, seed []byte, err error) {
	hint := "the content must be a .creds file as written by `nsc` (a user JWT and a user seed)"
	if !utf8.Valid(raw) {
		return "", nil, connectError(field+" is not UTF-8 text", hint)
	}
	if !strings.Contains(string(raw), "-----BEGIN NATS USER JWT-----") {
		return "", nil, connectError(field+" holds no user JWT", hint)
	}
	jwt, err = nkeys.ParseDecoratedJWT(raw)
	if err != nil || jwt == "" || strings.Count(jwt, ".") != 2 {
		return "", nil, connectError(field+" holds no valid user JWT", hint)
	}
	kp, err := nkeys.ParseDecoratedUserNKey(raw)
	if err != nil {
		return "", nil, connectError(field+" holds no NKey user seed", hint)
	}
	defer kp.Wipe()
	s, err := kp.Seed()
	if err != nil {
		return "", nil, connectError(field+" holds an unusable NKey seed", hint)
	}
	return jwt, slices.Clone(s), nil // Wipe zeroes the key pair's own copy
}
