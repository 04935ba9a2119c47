package checker

// This file keeps the successor relation as first written, on World
// values, as a test oracle for the packed generator in successors.go,
// which the search uses because it is several times faster. A change to
// what a step of the model does must be made in both; the test below
// fails until they agree again.

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// refMachine is a machine with the oracle's own record of what its
// expansions held back and of the first effect the encoding cannot hold,
// kept across every state it expands.
type refMachine struct {
	*machine
	capacityBlocked int
	err             error
}

func (mc *refMachine) fail(err error) {
	if mc.err == nil {
		mc.err = err
	}
}

// refSuccessors is the successor relation as the checker first wrote it,
// on World values: the oracle the packed generator is checked against.
func (mc *refMachine) refSuccessors(w *World, emit func(t *Transition, next *World)) {
	t, next := &Transition{}, &World{}
	for s := A; s <= B; s++ {
		e := &w.E[s]
		role := mc.role(s)
		tcb := e.TCB

		// User calls: each at most once per incarnation, and only when the
		// protocol accepts it (a refused call changes nothing).
		if role.Open != NoOpen && tcb.State == spec.Closed {
			kind := spec.OpenActive
			if role.Open == PassiveOpen {
				kind = spec.OpenPassive
			}
			switch {
			case !e.Opened:
				mc.refCall(w, s, ActCall, kind, t, next, emit)
			case int(e.Incarnation) < mc.m.Reopens:
				mc.refCall(w, s, ActReopen, kind, t, next, emit)
			}
		}
		if role.Open == ActiveOpen && tcb.State == spec.TimeWait && int(e.Incarnation) < mc.m.Reopens && refTakesOverTimeWait(mc.table) {
			mc.refCall(w, s, ActReopen, spec.OpenActive, t, next, emit)
		}
		if e.Opened && tcb.State != spec.Closed {
			if role.Send && !e.Sent {
				mc.refCall(w, s, ActCall, spec.Send, t, next, emit)
			}
			if role.Close && !e.Closed {
				mc.refCall(w, s, ActCall, spec.Close, t, next, emit)
			}
			if role.Abort && !e.Aborted {
				mc.refCall(w, s, ActCall, spec.Abort, t, next, emit)
			}
			if role.Crash && !e.Crashed && tcb.NextEpoch() < MaxEpochs {
				*t = Transition{Action: ActCrash, Actor: s, Row: -1}
				*next = *w
				ne := &next.E[s]
				ne.TCB = spec.TCB{State: spec.Closed, Epoch: tcb.NextEpoch(), SameISN: tcb.SameISN}
				ne.Crashed = true
				ne.Ended = EndCrashed
				refCanon(&mc.codec, next)
				emit(t, next)
			}
		}

		// Timers.
		if tcb.Outstanding() {
			if mc.canRetransmit(&tcb) {
				mc.refCall(w, s, ActTimeout, spec.RetransmissionTimeout, t, next, emit)
			} else if mc.m.UserTimeout && (!mc.m.UserTimeoutAfterDrain || w.Net[s].N == 0) {
				mc.refCall(w, s, ActTimeout, spec.UserTimeout, t, next, emit)
			}
		}
		if tcb.State == spec.TimeWait && (mc.m.EarlyTimeWait || w.Quiescent() && !mc.canRetransmit(&w.E[s.Peer()].TCB)) {
			// The 2MSL timer fires only once nothing is left in flight and
			// the peer will not retransmit: 2MSL (four minutes) outlasts
			// every segment of the connection in the network (RFC 9293
			// section 3.4.2) and the peer's retransmission timeouts, which
			// is what lets TIME-WAIT answer a retransmitted FIN whose
			// acknowledgment was lost (RFC 9293 section 3.6).
			mc.refCall(w, s, ActTimeout, spec.TimeWaitTimeout, t, next, emit)
		}
		if tcb.TimerRunning(spec.FinWait2Timeout) {
			mc.refCall(w, s, ActTimeout, spec.FinWait2Timeout, t, next, emit)
		}
	}

	// The network, direction by direction.
	for from := A; from <= B; from++ {
		ch := &w.Net[from]
		n := int(ch.N)
		if !mc.m.Net.Reorder && n > 0 {
			n = 1 // FIFO: only the head may arrive
		}
		for i := 0; i < n; i++ {
			if i > 0 && ch.Seg[i] == ch.Seg[i-1] {
				continue // identical segments lead to identical worlds
			}
			mc.refDeliver(w, from, i, t, next, emit)
		}
		if mc.refMayLose(w, 1) {
			for i := 0; i < int(ch.N); i++ {
				if i > 0 && ch.Seg[i] == ch.Seg[i-1] {
					continue
				}
				*t = Transition{Action: ActLose, Actor: from, Seg: ch.Seg[i], Row: -1}
				*next = *w
				next.Net[from].remove(i)
				if mc.m.Net.LossBudget > 0 {
					next.Lost++
				}
				refCanon(&mc.codec, next)
				emit(t, next)
			}
		}
		if int(w.Duplicated) < mc.m.Net.Duplicates {
			for i := 0; i < int(ch.N); i++ {
				if i > 0 && ch.Seg[i] == ch.Seg[i-1] {
					continue
				}
				if int(ch.N) >= mc.codec.capacity {
					if !mc.m.Net.Overflow {
						mc.capacityBlocked++
					}
					break
				}
				*t = Transition{Action: ActDuplicate, Actor: from, Seg: ch.Seg[i], Row: -1}
				*next = *w
				next.Net[from].push(ch.Seg[i])
				next.Duplicated++
				refCanon(&mc.codec, next)
				emit(t, next)
			}
		}
	}
}

