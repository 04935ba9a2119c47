package spec

import (
	"fmt"
	"strings"
)

// EventKind is what happens to an endpoint: a user call (RFC 9293 section
// 3.10.1 to 3.10.6), a segment arrival (section 3.10.7) or a timeout
// (section 3.10.8).
type EventKind uint8

// The event kinds.
const (
	OpenPassive           EventKind = iota // OPEN with the passive flag: listen
	OpenActive                             // OPEN with the active flag: connect
	Send                                   // SEND: one abstract byte of text
	Close                                  // CLOSE: "I have no more data to send"
	Abort                                  // ABORT: reset the connection
	Arrive                                 // SEGMENT ARRIVES
	RetransmissionTimeout                  // the retransmission timer fired
	TimeWaitTimeout                        // the 2MSL TIME-WAIT timer fired
	UserTimeout                            // the user timeout fired
	FinWait2Timeout                        // Linux's tcp_fin_timeout fired (variant "linux")
	numKinds
)

var kindNames = [...]string{
	OpenPassive:           "passive OPEN",
	OpenActive:            "active OPEN",
	Send:                  "SEND",
	Close:                 "CLOSE",
	Abort:                 "ABORT",
	Arrive:                "rcv",
	RetransmissionTimeout: "retransmission timeout",
	TimeWaitTimeout:       "2MSL timeout",
	UserTimeout:           "user timeout",
	FinWait2Timeout:       "FIN-WAIT-2 timeout",
}

var kindKeys = [...]string{
	OpenPassive:           "listen",
	OpenActive:            "connect",
	Send:                  "send",
	Close:                 "close",
	Abort:                 "abort",
	Arrive:                "rcv",
	RetransmissionTimeout: "rto",
	TimeWaitTimeout:       "2msl",
	UserTimeout:           "user-timeout",
	FinWait2Timeout:       "fin-wait-2-timeout",
}

