package conform

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/spec"
)

// fill turns a search's outcome into each incarnation's result.
func (s *search) fill(results []Result, conns []*capture.Connection, out outcome) {
	for i := range results {
		results[i].StatesExplored = len(out.nodes[0]) + len(out.nodes[1])
	}
	if out.bounded {
		frame := s.obs[out.idx].seg.Frame
		for i := range results {
			results[i].Verdict = Incomplete
			results[i].Message = fmt.Sprintf("inconclusive: the search stopped at its bound of %d states before it could decide frame %d", results[i].StatesExplored, frame)
		}
		return
	}
	conforms := func(r *Result, evs told, c *capture.Connection) {
		r.Verdict = Conforms
		r.Events = eventsOf(evs, c, s)
		r.Frames = s.frames(evs, c, -1)
		if holdsEnd(s, c) {
			r.EndA, r.EndB = evs.end[0], evs.end[1]
		}
		r.Message = fmt.Sprintf("a run of %s produces its %d segments", s.table.Name(), len(c.Segments))
	}
	if !out.deviates {
		ends := [2]int32{s.pick(&out, 0), s.pick(&out, 1)}
		evs := s.events(&out, ends)
		for i := range results {
			conforms(&results[i], evs, conns[i])
		}
		la, lb := &out.nodes[0][ends[0]].l, &out.nodes[1][ends[1]].l
		last := &results[len(results)-1]
		switch {
		case !s.accepting(la, 0) || !s.accepting(lb, 1):
			last.Verdict = Incomplete
			last.Message = fmt.Sprintf("the capture ends before a segment that %s, next to the capture point, must have sent", s.owing(la, lb))
		case !done(la.tcb) || !done(lb.tcb):
			last.Verdict = Incomplete
			last.Message = fmt.Sprintf("the capture ends while the connection is still open: every segment fits a run of %s, which leaves A in %s and B in %s", s.table.Name(), la.tcb.State, lb.tcb.State)
		}
		return
	}
	o := &s.obs[out.idx]
	frame := o.seg.Frame
	dev := len(conns) - 1
	for i, c := range conns {
		if frame >= c.Segments[0].Frame && frame <= c.Segments[len(c.Segments)-1].Frame {
			dev = i
			break
		}
	}
	evs := s.events(&out, [2]int32{out.cheapest(0), out.cheapest(1)})
	for i := range results {
		switch {
		case i < dev:
			conforms(&results[i], evs, conns[i])
		case i == dev:
			r := &results[i]
			r.Verdict, r.Frame, r.Sender = Deviates, frame, sideName(o.side)
			r.Events = eventsOf(evs, conns[i], s)
			r.Frames = s.frames(evs, conns[i], int(out.idx))
			r.States, r.Allowed = s.frontier(&out, o.side)
			r.Message = fmt.Sprintf("no run of %s produces frame %d: %s sent %s", s.table.Name(), frame, r.Sender, describeCaptured(o.seg))
		default:
			results[i].Verdict = Incomplete
			results[i].Message = fmt.Sprintf("not checked: an earlier connection on the same 4-tuple deviates at frame %d", frame)
		}
	}
}

// cheapest returns the node of least cost in side x's last level.
func (o *outcome) cheapest(x int) int32 {
	best := o.level[x][0]
	for _, i := range o.level[x] {
		if o.nodes[x][i].cost < o.nodes[x][best].cost {
			best = i
		}
	}
	return best
}

// owing names the sides that still owe the capture a segment.
func (s *search) owing(la, lb *local) string {
	switch {
	case !s.accepting(la, 0) && !s.accepting(lb, 1):
		return "A and B"
	case !s.accepting(la, 0):
		return "A"
	}
	return "B"
}

// describeCaptured renders a captured segment as RFC 9293 section 3.5
// does, with the capture's numbers.
func describeCaptured(seg *capture.Segment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<SEQ=%d>", seg.Seq)
	if seg.Flags.Has(capture.ACK) {
		fmt.Fprintf(&b, "<ACK=%d>", seg.Ack)
	}
	if ctl := captureFlags(seg.Flags); ctl != 0 {
		fmt.Fprintf(&b, "<CTL=%s>", ctl)
	}
	if seg.Len > 0 {
		fmt.Fprintf(&b, "<DATA len %d>", seg.Len)
	}
	return b.String()
}

