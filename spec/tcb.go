package spec

import "fmt"

// TCB is the part of an endpoint's transmission control block that
// connection management reads, with sequence variables as offsets from
// the initial sequence numbers (see the package documentation).
//
// The zero TCB is CLOSED with epoch 0. TCB is a small comparable value:
// Step never mutates its argument.
type TCB struct {
	State State
	// Passive records that SYN-RECEIVED was entered from LISTEN, so a reset
	// returns the connection to LISTEN (RFC 9293 MUST-11, RFC 1122
	// 4.2.2.11). It is kept through later states, where it is harmless.
	Passive bool
	// Epoch names our ISS: the ISN of the current connection, or of the
	// next one while CLOSED or LISTEN. Epochs are readings of the ISN
	// clock (RFC 9293 section 3.4.1), so a larger epoch's numbers lie
	// above a smaller one's. Every ISN selection takes a fresh epoch:
	// when a TCB that selected one is deleted or returns to LISTEN, Step
	// advances the epoch (NextEpoch).
	Epoch uint8
	// SndUna and SndNxt are SND.UNA and SND.NXT as offsets from ISS.
	SndUna, SndNxt uint8
	// DataSent records that our byte of text occupies ISS+1.
	DataSent bool
	// DataQueued records a SEND accepted before the connection was
	// synchronized (RFC 9293 section 3.10.2: queued until ESTABLISHED).
	DataQueued bool
	// ClosePending records a CLOSE in SYN-RECEIVED with text still queued
	// (RFC 9293 section 3.10.4: the FIN follows once ESTABLISHED).
	ClosePending bool
	// IRSEpoch names the peer's ISN; RcvNxt is RCV.NXT as an offset from
	// it. Both are meaningful only when State.KnowsIRS().
	IRSEpoch uint8
	RcvNxt   uint8
	// Retries counts retransmission timeouts since SND.UNA last advanced.
	Retries uint8
	// SameISN makes the endpoint's ISN generator select the same ISN for
	// every connection: the epoch never advances. It is RFC 1337's worst
	// case, a fast or long connection whose numbers meet the next
	// incarnation's, and a property of the host, which Step keeps.
	SameISN bool
}

// ClosedTCB returns a CLOSED endpoint whose next connection uses ISN
// epoch epoch.
func ClosedTCB(epoch uint8) TCB { return TCB{State: Closed, Epoch: epoch} }

// HasISS reports whether the TCB has selected its ISS: every state but
// CLOSED and LISTEN.
func (t TCB) HasISS() bool { return t.State != Closed && t.State != Listen }

// NextEpoch is the epoch the endpoint's next ISN selection takes: the
// current one while none was selected, else the one after it.
func (t TCB) NextEpoch() uint8 {
	if t.HasISS() && !t.SameISN {
		return t.Epoch + 1
	}
	return t.Epoch
}

// ISS is our initial sequence number.
func (t TCB) ISS() Seq { return Seq{Epoch: t.Epoch} }

// SndNxtSeq is SND.NXT as a sequence number.
func (t TCB) SndNxtSeq() Seq { return Seq{Epoch: t.Epoch, Off: t.SndNxt} }

// RcvNxtSeq is RCV.NXT as a sequence number.
func (t TCB) RcvNxtSeq() Seq { return Seq{Epoch: t.IRSEpoch, Off: t.RcvNxt} }

// Outstanding reports whether something we sent is unacknowledged, which
// is when the retransmission timer runs (RFC 9293 section 3.8.1).
func (t TCB) Outstanding() bool { return t.State.HasTCB() && t.SndUna < t.SndNxt }

// TimerRunning reports whether a timeout of kind k can occur: the
// retransmission and user timers run while something is outstanding, the
// 2MSL timer in TIME-WAIT, and the FIN-WAIT-2 timer in FIN-WAIT-2.
func (t TCB) TimerRunning(k EventKind) bool {
	switch k {
	case RetransmissionTimeout, UserTimeout:
		return t.Outstanding()
	case TimeWaitTimeout:
		return t.State == TimeWait
	case FinWait2Timeout:
		return t.State == FinWait2
	}
	return false
}

