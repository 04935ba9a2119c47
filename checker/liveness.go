package checker

import (
	"errors"
	"fmt"
	"math"
)

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
		li := livenessIndex{prop: i, p: -1, fairness: describeFairness(p.Fairness)}
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
		what := fmt.Sprintf("cut short by the %s bound", bound)
		if bound == boundInterrupted {
			what = "interrupted"
		}
		inconclusive(fmt.Sprintf("the liveness check was %s after the search of %d states", what, e.st.n))
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
			o.Vacuous = li.eventually && pr.goal.get(0) || !li.eventually && pr.start.count() == 0
			o.Message = holdsMessage(&li, pr, &res, g)
			continue
		}
		o.Verdict = Violated
		o.Trace = e.replay(edgeChoices(g, res.edges), res.loopStart)
		o.Message = violatedMessage(e, &li, &res, g, o.Trace)
		if e.stallBlocked(o.Trace) {
			// The run may only stall because the model's channels are
			// bounded: a real network would have taken the send, and a
			// fair run might then have gone on.
			o.Verdict, o.Message = Inconclusive, capacityStallMessage(e.m.Net.Capacity, o.Message)
		}
	}
	return nil
}

// capacityStallMessage says why a liveness counterexample that stalls
// where the capacity bound holds a sender back decides nothing; run is
// what the counterexample would have said.
func capacityStallMessage(capacity int, run string) string {
	return fmt.Sprintf("the run that would break it stalls where a full channel held a sender back (the model's capacity bound, %d segments per direction), which a real network does not do; raise network.capacity, or let the network drop what it cannot hold (loss: overflow). The run: %s",
		capacity, run)
}

// stallBlocked reports whether the capacity bound blocks a transition in
// a state where a liveness counterexample stalls: any state of its cycle,
// or its last state when the run stops.
func (e *explorer) stallBlocked(tr *Trace) bool {
	var stall []*World
	if tr.LoopStart >= 0 {
		for i := tr.LoopStart; i < len(tr.Steps); i++ {
			stall = append(stall, &tr.Steps[i].After)
		}
	}
	if len(stall) == 0 {
		stall = append(stall, tr.Final())
	}
	for _, w := range stall {
		if e.wk.mc.successors(w, func(*Transition, *World) {}).blocked > 0 {
			return true
		}
	}
	return false
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
		if e.clock.due() {
			if b := e.timeOrStop(); b != noBound {
				return nil, nil, b, nil
			}
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
