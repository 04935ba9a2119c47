package checker

import (
	"fmt"
	"strings"
)

// holdsMessage says why a liveness property holds, with the sizes of the
// graph and of the decomposition that show what was checked.
func holdsMessage(li *livenessIndex, pr *livenessProblem, res *livenessResult, g *lgraph) string {
	var what string
	if li.eventually {
		if pr.goal.get(0) {
			return fmt.Sprintf("holds vacuously: the initial state already satisfies the predicate (%d states)", g.n)
		}
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

// violatedMessage says how the counterexample tr avoids the goal forever:
// by a fair cycle, or by stopping where fairness does not force a step on,
// naming what could still happen there.
func violatedMessage(e *explorer, li *livenessIndex, res *livenessResult, g *lgraph, tr *Trace) string {
	var b strings.Builder
	if li.eventually {
		b.WriteString("a run never reaches the predicate: ")
	} else {
		fmt.Fprintf(&b, "P holds after %s and Q never holds afterwards: ", steps(res.startStep))
	}
	if res.loopStart >= 0 {
		fmt.Fprintf(&b, "from step %d a cycle of %s repeats forever, and it is fair under %s",
			res.loopStart+1, steps(len(res.edges)-res.loopStart), li.fairness)
		return b.String()
	}
	fin := tr.Final()
	fmt.Fprintf(&b, "after %s, with A in %s and B in %s, the run ", steps(len(res.edges)), fin.E[A].TCB.State, fin.E[B].TCB.State)
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
		d := tr.describe(&Step{Transition: *t})
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	})
	return andList(out), held.blocked
}
