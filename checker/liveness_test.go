package checker

import (
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// handGraph builds an lgraph from edges {from, to, label}, keeping the
// order of each state's edges.
func handGraph(n int, edges [][3]int) *lgraph {
	sorted := append([][3]int(nil), edges...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i][0] < sorted[j][0] })
	g := &lgraph{n: n, off: make([]uint32, n+1), en: make([]label, n)}
	for _, e := range sorted {
		g.tgt = append(g.tgt, uint32(e[1]))
		g.lab = append(g.lab, label(e[2]))
		g.en[e[0]] |= label(e[2])
		g.off[e[0]+1]++
	}
	for v := 0; v < n; v++ {
		g.off[v+1] += g.off[v]
	}
	return g
}

func statesOf(n int, in ...int) stateBits {
	b := newStateBits(n)
	for _, v := range in {
		b.set(uint32(v))
	}
	return b
}

// Labels for hand-made graphs: one (class, side) pair each, plus the
// (all, side) pair every real transition carries.
var (
	labTimerA   = int(fairBit(ClassTimers, A) | fairBit(ClassAll, A))
	labTimerB   = int(fairBit(ClassTimers, B) | fairBit(ClassAll, B))
	labUserA    = int(fairBit(ClassUsers, A) | fairBit(ClassAll, A))
	labDeliverA = int(fairBit(ClassDelivery, A) | deliveryBit(A, 3) | fairBit(ClassAll, A))
	labDeliverB = int(fairBit(ClassDelivery, B) | deliveryBit(B, 3) | fairBit(ClassAll, B))
	labLoseA    = int(fairBit(ClassAll, A))
)

func masks(t *testing.T, fs ...Fairness) (label, label) {
	wf, sf, err := fairnessMasks(fs)
	require.NoError(t, err)
	return wf, sf
}

// pathStates lists the states a result's path visits, from state 0.
func pathStates(g *lgraph, edges []uint32) []uint32 {
	out := []uint32{0}
	for _, e := range edges {
		out = append(out, g.tgt[e])
	}
	return out
}

// validateResult checks that a violation is a real counterexample: a path
// from state 0, a start state where P holds and Q does not, Q false from
// there on, and either a fair stop at the end or a fair closed cycle.
func validateResult(t *testing.T, p *livenessProblem, res livenessResult) {
	t.Helper()
	g := p.g
	states := pathStates(g, res.edges)
	for i, e := range res.edges {
		require.Equal(t, states[i], g.source(e), "edge %d does not leave the state the path is in", i)
	}
	require.True(t, p.start.get(states[res.startStep]), "the path's start state does not satisfy P")
	for _, v := range states[res.startStep:] {
		require.False(t, p.goal.get(v), "the counterexample passes through a Q state")
	}
	s := &livenessSolver{livenessProblem: p}
	if res.loopStart < 0 {
		last := states[len(states)-1]
		require.Zero(t, g.en[last]&(p.wf|p.sf), "the run stops where a fair class is enabled")
		return
	}
	require.Less(t, res.loopStart, len(res.edges), "a cycle needs at least one step")
	require.Equal(t, states[res.loopStart], states[len(states)-1], "the cycle does not return to its first state")
	require.True(t, s.fairLoop(res.edges[res.loopStart:]), "the cycle is not fair")
}

