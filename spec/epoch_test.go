package spec_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// The abstraction's claim (package documentation, "The sequence-number
// abstraction"): with epochs ordered as the ISN clock orders them, every
// comparison of RFC 9293 section 3.10.7 on abstract numbers has the
// outcome it has on concrete 32-bit numbers. These tests check the claim
// against an independent concrete classifier, on ISNs drawn at random.

// concreteWindow is RCV.WND, and the peer's MAX.SND.WND, in octets: the
// abstraction's window.
const concreteWindow = 4

// numEpochs is how many epochs of each side a draw uses.
const numEpochs = 4

// before is SEQ arithmetic's a < b (RFC 9293 section 3.4: modulo 2^32).
func before(a, b uint32) bool { return int32(a-b) < 0 }

// concrete is one draw: concrete ISNs for our epochs and the peer's.
type concrete struct {
	us, peer [numEpochs]uint32
}

// drawISNs draws ISNs that respect the order the abstraction assumes: each
// epoch's ISN lies above every number the previous one used (its ISN plus
// at most three octets) and above its receive window, and a side's epochs
// together span less than 2^31, so SEQ arithmetic compares them as the
// clock ordered them (RFC 9293 section 3.4.1). A quarter of the draws
// start just below 2^32, so the numbers wrap.
func drawISNs(r *rand.Rand) [numEpochs]uint32 {
	var isn [numEpochs]uint32
	if r.IntN(4) == 0 {
		isn[0] = -uint32(1 + r.IntN(64))
	} else {
		isn[0] = r.Uint32()
	}
	for e := 1; e < numEpochs; e++ {
		// The smallest gap: 3 octets used plus the window, so an earlier
		// epoch's numbers lie below a later one's window.
		gap := uint32(3+concreteWindow+1) + uint32(r.IntN(1<<28))
		if r.IntN(3) == 0 {
			gap = uint32(3 + concreteWindow + 1 + r.IntN(4)) // as close as allowed
		}
		isn[e] = isn[e-1] + gap
	}
	return isn
}

// classifySeqConcrete is RFC 9293 section 3.10.7.4's first check on
// concrete numbers, refined into the abstraction's classes. Segments of the
// model occupy at most one octet, so a segment is acceptable exactly when
// RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND.
func classifySeqConcrete(rcvNxt, irs, seq uint32, syn bool) spec.SeqClass {
	switch d := int32(seq - rcvNxt); {
	case d == 0:
		return spec.SeqInOrder
	case d > 0 && d < concreteWindow:
		return spec.SeqAhead
	case d > 0:
		return spec.SeqBeyond
	case syn && seq == irs:
		return spec.SeqIRS
	}
	return spec.SeqOutside
}

// classifyAckConcrete is the ACK checks of RFC 9293 sections 3.10.7.2 to
// 3.10.7.4 on concrete numbers, with RFC 5961 section 5's bound
// SND.UNA - MAX.SND.WND separating an old acknowledgment from a duplicate.
func classifyAckConcrete(state spec.State, finSent bool, iss, sndUna, sndNxt, ack uint32) spec.AckClass {
	switch state {
	case spec.Closed, spec.Listen:
		return spec.AckUnacceptable
	case spec.SynSent:
		// "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset".
		if !before(iss, ack) || before(sndNxt, ack) {
			return spec.AckUnacceptable
		}
		return spec.AckOfSYN
	}
	switch {
	case before(sndNxt, ack):
		return spec.AckUnacceptable
	case before(ack, sndUna-concreteWindow):
		return spec.AckOld
	case !before(sndUna, ack):
		return spec.AckDuplicate
	case finSent && ack == sndNxt:
		return spec.AckOfFIN
	case sndUna == iss:
		return spec.AckOfSYN
	}
	return spec.AckOfData
}

// modelSegments are the flag sets the model's templates send; each
// occupies at most one octet.
var modelSegments = []spec.Flags{spec.SYN, spec.SYN | spec.ACK, spec.ACK, spec.ACK | spec.Data, spec.FIN | spec.ACK, spec.RST, spec.RST | spec.ACK}

// drawTCB draws a TCB with SND.UNA =< SND.NXT within one incarnation's
// numbers and, where the state has one, an RCV.NXT past the peer's SYN.
func drawTCB(r *rand.Rand) spec.TCB {
	states := spec.AllStates()
	t := spec.TCB{State: states[r.IntN(len(states))], Epoch: uint8(r.IntN(numEpochs))}
	t.SndNxt = uint8(r.IntN(4))
	t.SndUna = uint8(r.IntN(int(t.SndNxt) + 1))
	if t.State == spec.SynSent || t.State == spec.SynReceived {
		t.SndUna, t.SndNxt = 0, 1
	}
	if t.State.KnowsIRS() {
		t.IRSEpoch = uint8(r.IntN(numEpochs))
		t.RcvNxt = uint8(1 + r.IntN(3))
	}
	return t
}

