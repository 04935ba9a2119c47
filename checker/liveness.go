package checker

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
	"time"
)

// Liveness properties are decided on the whole reachable graph after the
// safety search, in time linear in its size times the number of strong
// fairness assumptions, as TLC and SPIN decide them: strongly connected
// components of the part of the graph where the awaited predicate is false.
//
// # What a run is
//
// A run starts in the initial state and takes transitions for as long as it
// likes; it may also stop in any state and stay there forever. A user who
// may CLOSE need not, a timer that may fire need not, a segment in flight
// need not arrive. This is how TLA+ reads a specification, and it is why
// fairness has to be stated: without an assumption, the run where nothing
// more happens is a legitimate run, and the checker reports it. A run that
// stops is the degenerate lasso whose cycle is a single stuttering step; a
// state without successors (a deadlock) is one where every run stops.
//
// # Fairness
//
// An assumption names a class of actions (timers, users, delivery, all)
// and applies to each side separately: "weak fairness of users" is two
// assumptions, one about A's user and one about B's. The unit of fairness is
// the pair (class, actor), where the actor is the endpoint whose user
// calls or whose timer fires. Delivery is finer: its unit is the pair
// (receiving side, kind of segment), the fair lossy channel of the
// literature made finite: a kind of segment sent towards a side again and
// again is delivered there again and again. For delivery, a kind counts as
// enabled in a state where a segment of that kind is in flight towards a
// side that some delivery can reach, or is sent there and dropped at once
// by a full channel (see inFlightKinds): on a FIFO channel a segment
// behind the head is not yet deliverable, and counting only deliverable
// segments would let the network lose every ACK before it reaches the
// head and still call the run fair. Per side, because the two endpoints are
// independent agents: a fair scheduler must not starve B's timer just
// because A's fire; per class rather than per individual transition,
// because what a user or a timer of one endpoint does next is one decision
// (close or abort; retransmit or give up), and a finer unit would force
// every optional alternative to happen.
//
//   - Weak fairness of (C, s): a run that from some point on always has a
//     C-transition of s enabled takes one infinitely often. On a cycle: the
//     cycle is unfair if every state of it enables such a transition and
//     no step of it is one. A run that stops is unfair if the state it
//     stops in enables one.
//   - Strong fairness of (C, s): a run on which such a transition is
//     enabled infinitely often takes one infinitely often. On a cycle: the
//     cycle is unfair if some state of it enables one and no step of it is
//     one. Strong fairness of delivery is what makes "a segment
//     retransmitted again and again is eventually delivered" true despite
//     loss, since loss disables the delivery between retransmissions.
//
// # The algorithm
//
// For LeadsTo(P, Q), a violation is a reachable state where P holds and Q
// does not, from which a run avoiding Q forever is fair. Such a run either
// stops in a Q-avoiding state that enables nothing fairness covers, or
// eventually stays in a strongly connected set of Q-avoiding states on a
// fair cycle. The checker computes the strongly connected components of the
// Q-avoiding subgraph with an iterative Tarjan (no recursion: graphs have
// millions of states), which emits them sinks first, so whether a component
// can reach a violation is known from the components already emitted. A
// component with a cycle is fair when, for every weak assumption, some
// state of it does not enable the class or some edge inside it takes it,
// and, for every strong assumption, the class is either taken inside it or
// never enabled in it. When a strong assumption fails, the states enabling
// the class cannot lie on a fair cycle of this component; they are removed
// and the rest is decomposed again (the Emerson-Lei refinement that SPIN's
// and TLC's fairness checks use). A failed weak assumption discards the
// whole component, since every subset fails it too. Eventually(Pred) is
// LeadsTo(initial state, Pred).
//
// The counterexample is a shortest path (breadth-first) from the initial
// state to the nearest violating P state, a shortest Q-avoiding path from
// there to the nearest place where the run can stay, and, for a cycle, an
// actual cycle of states through that place: breadth-first paths inside
// the fair component that visit, for each assumption, a step that takes the
// class or (for weak fairness) a state that does not enable it, and return
// to the start. The cycle is checked to be fair before it is reported.
//
// # Memory
//
// The graph is kept in compressed sparse row form: a uint32 offset per
// state and, per edge, a uint32 target and a byte of fairness labels, with
// the edges of a state in the order successor generation enumerates them,
// so an edge's position is the choice that Trace replay needs. Per state the
// decomposition adds about 20 bytes of uint32 arrays. Edges are regenerated
// from the stored states (decode, successors, encode, look up), so the
// safety search keeps nothing for liveness.