func TestLivenessHandGraphs(t *testing.T) {
	type tc struct {
		name     string
		n        int
		edges    [][3]int
		start    []int
		goal     []int
		fair     []Fairness
		violated bool
		// loop is the expected cycle's states (first state first), or nil
		// for a run that stops; stop is the state it stops in.
		loop []uint32
		stop uint32
	}
	wfDeliver := Fairness{Class: ClassDelivery}
	cases := []tc{
		{name: "a chain to the goal holds under weak fairness", n: 3,
			edges: [][3]int{{0, 1, labUserA}, {1, 2, labDeliverB}}, start: []int{0}, goal: []int{2},
			fair: []Fairness{{Class: ClassUsers}, wfDeliver}},
		{name: "without fairness the run stops at once", n: 3,
			edges: [][3]int{{0, 1, labUserA}, {1, 2, labDeliverB}}, start: []int{0}, goal: []int{2},
			violated: true, stop: 0},
		{name: "with one class fair the run stops where only the other is enabled", n: 3,
			edges: [][3]int{{0, 1, labUserA}, {1, 2, labDeliverB}}, start: []int{0}, goal: []int{2},
			fair: []Fairness{{Class: ClassUsers}}, violated: true, stop: 1},
		{name: "a dead end violates under every fairness", n: 3,
			edges: [][3]int{{0, 1, labUserA}, {0, 2, labUserA}}, start: []int{0}, goal: []int{2},
			fair: []Fairness{{Class: ClassAll, Strong: true}}, violated: true, stop: 1},
		{name: "the goal in the initial state holds at once", n: 2,
			edges: [][3]int{{0, 1, labUserA}}, start: []int{0}, goal: []int{0}},
		// 0 <-> 1 by deliveries; from 1 a timer of B leads to the goal.
		// The timer is enabled in 1 only, so weak fairness allows the cycle
		// and strong fairness does not.
		{name: "weak fairness of an intermittently enabled timer allows the cycle", n: 3,
			edges: [][3]int{{0, 1, labDeliverB}, {1, 0, labDeliverA}, {1, 2, labTimerB}}, start: []int{0}, goal: []int{2},
			fair: []Fairness{wfDeliver, {Class: ClassTimers}}, violated: true, loop: []uint32{0, 1}},
		{name: "strong fairness of the timer breaks the cycle", n: 3,
			edges: [][3]int{{0, 1, labDeliverB}, {1, 0, labDeliverA}, {1, 2, labTimerB}}, start: []int{0}, goal: []int{2},
			fair: []Fairness{wfDeliver, {Class: ClassTimers, Strong: true}}},
		// The same with the timer enabled in both states: weak fairness
		// suffices.
		{name: "weak fairness of a continuously enabled timer breaks the cycle", n: 3,
			edges: [][3]int{{0, 1, labDeliverB}, {1, 0, labDeliverA}, {1, 2, labTimerB}, {0, 2, labTimerB}}, start: []int{0}, goal: []int{2},
			fair: []Fairness{wfDeliver, {Class: ClassTimers}}},
		// Strong fairness of A's timer removes state 2 (where it is
		// enabled, never taken inside) and the rest, 0 <-> 1, is a fair
		// cycle: the refinement must find it.
		{name: "strong fairness refines a component and finds the fair cycle inside", n: 4,
			edges: [][3]int{{0, 1, labDeliverB}, {1, 0, labDeliverA}, {1, 2, labDeliverB}, {2, 1, labDeliverA}, {2, 3, labTimerA}},
			start: []int{0}, goal: []int{3}, fair: []Fairness{{Class: ClassTimers, Strong: true}, wfDeliver},
			violated: true, loop: []uint32{0, 1}},
		{name: "a self-loop is a cycle", n: 2,
			edges: [][3]int{{0, 0, labLoseA}, {0, 1, labDeliverB}}, start: []int{0}, goal: []int{1},
			fair: []Fairness{{Class: ClassUsers}}, violated: true, stop: 0},
		{name: "weak fairness of all: A's self-loop does not excuse B's starved delivery", n: 2,
			edges: [][3]int{{0, 0, labLoseA}, {0, 1, labDeliverB}}, start: []int{0}, goal: []int{1},
			fair: []Fairness{{Class: ClassAll}}},
		{name: "weak fairness of all: any action of A satisfies A's class", n: 2,
			edges: [][3]int{{0, 0, labLoseA}, {0, 1, labDeliverA}}, start: []int{0}, goal: []int{1},
			fair: []Fairness{{Class: ClassAll}}, violated: true, loop: []uint32{0}},
		{name: "weak fairness per side: B's delivery does not excuse A's", n: 3,
			edges: [][3]int{{0, 0, labDeliverB}, {0, 1, labDeliverA}}, start: []int{0}, goal: []int{1},
			fair: []Fairness{wfDeliver}},
		// Leads-to: P at 1, reached through 0; from 1 the run is forced to
		// the goal, but from 2 (P too) it can stop.
		{name: "leads-to finds the P state from which Q can be avoided", n: 5,
			edges: [][3]int{{0, 1, labUserA}, {0, 2, labUserA}, {1, 3, labUserA}, {2, 4, labLoseA}},
			start: []int{1, 2}, goal: []int{3}, fair: []Fairness{{Class: ClassUsers}}, violated: true, stop: 2},
		{name: "leads-to holds when every P state is forced to Q", n: 5,
			edges: [][3]int{{0, 1, labUserA}, {0, 2, labUserA}, {1, 3, labUserA}, {2, 4, labLoseA}},
			start: []int{1}, goal: []int{3}, fair: []Fairness{{Class: ClassUsers}}},
		// {1,2} is unfair (A's user is enabled in 2 and never acts) so the
		// violation is the component downstream, {3,4}, whose exit is a
		// timer no assumption covers.
		{name: "a violation two components downstream is found", n: 6,
			edges: [][3]int{{0, 1, labUserA}, {1, 2, labDeliverB}, {2, 1, labDeliverA}, {2, 3, labUserA}, {3, 4, labDeliverB}, {4, 3, labDeliverA}, {3, 5, labTimerB}},
			start: []int{0}, goal: []int{5}, fair: []Fairness{{Class: ClassUsers, Strong: true}, wfDeliver}, violated: true, loop: []uint32{3, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := handGraph(c.n, c.edges)
			wf, sf := masks(t, c.fair...)
			p := &livenessProblem{g: g, start: statesOf(c.n, c.start...), goal: statesOf(c.n, c.goal...), wf: wf, sf: sf}
			res := solveLiveness(p)
			require.Equal(t, c.violated, res.violated)
			if !c.violated {
				return
			}
			validateResult(t, p, res)
			states := pathStates(g, res.edges)
			if c.loop == nil {
				require.Equal(t, -1, res.loopStart, "expected a run that stops")
				require.Equal(t, c.stop, states[len(states)-1])
				return
			}
			require.GreaterOrEqual(t, res.loopStart, 0, "expected a lasso")
			require.Equal(t, c.loop, states[res.loopStart:len(states)-1])
		})
	}
}

