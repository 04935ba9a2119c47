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

// sent returns the segments sent.
func (t *Transition) sent() []spec.Segment { return t.Out[:t.NOut] }

// entered returns the segments sent that entered the network.
func (t *Transition) entered() []spec.Segment { return t.Out[:t.NOut-t.Dropped] }

// droppedSegments returns the segments sent that the network dropped
// because their channel was full.
func (t *Transition) droppedSegments() []spec.Segment { return t.Out[t.NOut-t.Dropped : t.NOut] }

// machine generates the successors of worlds of one model.
//
// It works on packed worlds (packedWorld): the endpoints' fields as the
// state encoding lays them out and the segments in flight as codes. A step
// of an endpoint is looked up in a memo of the table's results (see
// effect), so generating a successor is a few shifts and masks rather than
// building World, Transition and spec.Result values: the search generates
// hundreds of millions of successors, and this is most of its work. The
// World and Transition a trace shows are rebuilt from a move only when
// asked for (successors, describe).
//
// A machine keeps no state of a search: what an expansion finds besides
// its successors (transitions held back or cut, an effect the encoding
// cannot hold) goes to the expansion its caller owns. Its only mutable
// parts are two memo caches, the effect memo and the step cache, which
// every call may write: a machine is not safe for concurrent use, and each
// goroutine that generates successors needs a machine of its own. The
// model, the table and the codec it reads are never written.
type machine struct {
	m     *Model
	table *spec.Table
	codec codec
	// lossBudget is the effective loss budget (MaxBudget when unbounded:
	// the counter saturates instead of counting).
	lossBudget uint8
	// effects memoises the table's results; cache memoises Step for
	// describe. Both are written by every lookup that misses.
	effects *effectCache
	cache   *stepCache
	// listener is set when the table has a row that replaces a connection
	// by a new one on a listener (Linux's SYN in TIME-WAIT); reuse when its
	// connect in TIME-WAIT takes the old connection over (Linux's
	// tcp_tw_reuse), which makes TIME-WAIT a place an active user may
	// reopen from.
	listener, reuse bool
}

func newMachine(m *Model) *machine {
	mc := &machine{m: m, table: m.Table, codec: newCodec(m), effects: &effectCache{}, cache: &stepCache{}}
	for i := 0; i < m.Table.NumRows(); i++ {
		r := m.Table.Row(i)
		if r.Do&spec.OpNewTCB != 0 {
			mc.listener = mc.listener || r.On.Kind == spec.Arrive
			mc.reuse = mc.reuse || (r.From == spec.TimeWait && r.On.Kind == spec.OpenActive)
		}
	}
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
		w.E[s].TCB = spec.TCB{State: spec.Closed, SameISN: mc.codec.reuseISN}
	}
	return w
}

// move is a transition of a packed world, as successor generation
// produces it: enough to name it, and to rebuild the Transition a trace
// shows (describe).
type move struct {
	action Action
	actor  Side
	// call is the user call or timeout kind, for ActCall, ActTimeout and
	// ActReopen.
	call spec.EventKind
	// seg is the code of the segment delivered, lost or duplicated.
	seg uint16
	// row is the table row the actor's TCB took, or -1.
	row int16
	// dropped is how many of the segments sent the network dropped
	// because their channel was full.
	dropped uint8
	// ef is the actor's step, for a user call, timeout or delivery. It
	// points into the effect memo, so it is valid only during emit.
	ef *effect
}

// droppedCodes returns the codes of the segments sent that the network
// dropped because their channel was full: the last ones sent. The slice is
// valid only during emit.
func (mv *move) droppedCodes() []uint16 {
	if mv.ef == nil || mv.dropped == 0 {
		return nil
	}
	return mv.ef.out[mv.ef.nout-mv.dropped : mv.ef.nout]
}

