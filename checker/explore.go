package checker

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Strategy is the order in which states are explored.
type Strategy uint8

// The strategies.
const (
	// BFS explores level by level, so every counterexample is a shortest
	// one, and identical from run to run.
	BFS Strategy = iota
	// DFS explores the newest state first.
	DFS
)

// String names the strategy.
func (s Strategy) String() string { return [...]string{"bfs", "dfs"}[s] }

// ParseStrategy parses "bfs" or "dfs".
func ParseStrategy(s string) (Strategy, error) {
	switch s {
	case "bfs":
		return BFS, nil
	case "dfs":
		return DFS, nil
	}
	return 0, fmt.Errorf("unknown strategy %q (expected bfs or dfs)", s)
}

// Options bound and shape a search. Zero bounds mean unbounded.
type Options struct {
	Strategy Strategy
	// Fingerprint stores 64-bit hashes instead of states: less memory, and
	// a small chance, bounded in Stats.OmissionBound, of missing a state.
	Fingerprint bool
	MaxStates   int
	MaxDepth    int
	MaxTime     time.Duration
	// MaxMemory bounds the bytes the visited set may hold.
	MaxMemory int64
	// Progress, if set, is called about every ProgressEvery during the
	// search, and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// unpipelined turns the BFS pipeline off, so that tests can check
	// that it changes nothing.
	unpipelined bool
}

// Progress is a snapshot of a running search.
type Progress struct {
	Generated, Distinct, Queue int
	Depth                      int
	Elapsed                    time.Duration
	StatesPerSecond            float64
	Done                       bool
}

// Stats describe a finished search.
type Stats struct {
	Strategy    string
	Fingerprint bool
	// Generated counts successor states produced; Distinct counts the
	// different states found; Transitions counts the edges explored.
	Generated, Distinct, Transitions int
	// Depth is the length of the longest shortest path explored (BFS) or
	// the deepest stack (DFS).
	Depth int
	// StoreBytes is the memory held by the visited set and the state
	// store; BytesPerState divides it by Distinct.
	StoreBytes    int64
	BytesPerState float64
	Elapsed       time.Duration
	// StatesPerSecond is Distinct divided by Elapsed.
	StatesPerSecond float64
	// CapacityBlocked counts transitions not taken because a channel was
	// full (the model's capacity bound, not a search bound).
	CapacityBlocked int
	// OmissionBound, in fingerprint mode, bounds the probability that a
	// hash collision hid a state: Distinct^2 / 2^65.
	OmissionBound float64
	// Bound names the search bound that cut the search short ("states",
	// "depth", "time", "memory", or "epochs": an endpoint would have
	// selected more ISNs than the state encoding holds, MaxEpochs), or is
	// empty for a complete search.
	Bound string
}

// Coverage counts, for each row of the model's table (by index), how many
// explored transitions took it. A row that never fired marks a part of the
// protocol the model is too narrow to exercise.
type Coverage []int

// Report is the result of checking properties of one model.
type Report struct {
	Model    string
	Outcomes []Outcome
	Stats    Stats
	Coverage Coverage
}

// ErrModel wraps a model the checker cannot explore.
var ErrModel = errors.New("invalid model")