// bruteViolated decides a liveness problem by definition: some reachable
// P state from which, avoiding Q, the run reaches a state where it may
// stop, or a set of states that is strongly connected through its internal
// edges and fair when all of them are taken (a cycle using them all
// realises exactly that).
func bruteViolated(p *livenessProblem) bool {
	g := p.g
	n := g.n
	reach := func(from int, in func(int) bool) []bool {
		seen := make([]bool, n)
		if !in(from) {
			return seen
		}
		seen[from] = true
		q := []int{from}
		for len(q) > 0 {
			v := q[0]
			q = q[1:]
			for e := g.off[v]; e < g.off[v+1]; e++ {
				w := int(g.tgt[e])
				if in(w) && !seen[w] {
					seen[w] = true
					q = append(q, w)
				}
			}
		}
		return seen
	}
	avoid := func(v int) bool { return !p.goal.get(uint32(v)) }
	all := func(int) bool { return true }
	fromInit := reach(0, all)
	// targets: where a fair Q-avoiding run can stay.
	target := make([]bool, n)
	for v := 0; v < n; v++ {
		if avoid(v) && g.en[v]&(p.wf|p.sf) == 0 {
			target[v] = true
		}
	}
	for set := 1; set < 1<<n; set++ {
		in := func(v int) bool { return set&(1<<v) != 0 && avoid(v) }
		ok := true
		and, or, taken, internal := allLabels, label(0), label(0), 0
		for v := 0; v < n && ok; v++ {
			if set&(1<<v) == 0 {
				continue
			}
			if !avoid(v) {
				ok = false
				break
			}
			and &= g.en[v]
			or |= g.en[v]
			for e := g.off[v]; e < g.off[v+1]; e++ {
				if in(int(g.tgt[e])) {
					taken |= g.lab[e]
					internal++
				}
			}
			r := reach(v, in)
			for w := 0; w < n; w++ {
				if in(w) && !r[w] {
					ok = false
				}
			}
		}
		if !ok || internal == 0 || p.wf&and&^taken != 0 || p.sf&or&^taken != 0 {
			continue
		}
		for v := 0; v < n; v++ {
			if set&(1<<v) != 0 {
				target[v] = true
			}
		}
	}
	for s := 0; s < n; s++ {
		if !fromInit[s] || !p.start.get(uint32(s)) || !avoid(s) {
			continue
		}
		r := reach(s, avoid)
		for v := 0; v < n; v++ {
			if r[v] && target[v] {
				return true
			}
		}
	}
	return false
}

