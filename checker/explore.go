package checker

import (
	"fmt"
	"math"
	"time"
)

// explorer runs one search of one model.
//
// Its parts are split for a parallel search to come. A worker owns what
// expanding a state needs for itself: the machine, with its memo caches,
// and scratch space. The rest is the search's, which every worker would
// share: the store, the frontier, the outcomes, the statistics and how the
// search ended. Today one goroutine does everything, and the pipeline
// (see run) keeps the order in which states are inserted, so the search
// is deterministic.
type explorer struct {
	// The search's inputs, not written once it runs.
	m     *Model
	props []Property
	opt   Options
	// statePreds is set when some property is evaluated on states;
	// stepPreds when one is evaluated on transitions.
	statePreds, stepPreds bool
	// exhaustive is set when the search must visit every state even once
	// the safety properties are decided: liveness needs the whole graph,
	// and a run with no property is one for statistics.
	exhaustive bool

	// What the search shares.
	st       *store
	frontier frontier
	out      []Outcome
	// open counts safety properties not yet decided by a trace.
	open int
	// pendingDecision marks the properties a batch in the pipeline will
	// decide, so that expanding later states does not decide them again.
	pendingDecision []bool
	// capacityStalls counts, per property, the states with no successor
	// that a deadlock-free property would call a deadlock but for a
	// transition the capacity bound blocked: a stall of the model's
	// bounded channels, which no real network has.
	capacityStalls []int
	coverage       Coverage
	// generated, transitions and depth are Stats'; queue is the number of
	// states found but not yet expanded, as of the last bound check;
	// capacityBlocked counts the transitions a full channel held back in
	// the expansions retired so far.
	generated, transitions, depth int
	queue, capacityBlocked        int
	start, lastProgress           time.Time
	// clock says when the time bound, Options.Stop and progress are
	// next checked.
	clock boundClock
	// found is retire's scratch: a new state, decoded for checkState.
	found World
	end   searchEnd

	// wk is the search's one worker. Its machine also replays traces and
	// builds the liveness graph, which happen on the search's goroutine.
	wk worker
}

// worker is what expanding states needs for itself, reused from state to
// state so that the hot loop does not allocate. A parallel search would
// give each goroutine its own.
type worker struct {
	mc *machine
	// key and pw are the state being expanded, packed and unpacked; w is
	// the same state decoded, when a step invariant or the deadlock check
	// needs it.
	key [maxWords]uint64
	pw  packedWorld
	w   World
	// next and t are the successor and the transition a step invariant
	// looks at.
	next World
	t    Transition
	x    expansion
	// batch is the batch expand fills; emit is e.add, made once.
	batch *batch
	emit  emitFunc
}

// frontier is the states found but not yet expanded. A breadth-first
// search expands the store's states in order, from head on; levelEnd is
// where the current level ends. A depth-first search keeps a stack.
type frontier struct {
	head, levelEnd int
	stack          []stackEntry
}

type stackEntry struct{ index, depth uint32 }

// size is the number of states found but not yet expanded, found being
// the number of states found.
func (f *frontier) size(s Strategy, found int) int {
	if s == DFS {
		return len(f.stack)
	}
	return max(found-f.head, 0)
}

// stopReason is why a search stopped expanding states.
type stopReason uint8

const (
	// running: the search has not stopped.
	running stopReason = iota
	// exhausted: every state found was expanded.
	exhausted
	// decided: every safety property is decided and nothing needs the
	// rest of the state space.
	decided
	// bounded: the states, time or memory bound was reached, or the
	// search was interrupted.
	bounded
	// failed: the model cannot be explored (searchEnd.err says why).
	failed
)

// searchBound names a bound of the search: one that ends it (states, time,
// memory) or one that cuts transitions from it (depth, epochs).
type searchBound uint8

const (
	noBound searchBound = iota
	boundStates
	boundDepth
	boundTime
	boundMemory
	boundEpochs
	// boundInterrupted: Options.Stop was closed.
	boundInterrupted
)

var boundNames = [...]string{"", "states", "depth", "time", "memory", "epochs", "interrupted"}

// String is the bound's name in Stats.Bound, empty for noBound.
func (b searchBound) String() string { return boundNames[b] }