// concrete returns the captured number that model number q of side x
// stands for, or false when the capture shows no ISN of that epoch.
func (s *search) concrete(x int, q spec.Seq) (uint32, bool) {
	if int(q.Epoch) >= len(s.num.isns[x]) {
		return 0, false
	}
	info := s.num.isns[x][q.Epoch]
	switch {
	case q.Off == 0:
		return info.isn, true
	case info.data == 0:
		return info.isn + uint32(q.Off), true
	case q.Off == 1:
		return info.isn + 1, true
	}
	return info.isn + info.data + uint32(q.Off) - 1, true
}

// format renders a model segment sent by side x with the capture's
// numbers where they are known, and the abstract ones ("e1+2") where not.
func (s *search) format(x int, seg spec.Segment) string {
	num := func(side int, q spec.Seq) string {
		if v, ok := s.concrete(side, q); ok {
			return fmt.Sprint(v)
		}
		// An ISN the capture does not show.
		if q.Off == 0 {
			return "new ISN"
		}
		return fmt.Sprintf("new ISN+%d", q.Off)
	}
	var b strings.Builder
	if seg.IsResetReply() {
		b.WriteString("<SEQ=0>")
	} else {
		fmt.Fprintf(&b, "<SEQ=%s>", num(x, seg.Seq))
	}
	if seg.Flags.Has(spec.ACK) {
		fmt.Fprintf(&b, "<ACK=%s>", num(1-x, seg.Ack))
	}
	if ctl := (seg.Flags &^ spec.Data).String(); ctl != "none" {
		fmt.Fprintf(&b, "<CTL=%s>", ctl)
	}
	if seg.Flags.Has(spec.Data) {
		b.WriteString("<DATA>")
	}
	return b.String()
}

// frontier says which states the deviating frame's sender x could be in
// and what the table let it send from them. It looks at the runs of least
// cost: a run that lost segments or aborted could be in almost any state,
// and listing those would hide the answer.
func (s *search) frontier(out *outcome, x int) ([]string, []Allowed) {
	states := map[string]bool{}
	allowed := map[Allowed]bool{}
	var cands []step
	least := int32(math.MaxInt32)
	for _, i := range out.level[x] {
		least = min(least, out.nodes[x][i].cost)
	}
	for _, i := range out.level[x] {
		if out.nodes[x][i].cost > least {
			continue
		}
		l := out.nodes[x][i].l
		states[l.tcb.State.String()] = true
		for d := 0; d < int(l.npend); d++ {
			allowed[Allowed{Segment: s.format(x, l.pend[d]), Row: "sent before, not yet seen"}] = true
			if s.mustSee[x] {
				break
			}
		}
		if l.tcb.State.KnowsIRS() {
			ack := spec.Segment{Flags: spec.ACK, Seq: l.tcb.SndNxtSeq(), Ack: l.tcb.RcvNxtSeq()}
			allowed[Allowed{Segment: s.format(x, ack), Row: "an ACK, delayed or a window update", Cite: "RFC 9293 3.8.6.2.2, 3.8.6.3"}] = true
		}
		cands = s.hidden(x, out.idx, &l, cands)
		for _, c := range cands {
			if c.kind == stepTimeout && !l.tcb.TimerRunning(c.call) || c.kind == stepProbe {
				continue
			}
			// The table's step itself: apply would keep only what fits
			// the capture, and nothing from here does.
			res := s.table.Step(l.tcb, s.input(c))
			if res.Err != nil {
				continue
			}
			row := s.table.Row(res.Row)
			// Bare ACKs too: the row that sends one names how the table
			// takes the event (a new SYN in TIME-WAIT, say).
			for _, seg := range res.Sent() {
				allowed[Allowed{Segment: s.format(x, seg), Row: row.ID, Cite: row.Cite}] = true
			}
		}
	}
	var st []string
	for k := range states {
		st = append(st, k)
	}
	sort.Strings(st)
	var al []Allowed
	for k := range allowed {
		al = append(al, k)
	}
	sort.Slice(al, func(i, j int) bool {
		if al[i].Row != al[j].Row {
			return al[i].Row < al[j].Row
		}
		return al[i].Segment < al[j].Segment
	})
	return st, al
}

// timedEvent is a hidden event with the number of captured segments shown
// before it.
type timedEvent struct {
	before int
	side   int
	text   string
}