// TestLivenessAgreesWithBruteForce cross-checks the component algorithm
// against the definition on thousands of small random graphs with random
// labels, predicates and fairness.
func TestLivenessAgreesWithBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	labels := []int{labTimerA, labTimerB, labUserA, labDeliverA, labDeliverB, labLoseA,
		int(fairBit(ClassUsers, B) | fairBit(ClassAll, B)), int(fairBit(ClassAll, B))}
	var violated, lassos int
	for iter := 0; iter < 4000; iter++ {
		n := 1 + rng.Intn(7)
		var edges [][3]int
		for v := 0; v < n; v++ {
			for k := rng.Intn(4); k > 0; k-- {
				edges = append(edges, [3]int{v, rng.Intn(n), labels[rng.Intn(len(labels))]})
			}
		}
		g := handGraph(n, edges)
		start, goal := newStateBits(n), newStateBits(n)
		for v := 0; v < n; v++ {
			if rng.Intn(3) == 0 {
				start.set(uint32(v))
			}
			if rng.Intn(4) == 0 {
				goal.set(uint32(v))
			}
		}
		wf, sf := label(rng.Intn(1<<labelBits)), label(rng.Intn(1<<labelBits))
		if rng.Intn(2) == 0 {
			sf = 0
		}
		p := &livenessProblem{g: g, start: start, goal: goal, wf: wf &^ sf, sf: sf}
		res := solveLiveness(p)
		want := bruteViolated(p)
		require.Equal(t, want, res.violated, "iteration %d: graph %v, start %v, goal %v, wf %08b, sf %08b", iter, edges, start, goal, p.wf, p.sf)
		if res.violated {
			violated++
			if res.loopStart >= 0 {
				lassos++
			}
			validateResult(t, p, res)
		}
	}
	// The random graphs must exercise both kinds of counterexample.
	require.Greater(t, violated, 500)
	require.Greater(t, lassos, 100)
}

// bothClosedAgain is "both endpoints are CLOSED, each having opened": the
// predicate of "eventually CLOSED".
func bothClosedAgain(w *World) bool {
	return w.E[A].Opened && w.E[B].Opened && w.E[A].TCB.State == spec.Closed && w.E[B].TCB.State == spec.Closed
}

// fairUTD is the fairness "eventually CLOSED" is stated under: users who
// will call do call, timers fire, segments in flight arrive (or are lost).
var fairUTD = []Fairness{{Class: ClassUsers}, {Class: ClassTimers}, {Class: ClassDelivery}}