// successors calls emit for every transition enabled in w, in a fixed
// order, with the successor world in canonical form, and returns what the
// expansion held back or cut. emit may not keep its pointers.
func (mc *machine) successors(w *World, emit func(t *Transition, next *World)) tally {
	var key, nk [maxWords]uint64
	mc.codec.encode(w, &key)
	var p packedWorld
	mc.codec.unpack(&key, &p)
	var t Transition
	var next World
	var x expansion
	mc.expand(&p, &x, func(mv *move, np *packedWorld) {
		mc.codec.pack(np, &nk)
		mc.codec.decode(&nk, &next)
		mc.describe(w, mv, &t)
		emit(&t, &next)
	})
	return x.tally
}

// describe fills t with the transition mv of world w, as a trace shows it.
// The endpoint's step is Step's result again: the table is the one source
// of what a step does.
func (mc *machine) describe(w *World, mv *move, t *Transition) {
	*t = Transition{Action: mv.action, Actor: mv.actor, Row: -1, Dropped: int(mv.dropped)}
	var res spec.Result
	switch mv.action {
	case ActCall, ActTimeout, ActReopen:
		t.Call = mv.call
		// A reopen starts from the CLOSED TCB, whose epoch already names
		// the next ISN.
		res = mc.step(w.E[mv.actor].TCB, spec.Call(mv.call))
	case ActDeliver:
		t.Seg = decodeSeg(uint64(mv.seg))
		e := &w.E[mv.actor]
		tcb := e.TCB
		if mc.listenerGone(tcb.State, e.Incarnation) {
			tcb.Passive = false
		}
		res = mc.step(tcb, spec.Arrival(t.Seg))
	case ActLose, ActDuplicate:
		t.Seg = decodeSeg(uint64(mv.seg))
		return
	default:
		return
	}
	t.Row, t.Event, t.Out, t.NOut, t.Notice = res.Row, res.Event, res.Out, res.NOut, res.Notice
}

// emitFunc receives each successor an expansion generates: the move and
// the world it leads to, in canonical form. Both pointers are valid only
// during the call.
type emitFunc func(mv *move, next *packedWorld)

// tally is what an expansion reports besides its successors.
type tally struct {
	// blocked counts transitions not taken because a channel was full:
	// the model's capacity bound, which Stats.CapacityBlocked reports.
	blocked int
	// epochCut counts transitions not taken because an endpoint would need
	// an ISN epoch past the encoding's last (MaxEpochs). Unlike the
	// capacity bound, this is a bound of the search: a search that cut one
	// is inconclusive, with the "epochs" bound.
	epochCut int
	// err records a transition the state encoding cannot hold (possible
	// only with a user overlay that sends more than one incarnation's
	// sequence space); the search stops with it.
	err error
}

// fail records err unless an earlier error of the expansion is recorded.
func (t *tally) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// expansion is the scratch space and the tally of one expansion. Its
// caller owns it and may reuse it, so the hot loop does not allocate;
// expand resets the tally.
type expansion struct {
	mv   move
	next packedWorld
	tally
}

// expand calls emit for every transition enabled in p, in a fixed order,
// with the successor in canonical form, and leaves in x.tally what it held
// back or cut. The order is the one transition numbers (Trace replay, the
// liveness graph's edges) refer to: each side's user calls, then its
// timers, A before B; then the network, direction by direction.
func (mc *machine) expand(p *packedWorld, x *expansion, emit emitFunc) {
	x.tally = tally{}
	var tcb [2]spec.TCB
	for s := A; s <= B; s++ {
		tcb[s] = mc.codec.tcbOf(p.ep[s])
	}
	for s := A; s <= B; s++ {
		mc.userCalls(p, s, &tcb[s], x, emit)
		mc.timers(p, s, &tcb, x, emit)
	}
	for from := A; from <= B; from++ {
		mc.network(p, from, x, emit)
	}
}