// label is a set of fairness labels. Bits 0 to 7 are the (class, side)
// pairs; bits 8 to 23 are the delivery of each segment kind to each side,
// which is the granularity delivery fairness uses: a fair lossy channel
// delivers a segment sent again and again, not merely some segment of
// that direction (otherwise every ACK may be lost for ever while
// retransmitted FINs get through).
type label = uint32

const (
	labelBits = 24
	allLabels = label(1)<<labelBits - 1
	// kindBits is the number of segment kinds (see segKinds).
	kindBits = 8
)

// fairBit is the label bit of the pair (class c, side s).
func fairBit(c ActionClass, s Side) label { return 1 << (2*uint(c) + uint(s)) }

// deliveryBit is the label bit of delivering a segment of kind k to side s.
func deliveryBit(s Side, k uint8) label { return 1 << (8 + kindBits*uint(s) + uint(k)) }

// deliveryBits are all the per-kind delivery labels.
const deliveryBits = label(0xffff) << 8

// inFlightKinds returns the delivery labels a state enables besides its
// deliveries: the kinds of segment in flight towards a side, and the kinds
// sent there from this state but dropped at once by a full channel (sent,
// a bit of the kinds dropped so).
//
// Delivery fairness encodes the fair lossy channel: a kind of segment sent
// again and again is delivered again and again. On a FIFO channel only the
// head may arrive, and the network may lose a segment before it gets
// there, or drop it when it is sent into a full channel; counting only
// deliveries as enabled would let a run lose every ACK for ever and still
// be fair. Only a direction that is delivering (en has its delivery bit)
// gets these labels, so no state is excused from stopping for a delivery
// that cannot happen.
func inFlightKinds(w *World, en, sent label) label {
	var l label
	for from := A; from <= B; from++ {
		to := from.Peer()
		if en&fairBit(ClassDelivery, to) == 0 {
			continue
		}
		for _, g := range w.Net[from].Segments() {
			if k := kindOf[g.Flags&31]; k != 0xff {
				l |= deliveryBit(to, k)
			}
		}
		l |= sent & ((label(1)<<kindBits - 1) << (8 + kindBits*uint(to)))
	}
	return l
}

// transitionLabel is the set of labels a transition carries: (all, actor),
// (timers|users|delivery, actor) for its class, and, for a delivery, the
// kind of segment delivered to the actor.
func transitionLabel(t *Transition) label {
	l := fairBit(ClassAll, t.Actor)
	for _, c := range [...]ActionClass{ClassTimers, ClassUsers, ClassDelivery} {
		if c.Contains(t) {
			l |= fairBit(c, t.Actor)
		}
	}
	if t.Action == ActDeliver {
		if k := kindOf[t.Seg.Flags&31]; k != 0xff {
			l |= deliveryBit(t.Actor, k)
		}
	}
	return l
}

// moveLabel is transitionLabel of the transition mv describes.
func moveLabel(mv *move) label {
	t := Transition{Action: mv.action, Actor: mv.actor}
	if mv.action == ActDeliver {
		t.Seg = decodeSeg(uint64(mv.seg))
	}
	return transitionLabel(&t)
}

// fairnessMasks turns assumptions into label masks. A pair under strong
// fairness is dropped from the weak mask, since strong fairness implies
// weak fairness.
func fairnessMasks(fs []Fairness) (wf, sf label, err error) {
	for _, f := range fs {
		if f.Class > ClassAll {
			return 0, 0, fmt.Errorf("unknown action class %d in a fairness assumption", f.Class)
		}
		m := classMask(f.Class)
		if f.Strong {
			sf |= m
		} else {
			wf |= m
		}
	}
	return wf &^ sf, sf, nil
}

// classMask is the labels a fairness assumption on class c constrains.
func classMask(c ActionClass) label {
	if c == ClassDelivery {
		return deliveryBits
	}
	return fairBit(c, A) | fairBit(c, B)
}

