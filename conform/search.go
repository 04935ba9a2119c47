package conform

import (
	"time"

	"github.com/tcpcheck/tcpcheck/spec"
)

const (
	// maxPending bounds the segments an endpoint has sent that the capture
	// has not seen yet.
	maxPending = 4
	// maxEpochs bounds the ISN selections of one endpoint on one 4-tuple.
	maxEpochs = 16
)

// local is one endpoint's part of a run: its TCB, what it has sent that
// the capture has not seen yet, and when its timers started.
//
// Between two captured segments the endpoints do not meet: each takes
// user calls, timeouts and deliveries of segments the capture has already
// shown, none of which touches the other. So the worlds a run can be in
// after i captured segments are all the pairs of a local state A can be
// in and one B can be in, and the search keeps the two sets apart (see
// run). The network may deliver a seen segment any number of times and in
// any order (RFC 9293 section 3.4: segments may be lost, duplicated and
// reordered), so what may reach an endpoint depends only on how many
// segments the capture has shown.
type local struct {
	tcb spec.TCB
	// pend holds the segments sent and not yet seen, oldest first.
	npend uint8
	pend  [maxPending]spec.Segment
	// timerAt is the number of captured segments shown when the
	// endpoint's TIME-WAIT (or, with a FIN-WAIT-2 timeout given, its
	// FIN-WAIT-2) timer started; rtoAt when its retransmission timer last
	// started, with a minimum RTO given.
	timerAt, rtoAt int32
}

// stepKind says what a step of a run is.
type stepKind uint8

const (
	stepObserve stepKind = iota // the capture sees a segment
	stepCall                    // a user call
	stepTimeout                 // a timer expires
	stepDeliver                 // a seen segment reaches its receiver
	stepWait                    // the capture sees a segment of the peer
	stepProbe                   // Linux's tail-loss probe resends the FIN
)

// step is one step of an endpoint's run, enough to apply it again.
type step struct {
	kind stepKind
	call spec.EventKind
	// seg is the interned segment delivered.
	seg int16
	// lost has bit i set when the i-th segment the step sent was lost
	// before the capture point, so the capture never shows it, or, for a
	// bare ACK, was held back (a delayed ACK that a later segment
	// carries; see pureACK), which is no loss; spont marks
	// an observed ACK that the endpoint sent of its own accord (a delayed
	// ACK or a window update).
	lost  uint8
	spont bool
	// row is the table row the step took, or -1.
	row int16
}

// search is the conformance search over one 4-tuple's segments.
type search struct {
	table *spec.Table
	num   *numbering
	obs   []observation
	times []time.Time
	// mustSee[x]: the capture point is next to side x, so everything x
	// sends is seen.
	mustSee [2]bool
	// probes: the variant is Linux's, whose tail-loss probe
	// (tcp_send_loss_probe, RFC 8985) resends the last segment sent where
	// RFC 6298 resends the first unacknowledged one: with text and FIN
	// outstanding, the FIN.
	probes bool
	// The durations of the timers whose expiry is checked against the
	// capture's clock; zero means unchecked.
	timeWait, finWait2, minRTO time.Duration
	// interned are the abstract segments the capture shows, and seenBy[i]
	// lists, per sender, those shown by the first i captured segments.
	interned []spec.Segment
	seenBy   [][2][]int16
}

// intern returns the index of seg among the interned segments.
func (s *search) intern(seg spec.Segment) int16 {
	for i, x := range s.interned {
		if x == seg {
			return int16(i)
		}
	}
	s.interned = append(s.interned, seg)
	return int16(len(s.interned) - 1)
}

// forms interns the segments observation o stands for, once, when the
// search is set up.
func (s *search) forms(o *observation) []int16 {
	var ids []int16
	for j := 0; j < o.nparts; j++ {
		if o.valid[j] {
			ids = append(ids, s.intern(o.segs[j]))
		}
	}
	if o.partialData && o.valid[0] {
		ids = append(ids, s.intern(o.retransmit))
	}
	return ids
}

// feasible reports whether a timer started when start captured segments
// had been shown can expire when now have, given that it runs for at
// least d: the expiry comes before segment now is seen and the start
// after segment start-1 was.
func (s *search) feasible(start, now int32, d time.Duration) bool {
	if d == 0 || start == 0 || int(now) >= len(s.times) {
		return true
	}
	return s.times[now].Sub(s.times[start-1]) >= d
}

