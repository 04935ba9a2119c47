package conform

import (
	"slices"

	"github.com/tcpcheck/tcpcheck/spec"
)

// scratch is the memory one search leaves for the next: the searches of
// a capture's 4-tuples run one after another, and reusing it spares the
// allocator most of their work.
type scratch struct {
	nodes   [2][]lnode
	visited map[local]int32
	cands   []step
	succ    []successor
}

func newScratch() *scratch { return &scratch{visited: make(map[local]int32, 1024)} }

// lnode is a local state an endpoint reached, after idx captured
// segments, with the step that reached it from its parent.
type lnode struct {
	l      local
	idx    int32
	parent int32
	st     step
	// cost counts the unusual events on the way: aborts, user timeouts
	// and losses. The run reported is one of least cost, so it explains
	// the capture with the ordinary events where they suffice.
	cost int32
	// steps counts the steps on the way that are not waits, which breaks
	// ties of cost: a shorter run is told.
	steps int32
	// carried marks a state that was in the previous level too, so that
	// only the steps this level newly enables need trying from it.
	carried bool
}

// outcome is what a search found.
type outcome struct {
	// nodes are each side's local states, and level the indices of those
	// in the last level the search reached.
	nodes [2][]lnode
	level [2][]int32
	// idx counts the captured segments every run reached; it is
	// len(obs) unless the segment at idx deviates or the bound was hit.
	idx      int32
	deviates bool
	bounded  bool
}

// accepting reports whether endpoint x in l owes the capture nothing at
// its end: an endpoint next to the capture point has no unseen segment.
func (s *search) accepting(l *local, x int) bool { return !s.mustSee[x] || l.npend == 0 }

// done reports whether an endpoint is finished with the connection:
// CLOSED, LISTEN again, or lingering in TIME-WAIT.
func done(t spec.TCB) bool {
	return t.State == spec.Closed || t.State == spec.Listen || t.State == spec.TimeWait
}

// run searches level by level: level i holds, for each side, every local
// state the side can be in once the capture has shown i segments. The
// sender of segment i moves to level i+1 through the observation; its
// peer carries its states over and may take more steps, since one more
// segment may now reach it (and a timer may now have run long enough).
// Within a level the search is breadth first with a fixed order of
// candidates, so the runs it reports are shortest and the same every
// time.
func (s *search) run(max int, sc *scratch) outcome {
	var out outcome
	out.nodes = [2][]lnode{sc.nodes[0][:0], sc.nodes[1][:0]}
	defer func() { sc.nodes = out.nodes }()
	total := 0
	cands, succ := sc.cands, sc.succ
	defer func() { sc.cands, sc.succ = cands, succ }()
	// closure adds to side x's level every local state reachable from
	// seeds by hidden steps, and returns the level.
	closure := func(x int, idx int32, seeds []lnode) ([]int32, bool) {
		visited := sc.visited
		clear(visited)
		var level []int32
		// A 0-1 breadth-first search: a step of no cost goes to the front
		// of the queue, a costly one to the back, and a node reached more
		// cheaply later takes the cheaper parent.
		var front, back []int32
		add := func(n lnode, cheap bool) bool {
			if i, dup := visited[n.l]; dup {
				old := &out.nodes[x][i]
				switch {
				case n.cost < old.cost || n.cost == old.cost && n.steps < old.steps:
					// Try every step again, to pass the cheaper run on.
					old.parent, old.st, old.cost, old.steps, old.carried = n.parent, n.st, n.cost, n.steps, false
					front = append(front, i)
				case n.cost == old.cost && n.steps == old.steps && seeded(old.st) && !seeded(n.st) && !descends(out.nodes[x], n.parent, i, idx):
					// As cheap and as short, and later: a state that entered
					// this level (carried over, or by the observation) is
					// better explained by the steps that reach it now, so the run tells events when
					// they became necessary rather than as early as they
					// could be.
					old.parent, old.st = n.parent, n.st
				}
				return true
			}
			if total >= max {
				return false
			}
			total++
			i := int32(len(out.nodes[x]))
			visited[n.l] = i
			out.nodes[x] = append(out.nodes[x], n)
			level = append(level, i)
			if cheap {
				front = append(front, i)
			} else {
				back = append(back, i)
			}
			return true
		}
		for _, n := range seeds {
			if !add(n, true) {
				return level, false
			}
		}
		for len(front) > 0 || len(back) > 0 {
			var i int32
			if len(front) > 0 {
				i, front = front[len(front)-1], front[:len(front)-1]
			} else {
				i, back = back[0], back[1:]
			}
			parent := out.nodes[x][i]
			if parent.carried {
				cands = s.newlyEnabled(x, idx, cands)
			} else {
				cands = s.hidden(x, idx, &parent.l, cands)
			}
			succ = succ[:0]
			for _, c := range cands {
				succ = s.expand(&parent.l, x, idx, c, succ)
			}
			for _, n := range succ {
				c := stepCost(n.st, n.lost)
				if !add(lnode{l: n.l, idx: idx, parent: i, st: n.st, cost: parent.cost + c, steps: parent.steps + 1}, c == 0) {
					return level, false
				}
			}
		}
		return level, true
	}
	var ok bool
	for x := 0; x < 2; x++ {
		if out.level[x], ok = closure(x, 0, []lnode{{parent: -1}}); !ok {
			out.bounded = true
			return out
		}
	}
	var obsCands []step
	for idx := int32(0); int(idx) < len(s.obs); idx++ {
		out.idx = idx
		x := s.obs[idx].side
		var seeds [2][]lnode
		for _, i := range out.level[x] {
			l := out.nodes[x][i].l
			obsCands = s.observations(&l, x, idx, obsCands)
			for _, c := range obsCands {
				if n, st, ok := s.apply(l, x, idx, c); ok {
					seeds[x] = append(seeds[x], lnode{l: n, idx: idx + 1, parent: i, st: st, cost: out.nodes[x][i].cost, steps: out.nodes[x][i].steps})
				}
			}
		}
		if len(seeds[x]) == 0 {
			out.deviates = true
			return out
		}
		for _, i := range out.level[1-x] {
			seeds[1-x] = append(seeds[1-x], lnode{l: out.nodes[1-x][i].l, idx: idx + 1, parent: i, st: step{kind: stepWait}, cost: out.nodes[1-x][i].cost, steps: out.nodes[1-x][i].steps, carried: true})
		}
		for y := 0; y < 2; y++ {
			if out.level[y], ok = closure(y, idx+1, seeds[y]); !ok {
				out.bounded = true
				return out
			}
		}
	}
	out.idx = int32(len(s.obs))
	return out
}

