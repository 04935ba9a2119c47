package spec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Output is a segment a row sends, named by the template RFC 9293 gives
// for it. Step fills in the numbers from the TCB and the arriving segment.
type Output uint8

// The segment templates.
const (
	OutSYN          Output = iota + 1 // <SEQ=ISS><CTL=SYN>
	OutSYNACK                         // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
	OutACK                            // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
	OutData                           // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK><DATA>
	OutFIN                            // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>
	OutQueued                         // the queued text, then the FIN of a pending CLOSE
	OutRSTForACK                      // <SEQ=SEG.ACK><CTL=RST>
	OutRSTACKForSeg                   // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
	OutRST                            // <SEQ=SND.NXT><CTL=RST>
	OutRetransmit                     // the head of the retransmission queue
	OutRSTACK                         // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>
)

var outputNames = [...]string{
	OutSYN:          "SYN",
	OutSYNACK:       "SYN,ACK",
	OutACK:          "ACK",
	OutData:         "DATA",
	OutFIN:          "FIN",
	OutQueued:       "queued",
	OutRSTForACK:    "RST<SEQ=SEG.ACK>",
	OutRSTACKForSeg: "RST,ACK<ACK=SEG.SEQ+SEG.LEN>",
	OutRST:          "RST",
	OutRetransmit:   "retransmission",
	OutRSTACK:       "RST,ACK",
}

// String names the template as the RFC figure labels do ("snd SYN,ACK").
func (o Output) String() string {
	if int(o) < len(outputNames) && outputNames[o] != "" {
		return outputNames[o]
	}
	return fmt.Sprintf("Output(%d)", uint8(o))
}

// Op is a change a row makes to the TCB besides its state.
type Op uint8

// The TCB operations, applied in this order.
const (
	// OpRecordIRS: IRS = SEG.SEQ, RCV.NXT = SEG.SEQ+1.
	OpRecordIRS Op = 1 << iota
	// OpAckUpdate: if the ACK acknowledges something new, SND.UNA =
	// SEG.ACK and the retry count restarts.
	OpAckUpdate
	// OpConsume: RCV.NXT advances over the segment's text and FIN.
	OpConsume
	// OpQueueData: remember a SEND until the connection is synchronized.
	OpQueueData
	// OpQueueClose: remember a CLOSE until the queued text is sent.
	OpQueueClose
	// OpSetPassive and OpSetActive record how SYN-RECEIVED was reached.
	OpSetPassive
	OpSetActive
	// OpNewTCB: a new connection on the same 4-tuple replaces this one,
	// with a fresh ISS (a later epoch), before the other operations
	// apply. Linux does this for a new SYN in TIME-WAIT.
	OpNewTCB
)

var opNames = []string{"record IRS", "update SND.UNA", "advance RCV.NXT", "queue text", "queue CLOSE", "passive", "active", "new TCB"}