// mayLose reports whether the network may lose n more segments in world w.
func (mc *refMachine) refMayLose(w *World, n int) bool {
	return mc.lossBudget > 0 && (mc.m.Net.LossBudget == 0 || int(w.Lost)+n <= int(mc.lossBudget))
}

// call applies a user call or timeout of kind k to side s.
func (mc *refMachine) refCall(w *World, s Side, act Action, k spec.EventKind, t *Transition, next *World, emit func(*Transition, *World)) {
	*next = *w
	ne := &next.E[s]
	if act == ActReopen && ne.TCB.State == spec.Closed {
		inc := ne.Incarnation + 1
		*ne = Endpoint{TCB: ne.TCB, Incarnation: inc, Crashed: ne.Crashed}
	}
	res := mc.step(ne.TCB, spec.Call(k))
	if res.Err != nil || res.Notice.IsError() {
		return
	}
	if res.Next == ne.TCB && res.NOut == 0 && act == ActTimeout {
		return // a timer that changes nothing is not a step
	}
	*t = Transition{Action: act, Actor: s, Call: k, Row: res.Row, Event: res.Event, Out: res.Out, NOut: res.NOut, Notice: res.Notice}
	switch k {
	case spec.OpenActive, spec.OpenPassive:
		ne.Opened = true
	case spec.Send:
		ne.Sent = true
	case spec.Close:
		ne.Closed = true
	case spec.Abort:
		ne.Aborted = true
	}
	if mc.m.RetryForever {
		// The retry count means nothing without R2; keeping it would only
		// split states.
		res.Next.Retries = 0
	}
	if !mc.refApply(next, s, &res, t) {
		return
	}
	if k == spec.Abort {
		ne.Ended = EndAborted
	}
	refCanon(&mc.codec, next)
	emit(t, next)
}

// deliver delivers the i-th segment travelling from side from.
func (mc *refMachine) refDeliver(w *World, from Side, i int, t *Transition, next *World, emit func(*Transition, *World)) {
	to := from.Peer()
	seg := w.Net[from].Seg[i]
	*next = *w
	next.Net[from].remove(i)
	tcb := next.E[to].TCB
	if tcb.State == spec.TimeWait && int(next.E[to].Incarnation) >= mc.m.Reopens && refHasListener(mc.table) {
		tcb.Passive = false // no reopen left: the listener is closed
	}
	res := mc.step(tcb, spec.Arrival(seg))
	if res.Err != nil {
		return
	}
	*t = Transition{Action: ActDeliver, Actor: to, Seg: seg, Row: res.Row, Event: res.Event, Out: res.Out, NOut: res.NOut, Notice: res.Notice}
	if !mc.refApply(next, to, &res, t) {
		return
	}
	refCanon(&mc.codec, next)
	emit(t, next)
}