// userCalls generates the calls of side s's user, whose TCB is tcb: each at
// most once per incarnation, and only when the protocol accepts it (a
// refused call changes nothing); a reopen; and the host's crash.
func (mc *machine) userCalls(p *packedWorld, s Side, tcb *spec.TCB, x *expansion, emit emitFunc) {
	ep := p.ep[s]
	role := mc.role(s)
	state := tcb.State
	if role.Open != NoOpen && state == spec.Closed {
		kind := spec.OpenActive
		if role.Open == PassiveOpen {
			kind = spec.OpenPassive
		}
		switch {
		case ep&bitOpened == 0:
			mc.call(p, s, ActCall, kind, x, emit)
		case int(ep>>epIncarnation&3) < mc.m.Reopens:
			mc.call(p, s, ActReopen, kind, x, emit)
		}
	}
	if mc.reuse && role.Open == ActiveOpen && state == spec.TimeWait && int(ep>>epIncarnation&3) < mc.m.Reopens {
		// The new connection replaces the one in TIME-WAIT; apply
		// starts its incarnation (effect.newTCB).
		mc.call(p, s, ActReopen, spec.OpenActive, x, emit)
	}
	if ep&bitOpened == 0 || state == spec.Closed {
		return
	}
	if role.Send && ep&bitSent == 0 {
		mc.call(p, s, ActCall, spec.Send, x, emit)
	}
	if role.Close && ep&bitClosed == 0 {
		mc.call(p, s, ActCall, spec.Close, x, emit)
	}
	if role.Abort && ep&bitAborted == 0 {
		mc.call(p, s, ActCall, spec.Abort, x, emit)
	}
	if role.Crash && ep&bitCrashed == 0 {
		mc.crash(p, s, tcb, x, emit)
	}
}

// crash loses side s's TCB: CLOSED, and the user's record kept. The ISN
// generator is a clock, which the crash does not stop (RFC 9293 section
// 3.4.1): the next ISN lies above every number the lost TCB used, and a
// crash that would need an epoch past the encoding's last is cut.
func (mc *machine) crash(p *packedWorld, s Side, tcb *spec.TCB, x *expansion, emit emitFunc) {
	e := tcb.NextEpoch()
	if !epochFits(e) {
		x.epochCut++
		return
	}
	x.mv = move{action: ActCrash, actor: s, row: -1}
	x.next = *p
	x.next.ep[s] = p.ep[s]&^(tcbMask|endedMask) | closedBits | uint32(e)<<epEpoch | bitCrashed | uint32(EndCrashed)<<epEnded
	emit(&x.mv, &x.next)
}

// timers generates the timeouts of side s; tcb holds both sides' TCBs,
// since the 2MSL timer waits for the peer.
func (mc *machine) timers(p *packedWorld, s Side, tcb *[2]spec.TCB, x *expansion, emit emitFunc) {
	t := &tcb[s]
	if t.Outstanding() {
		if mc.canRetransmit(t) {
			mc.call(p, s, ActTimeout, spec.RetransmissionTimeout, x, emit)
		} else if mc.m.UserTimeout && (!mc.m.UserTimeoutAfterDrain || p.n[s] == 0) {
			// After drain, the user gives up only once nothing it sent
			// is still travelling (Model.UserTimeoutAfterDrain).
			mc.call(p, s, ActTimeout, spec.UserTimeout, x, emit)
		}
	}
	if t.State == spec.TimeWait && (mc.m.EarlyTimeWait || p.quiescent() && !mc.canRetransmit(&tcb[s.Peer()])) {
		// The 2MSL timer fires only once nothing is left in flight and
		// the peer will not retransmit: 2MSL (four minutes) outlasts
		// every segment of the connection in the network (RFC 9293
		// section 3.4.2) and the peer's retransmission timeouts, which
		// is what lets TIME-WAIT answer a retransmitted FIN whose
		// acknowledgment was lost (RFC 9293 section 3.6). An early
		// TIME-WAIT (Model.EarlyTimeWait) fires at any moment.
		mc.call(p, s, ActTimeout, spec.TimeWaitTimeout, x, emit)
	}
	if t.TimerRunning(spec.FinWait2Timeout) {
		mc.call(p, s, ActTimeout, spec.FinWait2Timeout, x, emit)
	}
}