// searchEnd is how a search ended: why it stopped, and the bound, if any,
// that cut it short or cut transitions from it.
type searchEnd struct {
	why   stopReason
	bound searchBound
	err   error
}

// stop records why the search stops, unless it already stopped.
func (s *searchEnd) stop(why stopReason) {
	if s.why == running {
		s.why = why
	}
}

// fail stops the search with the first error that makes the model
// unexplorable.
func (s *searchEnd) fail(err error) {
	if s.err == nil {
		s.err, s.why = err, failed
	}
}

// complete reports whether the search saw every reachable state and
// every transition: it ran out of states, and no bound cut anything.
func (s *searchEnd) complete() bool { return s.why == exhausted && s.bound == noBound }

func newExplorer(m *Model, props []Property, opt Options) *explorer {
	mc := newMachine(m)
	e := &explorer{m: m, props: props, opt: opt, st: newStore(mc.codec.words, opt.Fingerprint, opt.MaxMemory), coverage: make(Coverage, m.Table.NumRows())}
	e.wk = worker{mc: mc}
	e.wk.emit = e.add
	e.out = make([]Outcome, len(props))
	for i, p := range props {
		e.out[i] = Outcome{Property: p.Name, Kind: p.Kind}
		if p.Kind.Safety() {
			e.open++
		}
		switch p.Kind {
		case Invariant, QuiescentInvariant, Reachable:
			e.statePreds = true
		case StepInvariant:
			e.stepPreds = true
		}
	}
	e.exhaustive = len(props) == 0 || hasLiveness(props)
	e.pendingDecision = make([]bool, len(props))
	e.capacityStalls = make([]int, len(props))
	return e
}

// run performs the safety search.
//
// A breadth-first search is pipelined: expanding a state asks the
// processor to fetch the visited-set slots its successors will probe; two
// expansions later, probe reads those slots and asks for the stored states
// they point at; two expansions after that, the successors are inserted.
// The lookups are memory-bound, and the pipeline lets their cache misses
// overlap with the work of generating successors instead of waiting on
// them. States are inserted in exactly the order an unpipelined search
// inserts them, and every verdict, trace and statistic is the same: the
// pipeline drains before a BFS level ends, and what expanding a state
// decides (a step invariant broken, a deadlock) takes effect only when its
// successors are inserted.
func (e *explorer) run() {
	e.begin()
	pl := newPipeline(e.opt)
	for iter := 0; e.end.why == running; iter++ {
		cur, depth, ok := e.next(pl)
		if !ok {
			break
		}
		if e.opt.MaxDepth > 0 && depth >= e.opt.MaxDepth {
			// States at the depth bound are found but not expanded.
			e.end.bound = boundDepth
			continue
		}
		// The states and memory bounds are checked on a fixed schedule,
		// so that where they stop the search does not depend on timing;
		// the clock (the time bound, Options.Stop and progress) on an
		// adaptive one.
		if iter&1023 == 0 && e.overBound() {
			break
		}
		if e.clock.due() && e.overClock() {
			break
		}
		b := pl.get()
		e.expand(cur, depth, b)
		if e.end.why == failed {
			return
		}
		if !pl.push(e, b) {
			break
		}
	}
	e.queue = e.frontier.size(e.opt.Strategy, e.st.n)
	e.progress(true)
}

// begin stores the initial state, checks it, and makes it the frontier.
func (e *explorer) begin() {
	e.start = time.Now()
	e.lastProgress = e.start
	e.clock = newBoundClock(e.start, e.opt.MaxTime)
	var key [maxWords]uint64
	w0 := e.wk.mc.initial()
	e.wk.mc.codec.encode(&w0, &key)
	e.st.insert(&key, noParent, 0)
	e.frontier = frontier{levelEnd: 1}
	if e.opt.Strategy == DFS {
		e.frontier.stack = append(e.frontier.stack, stackEntry{0, 0})
	}
	e.checkState(0, &w0)
}