func TestAbstractComparisonsMatchConcreteNumbers(t *testing.T) {
	draws := 1_000_000
	if testing.Short() {
		draws = 100_000
	}
	r := rand.New(rand.NewPCG(9293, 5961))
	counts := map[string]int{}
	for i := 0; i < draws; i++ {
		c := concrete{us: drawISNs(r), peer: drawISNs(r)}
		tcb := drawTCB(r)
		f := modelSegments[r.IntN(len(modelSegments))]
		seg := spec.Segment{Flags: f, Seq: spec.Seq{Epoch: uint8(r.IntN(numEpochs)), Off: uint8(r.IntN(4))}}
		if f.Has(spec.ACK) {
			seg.Ack = spec.Seq{Epoch: uint8(r.IntN(numEpochs)), Off: uint8(r.IntN(4))}
		}
		ev := tcb.Classify(spec.Arrival(seg))

		iss := c.us[tcb.Epoch]
		if tcb.State.KnowsIRS() {
			irs := c.peer[tcb.IRSEpoch]
			want := classifySeqConcrete(irs+uint32(tcb.RcvNxt), irs, c.peer[seg.Seq.Epoch]+uint32(seg.Seq.Off), f.Has(spec.SYN))
			if ev.Seq != want {
				require.Failf(t, "sequence class differs", "draw %d: %s, segment %s, ISNs %v/%v: abstract %s, concrete %s", i, tcb, seg, c.us, c.peer, ev.Seq, want)
			}
		} else if ev.Seq != spec.SeqUnchecked {
			require.Failf(t, "a state without IRS checked SEG.SEQ", "%s %s", tcb, ev)
		}
		if f.Has(spec.ACK) {
			want := classifyAckConcrete(tcb.State, tcb.State.FinSent(), iss, iss+uint32(tcb.SndUna), iss+uint32(tcb.SndNxt), c.us[seg.Ack.Epoch]+uint32(seg.Ack.Off))
			if ev.Ack != want {
				require.Failf(t, "acknowledgment class differs", "draw %d: %s, segment %s, ISNs %v/%v: abstract %s, concrete %s", i, tcb, seg, c.us, c.peer, ev.Ack, want)
			}
		}
		counts[fmt.Sprintf("seq %s", ev.Seq)]++
		counts[fmt.Sprintf("ack %s", ev.Ack)]++
	}
	// Every class was drawn, so none was compared vacuously.
	for _, c := range spec.SeqClassNames() {
		require.Positive(t, counts["seq "+c], "no draw gave sequence class %s", c)
	}
	for _, c := range spec.AckClassNames() {
		require.Positive(t, counts["ack "+c], "no draw gave acknowledgment class %s", c)
	}
	t.Logf("%d draws: %v", draws, counts)
}

// TestConcreteClassifierCatchesUnorderedEpochs shows that the comparison
// above can fail: under the old reading, in which any other epoch's
// acknowledgment was unacceptable, an earlier incarnation's ACK (a
// duplicate on concrete numbers) would be classed differently.
func TestConcreteClassifierCatchesUnorderedEpochs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	us := drawISNs(r)
	est := spec.TCB{State: spec.Established, Epoch: 2, SndUna: 1, SndNxt: 1, IRSEpoch: 1, RcvNxt: 1}
	old := us[1] + 2 // an ACK of the previous incarnation's FIN
	require.Equal(t, spec.AckOld, classifyAckConcrete(est.State, false, us[2], us[2]+1, us[2]+1, old))
	require.NotEqual(t, spec.AckUnacceptable, classifyAckConcrete(est.State, false, us[2], us[2]+1, us[2]+1, old),
		"an earlier incarnation's ACK is not above SND.NXT: RFC 9293 does not answer it and drop the segment")
}

// TestFreshEpochPerISN: every ISN selection takes a new epoch, including a
// listener's second SYN-RECEIVED after a reset sent it back to LISTEN, and
// a reconnect after CLOSED (RFC 9293 section 3.4.1; Figure 8 line 7 shows
// the new ISN, 400 after 300).
func TestFreshEpochPerISN(t *testing.T) {
	tbl := spec.Default()
	syn := spec.Segment{Flags: spec.SYN, Seq: spec.Seq{Epoch: 7}}
	listen := step(t, tbl, spec.ClosedTCB(3), spec.Call(spec.OpenPassive)).Next
	r := step(t, tbl, listen, spec.Arrival(syn))
	first := only(t, r).Seq
	require.Equal(t, spec.Seq{Epoch: 3}, first)
	r = step(t, tbl, r.Next, spec.Arrival(spec.Segment{Flags: spec.RST, Seq: spec.Seq{Epoch: 7, Off: 1}}))
	require.Equal(t, spec.Listen, r.Next.State)
	r = step(t, tbl, r.Next, spec.Arrival(syn))
	second := only(t, r).Seq
	require.Greater(t, second.Epoch, first.Epoch, "the second SYN-RECEIVED selects a later ISN")

	// Active: connect, give up, connect again.
	r = step(t, tbl, spec.ClosedTCB(3), spec.Call(spec.OpenActive))
	a1 := only(t, r).Seq
	r = step(t, tbl, r.Next, spec.Call(spec.Close))
	r = step(t, tbl, r.Next, spec.Call(spec.OpenActive))
	require.Greater(t, only(t, r).Seq.Epoch, a1.Epoch)

	// With the same ISN every time (RFC 1337's worst case), it does not.
	r = step(t, tbl, spec.TCB{State: spec.Closed, Epoch: 3, SameISN: true}, spec.Call(spec.OpenActive))
	r = step(t, tbl, r.Next, spec.Call(spec.Close))
	require.Equal(t, spec.TCB{State: spec.Closed, Epoch: 3, SameISN: true}, r.Next)
}