// pureACK reports whether seg is a bare acknowledgment: RFC 9293 lets a
// receiver delay it and let a later segment carry it (section 3.8.6.3),
// so a run may hold it back, at any vantage and at no cost.
func pureACK(seg spec.Segment) bool { return seg.Flags == spec.ACK }

// react applies in to endpoint x in local state l after idx captured
// segments: the table's step, the segments it sends (with those whose bit
// is set in lost lost before the capture point), and the timers it
// starts. ok is false when the table refuses the input or the result lies
// outside the search's bounds.
func (s *search) react(l local, x int, idx int32, in spec.Input, lost uint8) (local, int, bool) {
	res, base, ok := s.transition(l, x, idx, in)
	if !ok {
		return l, -1, false
	}
	n, ok := s.send(base, x, idx, &res, lost)
	return n, res.Row, ok
}

// transition is the table's step of react, with the timers it starts, but
// not yet the segments it sends.
func (s *search) transition(l local, x int, idx int32, in spec.Input) (spec.Result, local, bool) {
	before := l.tcb
	res := s.table.Step(before, in)
	if res.Err != nil || (res.Notice.IsError() && res.Next == before && res.NOut == 0) {
		return res, l, false
	}
	next := res.Next
	// The table does not read the retry count; conform allows any number
	// of retransmissions, so the count is not part of the state.
	next.Retries = 0
	if next.Epoch >= maxEpochs || int(next.Epoch) > len(s.num.isns[x]) {
		// An ISN the capture never shows: see the package documentation.
		return res, l, false
	}
	l.tcb = next
	row := s.table.Row(res.Row)
	if row.Timer&(spec.Start2MSL|spec.Restart2MSL) != 0 {
		l.timerAt = idx + 1
	} else if s.finWait2 > 0 && next.State == spec.FinWait2 && before.State != spec.FinWait2 {
		l.timerAt = idx + 1
	}
	if s.minRTO > 0 {
		// RFC 6298 5.1, 5.3 and 5.5: the timer starts when something
		// becomes outstanding, restarts when an ACK takes some of it, and
		// restarts on expiry.
		switch {
		case !next.Outstanding():
			l.rtoAt = 0
		case in.Kind == spec.RetransmissionTimeout, !before.Outstanding(), next.SndUna != before.SndUna:
			l.rtoAt = idx + 1
		}
	}
	return res, l, true
}

// send adds the segments of res to l's unseen segments, but those whose
// bit is set in lost: a bare ACK held back (see pureACK), or another
// segment lost before the capture point, which only a vantage away from
// the sender allows. What is kept must be what the capture shows next
// (see viable).
func (s *search) send(l local, x int, idx int32, res *spec.Result, lost uint8) (local, bool) {
	if lost>>uint(res.NOut) != 0 {
		return l, false
	}
	for i, seg := range res.Sent() {
		switch {
		case lost&(1<<i) != 0:
			if !pureACK(seg) && s.mustSee[x] {
				return l, false
			}
		case int(l.npend) == maxPending:
			return l, false
		default:
			l.pend[l.npend] = seg
			l.npend++
		}
	}
	return l, s.viable(x, idx, l.pend[:l.npend])
}

// losses counts the segments a step lost before the capture point: its
// lost bits but those of bare ACKs, which were held back.
func losses(res *spec.Result, lost uint8) int32 {
	n := int32(0)
	for i, seg := range res.Sent() {
		if lost&(1<<i) != 0 && !pureACK(seg) {
			n++
		}
	}
	return n
}

// timer is the least time a timeout of kind k needs from its start, and
// the number of captured segments shown when its timer started.
func (s *search) timer(l *local, k spec.EventKind) (time.Duration, int32) {
	switch k {
	case spec.TimeWaitTimeout:
		return s.timeWait, l.timerAt
	case spec.FinWait2Timeout:
		return s.finWait2, l.timerAt
	case spec.RetransmissionTimeout:
		return s.minRTO, l.rtoAt
	}
	return 0, 0
}