// DescribeFairness renders fairness assumptions in words, in a fixed order:
// "weak fairness of timers and users; strong fairness of delivery".
func DescribeFairness(fs []Fairness) string {
	var weak, strong []string
	wf, sf, _ := fairnessMasks(fs)
	for c := ClassTimers; c <= ClassAll; c++ {
		m := classMask(c)
		switch {
		case sf&m != 0:
			strong = append(strong, c.String())
		case wf&m != 0:
			weak = append(weak, c.String())
		}
	}
	var parts []string
	if len(weak) > 0 {
		parts = append(parts, "weak fairness of "+andList(weak))
	}
	if len(strong) > 0 {
		parts = append(parts, "strong fairness of "+andList(strong))
	}
	if len(parts) == 0 {
		return "no fairness assumption"
	}
	return strings.Join(parts, "; ")
}

// labelNames names the pairs of a label mask, in bit order.
func labelNames(m label) string {
	var out []string
	for b := 0; b < labelBits; b++ {
		if m&(1<<b) == 0 {
			continue
		}
		if b >= 8 {
			s, k := Side((b-8)/kindBits), (b-8)%kindBits
			out = append(out, fmt.Sprintf("delivery of %s to %s", segKinds[k], s))
			continue
		}
		c, s := ActionClass(b/2), Side(b%2)
		switch c {
		case ClassTimers:
			out = append(out, s.String()+"'s timers")
		case ClassUsers:
			out = append(out, s.String()+"'s user")
		case ClassDelivery:
			out = append(out, "delivery to "+s.String())
		default:
			out = append(out, "every action of "+s.String())
		}
	}
	return andList(out)
}

func andList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// stateBits is a set of state indices.
type stateBits []uint64