// network generates what the network does with the segments travelling
// from side from: deliver one, lose one, duplicate one. Identical segments
// in flight lead to identical worlds, so only the first of a run of equal
// codes is delivered, lost or duplicated.
func (mc *machine) network(p *packedWorld, from Side, x *expansion, emit emitFunc) {
	segs := p.seg[from][:p.n[from]]
	n := len(segs)
	if !mc.m.Net.Reorder && n > 0 {
		n = 1 // FIFO: only the head may arrive
	}
	for i := 0; i < n; i++ {
		if i > 0 && segs[i] == segs[i-1] {
			continue
		}
		mc.deliver(p, from, i, x, emit)
	}
	if mc.mayLose(p.lost, 1) {
		for i := range segs {
			if i > 0 && segs[i] == segs[i-1] {
				continue
			}
			x.mv = move{action: ActLose, actor: from, seg: segs[i], row: -1}
			x.next = *p
			x.next.remove(from, i)
			if mc.m.Net.LossBudget > 0 {
				x.next.lost++
			}
			emit(&x.mv, &x.next)
		}
	}
	if int(p.dup) < mc.m.Net.Duplicates {
		for i := range segs {
			if i > 0 && segs[i] == segs[i-1] {
				continue
			}
			if len(segs) >= mc.codec.capacity {
				// A copy a full channel cannot hold is dropped at once
				// under overflow loss: nothing changes.
				if !mc.m.Net.Overflow {
					x.blocked++
				}
				break
			}
			x.mv = move{action: ActDuplicate, actor: from, seg: segs[i], row: -1}
			x.next = *p
			x.next.push(from, segs[i], mc.codec.reorder)
			x.next.dup++
			emit(&x.mv, &x.next)
		}
	}
}

// listenerGone reports whether an endpoint in state s, in incarnation inc,
// has no listener to take a new connection from TIME-WAIT (the table's
// OpNewTCB rows, guarded by the passive flag): the passive side's listener
// takes one only while its user may still open a connection. With no
// reopen left it is closed, and TIME-WAIT answers the SYN as an active
// side's does; the caller clears the passive flag for the step.
func (mc *machine) listenerGone(s spec.State, inc uint8) bool {
	return mc.listener && s == spec.TimeWait && int(inc) >= mc.m.Reopens
}

// mayLose reports whether the network may lose n more segments, lost
// having been lost so far.
func (mc *machine) mayLose(lost uint8, n int) bool {
	return mc.lossBudget > 0 && (mc.m.Net.LossBudget == 0 || int(lost)+n <= int(mc.lossBudget))
}

// canRetransmit reports whether an endpoint's retransmission timer may
// still fire: something is unacknowledged and its retries are not spent.
func (mc *machine) canRetransmit(t *spec.TCB) bool {
	return t.Outstanding() && (mc.m.RetryForever || int(t.Retries) < mc.m.Retries)
}

// call applies a user call or timeout of kind k to side s.
func (mc *machine) call(p *packedWorld, s Side, act Action, k spec.EventKind, x *expansion, emit emitFunc) {
	mv, next := &x.mv, &x.next
	*next = *p
	ep := p.ep[s]
	if act == ActReopen && ep&stateMask == closedBits {
		// A new incarnation: a fresh user record on the CLOSED TCB, whose
		// epoch names the next ISN; the host's one crash stays counted.
		inc := ep>>epIncarnation&3 + 1
		ep = ep&tcbMask | inc<<epIncarnation | ep&bitCrashed
	}
	ef := mc.effect(ep, k, 0)
	if ef.refused || ef.noticeError {
		return
	}
	if ef.same && ef.nout == 0 && act == ActTimeout {
		return // a timer that changes nothing is not a step
	}
	*mv = move{action: act, actor: s, call: k, row: ef.row, ef: ef}
	switch k {
	case spec.OpenActive, spec.OpenPassive:
		ep |= bitOpened
	case spec.Send:
		ep |= bitSent
	case spec.Close:
		ep |= bitClosed
	case spec.Abort:
		ep |= bitAborted
	}
	next.ep[s] = ep
	// With R2 unbounded the retry count means nothing; keeping it would
	// only split states.
	if !mc.apply(next, s, ef, mc.m.RetryForever, mv, &x.tally) {
		return
	}
	if k == spec.Abort {
		next.ep[s] = next.ep[s]&^endedMask | uint32(EndAborted)<<epEnded
	}
	emit(mv, next)
}