// probe is what a tail-loss probe of l sends: its FIN again, when its
// FIN and, before it, its text are outstanding (otherwise the probe sends
// what the retransmission timer would).
func (s *search) probe(l *local) (spec.Result, bool) {
	t := l.tcb
	if !s.probes || !t.State.FinSent() || !t.DataSent || t.SndUna > spec.DataOff || t.SndNxt <= t.SndUna {
		return spec.Result{}, false
	}
	var res spec.Result
	res.Out[0] = spec.Segment{Flags: spec.FIN | spec.ACK, Seq: spec.Seq{Epoch: t.Epoch, Off: t.SndNxt - 1}, Ack: t.RcvNxtSeq()}
	res.NOut = 1
	return res, true
}

// expires reports whether a timeout of kind k may happen to l after idx
// captured segments: its timer runs, and has run long enough.
func (s *search) expires(l *local, idx int32, k spec.EventKind) bool {
	if !l.tcb.TimerRunning(k) {
		return false
	}
	d, start := s.timer(l, k)
	return s.feasible(start, idx, d)
}

// successor is a local state and the step that reached it.
type successor struct {
	l  local
	st step
	// lost counts the segments lost before the capture point.
	lost int32
}

// expand appends to out every successor of l by the hidden step c (whose
// lost is ignored): one per choice of the segments it sends that are lost
// before the capture point. It steps the table once for them all.
func (s *search) expand(l *local, x int, idx int32, c step, out []successor) []successor {
	var in spec.Input
	switch c.kind {
	case stepTimeout:
		if !s.expires(l, idx, c.call) {
			return out
		}
		in = spec.Call(c.call)
	case stepCall:
		in = spec.Call(c.call)
	case stepDeliver:
		in = spec.Arrival(s.interned[c.seg])
	case stepProbe:
		res, ok := s.probe(l)
		if !ok {
			return out
		}
		for m := uint8(0); m < 2; m++ {
			if n, ok := s.send(*l, x, idx, &res, m); ok {
				c.lost, c.row = m, -1
				out = append(out, successor{n, c, losses(&res, m)})
			}
		}
		return out
	default:
		return out
	}
	res, base, ok := s.transition(*l, x, idx, in)
	if !ok {
		return out
	}
	c.row = int16(res.Row)
	for m := uint8(0); m < 1<<uint(res.NOut); m++ {
		if n, ok := s.send(base, x, idx, &res, m); ok {
			c.lost = m
			out = append(out, successor{n, c, losses(&res, m)})
		}
	}
	return out
}

// apply applies st to endpoint x in local state l after idx captured
// segments. It is the one definition of a run's steps: the search
// generates candidate steps and applies them, and the witness is replayed
// through it.
func (s *search) apply(l local, x int, idx int32, st step) (local, step, bool) {
	switch st.kind {
	case stepCall:
		n, row, ok := s.react(l, x, idx, spec.Call(st.call), st.lost)
		st.row = int16(row)
		return n, st, ok
	case stepTimeout:
		if !s.expires(&l, idx, st.call) {
			return l, st, false
		}
		n, row, ok := s.react(l, x, idx, spec.Call(st.call), st.lost)
		st.row = int16(row)
		return n, st, ok
	case stepDeliver:
		n, row, ok := s.react(l, x, idx, spec.Arrival(s.interned[st.seg]), st.lost)
		st.row = int16(row)
		return n, st, ok
	case stepProbe:
		res, ok := s.probe(&l)
		if !ok {
			return l, st, false
		}
		n, ok := s.send(l, x, idx, &res, st.lost)
		st.row = -1
		return n, st, ok
	case stepObserve:
		return s.observeStep(l, x, idx, st)
	case stepWait:
		return l, st, true
	}
	return l, st, false
}

