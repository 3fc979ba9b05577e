package natsstore

// ackInfo is what a JetStream ACK reply subject says about one delivered message.
type ackInfo struct {
	streamSeq   uint64 // the message's stream sequence: the KV revision
	consumerSeq uint64 // the consumer's delivery sequence (dense: 1, 2, 3, … per consumer)
	stamp       int64  // when the stream stored the message, Unix ns (server clock); 0 = unknown
}

// parseAckSubject reads the stream and consumer sequences from the reply subject of a message
// delivered by a JetStream consumer (NATS.md, "Versions from the ACK subject"):
//
//	9 tokens (legacy):  $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
//	10+ tokens (modern): $JS.ACK.<domain>.<acct>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>[.<rand>]
//
// It parses from the front and never takes the last token (num_pending, usually 0, which would
// make every version 0). Anything else — fewer than 9 tokens, another prefix, a sequence that is
// not a decimal uint64 — gives ok=false, and the caller uses the unknown version (never 0, a
// real position). Unlike nats.go's Msg.Metadata it accepts the 10-token form, and it does not
// allocate, on a path that runs once per scanned or watched message.
//
// The timestamp token is read where its position is certain (9 tokens, or 11 and more); a
// 10-token subject, or a timestamp that is not a positive decimal int64, leaves the stamp
// unknown (0) without failing the rest.
func parseAckSubject(subject string) (ackInfo, bool) {
	// Token boundaries of the first 10 tokens, plus a count of the rest.
	var starts [10]int
	var ends [10]int
	n := 0
	start := 0
	for i := 0; i <= len(subject); i++ {
		if i < len(subject) && subject[i] != '.' {
			continue
		}
		if n < len(starts) {
			starts[n], ends[n] = start, i
		}
		n++
		start = i + 1
	}
	if n < 9 {
		return ackInfo{}, false
	}
	tok := func(k int) string { return subject[starts[k]:ends[k]] }
	if tok(0) != "$JS" || tok(1) != "ACK" {
		return ackInfo{}, false
	}
	sIdx, cIdx, tIdx := 5, 6, 7
	if n >= 10 {
		sIdx, cIdx, tIdx = 7, 8, 9
	}
	sseq, ok1 := parseUint(tok(sIdx))
	cseq, ok2 := parseUint(tok(cIdx))
	if !ok1 || !ok2 {
		return ackInfo{}, false
	}
	info := ackInfo{streamSeq: sseq, consumerSeq: cseq}
	if n != 10 {
		if ts, ok := parseUint(tok(tIdx)); ok && ts > 0 && ts <= 1<<63-1 {
			info.stamp = int64(ts)
		}
	}
	return info, true
}

// parseUint parses a non-empty decimal uint64 (leading zeros allowed) with no sign and no
// overflow.
func parseUint(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}
