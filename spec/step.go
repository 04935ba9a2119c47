package spec

import "errors"

// Input is what happens to an endpoint: a user call, a timeout, or (with
// Kind Arrive) the arrival of Seg.
type Input struct {
	Kind EventKind
	Seg  Segment
}

// Call returns the input for a user call or timeout of kind k.
func Call(k EventKind) Input { return Input{Kind: k} }

// Arrival returns the input for the arrival of seg.
func Arrival(seg Segment) Input { return Input{Kind: Arrive, Seg: seg} }

// MaxOut is the most segments one transition sends.
const MaxOut = 3

// Result is the outcome of Step.
type Result struct {
	// Next is the endpoint after the event; equal to the input when the
	// event was refused.
	Next TCB
	// Event is the input as the table classified it.
	Event Event
	// Row is the index of the row taken (Table.Row), or -1 if Err is set.
	Row int
	// Out holds the first NOut segments sent, in order.
	Out  [MaxOut]Segment
	NOut int
	// Notice is what the user is told.
	Notice Notice
	// Err is set when the event is outside what the table can take: a
	// second SEND in one incarnation, which the abstraction's single byte
	// of text cannot represent, or a malformed input.
	Err error
}

// Sent returns the segments sent, as a slice of Out.
func (r *Result) Sent() []Segment { return r.Out[:r.NOut] }

// ErrSecondSend is returned for a SEND when this incarnation already has
// its one abstract byte of text.
var ErrSecondSend = errors.New("the model sends at most one byte of text per connection; this SEND is a second one")

// ErrNoRow is returned when no row takes the event; a compiled table is
// total, so this means the TCB's state is one the variant removed.
var ErrNoRow = errors.New("no row of the table takes this event")

func (r *Result) emit(s Segment) {
	if r.NOut < MaxOut {
		r.Out[r.NOut] = s
		r.NOut++
	}
}

// Step is the transition function: the endpoint tcb meets input in, and
// the table says what follows. It is pure: tcb is not changed, and the
// same arguments always give the same Result. It does not allocate.
func (t *Table) Step(tcb TCB, in Input) Result {
	res := Result{Next: tcb, Row: -1}
	res.Event = tcb.Classify(in)
	if in.Kind == Send && (tcb.DataSent || tcb.DataQueued) {
		res.Err = ErrSecondSend
		return res
	}
	if in.Kind >= numKinds {
		res.Err = ErrNoRow
		return res
	}
	ri, ok := t.Lookup(tcb, res.Event)
	if !ok {
		res.Err = ErrNoRow
		return res
	}
	res.Row = ri
	row := &t.rows[ri]
	res.Notice = row.Tell
	seg := in.Seg
	n := tcb

	if row.Do&OpNewTCB != 0 {
		// The connection is replaced by a new one on the same 4-tuple,
		// which selects a new ISS, above every number the old one used.
		n = TCB{State: Listen, Epoch: tcb.NextEpoch(), SameISN: tcb.SameISN}
	}
	if row.Do&OpRecordIRS != 0 {
		n.IRSEpoch = seg.Seq.Epoch
		n.RcvNxt = seg.Seq.Off + 1
	}
	if row.Do&OpAckUpdate != 0 && res.Event.Ack.New() {
		n.SndUna = seg.Ack.Off
		n.Retries = 0
	}
	if row.Do&OpConsume != 0 {
		if seg.Flags.Has(Data) {
			n.RcvNxt++
		}
		if seg.Flags.Has(FIN) {
			n.RcvNxt++
		}
	}
	if row.Do&OpQueueData != 0 {
		n.DataQueued = true
	}
	if row.Do&OpQueueClose != 0 {
		n.ClosePending = true
	}
	if row.Do&OpSetPassive != 0 {
		n.Passive = true
	}
	if row.Do&OpSetActive != 0 {
		n.Passive = false
	}

	for _, o := range row.Send {
		switch o {
		case OutSYN:
			n.SndUna, n.SndNxt = 0, 1
			res.emit(Segment{Flags: SYN, Seq: n.ISS()})
		case OutSYNACK:
			n.SndUna, n.SndNxt = 0, 1
			res.emit(Segment{Flags: SYN | ACK, Seq: n.ISS(), Ack: n.RcvNxtSeq()})
		case OutACK:
			res.emit(Segment{Flags: ACK, Seq: n.SndNxtSeq(), Ack: n.RcvNxtSeq()})
		case OutData:
			res.emit(n.sendData())
		case OutFIN:
			res.emit(n.sendFIN())
		case OutQueued:
			if n.DataQueued {
				res.emit(n.sendData())
			}
			if n.ClosePending {
				n.ClosePending = false
				res.emit(n.sendFIN())
			}
		case OutRSTForACK:
			res.emit(Segment{Flags: RST, Seq: seg.Ack})
		case OutRSTACKForSeg:
			res.emit(Segment{Flags: RST | ACK, Ack: seg.Seq.Add(seg.Len())})
		case OutRST:
			res.emit(Segment{Flags: RST, Seq: n.SndNxtSeq()})
		case OutRSTACK:
			res.emit(Segment{Flags: RST | ACK, Seq: n.SndNxtSeq(), Ack: n.RcvNxtSeq()})
		case OutRetransmit:
			if s, ok := n.retransmission(); ok {
				n.Retries++
				res.emit(s)
			}
		}
	}

	n.State = row.To
	switch {
	case row.To == Closed:
		// Delete the TCB. The epoch survives it: it is the ISN clock,
		// which outlives connections (RFC 9293 section 3.4.1).
		n = TCB{State: Closed, Epoch: tcb.NextEpoch(), SameISN: tcb.SameISN}
	case row.To == Listen && tcb.State != Listen:
		// Back to LISTEN (or into it): a fresh passive TCB, whose next
		// SYN selects a new ISS.
		n = TCB{State: Listen, Epoch: tcb.NextEpoch(), SameISN: tcb.SameISN}
	}
	res.Next = n
	return res
}

// sendData transmits the byte of text at SND.NXT.
func (t *TCB) sendData() Segment {
	s := Segment{Flags: ACK | Data, Seq: t.SndNxtSeq(), Ack: t.RcvNxtSeq()}
	t.SndNxt++
	t.DataSent = true
	t.DataQueued = false
	return s
}

// sendFIN transmits our FIN at SND.NXT.
func (t *TCB) sendFIN() Segment {
	s := Segment{Flags: FIN | ACK, Seq: t.SndNxtSeq(), Ack: t.RcvNxtSeq()}
	t.SndNxt++
	return s
}

// retransmission is the oldest unacknowledged segment, re-formed with the
// current RCV.NXT (RFC 9293 section 3.8.1).
func (t TCB) retransmission() (Segment, bool) {
	switch {
	case !t.Outstanding():
		return Segment{}, false
	case t.SndUna == 0 && t.State == SynSent:
		return Segment{Flags: SYN, Seq: t.ISS()}, true
	case t.SndUna == 0:
		return Segment{Flags: SYN | ACK, Seq: t.ISS(), Ack: t.RcvNxtSeq()}, true
	case t.DataSent && t.SndUna <= DataOff:
		return Segment{Flags: ACK | Data, Seq: Seq{Epoch: t.Epoch, Off: DataOff}, Ack: t.RcvNxtSeq()}, true
	case t.State.FinSent():
		return Segment{Flags: FIN | ACK, Seq: Seq{Epoch: t.Epoch, Off: t.SndNxt - 1}, Ack: t.RcvNxtSeq()}, true
	}
	return Segment{}, false
}
