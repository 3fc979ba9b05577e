package linearizability

import (
	"fmt"
	"math/rand/v2"
)

// synthConfig shapes a synthetic history: clients issue operations on a few keys against one
// serial NATS-like bucket, each taking effect at a random point inside its interval.
type synthConfig struct {
	seed          uint64
	ops, clients  int
	keys          int
	unknownRate   float64 // writes whose reply is lost (half of them take effect anyway)
	inFlightRate  float64 // compare-and-swap writes refused with 10164
	staleGuesses  float64 // compare-and-swap writes sent with a made-up expected revision
	maxLatency    int64   // ns; each call lasts 1..maxLatency
	maxThinkTime  int64   // ns between a client's operations
	directGetRate float64 // share of reads that are direct gets (answered like leader gets here)
}

func defaultSynth(seed uint64) synthConfig {
	return synthConfig{seed: seed, ops: 10_000, clients: 8, keys: 5, unknownRate: 0.02, inFlightRate: 0.02,
		staleGuesses: 0.2, maxLatency: 2_000_000, maxThinkTime: 500_000}
}

type synthRecord struct {
	present bool
	value   string
	rev     uint64
}

type synthClient struct {
	id      int
	next    int64 // time of its next event
	pending *Operation
	lin     int64
	known   map[string]uint64 // last revision it saw per key
}

// synthesize returns a linearizable history; the same history serialised (each operation
// shrunk to the moment it took effect, with the outcome it really had); and every record that
// landed, as a complete Observer would have seen them.
func synthesize(cfg synthConfig) (ops, serial []Operation, landed []Write) {
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	state := make(map[string]synthRecord)
	var seq uint64
	nextID := cfg.clients
	clients := make([]*synthClient, cfg.clients)
	for i := range clients {
		clients[i] = &synthClient{id: i, next: rng.Int64N(cfg.maxThinkTime), known: map[string]uint64{}}
	}
	issued := 0
	for len(ops) < cfg.ops {
		c := clients[0]
		for _, x := range clients[1:] {
			if x.next < c.next {
				c = x
			}
		}
		if c.pending == nil { // call
			if issued == cfg.ops {
				c.next = 1<<62 + int64(c.id)
				continue
			}
			issued++
			op := synthCall(rng, cfg, c, issued)
			op.Call = c.next
			op.Return = op.Call + 1 + rng.Int64N(cfg.maxLatency)
			c.lin = op.Call + rng.Int64N(op.Return-op.Call+1)
			c.pending, c.next = &op, c.lin
			continue
		}
		op := c.pending // takes effect now
		apply, unknown := true, false
		switch {
		case op.Kind.IsWrite() && rng.Float64() < cfg.unknownRate:
			unknown, apply = true, rng.IntN(2) == 0
		case op.Kind.HasExpected() && rng.Float64() < cfg.inFlightRate:
			op.Outcome, op.Err, apply = OutcomeWriteInFlight, "10164", false
		}
		if apply {
			before := seq
			synthApply(op, state, &seq, c)
			if seq != before {
				w := Write{Key: op.Key, Revision: seq, Deleted: !op.Kind.HasValue(), Seen: c.lin + rng.Int64N(cfg.maxLatency)}
				if !w.Deleted {
					w.Value = op.Value
				}
				landed = append(landed, w)
			}
		} else if unknown {
			op.Outcome = OutcomeNotApplied
		}
		truth := *op
		truth.Call, truth.Return = c.lin, c.lin
		serial = append(serial, truth)
		if unknown { // the write landed or not, but the client never hears
			op.Outcome, op.Err, op.Revision = OutcomeUnknown, "timeout", 0
		}
		ops = append(ops, *op)
		if op.Outcome == OutcomeUnknown {
			c.id, nextID = nextID, nextID+1
		}
		c.next, c.pending = op.Return+rng.Int64N(cfg.maxThinkTime), nil
	}
	return ops, serial, landed
}

func synthCall(rng *rand.Rand, cfg synthConfig, c *synthClient, n int) Operation {
	key := fmt.Sprintf("k%d", rng.IntN(cfg.keys))
	op := Operation{Client: c.id, Key: key, Value: fmt.Sprintf("v%d", n)}
	switch r := rng.IntN(100); {
	case r < 25:
		op.Kind = KindPut
	case r < 35:
		op.Kind = KindCreate
	case r < 60:
		op.Kind = KindUpdate
	case r < 65:
		op.Kind = KindDelete
	case r < 70:
		op.Kind = KindDeleteWithVersion
	case rng.Float64() < cfg.directGetRate:
		op.Kind = KindDirectGet
	default:
		op.Kind = KindLeaderGet
	}
	if !op.Kind.HasValue() {
		op.Value = ""
	}
	if op.Kind.HasExpected() {
		op.Expected = c.known[key]
		if rng.Float64() < cfg.staleGuesses {
			op.Expected = rng.Uint64N(uint64(n) + 1)
		}
	}
	return op
}

// synthApply performs op on the serial bucket and fills in its outputs.
func synthApply(op *Operation, state map[string]synthRecord, seq *uint64, c *synthClient) {
	s := state[op.Key]
	write := func(present bool, v string) {
		*seq++
		s = synthRecord{present: present, value: v, rev: *seq}
		state[op.Key] = s
		if op.Outcome == "" {
			op.Outcome = OutcomeOK
			if present {
				op.Revision = *seq
			}
			c.known[op.Key] = *seq
		}
	}
	switch {
	case op.Kind == KindPut:
		write(true, op.Value)
	case op.Kind == KindDelete:
		write(false, "")
	case op.Kind == KindCreate && s.present:
		op.Outcome = OutcomeAlreadyExists
	case op.Kind == KindCreate:
		write(true, op.Value)
	case op.Kind.HasExpected() && s.rev != op.Expected:
		op.Outcome = OutcomeRevisionMismatch
	case op.Kind == KindUpdate:
		write(true, op.Value)
	case op.Kind == KindDeleteWithVersion:
		write(false, "")
	case op.Kind.IsRead():
		op.Outcome = OutcomeOK
		if s.present {
			op.Found, op.Read, op.Revision = true, s.value, s.rev
			c.known[op.Key] = s.rev
		}
	}
}