// deliver delivers the i-th segment travelling from side from.
func (mc *machine) deliver(p *packedWorld, from Side, i int, x *expansion, emit emitFunc) {
	mv, next := &x.mv, &x.next
	to := from.Peer()
	code := p.seg[from][i]
	*next = *p
	next.remove(from, i)
	ep := next.ep[to]
	if mc.listenerGone(spec.State(ep>>epState&15), uint8(ep>>epIncarnation&3)) {
		ep &^= 1 << epPassive
	}
	ef := mc.effect(ep, spec.Arrive, code)
	if ef.refused {
		return
	}
	*mv = move{action: ActDeliver, actor: to, seg: code, row: ef.row, ef: ef}
	if !mc.apply(next, to, ef, false, mv, &x.tally) {
		return
	}
	emit(mv, next)
}

// apply installs a step's effect for side s: the new TCB, the segments
// sent and the ending. Segments that do not fit their channel are dropped
// by the network (tail drop) when the model lets it lose them; otherwise
// the transition is not taken and apply reports false. clearRetries drops
// the retry count from the new TCB. A transition not taken is counted in t.
func (mc *machine) apply(next *packedWorld, s Side, ef *effect, clearRetries bool, mv *move, t *tally) bool {
	dropped := 0
	if over := int(next.n[s]) + int(ef.nout) - mc.codec.capacity; over > 0 {
		if !mc.m.Net.Overflow && !mc.mayLose(next.lost, over) {
			t.blocked++
			return false
		}
		dropped = over
		if mc.m.Net.LossBudget > 0 {
			next.lost += uint8(over)
		}
	}
	if ef.badEpoch {
		t.epochCut++
		return false
	}
	if ef.badOut || ef.badNext || (ef.badRetries && !clearRetries) {
		t.fail(mc.effectError(next.ep[s], mv))
		return false
	}
	for i := 0; i < int(ef.nout)-dropped; i++ {
		next.push(s, ef.out[i], mc.codec.reorder)
	}
	nt := ef.next
	if clearRetries {
		nt &^= 3 << epRetries
	}
	ep := next.ep[s]&^tcbMask | nt
	if ef.ends {
		ep = ep&^endedMask | uint32(ef.ending)<<epEnded
	}
	if ef.newTCB {
		// A new incarnation on the user's listener: a fresh record, open,
		// counted against the user's reopens.
		inc := ep>>epIncarnation&3 + 1
		ep = ep&tcbMask | bitOpened | inc<<epIncarnation | ep&bitCrashed
	}
	next.ep[s] = ep
	mv.dropped = uint8(dropped)
	return true
}

// effectError says why a step cannot be held by the state encoding,
// naming the row and what falls outside it.
func (mc *machine) effectError(ep uint32, mv *move) error {
	tcb := mc.codec.tcbOf(ep)
	in := spec.Call(mv.call)
	if mv.action == ActDeliver {
		in = spec.Input{Kind: spec.Arrive, Seg: decodeSeg(uint64(mv.seg))}
	}
	res := mc.table.Step(tcb, in)
	row := mc.table.Row(res.Row).ID
	for _, seg := range res.Sent() {
		if !encodable(seg) {
			return fmt.Errorf("row %s sends %s, outside the model's sequence space (SYN, one byte of text, FIN)", row, seg)
		}
	}
	return fmt.Errorf("row %s leaves %s outside the model's sequence space", row, res.Next)
}