// events tells the hidden events of the runs of both sides that end in
// nodes ends: the users' calls, the timers, the segments lost before the
// capture point, and the captured segments that never reached their
// receiver.
func (s *search) events(out *outcome, ends [2]int32) told {
	paths := [2][]lnode{s.settle(0, out.path(0, ends[0])), s.settle(1, out.path(1, ends[1]))}
	t := told{lost: map[int]bool{}, states: make([][2]string, len(s.obs)+1)}
	for x := 0; x < 2; x++ {
		t.end[x] = paths[x][len(paths[x])-1].l.tcb.State.String()
	}
	for x := 0; x < 2; x++ {
		for i := len(paths[x]) - 1; i >= 0; i-- {
			n := &paths[x][i]
			t.states[n.idx][x] = n.l.tcb.State.String()
		}
	}
	var evs []timedEvent
	for x := 0; x < 2; x++ {
		p := paths[x]
		for i := 1; i < len(p); i++ {
			n, prev := &p[i], &p[i-1]
			switch n.st.kind {
			case stepCall:
				evs = append(evs, timedEvent{int(n.idx), x, fmt.Sprintf("%s's user called %s", sideName(x), n.st.call)})
			case stepTimeout:
				evs = append(evs, timedEvent{int(n.idx), x, fmt.Sprintf("%s's %s timer fired", sideName(x), strings.TrimSuffix(n.st.call.String(), " timeout"))})
			case stepProbe:
				evs = append(evs, timedEvent{int(n.idx), x, fmt.Sprintf("%s's tail-loss probe sent its FIN again", sideName(x))})
			case stepObserve:
				at := int(n.idx) - 1
				if !s.delivered(at, paths[1-x], 1-x) {
					t.lost[at] = true
					evs = append(evs, timedEvent{at + 1, 1 - x, fmt.Sprintf("frame %d was lost before it reached %s", s.obs[at].seg.Frame, sideName(1-x))})
				}
			}
			// What the step sent and lost comes after the step.
			if n.st.lost != 0 {
				evs = append(evs, s.lostSends(prev, n, x)...)
			}
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].before != evs[j].before {
			return evs[i].before < evs[j].before
		}
		return evs[i].side < evs[j].side
	})
	t.events = evs
	return t
}

// settle moves each hidden step of side x's run as late as it can go
// past the peer's captured segments, as long as the run still replays:
// a user's call or a timer is told just before it was needed, not as
// early as it could have been. The search finds the shortest run of
// least cost, and among equals one that takes steps early; the steps of
// the two sides commute, so moving one past the peer's segment changes
// nothing else.
func (s *search) settle(x int, p []lnode) []lnode {
	for i := len(p) - 2; i >= 1; i-- {
		for j := i; j+1 < len(p) && !seeded(p[j].st) && p[j+1].st.kind == stepWait; j++ {
			q := append([]lnode(nil), p...)
			q[j], q[j+1] = q[j+1], q[j]
			if !s.rebuild(x, q, j) {
				break
			}
			p = q
		}
	}
	return p
}

// rebuild replays p from node from on, setting each node's level and
// local state anew, and reports whether every step still applies.
func (s *search) rebuild(x int, p []lnode, from int) bool {
	for i := from; i < len(p); i++ {
		prev := &p[i-1]
		n, st, ok := s.apply(prev.l, x, prev.idx, p[i].st)
		if !ok {
			return false
		}
		p[i].l, p[i].st, p[i].idx = n, st, prev.idx+stepShift(st)
	}
	return true
}

// told is what the results tell of one run: its hidden events, the
// captured segments that never reached their receivers (by index), and
// each side's state at each level (when the capture had shown that many
// segments).
type told struct {
	events []timedEvent
	lost   map[int]bool
	states [][2]string
	// end is each side's state at the end of the run.
	end [2]string
}

// frames tells connection c's captured segments as run t explains them,
// up to the segment at index dev that deviates (-1: none).
func (s *search) frames(t told, c *capture.Connection, dev int) []Frame {
	var out []Frame
	for i := range s.obs {
		o := &s.obs[i]
		if !slices.ContainsFunc(c.Segments, func(g capture.Segment) bool { return g.Frame == o.seg.Frame }) {
			continue
		}
		f := Frame{Frame: o.seg.Frame, Sender: sideName(o.side), Segment: describeCaptured(o.seg)}
		if i == dev {
			f.Deviates = true
			out = append(out, f)
			break
		}
		f.StateA, f.StateB = t.states[i+1][0], t.states[i+1][1]
		f.Lost = t.lost[i]
		out = append(out, f)
	}
	return out
}

