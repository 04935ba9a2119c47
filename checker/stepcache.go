package checker

import "github.com/tcpcheck/tcpcheck/spec"

// stepCache memoises spec.Table.Step for one machine. Step is pure, and a
// search meets only a few thousand distinct (TCB, input) pairs while
// calling it hundreds of millions of times; a direct-mapped table of
// recent results small enough for the L2 cache answers most calls.
type stepCache struct {
	keys    [stepCacheSize]uint64
	results [stepCacheSize]spec.Result
}

const stepCacheSize = 1 << 12

// stepKey packs a TCB and an input into 64 bits, or reports that they do
// not fit (then the call is not cached). Bit 63 marks a used entry.
func stepKey(t *spec.TCB, in *spec.Input) (uint64, bool) {
	if t.SndUna > 3 || t.SndNxt > 3 || t.RcvNxt > 3 || t.Retries > 3 || t.Epoch > 3 || t.IRSEpoch > 3 || in.Kind > 15 {
		return 0, false
	}
	k := uint64(t.State) | b2u(t.Passive)<<4 | uint64(t.Epoch)<<5 | uint64(t.SndUna)<<7 | uint64(t.SndNxt)<<9 |
		b2u(t.DataSent)<<11 | b2u(t.DataQueued)<<12 | b2u(t.ClosePending)<<13 | uint64(t.IRSEpoch)<<14 |
		uint64(t.RcvNxt)<<16 | uint64(t.Retries)<<18 | uint64(in.Kind)<<20
	if in.Kind == spec.Arrive {
		if !encodable(in.Seg) {
			return 0, false
		}
		k |= encodeSeg(in.Seg) << 24
	}
	return k | 1<<63, true
}

// step returns table.Step(t, in), from the cache when it can.
func (mc *machine) step(t spec.TCB, in spec.Input) spec.Result {
	k, ok := stepKey(&t, &in)
	if !ok {
		return mc.table.Step(t, in)
	}
	c := mc.cache
	slot := (k ^ k>>12 ^ k>>24) & (stepCacheSize - 1)
	if c.keys[slot] == k {
		return c.results[slot]
	}
	r := mc.table.Step(t, in)
	c.keys[slot], c.results[slot] = k, r
	return r
}