// refHasListener reports whether a row of the table starts a new
// connection on a listener.
func refHasListener(t *spec.Table) bool {
	for _, r := range t.Rows() {
		if r.Do&spec.OpNewTCB != 0 && r.On.Kind == spec.Arrive {
			return true
		}
	}
	return false
}

// refTakesOverTimeWait reports whether the table lets a connect in
// TIME-WAIT start a new connection.
func refTakesOverTimeWait(t *spec.Table) bool {
	i, ok := t.Lookup(spec.TCB{State: spec.TimeWait}, spec.Event{Kind: spec.OpenActive})
	return ok && t.Row(i).Do&spec.OpNewTCB != 0
}

// apply installs a Step result for side s: the new TCB, the segments sent
// and the ending. Segments that do not fit their channel are dropped by
// the network (tail drop) when the model lets it lose them; otherwise the
// transition is not taken and apply reports false.
func (mc *refMachine) refApply(next *World, s Side, res *spec.Result, t *Transition) bool {
	ch := &next.Net[s]
	t.Dropped = 0
	if over := int(ch.N) + res.NOut - mc.codec.capacity; over > 0 {
		if !mc.m.Net.Overflow && !mc.refMayLose(next, over) {
			mc.capacityBlocked++
			return false
		}
		t.Dropped = over
		if mc.m.Net.LossBudget > 0 {
			next.Lost += uint8(over)
		}
	}
	if res.Next.Epoch >= MaxEpochs {
		return false // the epochs bound cuts it
	}
	for _, seg := range res.Sent() {
		if seg.Seq.Epoch >= MaxEpochs || seg.Ack.Epoch >= MaxEpochs {
			return false
		}
	}
	for i, seg := range res.Sent() {
		if !encodable(seg) {
			mc.fail(fmt.Errorf("row %s sends %s, outside the model's sequence space (SYN, one byte of text, FIN)", mc.table.Row(res.Row).ID, seg))
			return false
		}
		if i < res.NOut-t.Dropped {
			ch.push(seg)
		}
	}
	if n := res.Next; n.SndNxt > 3 || n.RcvNxt > 3 || n.Retries > MaxRetries {
		mc.fail(fmt.Errorf("row %s leaves %s outside the model's sequence space", mc.table.Row(res.Row).ID, n))
		return false
	}
	e := &next.E[s]
	was := e.TCB.State
	e.TCB = res.Next
	if res.Row >= 0 && mc.table.Row(res.Row).Do&spec.OpNewTCB != 0 {
		*e = Endpoint{TCB: res.Next, Opened: true, Incarnation: e.Incarnation + 1, Crashed: e.Crashed}
	}
	if res.Next.State == spec.Closed && was != spec.Closed {
		switch res.Notice {
		case spec.NoticeReset:
			e.Ended = EndReset
		case spec.NoticeRefused:
			e.Ended = EndRefused
		case spec.NoticeUserTimeout:
			e.Ended = EndUserTimeout
		case spec.NoticeClosed:
			e.Ended = EndClosed
		default:
			e.Ended = EndOther
		}
	}
	return true
}

