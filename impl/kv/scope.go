package kv

import (
	"fmt"
	"strings"
)

type scopeKind uint8

const (
	scopeAll scopeKind = iota
	scopePrefix
	scopePrefixes
)

// Scope says which keys a watch or a fold covers: every key (All), one subtree (Prefix), or the
// union of several subtrees (Prefixes). The zero Scope is All.
//
// A prefix names a subtree at a key-token boundary: "node" and "node." both select every key
// below "node." (NATS subject "node.>"), never "nodes.x". A prefix holding a wildcard (* or >),
// whitespace, or an empty token is rejected by Validate.
type Scope struct {
	kind     scopeKind
	prefixes []string
}

// All selects every key.
func All() Scope { return Scope{} }

// Prefix selects the subtree below p. An empty p selects every key.
func Prefix(p string) Scope { return Scope{kind: scopePrefix, prefixes: []string{p}} }

// Prefixes selects the union of the subtrees below ps. An empty list selects nothing: a watch
// over it returns at once (it never widens to the whole bucket).
func Prefixes(ps ...string) Scope {
	return Scope{kind: scopePrefixes, prefixes: append([]string(nil), ps...)}
}

// IsAll reports whether the scope selects every key with no filter.
func (s Scope) IsAll() bool { return s.kind == scopeAll }

// IsMulti reports whether the scope was built with Prefixes.
func (s Scope) IsMulti() bool { return s.kind == scopePrefixes }

// Prefixes returns the scope's prefixes in normalised form (see NormalizePrefix): All gives
// [""], Prefix(p) gives [p], Prefixes(ps) gives ps. Call Validate first; invalid prefixes are
// returned as given.
func (s Scope) Prefixes() []string {
	if s.kind == scopeAll {
		return []string{""}
	}
	out := make([]string, len(s.prefixes))
	for i, p := range s.prefixes {
		if n, err := NormalizePrefix(p); err == nil {
			out[i] = n
		} else {
			out[i] = p
		}
	}
	return out
}

// Validate checks every prefix of the scope and rejects duplicate or overlapping prefixes in a
// Prefixes scope (one would be delivered twice).
func (s Scope) Validate() error {
	norm := make([]string, 0, len(s.prefixes))
	for _, p := range s.prefixes {
		n, err := NormalizePrefix(p)
		if err != nil {
			return err
		}
		norm = append(norm, n)
	}
	if s.kind == scopePrefixes {
		for i := range norm {
			for j := range norm {
				if i != j && strings.HasPrefix(norm[j], norm[i]) {
					return &Error{Op: "scope", Key: s.prefixes[j], Kind: ErrInvalidScope,
						Hint: fmt.Sprintf("it overlaps prefix %q; list each subtree once", s.prefixes[i])}
				}
			}
		}
	}
	return nil
}

// String formats the scope for logs.
func (s Scope) String() string {
	switch s.kind {
	case scopeAll:
		return "all"
	case scopePrefix:
		return fmt.Sprintf("prefix(%q)", s.prefixes[0])
	}
	return fmt.Sprintf("prefixes(%q)", s.prefixes)
}

// NormalizePrefix returns the canonical form of a subtree prefix: "" (every key) or a dotted
// path ending in "." ("node" and "node." both give "node."). It rejects wildcards (* and >),
// whitespace, control characters and empty tokens ("a..b", ".a").
func NormalizePrefix(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	body := strings.TrimSuffix(p, ".")
	bad := func(why string) (string, error) {
		return "", &Error{Op: "scope", Key: p, Kind: ErrInvalidScope, Hint: why}
	}
	if body == "" {
		return bad("a prefix needs at least one token before the dot")
	}
	for _, tok := range strings.Split(body, ".") {
		if tok == "" {
			return bad("empty token: a prefix is dot-separated key tokens like \"node.\"")
		}
		if tok == "*" || tok == ">" || strings.ContainsAny(tok, "*>") {
			return bad("wildcards are not allowed in a prefix; name the subtree literally")
		}
	}
	for _, r := range body {
		if r <= ' ' || r == 0x7f {
			return bad("whitespace and control characters are not allowed in a prefix")
		}
	}
	return body + ".", nil
}