// String lists the operations.
func (o Op) String() string {
	var parts []string
	for i, n := range opNames {
		if o&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}

// Timer is what a row does to the endpoint's timers.
type Timer uint8

// The timer actions.
const (
	StartRetransmission Timer = 1 << iota
	StopRetransmission
	Start2MSL
	Restart2MSL
	StopAll
)

var timerNames = []string{"start retransmission timer", "stop retransmission timer", "start 2MSL timer", "restart 2MSL timer", "stop all timers"}

// String lists the timer actions.
func (t Timer) String() string {
	var parts []string
	for i, n := range timerNames {
		if t&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}

// Notice is what the user is told (RFC 9293 section 3.10 and MUST-12,
// which requires that an application can tell a normal close from an
// abort).
type Notice uint8

// The notices.
const (
	NoticeNone         Notice = iota
	NoticeExists              // "error: connection already exists"
	NoticeNoConnection        // "error: connection does not exist"
	NoticeClosing             // "error: connection closing"
	NoticeReset               // "connection reset"
	NoticeRefused             // "connection refused"
	NoticeUserTimeout         // "error: connection aborted due to user timeout"
	NoticeRemoteClose         // "connection closing": the peer's FIN arrived
	NoticeEstablished         // the OPEN completed
	NoticeClosed              // the connection closed normally
	numNotices
)

var noticeNames = [...]string{
	NoticeNone:         "",
	NoticeExists:       "error: connection already exists",
	NoticeNoConnection: "error: connection does not exist",
	NoticeClosing:      "error: connection closing",
	NoticeReset:        "connection reset",
	NoticeRefused:      "connection refused",
	NoticeUserTimeout:  "error: connection aborted due to user timeout",
	NoticeRemoteClose:  "connection closing",
	NoticeEstablished:  "connection established",
	NoticeClosed:       "connection closed",
}

// String returns the RFC's wording of the notice ("" for none).
func (n Notice) String() string {
	if int(n) < len(noticeNames) {
		return noticeNames[n]
	}
	return fmt.Sprintf("Notice(%d)", uint8(n))
}

// IsError reports whether the notice refuses a user call.
func (n Notice) IsError() bool { return n >= NoticeExists && n <= NoticeClosing }

// Abnormal reports whether the notice ends a connection other than by a
// normal close: a reset, a refusal or a user timeout.
func (n Notice) Abnormal() bool { return n >= NoticeReset && n <= NoticeUserTimeout }

// Guard is a condition on the TCB that a row needs besides its event.
type Guard uint8

// The guards. Each has its complement, so that a state can split an event
// between two rows and stay total.
const (
	Always       Guard = iota
	IfPassive          // SYN-RECEIVED was reached from LISTEN
	IfActive           // SYN-RECEIVED was reached from SYN-SENT
	IfDataQueued       // a SEND is queued
	IfNoDataQueued
	IfClosePending // a CLOSE is queued
	IfNoClosePending
	numGuards
)

var guardNames = [...]string{"", "passive OPEN", "active OPEN", "text queued", "nothing queued", "CLOSE queued", "no CLOSE queued"}

// String describes the guard.
func (g Guard) String() string {
	if int(g) < len(guardNames) {
		return guardNames[g]
	}
	return fmt.Sprintf("Guard(%d)", uint8(g))
}

// Holds evaluates the guard on a TCB.
func (g Guard) Holds(t TCB) bool {
	switch g {
	case IfPassive:
		return t.Passive
	case IfActive:
		return !t.Passive
	case IfDataQueued:
		return t.DataQueued
	case IfNoDataQueued:
		return !t.DataQueued
	case IfClosePending:
		return t.ClosePending
	case IfNoClosePending:
		return !t.ClosePending
	}
	return true
}

// SeqSet is a set of sequence classes; the empty set matches any class.
type SeqSet uint8

// SeqsOf builds a SeqSet.
func SeqsOf(cs ...SeqClass) SeqSet {
	var s SeqSet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// Contains reports whether c is in the set (any class, if empty).
func (s SeqSet) Contains(c SeqClass) bool { return s == 0 || s&(1<<c) != 0 }

// String lists the classes joined by "|".
func (s SeqSet) String() string {
	var parts []string
	for c := SeqClass(0); c < numSeqClasses; c++ {
		if s&(1<<c) != 0 {
			parts = append(parts, c.String())
		}
	}
	return strings.Join(parts, "|")
}

// AckSet is a set of acknowledgment classes; the empty set matches any.
type AckSet uint8

// AcksOf builds an AckSet.
func AcksOf(cs ...AckClass) AckSet {
	var s AckSet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// Contains reports whether c is in the set (any class, if empty).
func (s AckSet) Contains(c AckClass) bool { return s == 0 || s&(1<<c) != 0 }

// String lists the classes joined by "|".
func (s AckSet) String() string {
	var parts []string
	for c := AckClass(0); c < numAckClasses; c++ {
		if s&(1<<c) != 0 {
			parts = append(parts, c.String())
		}
	}
	return strings.Join(parts, "|")
}

// Pattern is the set of events a row applies to.
type Pattern struct {
	Kind EventKind
	// Has flags must all be set, Lacks flags must all be clear, and, when
	// AnyOf is not empty, at least one of AnyOf must be set.
	Has, Lacks, AnyOf Flags
	Seq               SeqSet
	Ack               AckSet
}

// Matches reports whether the event is in the pattern.
func (p Pattern) Matches(e Event) bool {
	if p.Kind != e.Kind {
		return false
	}
	if e.Kind != Arrive {
		return true
	}
	return e.Flags.Has(p.Has) && !e.Flags.Any(p.Lacks) && (p.AnyOf == 0 || e.Flags.Any(p.AnyOf)) &&
		p.Seq.Contains(e.Seq) && p.Ack.Contains(e.Ack)
}

// String renders the pattern as the figure labels do, with qualifiers:
// "rcv SYN !ACK [seq in-order|ahead]".
func (p Pattern) String() string {
	if p.Kind != Arrive {
		return p.Kind.String()
	}
	s := "rcv"
	if p.Has != 0 {
		s += " " + p.Has.String()
	}
	if p.AnyOf != 0 {
		s += " any(" + p.AnyOf.String() + ")"
	}
	for _, fn := range flagNames {
		if p.Lacks.Has(fn.f) {
			s += " !" + fn.name
		}
	}
	var q []string
	if p.Seq != 0 {
		q = append(q, "seq "+p.Seq.String())
	}
	if p.Ack != 0 {
		q = append(q, "ack "+p.Ack.String())
	}
	if len(q) > 0 {
		s += " [" + strings.Join(q, ", ") + "]"
	}
	return s
}

// Origin says where a row of a variant table came from.
type Origin uint8

// The origins.
const (
	Base       Origin = iota // the RFC 9293 table
	Added                    // added by an overlay
	Replaced                 // replaced by an overlay
	Redirected               // its target state was removed by an overlay
)

var originNames = [...]string{"base", "added", "replaced", "redirected"}

// String names the origin.
func (o Origin) String() string { return originNames[o] }

// Row is one transition of the table: in state From, on an event matching
// On, when Guard holds, the endpoint enters To, sends Send, applies Do,
// acts on its timers, and tells the user Tell.
type Row struct {
	// ID names the row uniquely ("SYN-SENT/rcv-syn-ack"); overlays refer
	// to rows by it.
	ID    string
	From  State
	On    Pattern
	Guard Guard
	To    State
	Send  []Output
	Do    Op
	Timer Timer
	Tell  Notice
	// Cite is the RFC section the row encodes, for example
	// "RFC 9293 3.10.7.3".
	Cite string
	// Arc is the arc's number in RFC 9293 Figure 5 (1 to 20, in the
	// order of the reference digest), or 0 for rules the figure leaves out.
	Arc int
	// Note says why, in a sentence, where the RFC text is subtle.
	Note string
	// Origin and Variant say which overlay, if any, made this row.
	Origin  Origin
	Variant string
}

// Label renders the row as a state-diagram arc label: "rcv SYN / snd SYN,ACK".
func (r Row) Label() string {
	ev := r.On.Kind.String()
	if r.On.Kind == Arrive {
		ev = "rcv " + r.On.Has.String()
		if r.On.Has == 0 {
			ev = "rcv segment"
		}
	}
	var acts []string
	for _, o := range r.Send {
		acts = append(acts, "snd "+o.String())
	}
	if r.To == Closed && r.From != Closed {
		acts = append(acts, "delete TCB")
	}
	if len(acts) == 0 {
		return ev
	}
	return ev + " / " + strings.Join(acts, ", ")
}

// Table is a complete, compiled transition table. It is immutable; Apply
// derives a new table from it.
type Table struct {
	name    string
	rows    []Row
	removed [NumStates]bool
	// cand[s*numEventIndexes+e] lists, in priority order, the rows of
	// state s whose pattern matches event e, as a slice of candIdx.
	candOff []uint32
	candIdx []uint16
}

// Name is the table's variant name ("rfc9293" for the default).
func (t *Table) Name() string { return t.name }

// Rows returns a copy of the rows, in priority order within each state.
func (t *Table) Rows() []Row { return append([]Row(nil), t.rows...) }

// Row returns the row with index i, as Result.Row reports it.
func (t *Table) Row(i int) Row { return t.rows[i] }

// NumRows is the number of rows.
func (t *Table) NumRows() int { return len(t.rows) }

// RowIndex returns the index of the row with the given ID.
func (t *Table) RowIndex(id string) (int, bool) {
	for i, r := range t.rows {
		if r.ID == id {
			return i, true
		}
	}
	return 0, false
}

// States returns the states of this table (a variant may remove some).
func (t *Table) States() []State {
	var out []State
	for _, s := range AllStates() {
		if !t.removed[s] {
			out = append(out, s)
		}
	}
	return out
}

// HasState reports whether the table keeps state s.
func (t *Table) HasState(s State) bool { return int(s) < NumStates && !t.removed[s] }

// Lookup returns the row that handles event e for TCB tcb. It reports
// false, rather than panicking, for a state or an event outside the
// universe (a malformed input), so that Step can return ErrNoRow.
func (t *Table) Lookup(tcb TCB, e Event) (int, bool) {
	if int(tcb.State) >= NumStates || !e.inRange() {
		return 0, false
	}
	k := int(tcb.State)*numEventIndexes + e.index()
	for _, ri := range t.candIdx[t.candOff[k]:t.candOff[k+1]] {
		if t.rows[ri].Guard.Holds(tcb) {
			return int(ri), true
		}
	}
	return 0, false
}

// newTable validates and compiles rows into a table.
func newTable(name string, rows []Row, removed [NumStates]bool) (*Table, error) {
	t := &Table{name: name, rows: rows, removed: removed}
	var errs []error
	seen := map[string]bool{}
	for _, r := range rows {
		switch {
		case r.ID == "":
			errs = append(errs, fmt.Errorf("a row from %s on %s has no ID", r.From, r.On))
		case seen[r.ID]:
			errs = append(errs, fmt.Errorf("row ID %q is used twice", r.ID))
		}
		seen[r.ID] = true
		if int(r.From) >= NumStates || int(r.To) >= NumStates {
			errs = append(errs, fmt.Errorf("row %s: state out of range", r.ID))
			continue
		}
		if removed[r.From] || removed[r.To] {
			errs = append(errs, fmt.Errorf("row %s uses state %s, which this table removes", r.ID, pick(removed[r.From], r.From, r.To)))
		}
		if r.Guard >= numGuards {
			errs = append(errs, fmt.Errorf("row %s: unknown guard %d", r.ID, r.Guard))
		}
	}
	if len(rows) > 1<<16 {
		errs = append(errs, fmt.Errorf("%d rows is more than a table can hold", len(rows)))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	byState := make([][]int, NumStates)
	for i, r := range rows {
		byState[r.From] = append(byState[r.From], i)
	}
	universe := AllEvents()
	t.candOff = make([]uint32, NumStates*numEventIndexes+1)
	for s := 0; s < NumStates; s++ {
		for e := 0; e < numEventIndexes; e++ {
			t.candOff[s*numEventIndexes+e] = uint32(len(t.candIdx))
			ev, ok := eventAt(e)
			if !ok {
				continue
			}
			for _, ri := range byState[s] {
				if rows[ri].On.Matches(ev) {
					t.candIdx = append(t.candIdx, uint16(ri))
					if rows[ri].Guard == Always {
						break // later rows are shadowed for this event
					}
				}
			}
		}
	}
	t.candOff[NumStates*numEventIndexes] = uint32(len(t.candIdx))
	if gaps := t.gaps(universe); len(gaps) > 0 {
		return nil, fmt.Errorf("table %s is not total: %s", name, strings.Join(gaps, "; "))
	}
	return t, nil
}

func pick(first bool, a, b State) State {
	if first {
		return a
	}
	return b
}

// eventAt inverts Event.index for indexes inside the universe.
func eventAt(i int) (Event, bool) {
	if i < int(numKinds) {
		return Event{Kind: EventKind(i)}, EventKind(i) != Arrive
	}
	i -= int(numKinds)
	a := AckClass(i % int(numAckClasses))
	i /= int(numAckClasses)
	s := SeqClass(i % int(numSeqClasses))
	f := Flags(i / int(numSeqClasses))
	if f.Has(ACK) != (a != AckNone) {
		return Event{}, false
	}
	return Event{Kind: Arrive, Flags: f, Seq: s, Ack: a}, true
}

// guardWorlds are TCBs covering every combination of the guard predicates.
var guardWorlds = func() []TCB {
	var out []TCB
	for i := 0; i < 8; i++ {
		out = append(out, TCB{Passive: i&1 != 0, DataQueued: i&2 != 0, ClosePending: i&4 != 0})
	}
	return out
}()

// gaps lists the (state, event, guard situation) triples no row handles.
func (t *Table) gaps(universe []Event) []string {
	var gaps []string
	for _, s := range t.States() {
		missing := 0
		var first string
		for _, e := range universe {
			for _, w := range guardWorlds {
				w.State = s
				if _, ok := t.Lookup(w, e); !ok {
					if missing == 0 {
						first = fmt.Sprintf("%s on %s (passive=%v, text queued=%v, CLOSE queued=%v)", s, e, w.Passive, w.DataQueued, w.ClosePending)
					}
					missing++
					break
				}
			}
		}
		if missing > 0 {
			gaps = append(gaps, fmt.Sprintf("%d events of %s have no row, the first %s", missing, s, first))
		}
	}
	return gaps
}

// Shadowed lists the IDs of rows that handle no event at all: every event
// they match is taken by an earlier row of the same state. A table with a
// shadowed row says something it does not do.
func (t *Table) Shadowed() []string {
	used := make([]bool, len(t.rows))
	for _, ri := range t.candIdx {
		used[ri] = true
	}
	var out []string
	for i, u := range used {
		if !u {
			out = append(out, t.rows[i].ID)
		}
	}
	sort.Strings(out)
	return out
}