// refCanon puts a world in canonical form: with reordering, each channel is a
// multiset, so it is sorted by segment code. An insertion sort over at most
// MaxCapacity codes is allocation-free and faster than sort.Slice here.
func refCanon(c *codec, w *World) {
	if !c.reorder {
		return
	}
	for d := range w.Net {
		ch := &w.Net[d]
		n := int(ch.N)
		if n < 2 {
			continue
		}
		var codes [MaxCapacity]uint64
		for i := 0; i < n; i++ {
			codes[i] = encodeSeg(ch.Seg[i])
		}
		for i := 1; i < n; i++ {
			for j := i; j > 0 && codes[j] < codes[j-1]; j-- {
				codes[j], codes[j-1] = codes[j-1], codes[j]
				ch.Seg[j], ch.Seg[j-1] = ch.Seg[j-1], ch.Seg[j]
			}
		}
	}
}

// TestPackedGeneratorMatchesOracle checks the packed successor generator
// against refSuccessors state by state: on every test model and on the
// reference, larger and data models (cut short), each reachable state
// must have the same transitions, in the same order, to the same worlds,
// and the same transitions held back by a full channel.
func TestPackedGeneratorMatchesOracle(t *testing.T) {
	// data is the reference model with a byte of text each way.
	data := Reference()
	data.Name = "reference-data"
	data.A.Send, data.B.Send = true, true
	data.Net.LossBudget = 2
	models := append(testModels(), Reference(), larger(), data, lossyForever())
	for _, v := range []string{"rfc793", "rfc1337", "linux"} {
		m := data
		m.Name, m.Table = "data-"+v, mustVariant(v)
		m.A.Abort, m.B.Crash, m.Net.Duplicates = true, true, 1
		models = append(models, m)
	}
	// Linux's listener in TIME-WAIT, and the epochs bound.
	models = append(models, twReuseModel("linux", 1), twReuseModel("linux-loopback", 1), synStormModel(MaxBudget))
	// A user timeout only after the endpoint's segments drain.
	drain := data
	drain.Name, drain.UserTimeoutAfterDrain = "data-user-timeout-after-drain", true
	models = append(models, drain)
	// A TIME-WAIT whose 2MSL timer may fire at any moment.
	early := data
	early.Name, early.EarlyTimeWait = "data-early-time-wait", true
	models = append(models, early)
	// Overflow loss on small channels, where sends overflow often.
	for _, capacity := range []int{1, 2} {
		ov := data
		ov.Name = fmt.Sprintf("data-overflow-capacity-%d", capacity)
		ov.Net = Network{Capacity: capacity, Overflow: true, Duplicates: 1, Reorder: capacity == 2}
		ov.A.Abort, ov.B.Crash = true, true
		models = append(models, ov)
	}
	for _, m := range models {
		t.Run(m.Name, func(t *testing.T) {
			mc := newMachine(&m)
			oracle := &refMachine{machine: newMachine(&m)}
			// blocked and genErr are what mc's expansions reported, summed
			// as the oracle sums them.
			blocked, genErr := 0, error(nil)
			seen := map[[maxWords]uint64]bool{}
			queue := []World{mc.initial()}
			for len(queue) > 0 && len(seen) < 20000 {
				w := queue[0]
				queue = queue[1:]
				var k [maxWords]uint64
				mc.codec.encode(&w, &k)
				if seen[k] {
					continue
				}
				seen[k] = true
				type succ struct {
					t Transition
					w World
				}
				var want, got []succ
				oracle.refSuccessors(&w, func(t *Transition, nw *World) { want = append(want, succ{*t, *nw}) })
				x := mc.successors(&w, func(t *Transition, nw *World) { got = append(got, succ{*t, *nw}) })
				blocked += x.blocked
				if genErr == nil {
					genErr = x.err
				}
				require.Equal(t, want, got, "successors of %s", w.String())
				require.Equal(t, oracle.capacityBlocked, blocked, "held back in %s", w.String())
				for _, s := range got {
					queue = append(queue, s.w)
				}
			}
			require.NoError(t, genErr)
			require.Greater(t, len(seen), 1)
		})
	}
}

func (c *Channel) push(s spec.Segment) { c.Seg[c.N] = s; c.N++ }

func (c *Channel) remove(i int) {
	copy(c.Seg[i:c.N], c.Seg[i+1:c.N])
	c.N--
	c.Seg[c.N] = spec.Segment{}
}