// Check explores the model and decides its safety properties (and, for
// liveness properties, builds the graph and decides them too). It returns
// an error only for a model it cannot explore; bounds give Inconclusive
// verdicts, never errors.
func Check(m Model, props []Property, opt Options) (*Report, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, err)
	}
	e := newExplorer(&m, props, opt)
	defer e.st.free()
	e.run()
	if e.err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, e.err)
	}
	rep := e.report()
	if hasLiveness(props) {
		if err := checkLiveness(e, rep); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func hasLiveness(props []Property) bool {
	for i := range props {
		if !props[i].Kind.Safety() {
			return true
		}
	}
	return false
}

type explorer struct {
	m     *Model
	mc    *machine
	props []Property
	opt   Options
	st    *store
	out   []Outcome
	// open counts safety properties not yet decided by a trace.
	open int

	coverage                      Coverage
	generated, transitions, depth int
	bound                         string
	start                         time.Time
	lastProgress                  time.Time
	complete                      bool
	// queue is the number of states found but not yet expanded, as of the
	// last bound check.
	queue int
	// statePreds is set when some property is evaluated on states;
	// stepPreds when one is evaluated on transitions.
	statePreds, stepPreds bool
	// exhaustive is set when the search must visit every state even once
	// the safety properties are decided.
	exhaustive bool
	// full is set when a bound on the number of states ends the search.
	full bool
	// err records why the model cannot be explored; the search stops
	// with it.
	err error
	// capacityBlocked counts the transitions a full channel held back in
	// the expansions retired so far.
	capacityBlocked int
	// pendingDecision marks the properties a batch in the pipeline will
	// decide, so that expanding later states does not decide them again.
	pendingDecision []bool
	stack           []stackEntry
	// Scratch space of the search loop.
	key     [maxWords]uint64
	w, next World
	t       Transition
	pw      packedWorld
	x       expansion
	// batch is the batch expand fills; emit is e.add.
	batch *batch
	emit  func(*move, *packedWorld)
}

func newExplorer(m *Model, props []Property, opt Options) *explorer {
	mc := newMachine(m)
	e := &explorer{m: m, mc: mc, props: props, opt: opt, st: newStore(mc.codec.words, opt.Fingerprint), coverage: make(Coverage, m.Table.NumRows())}
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
	e.start = time.Now()
	e.lastProgress = e.start
	var key [maxWords]uint64
	w0 := e.mc.initial()
	e.mc.codec.encode(&w0, &key)
	e.st.insert(&key, noParent, 0)
	e.checkState(0, &w0)

	// The search may stop early once every safety property is decided,
	// unless liveness needs the whole graph or there is nothing to decide
	// (a run for statistics).
	e.exhaustive = len(e.props) == 0 || hasLiveness(e.props)
	e.pendingDecision = make([]bool, len(e.props))
	e.emit = e.add
	// lag is how many expanded states wait for their inserts; probeAt is
	// how far from the newest one a batch is probed.
	lag, probeAt := 4, 3
	if e.opt.Strategy == DFS || e.opt.unpipelined {
		// Depth-first order takes the newest state next, so its successors
		// must be inserted before the next state is chosen.
		lag = 0
	}
	if e.opt.Strategy == DFS {
		e.stack = append(e.stack, stackEntry{0, 0})
	}
	var pipe []*batch
	var spare []*batch
	// retireFirst retires the oldest batch in the pipeline; it reports
	// false if the search must stop.
	retireFirst := func() bool {
		b := pipe[0]
		copy(pipe, pipe[1:])
		pipe = pipe[:len(pipe)-1]
		spare = append(spare, b)
		return e.retire(b)
	}
	// drain inserts every batch in the pipeline; it reports false if the
	// search must stop.
	drain := func() bool {
		for _, b := range pipe {
			e.probe(b)
		}
		for len(pipe) > 0 {
			if !retireFirst() {
				return false
			}
		}
		return true
	}
	head, levelEnd := 0, 1
	for iter := 0; !e.stopped(); iter++ {
		var cur, curDepth int
		if e.opt.Strategy == BFS {
			if head >= e.st.n || head == levelEnd {
				if !drain() {
					break
				}
			}
			if head >= e.st.n {
				e.complete = true
				break
			}
			if head == levelEnd {
				e.depth++
				levelEnd = e.st.n
			}
			cur, curDepth = head, e.depth
			head++
		} else {
			if len(e.stack) == 0 {
				e.complete = true
				break
			}
			top := e.stack[len(e.stack)-1]
			e.stack = e.stack[:len(e.stack)-1]
			cur, curDepth = int(top.index), int(top.depth)
			e.depth = max(e.depth, curDepth)
		}
		if e.opt.MaxDepth > 0 && curDepth >= e.opt.MaxDepth {
			// States at the depth bound are found but not expanded.
			e.bound = "depth"
			continue
		}
		if iter&1023 == 0 {
			if e.opt.Strategy == BFS {
				e.queue = e.st.n - head
			} else {
				e.queue = len(e.stack)
			}
			if e.overBound() {
				break
			}
		}
		var b *batch
		if n := len(spare); n > 0 {
			b, spare = spare[n-1], spare[:n-1]
		} else {
			b = &batch{items: make([]pending, 0, 64)}
		}
		e.expand(cur, curDepth, b)
		if e.err != nil {
			return
		}
		pipe = append(pipe, b)
		if n := len(pipe); n >= probeAt {
			e.probe(pipe[n-probeAt])
		} else if lag == 0 {
			e.probe(b)
		}
		if len(pipe) > lag && !retireFirst() {
			break
		}
	}
	if e.bound != "" {
		e.complete = false
	}
	if e.opt.Strategy == BFS {
		e.queue = max(e.st.n-head, 0)
	} else {
		e.queue = len(e.stack)
	}
	e.progress(true)
}

// stopped reports whether the search must end before expanding another
// state: a bound was reached, or every safety property is decided and the
// search need not be exhaustive.
func (e *explorer) stopped() bool {
	return e.full || e.err != nil || (e.open == 0 && !e.exhaustive)
}

type stackEntry struct{ index, depth uint32 }

// pending is a successor waiting for its visited-set lookup.
type pending struct {
	key [maxWords]uint64
	h   uint64
	// row is the table row the transition took, or -1.
	row int16
}

// batch is the successors of one expanded state on their way through the
// pipeline.
type batch struct {
	from, depth int
	items       []pending
	// blocked counts the transitions not taken because a channel was full.
	blocked int
	// decided holds what expanding the state decided, applied when the
	// batch is retired.
	decided []decision
	addrs   []uintptr
}

// decision is a property broken while expanding a state: by the
// transition numbered choice, or, when choice is -1, by the state itself
// having no successor.
type decision struct {
	prop, choice int
}

// expand generates the successors of state cur into b, with their keys and
// hashes, and asks the processor to fetch the visited-set slots each will
// probe.
func (e *explorer) expand(cur, depth int, b *batch) {
	b.from, b.depth = cur, depth
	b.items, b.decided, b.addrs = b.items[:0], b.decided[:0], b.addrs[:0]
	e.st.key(cur, &e.key)
	e.mc.codec.unpack(&e.key, &e.pw)
	if e.stepPreds {
		e.mc.codec.decode(&e.key, &e.w)
	}
	if e.opt.Fingerprint && e.opt.Strategy == BFS {
		e.st.release(cur)
	}
	e.batch = b
	e.mc.expand(&e.pw, &e.x, e.emit)
	b.blocked = e.x.blocked
	if e.x.err != nil && e.err == nil {
		e.err = e.x.err
	}
	if e.x.epochCut > 0 && e.bound == "" {
		e.bound = "epochs"
	}
	// A state whose only transitions the epochs bound cut is not a
	// deadlock: what follows it is unknown.
	if len(b.items) == 0 && e.x.epochCut == 0 {
		e.mc.codec.decode(&e.key, &e.w)
		e.checkDeadlock(b, &e.w)
	}
	prefetch(b.addrs)
}

// add is the emit function of expand: it appends a successor to the
// batch being expanded. The explorer makes the closure once, so the hot
// loop does not allocate one per state.
func (e *explorer) add(mv *move, np *packedWorld) {
	b := e.batch
	c := len(b.items)
	if c > math.MaxUint8 {
		e.x.fail(fmt.Errorf("a state has more than %d successors", math.MaxUint8+1))
		return
	}
	if c == cap(b.items) {
		b.items = append(b.items, pending{})
	}
	b.items = b.items[:c+1]
	p := &b.items[c]
	p.row = mv.row
	e.mc.codec.pack(np, &p.key) // sets every word of the key
	if e.stepPreds {
		e.checkStep(b, c, mv, &p.key)
	}
	p.h = hashKey(&p.key, e.st.words)
	b.addrs = append(b.addrs, e.st.slotAddr(p.h))
}

// probe reads the slots a batch's successors probe first, fetched by
// expand, and asks the processor to fetch the states whose tags match.
func (e *explorer) probe(b *batch) {
	b.addrs = e.st.stateAddrs(b.items, b.addrs[:0])
	prefetch(b.addrs)
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
			e.bound, e.full = "states", true
			continue
		}
		idx, isNew := e.st.insertHashed(&p.key, p.h, uint32(b.from), uint8(i))
		if isNew {
			if e.statePreds {
				e.mc.codec.decode(&p.key, &e.next)
				e.checkState(idx, &e.next)
			}
			if e.opt.Strategy == DFS {
				e.stack = append(e.stack, stackEntry{uint32(idx), uint32(b.depth + 1)})
			}
		}
	}
	for _, d := range b.decided {
		o := &e.out[d.prop]
		if !o.decided() {
			if d.choice < 0 {
				o.Trace = e.trace(b.from, -1, nil)
			} else {
				o.Trace = e.trace(b.from, d.choice, nil)
			}
			e.open--
		}
	}
	if e.st.n >= maxStates {
		e.bound, e.full = "states", true
	}
	return !e.stopped()
}