// lostSends tells the segments that step n sent and lost before the
// capture point, replaying it to learn what it sent.
func (s *search) lostSends(prev, n *lnode, x int) []timedEvent {
	res := s.table.Step(prev.l.tcb, s.input(n.st))
	if n.st.kind == stepProbe {
		res, _ = s.probe(&prev.l)
	}
	var evs []timedEvent
	for i, seg := range res.Sent() {
		if n.st.lost&(1<<i) != 0 && !pureACK(seg) {
			evs = append(evs, timedEvent{int(n.idx), x, fmt.Sprintf("%s's %s was lost before the capture point", sideName(x), s.format(x, seg))})
		}
	}
	return evs
}

// input is the table's input of a hidden step.
func (s *search) input(st step) spec.Input {
	if st.kind == stepDeliver {
		return spec.Arrival(s.interned[st.seg])
	}
	return spec.Call(st.call)
}

// delivered reports whether captured segment at reaches receiver y in
// y's run p, or could reach it without changing the rest of the run (a
// duplicate ACK that changes nothing). A delivery is the latest copy's:
// where the capture shows the same segment again (a retransmission), a
// delivery after the later copy was seen is that copy's.
func (s *search) delivered(at int, p []lnode, y int) bool {
	ids := s.obs[at].forms
	// next is the index of the next copy of the segment, or len(obs).
	next := len(s.obs)
	for i := at + 1; i < len(s.obs); i++ {
		if s.obs[i].side == s.obs[at].side && slices.ContainsFunc(s.obs[i].forms, func(id int16) bool { return slices.Contains(ids, id) }) {
			next = i
			break
		}
	}
	mine := func(level int32) bool { return int(level) > at && int(level) <= next }
	for _, n := range p {
		if n.st.kind == stepDeliver && mine(n.idx) && slices.Contains(ids, n.st.seg) {
			return true
		}
	}
	// Try the delivery after each later step, and replay the rest.
	for i := range p {
		if !mine(p[i].idx) {
			continue
		}
		for _, id := range ids {
			// Every choice of what the delivery's answer does: a bare ACK
			// in answer may be held back.
			for _, n := range s.expand(&p[i].l, y, p[i].idx, step{kind: stepDeliver, seg: id}, nil) {
				if n.l == p[i].l || s.replays(n.l, y, p[i+1:]) {
					return true
				}
			}
		}
	}
	return false
}

// replays reports whether the steps of p apply, in order, from l.
func (s *search) replays(l local, y int, p []lnode) bool {
	for _, n := range p {
		next, _, ok := s.apply(l, y, n.idx-stepShift(n.st), n.st)
		if !ok {
			return false
		}
		l = next
	}
	return true
}

// stepShift is how far a step's node index lies past the index the step
// was taken at: an observation or a wait moves to the next level.
func stepShift(st step) int32 {
	if st.kind == stepObserve || st.kind == stepWait {
		return 1
	}
	return 0
}

// holdsEnd reports whether connection c holds the chain's last segment.
func holdsEnd(s *search, c *capture.Connection) bool {
	return s.obs[len(s.obs)-1].seg.Frame == c.Segments[len(c.Segments)-1].Frame
}

// eventsOf keeps the events that belong to connection c: those that came
// before one of its segments, and those after the chain's last segment
// when c holds it.
func eventsOf(t told, c *capture.Connection, s *search) []Event {
	evs := t.events
	first, last := c.Segments[0].Frame, c.Segments[len(c.Segments)-1].Frame
	holdsEnd := s.obs[len(s.obs)-1].seg.Frame == last
	var out []Event
	for _, e := range evs {
		if e.before == len(s.obs) {
			if holdsEnd {
				out = append(out, Event{Side: sideName(e.side), Text: e.text})
			}
			continue
		}
		if frame := s.obs[e.before].seg.Frame; frame >= first && frame <= last {
			out = append(out, Event{Before: frame, Side: sideName(e.side), Text: e.text})
		}
	}
	return out
}