// String renders the TCB compactly, for transcripts and traces.
func (t TCB) String() string {
	if t.State == Closed {
		return fmt.Sprintf("CLOSED e%d", t.Epoch)
	}
	s := fmt.Sprintf("%s una=%d nxt=%d", t.State, t.SndUna, t.SndNxt)
	if t.State.KnowsIRS() {
		s += fmt.Sprintf(" rcv=%s", t.RcvNxtSeq())
	}
	if t.Passive {
		s += " passive"
	}
	if t.DataQueued {
		s += " data-queued"
	}
	if t.ClosePending {
		s += " close-pending"
	}
	if t.Retries > 0 {
		s += fmt.Sprintf(" retries=%d", t.Retries)
	}
	return s
}

// Classify turns an input into the event the table is indexed by: for an
// arrival, the segment's flags with the classes of SEG.SEQ and SEG.ACK
// relative to this TCB (RFC 9293 section 3.10.7).
func (t TCB) Classify(in Input) Event {
	if in.Kind != Arrive {
		return Event{Kind: in.Kind}
	}
	seg := in.Seg
	ev := Event{Kind: Arrive, Flags: seg.Flags & allFlags}
	if seg.Flags.Has(ACK) {
		ev.Ack = t.classifyAck(seg.Ack)
	}
	if t.State.KnowsIRS() {
		ev.Seq = t.classifySeq(seg)
	}
	return ev
}

func (t TCB) classifyAck(ack Seq) AckClass {
	// CLOSED and LISTEN have sent nothing: "any acknowledgment is bad if it
	// arrives on a connection still in the LISTEN state" (3.10.7.2).
	if t.State == Closed || t.State == Listen {
		return AckUnacceptable
	}
	// Epochs are ordered as the ISN clock orders them (see the package
	// documentation): a later epoch's numbers lie above SND.NXT, an
	// earlier one's far below SND.UNA.
	if t.State == SynSent {
		// "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset" (3.10.7.3):
		// an earlier epoch is below ISS, a later one above SND.NXT.
		if ack.Epoch != t.Epoch || ack.Off == 0 || ack.Off > t.SndNxt {
			return AckUnacceptable
		}
		return AckOfSYN
	}
	switch {
	case ack.Epoch > t.Epoch:
		return AckUnacceptable
	case ack.Epoch < t.Epoch:
		return AckOld
	case ack.Off > t.SndNxt:
		return AckUnacceptable
	case ack.Off <= t.SndUna:
		return AckDuplicate
	case t.State.FinSent() && ack.Off == t.SndNxt:
		return AckOfFIN
	case t.SndUna == 0:
		return AckOfSYN
	default:
		return AckOfData
	}
}

// window is RCV.WND in abstract octets. It covers every number a single
// incarnation uses (SYN, one byte of text, FIN), so the only segments
// outside it are old duplicates and other incarnations' segments. It is
// also the peer's MAX.SND.WND, the largest window it was offered, which
// RFC 5961's ACK check measures against.
const window = 4

func (t TCB) classifySeq(seg Segment) SeqClass {
	switch {
	case seg.Seq.Epoch < t.IRSEpoch:
		return SeqOutside
	case seg.Seq.Epoch > t.IRSEpoch:
		return SeqBeyond
	case seg.Seq.Off == t.RcvNxt:
		return SeqInOrder
	case seg.Seq.Off > t.RcvNxt && seg.Seq.Off < t.RcvNxt+window:
		return SeqAhead
	case seg.Seq.Off >= t.RcvNxt+window:
		return SeqBeyond
	case seg.Seq.Off == 0 && seg.Flags.Has(SYN):
		return SeqIRS
	}
	// RFC 9293 section 3.10.7.4's acceptability test: a segment is also
	// acceptable if its end lies in the window. Our segments occupy one
	// octet at most, so an earlier start means an earlier end.
	return SeqOutside
}