func (e *explorer) overBound() bool {
	switch {
	case e.opt.MaxStates > 0 && e.st.n >= e.opt.MaxStates:
		e.bound = "states"
	case e.opt.MaxTime > 0 && time.Since(e.start) >= e.opt.MaxTime:
		e.bound = "time"
	case e.opt.MaxMemory > 0 && e.st.bytes() >= e.opt.MaxMemory:
		e.bound = "memory"
	}
	if e.opt.Progress != nil && time.Since(e.lastProgress) >= e.progressEvery() {
		e.progress(false)
	}
	// The depth and epochs bounds cut transitions, not the search: the
	// rest of the state space is still explored.
	return e.bound != "" && e.bound != "depth" && e.bound != "epochs"
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
		Generated: e.generated, Distinct: e.st.n, Queue: e.queue, Depth: e.depth,
		Elapsed: el, StatesPerSecond: float64(e.st.n) / max(el.Seconds(), 1e-9), Done: done,
	})
}

// checkState evaluates the state properties on a newly found state.
func (e *explorer) checkState(idx int, w *World) {
	for i := range e.props {
		p := &e.props[i]
		o := &e.out[i]
		if o.decided() {
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
			o.Trace = e.trace(idx, -1, nil)
			e.open--
		}
	}
}

// checkStep evaluates the step invariants on move number choice out of
// state b.from (decoded in e.w), which leads to the state with key after,
// and records in b those it breaks.
func (e *explorer) checkStep(b *batch, choice int, mv *move, after *[maxWords]uint64) {
	described := false
	for i := range e.props {
		p := &e.props[i]
		if p.Kind != StepInvariant || e.out[i].decided() || e.pendingDecision[i] {
			continue
		}
		if !described {
			e.mc.describe(&e.w, mv, &e.t)
			e.mc.codec.decode(after, &e.next)
			described = true
		}
		if !p.Step(&e.w, &e.t, &e.next) {
			b.decided = append(b.decided, decision{i, choice})
			e.pendingDecision[i] = true
		}
	}
}