func newStateBits(n int) stateBits    { return make(stateBits, (n+63)/64) }
func (b stateBits) get(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b stateBits) set(i uint32)      { b[i>>6] |= 1 << (i & 63) }
func (b stateBits) clear(i uint32)    { b[i>>6] &^= 1 << (i & 63) }
func (b stateBits) count() (n int) {
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// lgraph is the reachable graph in compressed sparse row form. The edges
// of state v are off[v] to off[v+1]-1, in successor enumeration order, so
// edge e of v is choice e-off[v].
type lgraph struct {
	n   int
	off []uint32
	tgt []uint32
	// lab is each edge's fairness label (transitionLabel).
	lab []label
	// en is, per state, the union of its edges' labels: the pairs enabled
	// there.
	en []label
}

// source returns the state an edge leaves.
func (g *lgraph) source(e uint32) uint32 {
	return uint32(sort.Search(g.n, func(v int) bool { return g.off[v+1] > e }))
}

// selfLoop reports whether v has an edge to itself.
func (g *lgraph) selfLoop(v uint32) bool {
	for e := g.off[v]; e < g.off[v+1]; e++ {
		if g.tgt[e] == v {
			return true
		}
	}
	return false
}

// sccFinder is an iterative Tarjan over subgraphs of an lgraph. index and
// low are 0 for a state not yet visited in the current run; the caller
// resets index of the states it is about to decompose.
type sccFinder struct {
	g          *lgraph
	index, low []uint32
	onStack    stateBits
	stack      []uint32
	calls      []sccFrame
	counter    uint32
}

type sccFrame struct{ v, e uint32 }

func newSCCFinder(g *lgraph) *sccFinder {
	return &sccFinder{g: g, index: make([]uint32, g.n), low: make([]uint32, g.n), onStack: newStateBits(g.n)}
}

func (f *sccFinder) push(v uint32) {
	f.counter++
	f.index[v], f.low[v] = f.counter, f.counter
	f.stack = append(f.stack, v)
	f.onStack.set(v)
	f.calls = append(f.calls, sccFrame{v, f.g.off[v]})
}

// visit decomposes the part of the subgraph induced by in that is
// reachable from root (if root is not yet visited), calling emit for each
// component, sinks first. The members slice is only valid during emit.
func (f *sccFinder) visit(root uint32, in func(uint32) bool, emit func(members []uint32)) {
	if f.index[root] != 0 {
		return
	}
	f.push(root)
	for len(f.calls) > 0 {
		fr := &f.calls[len(f.calls)-1]
		v := fr.v
		if fr.e < f.g.off[v+1] {
			w := f.g.tgt[fr.e]
			fr.e++
			if !in(w) {
				continue
			}
			if f.index[w] == 0 {
				f.push(w)
			} else if f.onStack.get(w) && f.index[w] < f.low[v] {
				f.low[v] = f.index[w]
			}
			continue
		}
		f.calls = f.calls[:len(f.calls)-1]
		if len(f.calls) > 0 {
			if u := f.calls[len(f.calls)-1].v; f.low[v] < f.low[u] {
				f.low[u] = f.low[v]
			}
		}
		if f.low[v] == f.index[v] {
			i := len(f.stack) - 1
			for f.stack[i] != v {
				i--
			}
			members := f.stack[i:]
			for _, m := range members {
				f.onStack.clear(m)
			}
			emit(members)
			f.stack = f.stack[:i]
		}
	}
}

// livenessProblem is LeadsTo(start, goal) under fairness masks on a graph.
type livenessProblem struct {
	g           *lgraph
	start, goal stateBits
	wf, sf      label
}

// livenessResult is the answer: a path of edges from the initial state
// (state 0) and where its cycle starts.
type livenessResult struct {
	violated bool
	// edges is the counterexample: global edge indices from state 0.
	edges []uint32
	// startStep is the number of steps before the state where P holds.
	startStep int
	// loopStart is the step where the cycle starts, or -1 when the run
	// stops in the last state.
	loopStart int
	// last is the state the run stops in, or the first state of the cycle.
	last uint32
	// avoiding counts states where the goal does not hold; components
	// counts the nontrivial components among them; fair counts the fair
	// components found inside those.
	avoiding, components, fair int
}

// livenessSolver holds the arrays of one decision.
type livenessSolver struct {
	*livenessProblem
	f *sccFinder
	// comp is the top-level component (1-based, in emission order) of each
	// goal-avoiding state; part is, after refine, the fair component a state
	// lies in, or 0.
	comp, part []uint32
	nextPart   uint32
	// stop marks goal-avoiding states where a run may stop fairly.
	stop stateBits
	// bad[c] says component c can reach, avoiding the goal, a state where a
	// fair run avoiding the goal can stay.
	bad stateBits
	// BFS scratch.
	seen    stateBits
	parent  []uint32
	touched []uint32
	fair    int
	nontriv int
}

// solveLiveness decides a liveness problem.
func solveLiveness(p *livenessProblem) livenessResult {
	g := p.g
	s := &livenessSolver{livenessProblem: p, f: newSCCFinder(g),
		comp: make([]uint32, g.n), part: make([]uint32, g.n), stop: newStateBits(g.n),
		seen: newStateBits(g.n)}
	avoid := func(v uint32) bool { return !p.goal.get(v) }

	// Top-level components of the goal-avoiding subgraph, sinks first.
	var order, compStart []uint32
	ncomp := uint32(0)
	for v := uint32(0); v < uint32(g.n); v++ {
		if !avoid(v) {
			continue
		}
		s.f.visit(v, avoid, func(m []uint32) {
			ncomp++
			compStart = append(compStart, uint32(len(order)))
			for _, x := range m {
				s.comp[x] = ncomp
			}
			order = append(order, m...)
		})
	}
	compStart = append(compStart, uint32(len(order)))
	res := livenessResult{avoiding: len(order), loopStart: -1}

	// Decide each component in emission order: every component an edge
	// leaves to was emitted before.
	s.bad = newStateBits(int(ncomp) + 1)
	fairMask := p.wf | p.sf
	for c := uint32(1); c <= ncomp; c++ {
		members := order[compStart[c-1]:compStart[c]]
		bad := false
		for _, v := range members {
			if g.en[v]&fairMask == 0 {
				s.stop.set(v)
				bad = true
			}
		}
		if len(members) > 1 || g.selfLoop(members[0]) {
			s.nontriv++
			if s.refine(members) {
				bad = true
			}
		}
		for i := 0; !bad && i < len(members); i++ {
			v := members[i]
			for e := g.off[v]; e < g.off[v+1]; e++ {
				if d := s.comp[g.tgt[e]]; d != 0 && d != c && s.bad.get(d) {
					bad = true
					break
				}
			}
		}
		if bad {
			s.bad.set(c)
		}
	}
	res.components, res.fair = s.nontriv, s.fair
	// The decomposition is done: its lowlink array becomes the BFS parent
	// array, which keeps the memory at five uint32 arrays per state.
	s.parent, s.f.low, s.f.index = s.f.low, nil, nil

	// The nearest reachable violating start state.
	startOK := func(v uint32) bool { return p.start.get(v) && avoid(v) && s.bad.get(s.comp[v]) }
	if g.n == 0 {
		return res
	}
	prefix, st, ok := s.bfs(0, func(uint32) bool { return true }, startOK, false)
	if !ok {
		return res
	}
	res.violated = true
	res.startStep = len(prefix)
	// The nearest place to stay, avoiding the goal.
	target := func(v uint32) bool { return s.stop.get(v) || s.part[v] != 0 }
	mid, r, ok := s.bfs(st, avoid, target, false)
	if !ok {
		panic("checker: liveness: a violating state cannot reach its violation")
	}
	res.edges = append(prefix, mid...)
	res.last = r
	if s.stop.get(r) {
		return res
	}
	res.loopStart = len(res.edges)
	res.edges = append(res.edges, s.cycle(r)...)
	return res
}

// newPart returns a fresh partition id.
func (s *livenessSolver) newPart() uint32 {
	s.nextPart++
	return s.nextPart
}

// refine looks for fair cycles inside a nontrivial top-level component and
// marks the states of the fair components it finds in part. It reports
// whether it found one.
func (s *livenessSolver) refine(members []uint32) bool {
	g := s.g
	id := s.newPart()
	for _, v := range members {
		s.part[v] = id
	}
	work := [][]uint32{members}
	found := false
	for len(work) > 0 {
		set := work[len(work)-1]
		work = work[:len(work)-1]
		sid := s.part[set[0]]
		for _, v := range set {
			s.f.index[v] = 0
		}
		s.f.counter = 0
		in := func(w uint32) bool { return s.part[w] == sid }
		emit := func(c []uint32) {
			nid := s.newPart()
			for _, x := range c {
				s.part[x] = nid
			}
			if len(c) == 1 && !g.selfLoop(c[0]) {
				s.part[c[0]] = 0
				return
			}
			and, or, taken := allLabels, label(0), label(0)
			for _, x := range c {
				and &= g.en[x]
				or |= g.en[x]
				for e := g.off[x]; e < g.off[x+1]; e++ {
					if s.part[g.tgt[e]] == nid {
						taken |= g.lab[e]
					}
				}
			}
			if s.wf&and&^taken != 0 {
				// Every state enables a weakly fair class that no edge
				// inside takes: no cycle here, nor in any subset, is fair.
				for _, x := range c {
					s.part[x] = 0
				}
				return
			}
			if bad := s.sf & or &^ taken; bad != 0 {
				// A strongly fair class is enabled somewhere but never
				// taken inside: the states enabling it cannot be on a fair
				// cycle here. Remove them and decompose the rest again.
				var keep []uint32
				for _, x := range c {
					if g.en[x]&bad != 0 {
						s.part[x] = 0
					} else {
						keep = append(keep, x)
					}
				}
				if len(keep) > 0 {
					work = append(work, keep)
				}
				return
			}
			found = true
			s.fair++
		}
		for _, v := range set {
			if s.part[v] == sid {
				s.f.visit(v, in, emit)
			}
		}
	}
	return found
}

// bfs finds a shortest path from src, through states satisfying in, to a
// state satisfying goal (src itself when !minStep), and returns its edges
// and that state.
func (s *livenessSolver) bfs(src uint32, in, goal func(uint32) bool, minStep bool) ([]uint32, uint32, bool) {
	if !minStep && goal(src) {
		return nil, src, true
	}
	g := s.g
	defer func() {
		for _, v := range s.touched {
			s.seen.clear(v)
		}
		s.touched = s.touched[:0]
	}()
	s.seen.set(src)
	s.touched = append(s.touched, src)
	queue := []uint32{src}
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		for e := g.off[v]; e < g.off[v+1]; e++ {
			w := g.tgt[e]
			if !in(w) {
				continue
			}
			if goal(w) {
				path := []uint32{e}
				for x := v; x != src; {
					pe := s.parent[x]
					path = append(path, pe)
					x = g.source(pe)
				}
				for l, r := 0, len(path)-1; l < r; l, r = l+1, r-1 {
					path[l], path[r] = path[r], path[l]
				}
				return path, w, true
			}
			if s.seen.get(w) {
				continue
			}
			s.seen.set(w)
			s.touched = append(s.touched, w)
			s.parent[w] = e
			queue = append(queue, w)
		}
	}
	return nil, 0, false
}

