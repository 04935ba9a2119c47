package checker

import (
	"fmt"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Action is the kind of a transition of the world.
type Action uint8

// The actions.
const (
	// ActCall: the user of Actor makes a call (Call holds its kind).
	ActCall Action = iota
	// ActTimeout: a timer of Actor fires (Call holds its kind).
	ActTimeout
	// ActDeliver: Seg, sent by Actor's peer, arrives at Actor.
	ActDeliver
	// ActLose: the network drops Seg, travelling from Actor to its peer.
	ActLose
	// ActDuplicate: the network duplicates Seg, travelling from Actor.
	ActDuplicate
	// ActCrash: Actor's host crashes and loses its TCB.
	ActCrash
	// ActReopen: Actor's user opens a new incarnation of the connection.
	ActReopen
)

var actionNames = [...]string{"call", "timeout", "deliver", "lose", "duplicate", "crash", "reopen"}

// String names the action.
func (a Action) String() string { return actionNames[a] }

// Transition is one step of the world, with everything a trace shows.
type Transition struct {
	Action Action
	// Actor is the endpoint that acts: the caller, the timer's owner, the
	// receiver of a delivery, or the sender of a segment that the network
	// loses or duplicates.
	Actor Side
	// Call is the user call or timeout kind, for ActCall, ActTimeout and
	// ActReopen.
	Call spec.EventKind
	// Seg is the segment delivered, lost or duplicated.
	Seg spec.Segment
	// Row is the table row the actor's TCB took, or -1 for a network
	// action or a crash.
	Row int
	// Event is the event as the table classified it.
	Event spec.Event
	// Out holds the NOut segments the actor sent.
	Out  [spec.MaxOut]spec.Segment
	NOut int
	// Dropped is how many of the last segments sent the network dropped
	// at once because their channel was full (tail drop, a loss).
	Dropped int
	// Notice is what the actor's user was told.
	Notice spec.Notice
}

// Sent returns the segments sent.
func (t *Transition) Sent() []spec.Segment { return t.Out[:t.NOut] }

// Entered returns the segments sent that entered the network.
func (t *Transition) Entered() []spec.Segment { return t.Out[:t.NOut-t.Dropped] }

// DroppedSegments returns the segments sent that the network dropped
// because their channel was full.
func (t *Transition) DroppedSegments() []spec.Segment { return t.Out[t.NOut-t.Dropped : t.NOut] }

// machine generates the successors of worlds of one model.
type machine struct {
	m     *Model
	table *spec.Table
	codec codec
	// lossBudget is the effective loss budget (MaxBudget when unbounded:
	// the counter saturates instead of counting).
	lossBudget uint8
	// capacityBlocked counts transitions not taken because a channel was
	// full.
	capacityBlocked int
	// cache memoises Step.
	cache *stepCache
	// err records a transition the state encoding cannot hold (possible
	// only with a user overlay that sends more than one incarnation's
	// sequence space); the search stops with it.
	err error
}

func newMachine(m *Model) *machine {
	mc := &machine{m: m, table: m.Table, codec: newCodec(m), cache: &stepCache{}}
	switch {
	case !m.Net.Loss:
		mc.lossBudget = 0
	case m.Net.LossBudget == 0:
		mc.lossBudget = MaxBudget // unbounded: see lose
	default:
		mc.lossBudget = uint8(m.Net.LossBudget)
	}
	return mc
}

func (mc *machine) role(s Side) *Role {
	if s == A {
		return &mc.m.A
	}
	return &mc.m.B
}

// initial returns the initial world: both endpoints CLOSED, nothing sent.
func (mc *machine) initial() World {
	var w World
	for s := range w.E {
		w.E[s].TCB = spec.ClosedTCB(mc.codec.epoch(0))
	}
	return w
}

// successors calls emit for every transition enabled in w, in a fixed
// order, with the successor world in canonical form. emit may not keep
// its pointers.
func (mc *machine) successors(w *World, emit func(t *Transition, next *World)) {
	mc.successorsInto(w, &succBuf{}, emit)
}

// succBuf is the scratch space of successor generation. The explorer owns
// one and reuses it, so the hot loop does not allocate.
type succBuf struct {
	t    Transition
	next World
}

// successorsInto is successors with caller-owned scratch space.
func (mc *machine) successorsInto(w *World, buf *succBuf, emit func(t *Transition, next *World)) {
	t, next := &buf.t, &buf.next
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
				mc.call(w, s, ActCall, kind, t, next, emit)
			case int(e.Incarnation) < mc.m.Reopens:
				mc.call(w, s, ActReopen, kind, t, next, emit)
			}
		}
		if e.Opened && tcb.State != spec.Closed {
			if role.Send && !e.Sent {
				mc.call(w, s, ActCall, spec.Send, t, next, emit)
			}
			if role.Close && !e.Closed {
				mc.call(w, s, ActCall, spec.Close, t, next, emit)
			}
			if role.Abort && !e.Aborted {
				mc.call(w, s, ActCall, spec.Abort, t, next, emit)
			}
			if role.Crash && !e.Crashed {
				*t = Transition{Action: ActCrash, Actor: s, Row: -1}
				*next = *w
				ne := &next.E[s]
				ne.TCB = spec.ClosedTCB(tcb.Epoch)
				ne.Crashed = true
				ne.Ended = EndCrashed
				mc.codec.canon(next)
				emit(t, next)
			}
		}

		// Timers.
		if tcb.Outstanding() {
			if mc.canRetransmit(&tcb) {
				mc.call(w, s, ActTimeout, spec.RetransmissionTimeout, t, next, emit)
			} else if mc.m.UserTimeout {
				mc.call(w, s, ActTimeout, spec.UserTimeout, t, next, emit)
			}
		}
		if tcb.State == spec.TimeWait && w.Quiescent() && !mc.canRetransmit(&w.E[s.Peer()].TCB) {
			// The 2MSL timer fires only once nothing is left in flight and
			// the peer will not retransmit: 2MSL (four minutes) outlasts
			// every segment of the connection in the network (RFC 9293
			// section 3.4.2) and the peer's retransmission timeouts, which
			// is what lets TIME-WAIT answer a retransmitted FIN whose
			// acknowledgment was lost (RFC 9293 section 3.6).
			mc.call(w, s, ActTimeout, spec.TimeWaitTimeout, t, next, emit)
		}
		if tcb.TimerRunning(spec.FinWait2Timeout) {
			mc.call(w, s, ActTimeout, spec.FinWait2Timeout, t, next, emit)
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
			mc.deliver(w, from, i, t, next, emit)
		}
		if mc.mayLose(w, 1) {
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
				mc.codec.canon(next)
				emit(t, next)
			}
		}
		if int(w.Duplicated) < mc.m.Net.Duplicates {
			for i := 0; i < int(ch.N); i++ {
				if i > 0 && ch.Seg[i] == ch.Seg[i-1] {
					continue
				}
				if int(ch.N) >= mc.codec.capacity {
					mc.capacityBlocked++
					break
				}
				*t = Transition{Action: ActDuplicate, Actor: from, Seg: ch.Seg[i], Row: -1}
				*next = *w
				next.Net[from].push(ch.Seg[i])
				next.Duplicated++
				mc.codec.canon(next)
				emit(t, next)
			}
		}
	}
}

