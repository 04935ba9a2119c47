package checker

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

// solveLiveness decides a liveness problem, as the package doc's
// Liveness section defines it.
//
// A violating run either stops in a goal-avoiding state that enables
// nothing fairness covers, or eventually stays in a strongly connected set
// of goal-avoiding states on a fair cycle. solveLiveness computes the
// strongly connected components of the goal-avoiding subgraph with an
// iterative Tarjan (sccFinder; no recursion: graphs have millions of
// states), which emits them sinks first, so whether a component can reach
// a violation is known from the components already emitted. A component
// with a cycle is fair when, for every weak assumption, some state of it
// does not enable the class or some edge inside it takes it, and, for
// every strong assumption, the class is either taken inside it or never
// enabled in it. When a strong assumption fails, the states enabling the
// class cannot lie on a fair cycle of this component; refine removes them
// and decomposes the rest again (the Emerson-Lei refinement that SPIN's
// and TLC's fairness checks use). A failed weak assumption discards the
// whole component, since every subset fails it too.
//
// The counterexample is built from breadth-first paths (bfs): from the
// initial state to the nearest violating start state, from there, avoiding
// the goal, to the nearest place where the run can stay, and, for a cycle,
// paths inside the fair component that visit, for each assumption, a step
// that takes the class or (for weak fairness) a state that does not enable
// it, and return to the start (cycle). fairLoop checks the cycle against
// the definition before it is reported.
func solveLiveness(p *livenessProblem) livenessResult {
	g := p.g
	s := &livenessSolver{livenessProblem: p, f: newSCCFinder(g),
		comp: make([]uint32, g.n), part: make([]uint32, g.n), stop: newStateBits(g.n),
		seen: newStateBits(g.n)}
	order, compStart := s.components()
	res := livenessResult{avoiding: len(order), loopStart: -1}

	// Decide each component in emission order: every component an edge
	// leaves to was emitted before.
	ncomp := uint32(len(compStart) - 1)
	s.bad = newStateBits(int(ncomp) + 1)
	for c := uint32(1); c <= ncomp; c++ {
		if s.componentBad(c, order[compStart[c-1]:compStart[c]]) {
			s.bad.set(c)
		}
	}
	res.components, res.fair = s.nontriv, s.fair
	// The decomposition is done: its lowlink array becomes the BFS parent
	// array, which keeps the memory at five uint32 arrays per state.
	s.parent, s.f.low, s.f.index = s.f.low, nil, nil
	if g.n > 0 {
		s.lasso(&res)
	}
	return res
}

// avoids reports whether the goal does not hold in state v.
func (s *livenessSolver) avoids(v uint32) bool { return !s.goal.get(v) }

// components finds the top-level components of the goal-avoiding
// subgraph, sinks first, numbering them from 1 in comp. It returns their
// states, component after component, and where each component starts in
// that list, with the list's length last.
func (s *livenessSolver) components() (order, compStart []uint32) {
	ncomp := uint32(0)
	for v := uint32(0); v < uint32(s.g.n); v++ {
		if !s.avoids(v) {
			continue
		}
		s.f.visit(v, s.avoids, func(m []uint32) {
			ncomp++
			compStart = append(compStart, uint32(len(order)))
			for _, x := range m {
				s.comp[x] = ncomp
			}
			order = append(order, m...)
		})
	}
	return order, append(compStart, uint32(len(order)))
}

// componentBad decides whether top-level component c, whose states are
// members, can reach, avoiding the goal, a place where a fair run may
// stay: a state of its own where a run may stop fairly (marked in stop),
// a fair cycle inside it (marked in part by refine), or a component
// already found bad.
func (s *livenessSolver) componentBad(c uint32, members []uint32) bool {
	g := s.g
	fairMask := s.wf | s.sf
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
	return bad
}

// lasso fills in res the counterexample, if there is one: a shortest path
// to the nearest reachable violating start state, a shortest goal-avoiding
// path from there to the nearest place to stay, and a fair cycle unless
// the run stops there.
func (s *livenessSolver) lasso(res *livenessResult) {
	startOK := func(v uint32) bool { return s.start.get(v) && s.avoids(v) && s.bad.get(s.comp[v]) }
	prefix, st, ok := s.bfs(0, func(uint32) bool { return true }, startOK, false)
	if !ok {
		return
	}
	res.violated = true
	res.startStep = len(prefix)
	target := func(v uint32) bool { return s.stop.get(v) || s.part[v] != 0 }
	mid, r, ok := s.bfs(st, s.avoids, target, false)
	if !ok {
		panic("checker: liveness: a violating state cannot reach its violation")
	}
	res.edges = append(prefix, mid...)
	res.last = r
	if s.stop.get(r) {
		return
	}
	res.loopStart = len(res.edges)
	res.edges = append(res.edges, s.cycle(r)...)
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