// checkDeadlock evaluates the deadlock properties on state b.from, which
// has no successors, and records in b those it breaks.
func (e *explorer) checkDeadlock(b *batch, w *World) {
	for i := range e.props {
		p := &e.props[i]
		if p.Kind != DeadlockFree || e.out[i].decided() || e.pendingDecision[i] {
			continue
		}
		valid := p.ValidEnd
		if valid == nil {
			valid = DefaultValidEnd
		}
		if !valid(w) {
			b.decided = append(b.decided, decision{i, -1})
			e.pendingDecision[i] = true
		}
	}
}

// trace rebuilds the path to state idx by replaying the recorded choices
// from the initial state, then, if extra >= 0, takes transition number
// extra from there.
func (e *explorer) trace(idx int, extra int, _ *World) *Trace {
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
	w := e.mc.initial()
	tr := &Trace{Model: e.m.Name, Initial: w, LoopStart: loopStart, table: e.mc.table}
	for _, c := range choices {
		n := 0
		var st Step
		found := false
		e.mc.successors(&w, func(t *Transition, nw *World) {
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

func (e *explorer) report() *Report {
	el := time.Since(e.start)
	stats := Stats{
		Strategy: e.opt.Strategy.String(), Fingerprint: e.opt.Fingerprint,
		Generated: e.generated, Distinct: e.st.n, Transitions: e.transitions, Depth: e.depth,
		StoreBytes: e.st.bytes(), Elapsed: el, CapacityBlocked: e.capacityBlocked, Bound: e.bound,
	}
	if e.st.n > 0 {
		stats.BytesPerState = float64(stats.StoreBytes) / float64(e.st.n)
	}
	stats.StatesPerSecond = float64(e.st.n) / max(el.Seconds(), 1e-9)
	if e.opt.Fingerprint {
		n := float64(e.st.n)
		stats.OmissionBound = n * n / math.Pow(2, 65)
	}
	rep := &Report{Model: e.m.Name, Stats: stats, Coverage: e.coverage}
	for i := range e.props {
		p := &e.props[i]
		o := e.out[i]
		if !p.Kind.Safety() {
			rep.Outcomes = append(rep.Outcomes, o)
			continue
		}
		switch {
		case p.Kind == Reachable && o.Trace != nil:
			o.Verdict = Holds
			o.Message = fmt.Sprintf("reachable in %d steps", len(o.Trace.Steps))
		case o.Trace != nil:
			o.Verdict = Violated
			o.Message = violationMessage(p.Kind, o.Trace)
		case !e.complete:
			o.Verdict = Inconclusive
			o.Message = e.cutShort() + "; the property was not decided"
		case p.Kind == Reachable:
			o.Verdict = Violated
			o.Message = fmt.Sprintf("no reachable state satisfies it (all %d states explored)", e.st.n) + omission(&stats)
		default:
			o.Verdict = Holds
			o.Message = fmt.Sprintf("holds in all %d reachable states", e.st.n) + omission(&stats)
		}
		rep.Outcomes = append(rep.Outcomes, o)
	}
	return rep
}

// cutShort says which bound cut the search short.
func (e *explorer) cutShort() string {
	if e.bound == "epochs" {
		return fmt.Sprintf("search cut short by the epochs bound: an endpoint's ISN clock would pass epoch %d, the last the state encoding holds (%d states explored)", MaxEpochs-1, e.st.n)
	}
	return fmt.Sprintf("search cut short by the %s bound after %d states", e.bound, e.st.n)
}

// omission qualifies a verdict that rests on having seen every state: in
// fingerprint mode a hash collision may have hidden one.
func omission(st *Stats) string {
	if !st.Fingerprint {
		return ""
	}
	return fmt.Sprintf(" (fingerprint search: the chance that a hash collision hid a state is below %.1e)", st.OmissionBound)
}

func violationMessage(k Kind, t *Trace) string {
	switch k {
	case DeadlockFree:
		return fmt.Sprintf("a state with no successor that is not a valid end state, after %d steps", len(t.Steps))
	case StepInvariant:
		return fmt.Sprintf("step %d breaks it", len(t.Steps))
	case QuiescentInvariant:
		return fmt.Sprintf("a quiescent state breaks it after %d steps", len(t.Steps))
	}
	return fmt.Sprintf("a state breaks it after %d steps", len(t.Steps))
}