// cycle builds a fair cycle from r back to r inside r's fair component.
func (s *livenessSolver) cycle(r uint32) []uint32 {
	g := s.g
	fid := s.part[r]
	inF := func(w uint32) bool { return s.part[w] == fid }
	// The component's enabled classes.
	and, or := allLabels, label(0)
	for _, v := range s.componentOf(r, inF) {
		and &= g.en[v]
		or |= g.en[v]
	}
	var loop []uint32
	cur := r
	taken, notEn := label(0), ^g.en[r]
	walk := func(path []uint32) {
		for _, e := range path {
			loop = append(loop, e)
			taken |= g.lab[e]
			notEn |= ^g.en[g.tgt[e]]
			cur = g.tgt[e]
		}
	}
	for b := 0; b < labelBits; b++ {
		bit := label(1) << b
		var stateOK bool
		switch {
		case s.sf&bit != 0 && or&bit != 0:
		case s.wf&bit != 0 && or&bit != 0:
			stateOK = and&bit == 0
		default:
			continue
		}
		if taken&bit != 0 || (stateOK && notEn&bit != 0) {
			continue
		}
		edgeAt := func(v uint32) (uint32, bool) {
			for e := g.off[v]; e < g.off[v+1]; e++ {
				if g.lab[e]&bit != 0 && inF(g.tgt[e]) {
					return e, true
				}
			}
			return 0, false
		}
		path, x, ok := s.bfs(cur, inF, func(v uint32) bool {
			if stateOK && g.en[v]&bit == 0 {
				return true
			}
			_, ok := edgeAt(v)
			return ok
		}, false)
		if !ok {
			panic("checker: liveness: a fair component lacks the step its fairness needs")
		}
		walk(path)
		if !(stateOK && g.en[x]&bit == 0) {
			e, _ := edgeAt(x)
			walk([]uint32{e})
		}
	}
	if cur != r || len(loop) == 0 {
		path, _, ok := s.bfs(cur, inF, func(v uint32) bool { return v == r }, cur == r)
		if !ok {
			panic("checker: liveness: a fair component is not strongly connected")
		}
		walk(path)
	}
	if !s.fairLoop(loop) {
		panic("checker: liveness: the cycle built through a fair component is not fair")
	}
	return loop
}