// newlyEnabled lists the hidden steps that level idx enables for side x
// beyond those of the level before: deliveries of the segment the capture
// has just shown, and timeouts, which may now have run long enough.
func (s *search) newlyEnabled(x int, idx int32, out []step) []step {
	out = out[:0]
	for _, id := range s.seenBy[idx][1-x] {
		if idx == 0 || !slices.Contains(s.seenBy[idx-1][1-x], id) {
			out = append(out, step{kind: stepDeliver, seg: id})
		}
	}
	for _, k := range timeouts {
		out = append(out, step{kind: stepTimeout, call: k})
	}
	if s.probes {
		out = append(out, step{kind: stepProbe})
	}
	return out
}

// pick returns the node of side x's last level that ends the run the
// results report: among the accepting nodes of least cost, a done one if
// there is one. So a connection counts as finished only when its most
// ordinary explanation finishes it: any open connection could be ended by
// an ABORT whose RST was lost, and that is no reason to call a capture
// complete.
func (s *search) pick(out *outcome, x int) int32 {
	best := int32(-1)
	for _, i := range out.level[x] {
		n := &out.nodes[x][i]
		if !s.accepting(&n.l, x) {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		b := &out.nodes[x][best]
		if n.cost < b.cost || n.cost == b.cost && done(n.l.tcb) && !done(b.l.tcb) || n.cost == b.cost && done(n.l.tcb) == done(b.l.tcb) && n.steps < b.steps {
			best = i
		}
	}
	if best < 0 {
		best = out.level[x][0]
	}
	return best
}

// stepCost is 1 for each unusual event a step holds: each of its lost
// segments, an ABORT, a user timeout, or a retransmission (a run needs
// one only where a segment was lost or late); 2 for a tail-loss probe.
func stepCost(st step, lost int32) int32 {
	c := lost
	switch {
	case st.kind == stepCall && st.call == spec.Abort:
		c++
	case st.kind == stepTimeout && (st.call == spec.UserTimeout || st.call == spec.RetransmissionTimeout):
		c++
	case st.kind == stepProbe:
		// A probe explains only what a retransmission cannot, so a run
		// with the retransmission is told where both fit.
		c += 2
	}
	return c
}

// seeded reports whether a step enters a level: an observation, or the
// wait of the side that did not send the observed segment.
func seeded(st step) bool { return st.kind == stepWait || st.kind == stepObserve }

// descends reports whether node n descends from node anc within level
// idx, following parents until they leave the level.
func descends(nodes []lnode, n, anc, idx int32) bool {
	for n >= 0 && nodes[n].idx == idx {
		if n == anc {
			return true
		}
		if seeded(nodes[n].st) {
			return false
		}
		n = nodes[n].parent
	}
	return false
}

// path returns the nodes from side x's initial state to node i.
func (o *outcome) path(x int, i int32) []lnode {
	var p []lnode
	for ; i >= 0; i = o.nodes[x][i].parent {
		p = append(p, o.nodes[x][i])
	}
	for l, r := 0, len(p)-1; l < r; l, r = l+1, r-1 {
		p[l], p[r] = p[r], p[l]
	}
	return p
}