// next takes the next state to expand off the frontier, with its depth.
// It reports false when there is none: every state found was expanded, or
// inserting a breadth-first level's last successors stopped the search.
func (e *explorer) next(pl *pipeline) (cur, depth int, ok bool) {
	f := &e.frontier
	if e.opt.Strategy == DFS {
		if len(f.stack) == 0 {
			e.end.stop(exhausted)
			return 0, 0, false
		}
		top := f.stack[len(f.stack)-1]
		f.stack = f.stack[:len(f.stack)-1]
		e.depth = max(e.depth, int(top.depth))
		return int(top.index), int(top.depth), true
	}
	// A level ends when its last state has been expanded; the next level
	// is every state its successors added, so they are all inserted first.
	if f.head >= e.st.n || f.head == f.levelEnd {
		if !pl.drain(e) {
			return 0, 0, false
		}
	}
	if f.head >= e.st.n {
		e.end.stop(exhausted)
		return 0, 0, false
	}
	if f.head == f.levelEnd {
		e.depth++
		f.levelEnd = e.st.n
	}
	cur = f.head
	f.head++
	return cur, e.depth, true
}

// expand generates the successors of state cur into b, with their keys and
// hashes, and asks the processor to fetch the visited-set slots each will
// probe.
func (e *explorer) expand(cur, depth int, b *batch) {
	wk := &e.wk
	b.reset(cur, depth)
	e.st.key(cur, &wk.key)
	wk.mc.codec.unpack(&wk.key, &wk.pw)
	if e.stepPreds {
		wk.mc.codec.decode(&wk.key, &wk.w)
	}
	if e.opt.Fingerprint && e.opt.Strategy == BFS {
		e.st.release(cur)
	}
	wk.batch = b
	wk.mc.expand(&wk.pw, &wk.x, wk.emit)
	b.blocked = wk.x.blocked
	if wk.x.err != nil {
		e.end.fail(wk.x.err)
	}
	if wk.x.epochCut > 0 && e.end.bound == noBound {
		e.end.bound = boundEpochs
	}
	// A state whose only transitions the epochs bound cut is not a
	// deadlock: what follows it is unknown.
	if len(b.items) == 0 && wk.x.epochCut == 0 {
		wk.mc.codec.decode(&wk.key, &wk.w)
		e.checkDeadlock(b, &wk.w, wk.x.blocked > 0)
	}
	prefetch(b.addrs)
}

// add is the emit function of expand: it appends a successor to the
// batch being expanded. The explorer makes the closure once, so the hot
// loop does not allocate one per state.
func (e *explorer) add(mv *move, np *packedWorld) {
	wk := &e.wk
	b := wk.batch
	c := len(b.items)
	if c > math.MaxUint8 {
		wk.x.fail(fmt.Errorf("a state has more than %d successors", math.MaxUint8+1))
		return
	}
	if c == cap(b.items) {
		b.items = append(b.items, pending{})
	}
	b.items = b.items[:c+1]
	p := &b.items[c]
	p.row = mv.row
	wk.mc.codec.pack(np, &p.key) // sets every word of the key
	if e.stepPreds {
		e.checkStep(b, c, mv, &p.key)
	}
	p.h = hashKey(&p.key, e.st.words)
	b.addrs = append(b.addrs, e.st.slotAddr(p.h))
}

// retire inserts a batch's successors into the visited set, checks the new
// states and applies what expanding their parent decided. It reports
// whether the search may go on.
func (e *explorer) retire(b *batch) bool {
	e.generated += len(b.items)
	e.transitions += len(b.items)
	e.capacityBlocked += b.blocked
	for i := range b.items {
		p := &b.items[i]
		if p.row >= 0 {
			e.coverage[p.row]++
		}
		if e.opt.MaxStates > 0 && e.st.n >= e.opt.MaxStates && !e.st.has(&p.key, p.h) {
			// The states bound is exact: a new state beyond it is not
			// stored, and the search ends here, inconclusive.
			e.end.bound = boundStates
			e.end.stop(bounded)
			continue
		}
		idx, isNew := e.st.insertHashed(&p.key, p.h, uint32(b.from), uint8(i))
		if isNew {
			if e.statePreds {
				e.wk.mc.codec.decode(&p.key, &e.found)
				e.checkState(idx, &e.found)
				// A state property may be expensive (a formula of many
				// terms), and a batch holds many new states: the time
				// bound counts each evaluation as a unit of work.
				if e.end.why == running && e.clock.due() {
					if bd := e.timeOrStop(); bd != noBound {
						e.end.bound = bd
						e.end.stop(bounded)
						break
					}
				}
			}
			if e.opt.Strategy == DFS {
				e.frontier.stack = append(e.frontier.stack, stackEntry{uint32(idx), uint32(b.depth + 1)})
			}
		}
		if e.st.full {
			// The store would pass the memory bound to hold more
			// states: the search ends here, inconclusive.
			e.end.bound = boundMemory
			e.end.stop(bounded)
			break
		}
	}
	for _, d := range b.decided {
		if !e.out[d.prop].decided() {
			e.decide(d.prop, e.trace(b.from, d.choice))
		}
	}
	if e.st.n >= maxStates {
		e.end.bound = boundStates
		e.end.stop(bounded)
	}
	return e.end.why == running
}