// observeStep lets the capture see captured segment idx, which endpoint x
// sent: x's unseen segments must begin with what the segment stands for,
// or (st.spont) the segment is an ACK that x sends now.
func (s *search) observeStep(l local, x int, idx int32, st step) (local, step, bool) {
	o := &s.obs[idx]
	st.row = -1
	rest := l.pend[:l.npend]
	used := 0
	switch {
	case st.spont:
		if len(rest) > 0 || !o.ackLike || !l.tcb.State.KnowsIRS() {
			return l, st, false
		}
		ack := spec.Segment{Flags: spec.ACK, Seq: l.tcb.SndNxtSeq(), Ack: l.tcb.RcvNxtSeq()}
		if !o.valid[0] || ack != o.segs[0] {
			return l, st, false
		}
	case len(rest) == 0:
		return l, st, false
	case o.nparts == 1:
		switch {
		case o.valid[0] && rest[0] == o.segs[0]:
		case o.partialData && o.valid[0] && rest[0] == o.retransmit:
			// Early text sent again after the abstract octet: a
			// retransmission of it.
		default:
			return l, st, false
		}
		used = 1
	default:
		if !o.valid[0] || !o.valid[1] {
			return l, st, false
		}
		switch {
		case len(rest) >= 2 && rest[0] == o.segs[0] && rest[1] == o.segs[1]:
			used = 2
		case rest[0] == o.segs[0] && l.tcb.State.FinSent(), rest[0] == o.segs[1] && l.tcb.DataSent:
			// A retransmission that carries the text and the FIN, where
			// the table retransmits one of them, the other having been
			// sent before.
			used = 1
		default:
			return l, st, false
		}
	}
	n := used
	copy(l.pend[:], l.pend[n:l.npend])
	for i := int(l.npend) - n; i < maxPending; i++ {
		l.pend[i] = spec.Segment{}
	}
	l.npend -= uint8(n)
	return l, st, true
}

// userCalls and timeouts are the hidden events a run may take at any
// point.
var (
	userCalls = []spec.EventKind{spec.OpenPassive, spec.OpenActive, spec.Send, spec.Close, spec.Abort}
	timeouts  = []spec.EventKind{spec.RetransmissionTimeout, spec.TimeWaitTimeout, spec.UserTimeout, spec.FinWait2Timeout}
)

// hidden lists the hidden steps endpoint x may take after idx captured
// segments, in a fixed order: deliveries, timeouts, calls (expand tries
// each with every choice of losses).
func (s *search) hidden(x int, idx int32, l *local, out []step) []step {
	out = out[:0]
	for _, id := range s.seenBy[idx][1-x] {
		out = append(out, step{kind: stepDeliver, seg: id})
	}
	for _, k := range timeouts {
		out = append(out, step{kind: stepTimeout, call: k})
	}
	if s.probes {
		out = append(out, step{kind: stepProbe})
	}
	for _, k := range userCalls {
		if k == spec.Abort && l.tcb.State == spec.TimeWait {
			// RFC 9293 section 3.10.5 lets ABORT delete a TIME-WAIT
			// TCB, but MUST-13 has an actively closed connection linger
			// there for 2 MSL, and the sockets API gives the user no
			// handle to abort with once it has closed: conform follows
			// MUST-13 (see the package documentation).
			continue
		}
		out = append(out, step{kind: stepCall, call: k})
	}
	return out
}

// observations lists the ways endpoint x in l may have sent captured
// segment idx: the oldest of its unseen segments, or an ACK it sends now.
func (s *search) observations(l *local, x int, idx int32, out []step) []step {
	out = append(out[:0], step{kind: stepObserve})
	if l.npend == 0 && s.obs[idx].ackLike {
		out = append(out, step{kind: stepObserve, spont: true})
	}
	return out
}

// viable reports whether pend, the segments endpoint x has sent and the
// capture is still to show, can be what x's next captured segments show,
// in order, after idx captured segments. An ACK-like segment in between
// may be one x sends of its own accord. A step whose segments cannot be
// seen in that order must have lost some of them before the capture
// point: the search tries each loss as a separate step.
func (s *search) viable(x int, idx int32, pend []spec.Segment) bool {
	j := 0
	for i := int(idx); i < len(s.obs) && j < len(pend); i++ {
		o := &s.obs[i]
		if o.side != x {
			continue
		}
		switch {
		case o.nparts == 2 && j+1 < len(pend) && o.valid[0] && o.valid[1] && pend[j] == o.segs[0] && pend[j+1] == o.segs[1]:
			j += 2
		case o.valid[0] && (pend[j] == o.segs[0] || o.partialData && pend[j] == o.retransmit || o.nparts == 2 && o.valid[1] && pend[j] == o.segs[1]):
			j++
		case !o.ackLike:
			return false
		}
	}
	return j == len(pend)
}