// String returns the RFC's name for the event kind.
func (k EventKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Key returns the short name used in YAML, transcripts and row IDs
// ("listen", "connect", "send", "close", "abort", "rcv", "rto", "2msl",
// "user-timeout", "fin-wait-2-timeout").
func (k EventKind) Key() string {
	if int(k) < len(kindKeys) {
		return kindKeys[k]
	}
	return k.String()
}

// ParseEventKind parses a kind by its key or its RFC name.
func ParseEventKind(s string) (EventKind, error) {
	for i := range kindKeys {
		if strings.EqualFold(s, kindKeys[i]) || strings.EqualFold(s, kindNames[i]) {
			return EventKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown event %q (expected one of %s)", s, strings.Join(kindKeys[:], ", "))
}

// IsUserCall reports whether the kind is a call the user makes.
func (k EventKind) IsUserCall() bool { return k <= Abort }

// IsTimeout reports whether the kind is a timer expiring.
func (k EventKind) IsTimeout() bool { return k >= RetransmissionTimeout && k < numKinds }

// SeqClass classifies an arriving segment's sequence number against the
// receive window, as the first check of RFC 9293 section 3.10.7.4 does.
type SeqClass uint8

// The sequence-number classes.
const (
	// SeqUnchecked: the state has no receive sequence space yet (CLOSED,
	// LISTEN, SYN-SENT), so RFC 9293 does not validate SEG.SEQ.
	SeqUnchecked SeqClass = iota
	// SeqInOrder: SEG.SEQ = RCV.NXT, the segment is acceptable and next.
	SeqInOrder
	// SeqAhead: acceptable (inside the window) but beyond RCV.NXT; its
	// text and FIN cannot be processed yet.
	SeqAhead
	// SeqIRS: SEG.SEQ = IRS, the peer's SYN once more (a retransmission or
	// a duplicate). It is outside the window, save for the SYN,ACK of a
	// simultaneous open (RFC 9293 Figure 7 line 6, RFC 1122 4.2.2.10).
	SeqIRS
	// SeqOutside: not acceptable, below the window: an old duplicate of
	// this incarnation, or a number of an earlier one (an older epoch: the
	// ISN clock put every earlier incarnation's numbers below this one's).
	SeqOutside
	// SeqBeyond: not acceptable, above the window: a number of a later
	// incarnation of the peer (a newer epoch). RFC 9293 treats it as any
	// other unacceptable segment; Linux's TIME-WAIT takes a SYN here as a
	// new connection attempt (tcp_timewait_state_process: after(seq,
	// rcv_nxt)).
	SeqBeyond
	numSeqClasses
)

var seqNames = [...]string{"unchecked", "in-order", "ahead", "irs", "outside", "beyond"}

// String names the class.
func (c SeqClass) String() string {
	if int(c) < len(seqNames) {
		return seqNames[c]
	}
	return fmt.Sprintf("SeqClass(%d)", uint8(c))
}

// SeqClassNames lists the sequence classes' names, in order.
func SeqClassNames() []string { return append([]string(nil), seqNames[:]...) }

// AckClass classifies an arriving segment's acknowledgment number, as the
// ACK checks of RFC 9293 section 3.10.7 do.
type AckClass uint8

// The acknowledgment classes.
const (
	// AckNone: the ACK bit is off.
	AckNone AckClass = iota
	// AckOfSYN: acceptable, and it acknowledges our SYN (but not a FIN).
	AckOfSYN
	// AckOfData: acceptable, and it acknowledges our text, not our FIN.
	AckOfData
	// AckOfFIN: acceptable, and it acknowledges our FIN (SEG.ACK = SND.NXT
	// with our FIN sent).
	AckOfFIN
	// AckDuplicate: SEG.ACK =< SND.UNA within this incarnation's numbers;
	// it acknowledges nothing new (RFC 1122 4.2.2.20 (g) restored the "=").
	AckDuplicate
	// AckOld: SEG.ACK < SND.UNA - MAX.SND.WND: an acknowledgment of an
	// earlier incarnation's numbers (an older epoch), far below anything
	// this one sent. RFC 9293 3.10.7.4 files it with the duplicates ("it
	// can be ignored") and goes on processing the segment; RFC 5961
	// section 5 (MAY-12) makes it unacceptable: send an ACK and drop it.
	AckOld
	// AckUnacceptable: it acknowledges something never sent: SEG.ACK >
	// SND.NXT (which is where a later incarnation's numbers lie), SEG.ACK
	// =< ISS in SYN-SENT, or any ACK in CLOSED or LISTEN.
	AckUnacceptable
	numAckClasses
)

var ackNames = [...]string{"none", "of-SYN", "of-data", "of-FIN", "duplicate", "old", "unacceptable"}

// String names the class.
func (c AckClass) String() string {
	if int(c) < len(ackNames) {
		return ackNames[c]
	}
	return fmt.Sprintf("AckClass(%d)", uint8(c))
}

// AckClassNames lists the acknowledgment classes' names, in order.
func AckClassNames() []string { return append([]string(nil), ackNames[:]...) }

// Acceptable reports whether the acknowledgment may be processed under
// RFC 9293: it is set and acknowledges nothing that was never sent. An old
// acknowledgment is acceptable here, as a duplicate; RFC 5961's check is a
// variant's row, not a class.
func (c AckClass) Acceptable() bool { return c >= AckOfSYN && c <= AckOld }

// New reports whether the acknowledgment acknowledges something not
// acknowledged before (SND.UNA < SEG.ACK =< SND.NXT), so SND.UNA advances.
func (c AckClass) New() bool { return c >= AckOfSYN && c <= AckOfFIN }

// Event is an event as the transition table sees it: a kind and, for an
// arrival, the segment's flags and the classes of its numbers relative to
// the receiving TCB.
type Event struct {
	Kind  EventKind
	Flags Flags
	Seq   SeqClass
	Ack   AckClass
}

// String renders the event, for example "rcv SYN,ACK [seq in-order, ack of-SYN]".
func (e Event) String() string {
	if e.Kind != Arrive {
		return e.Kind.String()
	}
	s := "rcv " + e.Flags.String()
	var q []string
	if e.Seq != SeqUnchecked {
		q = append(q, "seq "+e.Seq.String())
	}
	if e.Ack != AckNone {
		q = append(q, "ack "+e.Ack.String())
	}
	if len(q) > 0 {
		s += " [" + strings.Join(q, ", ") + "]"
	}
	return s
}

// index numbers the events of the universe densely, for table lookup.
func (e Event) index() int {
	if e.Kind != Arrive {
		return int(e.Kind)
	}
	return int(numKinds) + (int(e.Flags)*int(numSeqClasses)+int(e.Seq))*int(numAckClasses) + int(e.Ack)
}

// inRange reports whether the event's fields are within their types'
// ranges, so that index stays inside the table. (An arrival whose ACK bit
// disagrees with its AckClass is in range; no row matches it.)
func (e Event) inRange() bool {
	if e.Kind >= numKinds {
		return false
	}
	return e.Kind != Arrive || (e.Flags <= allFlags && e.Seq < numSeqClasses && e.Ack < numAckClasses)
}

const numEventIndexes = int(numKinds) + int(allFlags+1)*int(numSeqClasses)*int(numAckClasses)

// AllEvents enumerates the event universe: every kind other than arrival,
// and every arrival with any combination of flags, any sequence class, and
// an acknowledgment class that agrees with the ACK bit. The transition
// table must have a row for every state and every one of these.
func AllEvents() []Event {
	var out []Event
	for k := EventKind(0); k < numKinds; k++ {
		if k != Arrive {
			out = append(out, Event{Kind: k})
		}
	}
	for f := Flags(0); f <= allFlags; f++ {
		for s := SeqClass(0); s < numSeqClasses; s++ {
			if f.Has(ACK) {
				for a := AckOfSYN; a < numAckClasses; a++ {
					out = append(out, Event{Kind: Arrive, Flags: f, Seq: s, Ack: a})
				}
			} else {
				out = append(out, Event{Kind: Arrive, Flags: f, Seq: s, Ack: AckNone})
			}
		}
	}
	return out
}