// decide records the trace that decides safety property i, and stops a
// search that has nothing left to decide.
func (e *explorer) decide(i int, tr *Trace) {
	e.out[i].Trace = tr
	e.open--
	if e.open == 0 && !e.exhaustive {
		e.end.stop(decided)
	}
}

// overBound checks the bounds on states and memory. It reports whether
// one ends the search.
func (e *explorer) overBound() bool {
	switch {
	case e.opt.MaxStates > 0 && e.st.n >= e.opt.MaxStates:
		e.end.bound = boundStates
	case e.opt.MaxMemory > 0 && e.st.bytes() >= e.opt.MaxMemory:
		e.end.bound = boundMemory
	default:
		return false
	}
	e.end.stop(bounded)
	return true
}

// overClock checks the time bound and whether the search was
// interrupted, and reports progress when it is due. It reports whether
// the search ends.
func (e *explorer) overClock() bool {
	e.queue = e.frontier.size(e.opt.Strategy, e.st.n)
	bd := e.timeOrStop()
	if e.opt.Progress != nil && e.clock.last.Sub(e.lastProgress) >= e.progressEvery() {
		e.progress(false)
	}
	if bd == noBound {
		return false
	}
	e.end.bound = bd
	e.end.stop(bounded)
	return true
}

// stopped reports whether Options.Stop is closed.
func (e *explorer) stopped() bool {
	select {
	case <-e.opt.Stop:
		return true
	default:
		return false
	}
}

// timeOrStop reports the bound, time or interrupted, that ends work after
// the search (building the liveness graph), or noBound.
func (e *explorer) timeOrStop() searchBound {
	now := time.Now()
	e.clock.checked(now)
	switch {
	case e.stopped():
		return boundInterrupted
	case e.opt.MaxTime > 0 && now.Sub(e.start) >= e.opt.MaxTime:
		return boundTime
	}
	return noBound
}

// boundClock decides how many states pass between two checks of the
// clock, so that the time bound and Options.Stop are seen about every
// period of search, whatever a state costs: reading the clock after
// every state would slow a search of cheap states, and reading it after
// every 1024 let a search of expensive ones (a property of 200,000 terms)
// overrun a one-second bound by half a minute. After each check the
// interval doubles while checks come in under half a period, and shrinks
// in proportion when one took longer than a period, down to every state.
type boundClock struct {
	every, until int
	last         time.Time
	period       time.Duration
}

// maxCheckEvery caps the interval: at about a microsecond a state, 1024
// states are a millisecond, and reading the clock costs some tens of
// nanoseconds.
const maxCheckEvery = 1024

func newBoundClock(start time.Time, maxTime time.Duration) boundClock {
	period := 20 * time.Millisecond
	if maxTime > 0 {
		period = min(period, maxTime/50)
	}
	// until is 0: the first state is checked, and the interval starts at
	// one state and doubles from there.
	return boundClock{every: 1, last: start, period: max(period, time.Microsecond)}
}

// due counts a state and reports whether the bounds are to be checked.
func (c *boundClock) due() bool {
	c.until--
	return c.until < 0
}

// checked adapts the interval to the time since the last check, now.
func (c *boundClock) checked(now time.Time) {
	took := now.Sub(c.last)
	switch {
	case took > c.period:
		c.every = max(1, int(int64(c.every)*int64(c.period)/int64(took)))
	case took < c.period/2 && c.every < maxCheckEvery:
		c.every *= 2
	}
	c.last = now
	c.until = c.every - 1
}

func (e *explorer) progressEvery() time.Duration {
	if e.opt.ProgressEvery > 0 {
		return e.opt.ProgressEvery
	}
	return 200 * time.Millisecond
}