// livenessModel is the client-server model with room for four segments
// each way. The default client-server model (capacity 2) can fill both
// channels with premature retransmissions and deadlock; its DeadlockFree
// property fails, and so does every liveness property, by a dead end.
func livenessModel() Model {
	m := ClientServer()
	m.Name = "client-server-4"
	m.Net.Capacity = 4
	return m
}

// ackStormModel adds a reopen and the user timeout, under RFC 5961's ACK
// check: an endpoint that gave up and reopened meets its peer's old
// incarnation, and the two exchange challenge ACKs forever unless a timer
// fires.
func ackStormModel() Model {
	m := ClientServer()
	m.Table = mustVariant("rfc5961")
	m.Name = "ack-storm"
	m.Net.Capacity = 5
	m.Reopens = 1
	m.UserTimeout = true
	return m
}

// checkReplay verifies a trace step by step: each step starts where the
// previous ended, replaying its transition numbers gives the same steps,
// and a lasso's last step returns to the state its cycle starts in.
func checkReplay(t *testing.T, m Model, tr *Trace) {
	t.Helper()
	prev := tr.Initial
	for i := range tr.Steps {
		require.Equal(t, prev, tr.Steps[i].Before, "step %d does not start where step %d ended", i+1, i)
		prev = tr.Steps[i].After
	}
	// Replay independently: regenerate each step's successors and find
	// the one the trace took.
	mc := newMachine(&m)
	w := mc.initial()
	require.Equal(t, tr.Initial, w)
	for i := range tr.Steps {
		found := false
		mc.successors(&w, func(tt *Transition, nw *World) {
			if !found && *tt == tr.Steps[i].Transition && *nw == tr.Steps[i].After {
				found = true
			}
		})
		require.True(t, found, "step %d is not a transition of the model", i+1)
		w = tr.Steps[i].After
	}
	if tr.LoopStart >= 0 {
		require.Less(t, tr.LoopStart, len(tr.Steps))
		require.Equal(t, tr.Steps[tr.LoopStart].Before, *tr.Final(), "the lasso does not return to the state its cycle starts in")
	}
}

func TestEventuallyClosedHoldsOnlyUnderFairness(t *testing.T) {
	m := livenessModel()
	props := []Property{
		{Name: "eventually-closed", Kind: Eventually, Pred: bothClosedAgain, Fairness: fairUTD},
		{Name: "eventually-closed-unfair", Kind: Eventually, Pred: bothClosedAgain},
		{Name: "eventually-closed-no-timers", Kind: Eventually, Pred: bothClosedAgain, Fairness: []Fairness{{Class: ClassUsers}, {Class: ClassDelivery}}},
		{Name: "eventually-closed-no-users", Kind: Eventually, Pred: bothClosedAgain, Fairness: []Fairness{{Class: ClassTimers}, {Class: ClassDelivery}}},
		{Name: "close-leads-to-closed", Kind: LeadsTo, P: func(w *World) bool { return w.E[A].Closed && w.E[B].Closed }, Q: bothClosedAgain, Fairness: fairUTD},
		{Name: "close-leads-to-closed-unfair", Kind: LeadsTo, P: func(w *World) bool { return w.E[A].Closed && w.E[B].Closed }, Q: bothClosedAgain},
	}
	rep, err := Check(m, props, Options{})
	require.NoError(t, err)
	o := rep.Outcomes
	for i := range o {
		t.Logf("%s: %s: %s", o[i].Property, o[i].Verdict, o[i].Message)
	}

	require.Equal(t, Holds, o[0].Verdict, o[0].Message)
	require.Nil(t, o[0].Trace)
	require.Contains(t, o[0].Message, "weak fairness of timers, users and delivery")

	// Without fairness the run that never starts is a run.
	require.Equal(t, Violated, o[1].Verdict)
	require.Len(t, o[1].Trace.Steps, 0)
	require.Contains(t, o[1].Message, "no fairness assumption")
	require.Contains(t, o[1].Message, "A: user calls active OPEN")

	// Without timer fairness, the active closer waits in TIME-WAIT for
	// ever: the 2MSL timer never has to fire.
	require.Equal(t, Violated, o[2].Verdict)
	final := o[2].Trace.Final()
	require.True(t, final.E[A].TCB.State == spec.TimeWait || final.E[B].TCB.State == spec.TimeWait, "the run should stop in TIME-WAIT:\n%s", o[2].Trace)
	require.Contains(t, o[2].Message, "2MSL timeout could still happen")
	checkReplay(t, m, o[2].Trace)

	// Without user fairness, a user never closes.
	require.Equal(t, Violated, o[3].Verdict)
	require.Contains(t, o[3].Message, "user calls")

	require.Equal(t, Holds, o[4].Verdict, o[4].Message)
	require.Equal(t, Violated, o[5].Verdict)
	final = o[5].Trace.Final()
	require.True(t, final.E[A].Closed && final.E[B].Closed, "the leads-to counterexample must reach P")
	require.False(t, bothClosedAgain(final))
}