// componentOf lists the states of r's component (those reachable from r
// inside it).
func (s *livenessSolver) componentOf(r uint32, in func(uint32) bool) []uint32 {
	g := s.g
	out := []uint32{r}
	s.seen.set(r)
	for head := 0; head < len(out); head++ {
		v := out[head]
		for e := g.off[v]; e < g.off[v+1]; e++ {
			if w := g.tgt[e]; in(w) && !s.seen.get(w) {
				s.seen.set(w)
				out = append(out, w)
			}
		}
	}
	for _, v := range out {
		s.seen.clear(v)
	}
	return out
}

// fairLoop reports whether a closed walk of edges satisfies the fairness
// assumptions, by their definition on cycles.
func (s *livenessSolver) fairLoop(loop []uint32) bool {
	if len(loop) == 0 || s.g.tgt[loop[len(loop)-1]] != s.g.source(loop[0]) {
		return false
	}
	and, or, taken := allLabels, label(0), label(0)
	for _, e := range loop {
		v := s.g.tgt[e]
		and &= s.g.en[v]
		or |= s.g.en[v]
		taken |= s.g.lab[e]
	}
	return s.wf&and&^taken == 0 && s.sf&or&^taken == 0
}

// livenessIndex is a liveness property's place among the properties.
type livenessIndex struct {
	prop       int
	p, q       int // predicate numbers; p is -1 for Eventually
	wf, sf     label
	fairness   string
	eventually bool
}