// mayLose reports whether the network may lose n more segments in world w.
func (mc *machine) mayLose(w *World, n int) bool {
	return mc.lossBudget > 0 && (mc.m.Net.LossBudget == 0 || int(w.Lost)+n <= int(mc.lossBudget))
}

// canRetransmit reports whether an endpoint's retransmission timer may
// still fire: something is unacknowledged and its retries are not spent.
func (mc *machine) canRetransmit(t *spec.TCB) bool {
	return t.Outstanding() && (mc.m.RetryForever || int(t.Retries) < mc.m.Retries)
}

// call applies a user call or timeout of kind k to side s.
func (mc *machine) call(w *World, s Side, act Action, k spec.EventKind, t *Transition, next *World, emit func(*Transition, *World)) {
	*next = *w
	ne := &next.E[s]
	if act == ActReopen {
		inc := ne.Incarnation + 1
		*ne = Endpoint{TCB: spec.ClosedTCB(mc.codec.epoch(inc)), Incarnation: inc, Crashed: ne.Crashed}
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
	if !mc.apply(next, s, &res, t) {
		return
	}
	if k == spec.Abort {
		ne.Ended = EndAborted
	}
	mc.codec.canon(next)
	emit(t, next)
}

// deliver delivers the i-th segment travelling from side from.
func (mc *machine) deliver(w *World, from Side, i int, t *Transition, next *World, emit func(*Transition, *World)) {
	to := from.Peer()
	seg := w.Net[from].Seg[i]
	*next = *w
	next.Net[from].remove(i)
	res := mc.step(next.E[to].TCB, spec.Arrival(seg))
	if res.Err != nil {
		return
	}
	*t = Transition{Action: ActDeliver, Actor: to, Seg: seg, Row: res.Row, Event: res.Event, Out: res.Out, NOut: res.NOut, Notice: res.Notice}
	if !mc.apply(next, to, &res, t) {
		return
	}
	mc.codec.canon(next)
	emit(t, next)
}

// apply installs a Step result for side s: the new TCB, the segments sent
// and the ending. Segments that do not fit their channel are dropped by
// the network (tail drop) when the model lets it lose them; otherwise the
// transition is not taken and apply reports false.
func (mc *machine) apply(next *World, s Side, res *spec.Result, t *Transition) bool {
	ch := &next.Net[s]
	t.Dropped = 0
	if over := int(ch.N) + res.NOut - mc.codec.capacity; over > 0 {
		if !mc.mayLose(next, over) {
			mc.capacityBlocked++
			return false
		}
		t.Dropped = over
		if mc.m.Net.LossBudget > 0 {
			next.Lost += uint8(over)
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

func (mc *machine) fail(err error) {
	if mc.err == nil {
		mc.err = err
	}
}
