package checker

import "github.com/tcpcheck/tcpcheck/spec"

// stepCache memoises spec.Table.Step for describe, which rebuilds the
// Transition of every step a trace, an enabled-transition report or a
// step invariant looks at; a direct-mapped table of recent results small
// enough for the L2 cache answers most calls.
type stepCache struct {
	keys    [stepCacheSize]uint64
	results [stepCacheSize]spec.Result
}

const stepCacheSize = 1 << 12

// memoKey packs a step's input into 64 bits: the TCB's fields (packTCB,
// below epOpened), the event kind and, for an arrival, the segment's code.
// Bit 63 marks a used entry.
func memoKey(tcb uint32, k spec.EventKind, seg uint64) uint64 {
	return uint64(tcb) | uint64(k)<<epOpened | seg<<(epOpened+4) | 1<<63
}

// stepKey is memoKey of a TCB and an input, or reports that they do not
// fit it (then the call is not cached).
func stepKey(t *spec.TCB, in *spec.Input) (uint64, bool) {
	if t.SndUna > 3 || t.SndNxt > 3 || t.RcvNxt > 3 || t.Retries > 3 || !epochFits(t.Epoch) || !epochFits(t.IRSEpoch) || in.Kind > 15 {
		return 0, false
	}
	var seg uint64
	if in.Kind == spec.Arrive {
		if !encodable(in.Seg) || !epochsFit(in.Seg) {
			return 0, false
		}
		seg = encodeSeg(in.Seg)
	}
	return memoKey(packTCB(t), in.Kind, seg), true
}

// step returns table.Step(t, in), from the cache when it can.
func (mc *machine) step(t spec.TCB, in spec.Input) spec.Result {
	k, ok := stepKey(&t, &in)
	if !ok || t.SameISN != mc.codec.reuseISN {
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

// effect is what a step does to a packed endpoint: Step's result in the
// form successor generation applies. Whether it can be taken depends on
// the world around it (the channel's room, the loss budget), which apply
// decides.
type effect struct {
	key uint64
	// next is the TCB's fields after the step (packTCB).
	next uint32
	row  int16
	nout uint8
	out  [spec.MaxOut]uint16
	// ends is set when the step moves the TCB to CLOSED from another
	// state; ending is then how the connection ended.
	ends   bool
	ending Ending
	// newTCB is set when the row replaces the connection by a new one
	// (spec.OpNewTCB): a new incarnation that the table, not the user,
	// started.
	newTCB bool
	// refused: Step returned an error; noticeError: the user is told of
	// an error (a refused call); same: the TCB is unchanged.
	refused, noticeError, same bool
	// badOut, badNext and badRetries mark results the encoding cannot
	// hold: a segment outside the sequence space, SND.NXT or RCV.NXT
	// beyond it, or more retries than counted.
	badOut, badNext, badRetries bool
	// badEpoch marks a step whose TCB or segments need an ISN epoch past
	// the encoding's last (MaxEpochs): the search cuts it and is
	// inconclusive.
	badEpoch bool
}

// effectCache is a direct-mapped memo of effects. A search meets a few
// thousand distinct (endpoint, input) pairs; the memo is small enough to
// stay in the L2 cache.
type effectCache struct {
	entries [stepCacheSize]effect
}

// effect returns the effect on the packed endpoint ep of a call or
// timeout of kind k, or, when k is spec.Arrive, of the arrival of the
// segment with code seg.
func (mc *machine) effect(ep uint32, k spec.EventKind, seg uint16) *effect {
	key := memoKey(ep&tcbMask, k, uint64(seg))
	e := &mc.effects.entries[(key^key>>11^key>>23)&(stepCacheSize-1)]
	if e.key == key {
		return e
	}
	tcb := mc.codec.tcbOf(ep)
	in := spec.Call(k)
	if k == spec.Arrive {
		in = spec.Arrival(decodeSeg(uint64(seg)))
	}
	res := mc.table.Step(tcb, in)
	*e = effect{key: key, next: packTCB(&res.Next), row: int16(res.Row), nout: uint8(res.NOut),
		refused: res.Err != nil, noticeError: res.Notice.IsError(), same: res.Next == tcb,
		badNext:    res.Next.SndNxt > 3 || res.Next.RcvNxt > 3,
		badRetries: res.Next.Retries > MaxRetries,
		badEpoch:   !epochFits(res.Next.Epoch)}
	e.newTCB = res.Row >= 0 && mc.table.Row(res.Row).Do&spec.OpNewTCB != 0
	for i, seg := range res.Sent() {
		e.out[i] = uint16(encodeSeg(seg))
		e.badOut = e.badOut || !encodable(seg)
		e.badEpoch = e.badEpoch || !epochsFit(seg)
	}
	if res.Next.State == spec.Closed && tcb.State != spec.Closed {
		e.ends = true
		switch res.Notice {
		case spec.NoticeReset:
			e.ending = EndReset
		case spec.NoticeRefused:
			e.ending = EndRefused
		case spec.NoticeUserTimeout:
			e.ending = EndUserTimeout
		case spec.NoticeClosed:
			e.ending = EndClosed
		default:
			e.ending = EndOther
		}
	}
	return e
}
