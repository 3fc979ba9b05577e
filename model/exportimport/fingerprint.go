package exportimport

import "math/bits"

// pack encodes s into two words, injectively for every state with N ≤ MaxN and maxRev ≤
// MaxRevLimit (each field gets the bits its domain needs: 63 + 44 bits).
func pack(s *State) (w1, w2 uint64) {
	art := func(a Artifact) uint64 {
		k := uint64(0)
		if a.HasKey {
			k = 1
		}
		return uint64(a.Node) | uint64(a.Cursor)<<2 | k<<5 // 6 bits
	}
	w1 = uint64(s.Head) | uint64(s.DeleteRev)<<3 | uint64(s.Floor)<<6
	for i := 0; i < MaxN; i++ {
		w1 |= uint64(s.Applied[i]) << (9 + 3*i)
		e := s.Exporters[i]
		w1 |= (uint64(e.Kind) | art(e.A)<<2 | uint64(e.C)<<8) << (18 + 11*i)
	}
	w1 |= art(s.Payload)<<51 | art(s.Manifest)<<57
	w2 = uint64(s.Uploaded)
	if s.Regressed {
		w2 |= 1 << 32
	}
	if s.Refused {
		w2 |= 1 << 33
	}
	st := uint64(0)
	if s.Importer.St == StaleKey {
		st = 1
	}
	w2 |= (uint64(s.Importer.Kind) | art(s.Importer.A)<<3 | st<<9) << 34
	return w1, w2
}

// Fingerprint implements check.Fingerprinter. When the configuration's state space fits in 64
// bits (every configuration registered in this project: N=2 with maxRev ≤ 5, N=3 with maxRev
// ≤ 3), it is an exact mixed-radix number of the state — injective, so no fingerprint
// collision can merge two states. Otherwise it is a 64-bit hash of the injective two-word
// packing.
func (m *Model) Fingerprint(s State) uint64 {
	if m.exact {
		return m.code(&s)
	}
	w1, w2 := pack(&s)
	h := w1 * 0x9e3779b97f4a7c15
	h ^= h >> 29
	h += w2 * 0xc2b2ae3d27d4eb4f
	h ^= h >> 32
	return h
}

// FingerprintInjective reports whether Fingerprint is the exact (injective) encoding.
func (m *Model) FingerprintInjective() bool { return m.exact }

// radices returns the digit bases of the exact encoding, in the order code uses them.
func (m *Model) radices() []uint64 {
	N, R := m.cfg.N, uint64(m.cfg.MaxRev)
	art := 1 + 2*uint64(N)*R            // none, or (node, cursor, hasKey)
	exp := 1 + 4*R + (R + 1)            // Idle, Exported(cursor, hasKey), PayloadUp(…), Done(0..maxRev)
	rs := []uint64{R + 1, R + 1, R + 1} // head, deleteRev, floor
	for n := 0; n < N; n++ {
		rs = append(rs, R+1, exp)
	}
	rs = append(rs, art, art, 1<<(2*uint64(N)*R), 4, 6, art, 2)
	return rs
}

// fits reports whether the product of rs is below 2⁶⁴, so that every code is below MaxUint64
// (the bound check.Fingerprinter needs for injectivity).
func fits(rs []uint64) bool {
	p := uint64(1)
	for _, r := range rs {
		hi, lo := bits.Mul64(p, r)
		if hi != 0 {
			return false
		}
		p = lo
	}
	return true
}

func (m *Model) artCode(a Artifact) uint64 {
	if a.IsNone() {
		return 0
	}
	k := uint64(0)
	if a.HasKey {
		k = 1
	}
	return 1 + (uint64(a.Node)*uint64(m.cfg.MaxRev)+uint64(a.Cursor-1))*2 + k
}

// code is the mixed-radix number of s. An exporter's artifact is always its own (node n),
// so the node is not a digit of the exporter's position.
func (m *Model) code(s *State) uint64 {
	N, R := m.cfg.N, uint64(m.cfg.MaxRev)
	art := 1 + 2*uint64(N)*R
	exp := 1 + 4*R + (R + 1)
	v := uint64(s.Head)
	v = v*(R+1) + uint64(s.DeleteRev)
	v = v*(R+1) + uint64(s.Floor)
	for n := 0; n < N; n++ {
		v = v*(R+1) + uint64(s.Applied[n])
		e := s.Exporters[n]
		var d uint64
		switch e.Kind {
		case Exported, PayloadUp:
			d = 1 + uint64(e.A.Cursor-1)*2
			if e.A.HasKey {
				d++
			}
			if e.Kind == PayloadUp {
				d += 2 * R
			}
		case Done:
			d = 1 + 4*R + uint64(e.C)
		}
		v = v*exp + d
	}
	v = v*art + m.artCode(s.Payload)
	v = v*art + m.artCode(s.Manifest)
	w := 2 * uint(R)
	for n := 0; n < N; n++ {
		v = v<<w | uint64(s.Uploaded>>(uint(n)*2*MaxRevLimit))&(1<<w-1)
	}
	flags := uint64(0)
	if s.Regressed {
		flags |= 2
	}
	if s.Refused {
		flags |= 1
	}
	v = v*4 + flags
	v = v*6 + uint64(s.Importer.Kind)
	v = v*art + m.artCode(s.Importer.A)
	v = v*2 + uint64(s.Importer.St)
	return v
}