// checkLiveness decides the liveness properties of a report on the graph
// the safety search found. It needs the exact visited set (the states
// themselves) and a complete search; otherwise the properties are
// Inconclusive.
func checkLiveness(e *explorer, rep *Report) error {
	var live []livenessIndex
	var preds []func(*World) bool
	for i := range e.props {
		p := &e.props[i]
		if p.Kind.Safety() {
			continue
		}
		li := livenessIndex{prop: i, p: -1, fairness: DescribeFairness(p.Fairness)}
		var err error
		li.wf, li.sf, err = fairnessMasks(p.Fairness)
		if err != nil {
			return fmt.Errorf("property %q: %w", p.Name, err)
		}
		switch p.Kind {
		case Eventually:
			if p.Pred == nil {
				return fmt.Errorf("property %q: an eventually property needs Pred", p.Name)
			}
			li.eventually = true
			li.q = len(preds)
			preds = append(preds, p.Pred)
		case LeadsTo:
			if p.P == nil || p.Q == nil {
				return fmt.Errorf("property %q: a leads-to property needs P and Q", p.Name)
			}
			li.p, li.q = len(preds), len(preds)+1
			preds = append(preds, p.P, p.Q)
		default:
			return fmt.Errorf("property %q: unknown property kind %s", p.Name, p.Kind)
		}
		live = append(live, li)
	}
	inconclusive := func(msg string) {
		for _, li := range live {
			o := &rep.Outcomes[li.prop]
			o.Verdict, o.Message, o.Trace = Inconclusive, msg, nil
		}
	}
	switch {
	case e.opt.Fingerprint:
		inconclusive("liveness needs the reachable graph, which fingerprint mode does not keep; check without fingerprints")
		return nil
	case !e.end.complete():
		inconclusive(e.cutShort() + "; liveness needs the whole reachable graph")
		return nil
	}
	g, predBits, bound, err := buildLivenessGraph(e, preds)
	if err != nil {
		return err
	}
	if bound != noBound {
		inconclusive(fmt.Sprintf("the liveness check was cut short by the %s bound after the search of %d states", bound, e.st.n))
		return nil
	}
	for _, li := range live {
		pr := &livenessProblem{g: g, goal: predBits[li.q], wf: li.wf, sf: li.sf}
		if li.eventually {
			pr.start = newStateBits(g.n)
			pr.start.set(0)
		} else {
			pr.start = predBits[li.p]
		}
		res := solveLiveness(pr)
		o := &rep.Outcomes[li.prop]
		o.Trace = nil
		if !res.violated {
			o.Verdict = Holds
			o.Message = holdsMessage(&li, pr, &res, g)
			continue
		}
		o.Verdict = Violated
		o.Trace = e.replay(edgeChoices(g, res.edges), res.loopStart)
		o.Message = violatedMessage(e, &li, &res, g, o.Trace)
	}
	return nil
}

// buildLivenessGraph regenerates every stored state's successors into an
// lgraph and evaluates the predicates on every state, predBits[j] holding
// the states where preds[j] holds. It returns the bound, time or memory,
// that ran out while building, if one did.
func buildLivenessGraph(e *explorer, preds []func(*World) bool) (g *lgraph, predBits []stateBits, bound searchBound, err error) {
	n := e.st.n
	if e.opt.MaxMemory > 0 {
		est := e.st.bytes() + int64(n)*29 + int64(e.transitions)*5
		if est > e.opt.MaxMemory {
			return nil, nil, boundMemory, nil
		}
	}
	g = &lgraph{n: n, off: make([]uint32, n+1), en: make([]label, n),
		tgt: make([]uint32, 0, e.transitions), lab: make([]label, 0, e.transitions)}
	predBits = make([]stateBits, len(preds))
	for i := range predBits {
		predBits[i] = newStateBits(n)
	}
	var key, k [maxWords]uint64
	var w World
	var p packedWorld
	var x expansion
	missing := false
	var sent label // kinds sent and dropped at once, per receiving side
	var i int
	edge := func(mv *move, np *packedWorld) {
		for _, d := range mv.droppedCodes() {
			sent |= deliveryBit(mv.actor.Peer(), uint8(d&7))
		}
		e.wk.mc.codec.pack(np, &k)
		idx, ok := e.st.lookup(&k)
		if !ok {
			missing = true
			return
		}
		l := moveLabel(mv)
		g.tgt = append(g.tgt, uint32(idx))
		g.lab = append(g.lab, l)
		g.en[i] |= l
	}
	for i = 0; i < n; i++ {
		if i&4095 == 0 && e.opt.MaxTime > 0 && time.Since(e.start) >= e.opt.MaxTime {
			return nil, nil, boundTime, nil
		}
		e.st.key(i, &key)
		e.wk.mc.codec.decode(&key, &w)
		for j, p := range preds {
			if p(&w) {
				predBits[j].set(uint32(i))
			}
		}
		sent = 0
		e.wk.mc.codec.unpack(&key, &p)
		e.wk.mc.expand(&p, &x, edge)
		g.en[i] |= inFlightKinds(&w, g.en[i], sent)
		if missing || x.err != nil {
			return nil, nil, noBound, errors.Join(errors.New("checker: liveness: a successor of a stored state is not in the store; the search and successor generation disagree"), x.err)
		}
		if len(g.tgt) > math.MaxUint32 {
			return nil, nil, noBound, errors.New("the graph has more than 2^32 edges, more than the liveness check can index")
		}
		g.off[i+1] = uint32(len(g.tgt))
	}
	return g, predBits, noBound, nil
}