func (e *explorer) progress(done bool) {
	if e.opt.Progress == nil {
		return
	}
	e.lastProgress = time.Now()
	el := time.Since(e.start)
	e.opt.Progress(Progress{
		Model: e.m.Name, Generated: e.generated, Distinct: e.st.n, Queue: e.queue, Depth: e.depth,
		Elapsed: el, StatesPerSecond: float64(e.st.n) / max(el.Seconds(), 1e-9), StoreBytes: e.st.bytes(), Done: done,
	})
}

// checkState evaluates the state properties on a newly found state.
func (e *explorer) checkState(idx int, w *World) {
	for i := range e.props {
		p := &e.props[i]
		if e.out[i].decided() {
			continue
		}
		var hit bool
		switch p.Kind {
		case Invariant:
			hit = !p.Pred(w)
		case QuiescentInvariant:
			hit = w.Quiescent() && !p.Pred(w)
		case Reachable:
			hit = p.Pred(w)
		default:
			continue
		}
		if hit {
			e.decide(i, e.trace(idx, -1))
		}
	}
}

// checkStep evaluates the step invariants on move number choice out of
// state b.from (decoded in the worker's w), which leads to the state with
// key after, and records in b those it breaks.
func (e *explorer) checkStep(b *batch, choice int, mv *move, after *[maxWords]uint64) {
	wk := &e.wk
	described := false
	for i := range e.props {
		p := &e.props[i]
		if p.Kind != StepInvariant || e.out[i].decided() || e.pendingDecision[i] {
			continue
		}
		if !described {
			wk.mc.describe(&wk.w, mv, &wk.t)
			wk.mc.codec.decode(after, &wk.next)
			described = true
		}
		if !p.Step(&wk.w, &wk.t, &wk.next) {
			b.decided = append(b.decided, decision{i, choice})
			e.pendingDecision[i] = true
		}
	}
}

// checkDeadlock evaluates the deadlock properties on state b.from, which
// has no successors, and records in b those it breaks.
//
// A state that has no successor only because a full channel held a
// sender back (blocked) is a stall of the model's capacity bound, not of
// TCP: it is counted, and decides nothing.
func (e *explorer) checkDeadlock(b *batch, w *World, blocked bool) {
	for i := range e.props {
		p := &e.props[i]
		if p.Kind != DeadlockFree || e.out[i].decided() || e.pendingDecision[i] {
			continue
		}
		valid := p.ValidEnd
		if valid == nil {
			valid = defaultValidEnd
		}
		switch {
		case valid(w):
		case blocked:
			e.capacityStalls[i]++
		default:
			b.decided = append(b.decided, decision{i, -1})
			e.pendingDecision[i] = true
		}
	}
}

// trace rebuilds the path to state idx by replaying the recorded choices
// from the initial state, then, if extra >= 0, takes transition number
// extra from there.
func (e *explorer) trace(idx int, extra int) *Trace {
	var choices []uint8
	for i := idx; ; {
		p, c := e.st.parent(i)
		if p == noParent {
			break
		}
		choices = append(choices, c)
		i = int(p)
	}
	for l, r := 0, len(choices)-1; l < r; l, r = l+1, r-1 {
		choices[l], choices[r] = choices[r], choices[l]
	}
	if extra >= 0 {
		choices = append(choices, uint8(extra))
	}
	return e.replay(choices, -1)
}

// replay follows a sequence of transition numbers from the initial state.
func (e *explorer) replay(choices []uint8, loopStart int) *Trace {
	mc := e.wk.mc
	w := mc.initial()
	tr := &Trace{Model: e.m.Name, Initial: w, LoopStart: loopStart, table: mc.table}
	for _, c := range choices {
		n := 0
		var st Step
		found := false
		// The tally is not the search's: replay only revisits states the
		// search expanded, whose held-back transitions it counted then.
		mc.successors(&w, func(t *Transition, nw *World) {
			if n == int(c) {
				st = Step{Transition: *t, Before: w, After: *nw}
				found = true
			}
			n++
		})
		if !found {
			panic("checker: replay diverged from the search; successor generation is not deterministic")
		}
		tr.Steps = append(tr.Steps, st)
		w = st.After
	}
	return tr
}