// TestStrongTimerFairnessBreaksAckStorm is the model where weak and strong
// fairness differ. After a user timeout and a reopen, B's new FIN-WAIT-1
// incarnation, synchronized by a duplicate of A's SYN, and A, synchronized
// to B's old incarnation, answer each other's segments with ACKs forever:
// B drops A's segments for their old acknowledgment (RFC 5961 section 5's
// check) and A drops B's as outside its window. B's retransmission timer runs all
// along, but whenever B's channel is full B cannot retransmit, so the timer
// is not continuously enabled: weak fairness lets it starve. That lasso
// rests on the capacity bound (a real network would take the
// retransmission), so the checker returns it as inconclusive, not as a
// violation. Strong fairness makes the timer fire, after which the
// retransmissions run out and the user timeout ends the storm.
func TestStrongTimerFairnessBreaksAckStorm(t *testing.T) {
	m := ackStormModel()
	weak := []Fairness{{Class: ClassUsers}, {Class: ClassDelivery}, {Class: ClassTimers}}
	strong := []Fairness{{Class: ClassUsers}, {Class: ClassDelivery}, {Class: ClassTimers, Strong: true}}
	rep, err := Check(m, []Property{
		{Name: "weak", Kind: Eventually, Pred: bothClosedAgain, Fairness: weak},
		{Name: "strong", Kind: Eventually, Pred: bothClosedAgain, Fairness: strong},
	}, Options{})
	require.NoError(t, err)
	w, s := rep.Outcomes[0], rep.Outcomes[1]
	t.Logf("%d states; weak: %s; strong: %s", rep.Stats.Distinct, w.Message, s.Message)

	// The lasso starves B's timer only while B's channel is full, so it
	// rests on the capacity bound: inconclusive, with the run shown.
	require.Equal(t, Inconclusive, w.Verdict)
	require.Contains(t, w.Message, "held a sender back")
	tr := w.Trace
	require.GreaterOrEqual(t, tr.LoopStart, 0, "expected a lasso:\n%s", tr)
	checkReplay(t, m, tr)
	require.Contains(t, tr.String(), "-- cycle starts here")
	// The cycle is deliveries only, answered by ACKs, and some timer is
	// enabled on it without firing.
	for _, st := range tr.Steps[tr.LoopStart:] {
		require.Equal(t, ActDeliver, st.Action, "the storm is deliveries:\n%s", tr)
		require.Equal(t, 1, st.NOut)
		require.Equal(t, spec.ACK, st.Out[0].Flags)
	}

	require.Equal(t, Holds, s.Verdict, s.Message)

	// Under RFC 9293, which files an old acknowledgment with the
	// duplicates, B takes A's segments and the storm never starts.
	m.Table = spec.Default()
	rep, err = Check(m, []Property{{Name: "weak", Kind: Eventually, Pred: bothClosedAgain, Fairness: weak}}, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, rep.Outcomes[0].Verdict, rep.Outcomes[0].Message)
}