// edgeChoices turns global edge indices into the transition numbers that
// replay follows.
func edgeChoices(g *lgraph, edges []uint32) []uint8 {
	out := make([]uint8, len(edges))
	for i, e := range edges {
		out[i] = uint8(e - g.off[g.source(e)])
	}
	return out
}

func holdsMessage(li *livenessIndex, pr *livenessProblem, res *livenessResult, g *lgraph) string {
	var what string
	if li.eventually {
		what = "every run reaches the predicate"
	} else {
		n := pr.start.count()
		if n == 0 {
			return fmt.Sprintf("holds vacuously: no reachable state satisfies P (%d states)", g.n)
		}
		what = fmt.Sprintf("from each of the %d states satisfying P, every run reaches Q", n)
	}
	return fmt.Sprintf("holds under %s: %s (%d states, %d where it is awaited, %d strongly connected components with a cycle among them)",
		li.fairness, what, g.n, res.avoiding, res.components)
}

func violatedMessage(e *explorer, li *livenessIndex, res *livenessResult, g *lgraph, tr *Trace) string {
	var b strings.Builder
	if li.eventually {
		b.WriteString("a run never reaches the predicate: ")
	} else {
		fmt.Fprintf(&b, "P holds after %d steps and Q never holds afterwards: ", res.startStep)
	}
	if res.loopStart >= 0 {
		fmt.Fprintf(&b, "from step %d a cycle of %d steps repeats forever, and it is fair under %s",
			res.loopStart+1, len(res.edges)-res.loopStart, li.fairness)
		return b.String()
	}
	fin := tr.Final()
	fmt.Fprintf(&b, "after %d steps, with A in %s and B in %s, the run ", len(res.edges), fin.E[A].TCB.State, fin.E[B].TCB.State)
	enabled, blocked := enabledThere(e, fin)
	if g.en[res.last] == 0 {
		b.WriteString("reaches a state with no successor")
	} else {
		force := "no fairness assumption forces it on"
		if li.wf|li.sf != 0 {
			force = li.fairness + " does not force it on"
		}
		fmt.Fprintf(&b, "may stop: %s could still happen, but %s", enabled, force)
	}
	if blocked > 0 {
		// A transition held back by a full channel is not enabled, so no
		// fairness assumption can force it: the stop is a consequence of
		// the model's capacity bound, which the user should know.
		fmt.Fprintf(&b, "; %d more transitions are held back there only because a channel is full (capacity %d), so this stop is a consequence of the capacity bound: a larger capacity may get past it", blocked, e.m.Net.Capacity)
	}
	return b.String()
}

// enabledThere describes the transitions enabled in w, and counts those
// that a full channel holds back.
func enabledThere(e *explorer, w *World) (string, int) {
	tr := &Trace{table: e.wk.mc.table}
	var out []string
	seen := map[string]bool{}
	held := e.wk.mc.successors(w, func(t *Transition, _ *World) {
		d := tr.Describe(&Step{Transition: *t})
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	})
	return andList(out), held.blocked
}
