package natsstore

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseAckSubject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		subj       string
		sseq, cseq uint64
		ok         bool
		stamp      int64
	}{
		// 9 tokens, legacy: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
		{"$JS.ACK.KV_certs.cons.1.42.7.1700000000000000000.0", 42, 7, true, 1700000000000000000},
		// 11 tokens, modern with domain and account hash.
		{"$JS.ACK.hub.AABBCC.KV_certs.cons.1.42.7.1700000000000000000.0", 42, 7, true, 1700000000000000000},
		// 12 tokens: a trailing random token.
		{"$JS.ACK._.AABBCC.KV_b.cons.1.99.3.1700000000000000000.0.xyz", 99, 3, true, 1700000000000000000},
		// 10 tokens are read as modern (servers with a domain send them; nats.go refuses them).
		{"$JS.ACK.d.acct.KV_b.cons.2.55.4.17", 55, 4, true, 0},
		// Never the final token (num_pending): here it is 5, the sequence is 8.
		{"$JS.ACK.KV_b.c.1.8.1.17.5", 8, 1, true, 17},
		{"", 0, 0, false, 0},
		{"not.an.ack.subject", 0, 0, false, 0},
		{"$JS.ACK.too.few.tokens", 0, 0, false, 0},
		{"$JS.ACK.s.c.1.notnum.7.0.0", 0, 0, false, 0},
		{"$JS.NAK.s.c.1.5.7.0.0", 0, 0, false, 0},
		{"$JS.ACK.s.c.1.-5.7.0.0", 0, 0, false, 0},
		{"$JS.ACK.s.c.1.18446744073709551616.7.0.0", 0, 0, false, 0}, // overflows uint64
		{"$JS.ACK.s.c.1.18446744073709551615.7.0.0", 18446744073709551615, 7, true, 0},
		{"$JS.ACK.s.c.1..7.0.0", 0, 0, false, 0},
		{"$JS.ACK.s.c.1.000000000000000000000042.07.0.0", 42, 7, true, 0}, // leading zeros, longer than 20 digits
		// A timestamp beyond int64, or not a number, leaves the stamp unknown and the rest parsed.
		{"$JS.ACK.s.c.1.5.7.9223372036854775808.0", 5, 7, true, 0},
		{"$JS.ACK.s.c.1.5.7.x.0", 5, 7, true, 0},
	}
	for _, c := range cases {
		got, ok := parseAckSubject(c.subj)
		if ok != c.ok || got.streamSeq != c.sseq || got.consumerSeq != c.cseq {
			t.Errorf("parseAckSubject(%q) = %+v, %v; want sseq %d cseq %d, %v", c.subj, got, ok, c.sseq, c.cseq, c.ok)
		}
		if ok && got.stamp != c.stamp {
			t.Errorf("parseAckSubject(%q) stamp %d, want %d", c.subj, got.stamp, c.stamp)
		}
		if ok && got.streamSeq == 0 && c.sseq != 0 {
			t.Errorf("%q: parsed 0, the final token", c.subj)
		}
	}
}

// plainAck is an obviously-correct (allocating) statement of the ACK-subject rule, for the
// differential fuzz target.
func plainAck(subj string) (ackInfo, bool) {
	toks := strings.Split(subj, ".")
	if len(toks) < 9 || toks[0] != "$JS" || toks[1] != "ACK" {
		return ackInfo{}, false
	}
	si, ci := 5, 6
	if len(toks) >= 10 {
		si, ci = 7, 8
	}
	valid := func(s string) bool {
		if s == "" {
			return false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if !valid(toks[si]) || !valid(toks[ci]) {
		return ackInfo{}, false
	}
	s, err1 := strconv.ParseUint(toks[si], 10, 64)
	c, err2 := strconv.ParseUint(toks[ci], 10, 64)
	if err1 != nil || err2 != nil {
		return ackInfo{}, false
	}
	info := ackInfo{streamSeq: s, consumerSeq: c}
	ti := map[bool]int{true: 9, false: 7}[len(toks) >= 11]
	if len(toks) != 10 && valid(toks[ti]) {
		if ts, err := strconv.ParseInt(toks[ti], 10, 64); err == nil && ts > 0 {
			info.stamp = ts
		}
	}
	return info, true
}

func FuzzParseAckSubject(f *testing.F) {
	for _, s := range []string{
		"$JS.ACK.KV_certs.cons.1.42.7.1700000000000000000.0",
		"$JS.ACK.hub.AABBCC.KV_certs.cons.1.42.7.1700000000000000000.0",
		"$JS.ACK._.AABBCC.KV_b.cons.1.99.3.17.0.xyz",
		"$JS.ACK.d.acct.KV_b.cons.2.55.4.17",
		"", "not.an.ack.subject", "$JS.ACK.s.c.1.notnum.7.0.0", "$JS.ACK.s.c.1.99999999999999999999.7.0.0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, subj string) {
		got, ok := parseAckSubject(subj)
		want, wantOK := plainAck(subj)
		if ok != wantOK || got != want {
			t.Fatalf("parseAckSubject(%q) = %+v %v, plain rule %+v %v", subj, got, ok, want, wantOK)
		}
	})
}
