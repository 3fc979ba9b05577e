package natsstore

import (
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/slipstream-go/slipstream/impl/kv"
)

// Raw-message decoding: puts, DEL and PURGE markers, server markers, subjects outside the
// bucket; an unparseable revision is the unknown version, never 0 (a real position).
func TestDecodeMsg(t *testing.T) {
	t.Parallel()
	s := &Store{subjectPrefix: "$KV.b."}
	const ack = "$JS.ACK.KV_b.c.1.42.3.17.0"
	u, a, ackOK, ok := s.decodeMsg("$KV.b.node.a", ack, nil, []byte("v"))
	if !ok || !ackOK || u.Op != kv.OpPut || u.Key != "node.a" || string(u.Value) != "v" ||
		u.Version != kv.VersionFromUint64(42) || a.consumerSeq != 3 {
		t.Fatalf("put: %+v %+v %v %v", u, a, ackOK, ok)
	}
	for hdr, op := range map[string]kv.Op{"DEL": kv.OpDelete, "PURGE": kv.OpPurge} {
		h := nats.Header{}
		h.Set(hdrOperation, hdr)
		u, _, _, ok := s.decodeMsg("$KV.b.k", ack, h, nil)
		if !ok || u.Op != op || u.Value != nil {
			t.Fatalf("%s: %+v", hdr, u)
		}
	}
	for reason, op := range map[string]kv.Op{"MaxAge": kv.OpPurge, "Purge": kv.OpPurge, "Remove": kv.OpDelete} {
		h := nats.Header{}
		h.Set(jetstream.MarkerReasonHeader, reason)
		if u, _, _, _ := s.decodeMsg("$KV.b.k", ack, h, nil); u.Op != op {
			t.Fatalf("marker %s: %v", reason, u.Op)
		}
	}
	if _, _, _, ok := s.decodeMsg("$KV.other.k", ack, nil, nil); ok {
		t.Fatal("a subject outside the bucket must be skipped")
	}
	if _, _, _, ok := s.decodeMsg("$KV.b.", ack, nil, nil); ok {
		t.Fatal("the bare prefix is not a key")
	}
	u, _, ackOK, ok = s.decodeMsg("$KV.b.k", "", nil, []byte("v"))
	if !ok || ackOK || !u.Version.IsUnknown() {
		t.Fatalf("no reply subject must give the unknown version, got %v", u.Version)
	}
	u, _, _, _ = s.decodeMsg("$KV.b.k", "$JS.ACK.KV_b.c.1.x.3.17.0", nil, []byte("v"))
	if !u.Version.IsUnknown() {
		t.Fatalf("an unparseable reply must give the unknown version, got %v", u.Version)
	}
}

func FuzzDecodeMsg(f *testing.F) {
	f.Add("$KV.b.node.a", "$JS.ACK.KV_b.c.1.42.3.17.0", "", []byte("v"))
	f.Add("$KV.b.k", "", "DEL", []byte(nil))
	f.Add("$KV.bb.k", "$JS.ACK.hub.A.KV_b.c.1.9.1.17.0.r", "PURGE", []byte("x"))
	s := &Store{subjectPrefix: "$KV.b."}
	f.Fuzz(func(t *testing.T, subject, reply, op string, data []byte) {
		h := nats.Header{}
		if op != "" {
			h.Set(hdrOperation, op)
		}
		u, a, ackOK, ok := s.decodeMsg(subject, reply, h, data)
		if !ok {
			return
		}
		if "$KV.b."+u.Key != subject || u.Key == "" {
			t.Fatalf("key %q from subject %q", u.Key, subject)
		}
		if want, wantOK := parseAckSubject(reply); wantOK != ackOK || want != a {
			t.Fatal("decodeMsg must use the ACK parser")
		}
		if ackOK != !u.Version.IsUnknown() {
			t.Fatalf("version %v with ackOK %v", u.Version, ackOK)
		}
		if (u.Op == kv.OpPut) != (op != opDel && op != opPurge) {
			t.Fatalf("op %v for header %q", u.Op, op)
		}
		if u.Op != kv.OpPut && u.Value != nil {
			t.Fatal("a marker carries no value")
		}
	})
}