func TestLeadsToSynReceived(t *testing.T) {
	m := livenessModel()
	inSynRcvd := func(w *World) bool { return w.E[B].TCB.State == spec.SynReceived }
	rep, err := Check(m, []Property{
		{Name: "syn-received-leads-to-established-or-closed", Kind: LeadsTo, P: inSynRcvd,
			Q: func(w *World) bool {
				s := w.E[B].TCB.State
				return s == spec.Established || s == spec.Closed
			}, Fairness: fairUTD},
		{Name: "syn-received-leads-to-established", Kind: LeadsTo, P: inSynRcvd,
			Q: func(w *World) bool { return w.E[B].TCB.State == spec.Established }, Fairness: fairUTD},
		{Name: "vacuous", Kind: LeadsTo, P: func(w *World) bool { return w.E[A].TCB.State == spec.Listen },
			Q: func(*World) bool { return false }},
	}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes
	for i := range o {
		t.Logf("%s: %s: %s", o[i].Property, o[i].Verdict, o[i].Message)
	}
	require.Equal(t, Holds, o[0].Verdict, o[0].Message)
	// B may CLOSE in SYN-RECEIVED (RFC 9293 3.10.4) and never be
	// ESTABLISHED.
	require.Equal(t, Violated, o[1].Verdict)
	var sawSynRcvd bool
	for _, st := range o[1].Trace.Steps {
		sawSynRcvd = sawSynRcvd || st.After.E[B].TCB.State == spec.SynReceived
		require.NotEqual(t, spec.Established, st.After.E[B].TCB.State)
	}
	require.True(t, sawSynRcvd)
	checkReplay(t, m, o[1].Trace)
	require.Equal(t, Holds, o[2].Verdict)
	require.Contains(t, o[2].Message, "vacuously")
	require.True(t, o[2].Vacuous)
	require.False(t, o[0].Vacuous, "P is reachable, so the pass is not vacuous")
}

// TestEventuallyVacuous: an Eventually whose predicate the initial state
// already satisfies holds vacuously, and says so; one that must be
// reached does not.
func TestEventuallyVacuous(t *testing.T) {
	m := livenessModel()
	rep, err := Check(m, []Property{
		{Name: "a-closed", Kind: Eventually, Pred: func(w *World) bool { return w.E[A].TCB.State == spec.Closed }},
		{Name: "both-closed-again", Kind: Eventually, Pred: bothClosedAgain, Fairness: fairUTD},
	}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes
	require.Equal(t, Holds, o[0].Verdict, o[0].Message)
	require.True(t, o[0].Vacuous)
	require.Contains(t, o[0].Message, "holds vacuously: the initial state already satisfies the predicate")
	require.False(t, o[1].Vacuous, o[1].Message)
}

func TestLivenessInconclusiveAndErrors(t *testing.T) {
	m := livenessModel()
	p := Property{Name: "ev", Kind: Eventually, Pred: bothClosedAgain, Fairness: fairUTD}
	rep, err := Check(m, []Property{p}, Options{MaxStates: 100})
	require.NoError(t, err)
	require.Equal(t, Inconclusive, rep.Outcomes[0].Verdict)
	require.Contains(t, rep.Outcomes[0].Message, "states bound")

	rep, err = Check(m, []Property{p}, Options{Fingerprint: true})
	require.NoError(t, err)
	require.Equal(t, Inconclusive, rep.Outcomes[0].Verdict)
	require.Contains(t, rep.Outcomes[0].Message, "fingerprint")

	rep, err = Check(m, []Property{p}, Options{MaxDepth: 3})
	require.NoError(t, err)
	require.Equal(t, Inconclusive, rep.Outcomes[0].Verdict)

	_, err = Check(m, []Property{{Name: "bad", Kind: LeadsTo, P: bothClosedAgain}}, Options{})
	require.ErrorContains(t, err, "needs P and Q")
	_, err = Check(m, []Property{{Name: "bad", Kind: Eventually, Pred: bothClosedAgain, Fairness: []Fairness{{Class: 9}}}}, Options{})
	require.ErrorContains(t, err, "unknown action class")

	// Liveness and safety properties in one check: outcomes stay in
	// property order.
	rep, err = Check(m, []Property{{Name: "inv", Kind: Invariant, Pred: func(*World) bool { return true }}, p}, Options{})
	require.NoError(t, err)
	require.Equal(t, "inv", rep.Outcomes[0].Property)
	require.Equal(t, Holds, rep.Outcomes[1].Verdict)
}

func TestLivenessIsDeterministic(t *testing.T) {
	m := livenessModel()
	p := Property{Name: "ev", Kind: Eventually, Pred: bothClosedAgain, Fairness: []Fairness{{Class: ClassUsers}, {Class: ClassDelivery}}}
	var first string
	for i := 0; i < 3; i++ {
		for _, s := range []Strategy{BFS, DFS} {
			rep, err := Check(m, []Property{p}, Options{Strategy: s})
			require.NoError(t, err)
			out := rep.Outcomes[0].Message + "\n" + rep.Outcomes[0].Trace.String()
			if first == "" {
				first = out
			}
			// The graph is explored in a different order under DFS, but
			// the counterexample is a shortest one either way; it need not
			// be the same one, so only BFS runs are compared.
			if s == BFS {
				require.Equal(t, first, out)
			}
		}
	}
}

func TestDescribeFairness(t *testing.T) {
	require.Equal(t, "no fairness assumption", describeFairness(nil))
	require.Equal(t, "weak fairness of timers, users and delivery", describeFairness(fairUTD))
	require.Equal(t, "weak fairness of users; strong fairness of delivery",
		describeFairness([]Fairness{{Class: ClassDelivery, Strong: true}, {Class: ClassUsers}, {Class: ClassDelivery}}))
	require.Equal(t, "A's timers, B's user and delivery to B", labelNames(fairBit(ClassTimers, A)|fairBit(ClassUsers, B)|fairBit(ClassDelivery, B)))
	require.True(t, strings.HasPrefix(labelNames(fairBit(ClassAll, A)), "every action of A"))
}

// TestLivenessNamesCapacityStops: on the client-server model (capacity
// 2), premature retransmissions can fill both channels so that every
// delivery's answer would overflow. Nothing is enabled, so no fairness
// assumption helps; but a real network has no such bound, so the stop is
// the model's, and the verdict is inconclusive and says why. The same
// property holds with room for four segments.
func TestLivenessNamesCapacityStops(t *testing.T) {
	p := Property{Name: "eventually-closed", Kind: Eventually, Pred: bothClosedAgain, Fairness: fairUTD}
	rep, err := Check(ClientServer(), []Property{p}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.Equal(t, Inconclusive, o.Verdict)
	require.Contains(t, o.Message, "stalls where a full channel held a sender back (the model's capacity bound, 2 segments per direction)")
	require.Contains(t, o.Message, "raise network.capacity")
	require.Contains(t, o.Message, "no successor")
	require.Contains(t, o.Message, "held back there only because a channel is full (capacity 2)")
	checkReplay(t, ClientServer(), o.Trace)
	// Deciding the saved run again (as explain does) gives the same
	// verdict and message, not a violation.
	again, err := Decide(ClientServer(), p, o.Trace)
	require.NoError(t, err)
	require.Equal(t, Inconclusive, again.Verdict, again.Message)
	require.Equal(t, o.Message, again.Message)

	rep, err = Check(livenessModel(), []Property{p}, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, rep.Outcomes[0].Verdict)
}
