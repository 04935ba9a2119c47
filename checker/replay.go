package checker

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// ReplayError says where a trace read from a file stops being what it
// claims: the step (an index in TraceView.Steps, or -1 for the trace as a
// whole) and the field of the view that is wrong, and what the model
// expected there.
type ReplayError struct {
	// Step is the index of the step, or -1.
	Step int
	// Field is the JSON name of the wrong field of the step (or of the
	// trace, when Step is -1), such as "action" or "verdict".
	Field string
	// Msg says what was found and what was expected.
	Msg string
}

// Error renders the error with the path of the field.
func (e *ReplayError) Error() string {
	if e.Step < 0 {
		return e.Field + ": " + e.Msg
	}
	return fmt.Sprintf("steps[%d].%s: %s", e.Step, e.Field, e.Msg)
}

// Replay follows the steps of a trace read from a file through model m,
// from its initial world: each step must be a transition the model
// enables where the previous step left it, with the same actor, action,
// call and segment. It returns the run as the model makes it, whose view
// (NewTraceView) is what the file should hold, field for field; where no
// transition matches, the error names the step and the first field that no
// enabled transition has. Replay does not look at the view's verdict; see
// Decide.
func Replay(m Model, v *TraceView) (*Trace, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.Table == nil {
		return nil, fmt.Errorf("%w: model has no transition table", ErrModel)
	}
	mc := newMachine(&m)
	w := mc.initial()
	tr := &Trace{Model: m.Name, Initial: w, LoopStart: v.LoopStart, table: mc.table}
	if tr.LoopStart < -1 || tr.LoopStart >= len(v.Steps) {
		tr.LoopStart = -1
	}
	for i := range v.Steps {
		want := &v.Steps[i]
		type candidate struct {
			step Step
			view StepView
		}
		var cands []candidate
		tally := mc.successors(&w, func(t *Transition, nw *World) {
			st := Step{Transition: *t, Before: w, After: *nw}
			cands = append(cands, candidate{st, tr.stepView(&st, i+1)})
		})
		if tally.err != nil {
			return nil, tally.err
		}
		// Narrow the transitions enabled here field by field, in the
		// order the view names a transition: the first field that no
		// transition left has is the wrong one.
		for _, f := range []struct {
			name string
			get  func(*StepView) string
		}{
			{"actor", func(s *StepView) string { return s.Actor }},
			{"action", func(s *StepView) string { return s.Action }},
			{"call", func(s *StepView) string { return s.Call }},
			{"segment", func(s *StepView) string { return segmentKey(s.Segment) }},
		} {
			var kept []candidate
			var expected []string
			seen := map[string]bool{}
			for _, c := range cands {
				got := f.get(&c.view)
				if got == f.get(want) {
					kept = append(kept, c)
				} else if !seen[got] {
					seen[got] = true
					expected = append(expected, got)
				}
			}
			if len(kept) == 0 {
				return nil, &ReplayError{Step: i, Field: f.name, Msg: noTransition(&m, f.name, f.get(want), expected, len(cands))}
			}
			cands = kept
		}
		// Several transitions may remain (two copies of a segment in
		// flight); take the one the file describes best, so that the
		// error, if any, is about the field that differs.
		best, bestScore := 0, -1
		for j, c := range cands {
			score := 0
			if c.view.Row == want.Row {
				score += 2
			}
			if sameJSON(c.view.After, want.After) {
				score++
			}
			if score > bestScore {
				best, bestScore = j, score
			}
		}
		tr.Steps = append(tr.Steps, cands[best].step)
		w = cands[best].step.After
	}
	return tr, nil
}

// segmentKey names a segment view for matching: its direction and text.
func segmentKey(s *SegmentView) string {
	if s == nil {
		return ""
	}
	return s.From + "->" + s.To + " " + s.Text
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// noTransition says that no enabled transition has value got in field.
func noTransition(m *Model, field, got string, expected []string, enabled int) string {
	what := fmt.Sprintf("%q", got)
	if field == "segment" && got == "" {
		what = "no segment"
	}
	where := fmt.Sprintf("model %s (variant %s)", m.Name, m.Table.Name())
	if enabled == 0 {
		return fmt.Sprintf("%s is not a transition of %s: none is enabled where the previous step left the run", what, where)
	}
	var quoted []string
	for _, e := range expected {
		if field == "segment" && e == "" {
			quoted = append(quoted, "no segment")
			continue
		}
		quoted = append(quoted, fmt.Sprintf("%q", e))
	}
	return fmt.Sprintf("%s is not a transition of %s from where the previous step left the run: the replay expected %s", what, where, orList(quoted))
}

func orList(s []string) string {
	switch len(s) {
	case 0:
		return "nothing"
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Decide evaluates property p on a replayed run tr of model m and returns
// the outcome the run shows, as the search would have reported it: for an
// invariant, the last state breaks it and no earlier one does (Violated);
// for a reachable property, the last state satisfies it and no earlier one
// does (Holds, the run being a witness); for a step invariant, the last
// step breaks it; for deadlock freedom, the last state has no successor
// and is not a valid end; for a liveness property, the run is a lasso (or a
// run that stops) on which the awaited predicate never holds, and which the
// property's fairness assumptions allow. A run that shows none of these is
// an error, a *ReplayError naming the step where it goes wrong.
func Decide(m Model, p Property, tr *Trace) (Outcome, error) {
	o := Outcome{Property: p.Name, Kind: p.Kind, Trace: tr}
	states := make([]*World, 0, len(tr.Steps)+1)
	states = append(states, &tr.Initial)
	for i := range tr.Steps {
		states = append(states, &tr.Steps[i].After)
	}
	last := len(tr.Steps)
	if p.Kind.Safety() && tr.LoopStart != -1 {
		return o, &ReplayError{Step: -1, Field: "loop_start", Msg: fmt.Sprintf("%d, but the replay expected -1, since a counterexample of a %s property is a finite run, not a cycle that repeats forever", tr.LoopStart, p.Kind)}
	}
	// first returns the number of steps to the first state where hit
	// holds, or -1.
	first := func(hit func(*World) bool) int {
		for i, w := range states {
			if hit(w) {
				return i
			}
		}
		return -1
	}
	// decideAt checks that the property is decided by the last state,
	// found first at k, and not earlier.
	decideAt := func(k int, what string) error {
		switch {
		case k < 0:
			return &ReplayError{Step: -1, Field: "steps", Msg: fmt.Sprintf("no state of the replayed run %s, so the run shows nothing about %s property %s: the replay expected a run whose last state does", what, p.Kind, p.Name)}
		case k < last:
			return &ReplayError{Step: k, Field: "n", Msg: fmt.Sprintf("the run has already shown it: the state after %s %s, so the trace should end there and step %d should not be in it", steps(k), what, k+1)}
		}
		return nil
	}
	switch p.Kind {
	case Invariant, QuiescentInvariant:
		quiet := p.Kind == QuiescentInvariant
		k := first(func(w *World) bool { return (!quiet || w.Quiescent()) && !p.Pred(w) })
		what := "breaks it"
		if quiet {
			what = "is quiescent and breaks it"
		}
		if err := decideAt(k, what); err != nil {
			return o, err
		}
		o.Verdict, o.Message = Violated, violationMessage(p.Kind, tr)
	case Reachable:
		if err := decideAt(first(p.Pred), "satisfies it"); err != nil {
			return o, err
		}
		o.Verdict, o.Message = Holds, fmt.Sprintf("reachable in %s", steps(last))
	case StepInvariant:
		k := -1
		for i := range tr.Steps {
			s := &tr.Steps[i]
			if !p.Step(&s.Before, &s.Transition, &s.After) {
				k = i + 1
				break
			}
		}
		if err := decideAt(k, "is reached by a step that breaks it"); err != nil {
			return o, err
		}
		o.Verdict, o.Message = Violated, violationMessage(p.Kind, tr)
	case DeadlockFree:
		valid := p.ValidEnd
		if valid == nil {
			valid = defaultValidEnd
		}
		mc := newMachine(&m)
		n := 0
		t := mc.successors(tr.Final(), func(*Transition, *World) { n++ })
		if n > 0 || t.epochCut > 0 || valid(tr.Final()) {
			return o, &ReplayError{Step: -1, Field: "steps", Msg: fmt.Sprintf("the replayed run ends in a state that is not a deadlock (%d transitions enabled, valid end %t), so it shows nothing about %s: the replay expected a last state with no successor that is not a valid end", n, valid(tr.Final()), p.Name)}
		}
		o.Verdict, o.Message = Violated, violationMessage(p.Kind, tr)
	case Eventually, LeadsTo:
		return decideLiveness(m, p, tr, states)
	default:
		return o, fmt.Errorf("property %q: unknown property kind %s", p.Name, p.Kind)
	}
	return o, nil
}

// decideLiveness checks a liveness counterexample: the cycle closes, the
// awaited predicate never holds after the state where it is awaited, and
// the cycle (or the stop) is fair under the property's assumptions.
func decideLiveness(m Model, p Property, tr *Trace, states []*World) (Outcome, error) {
	o := Outcome{Property: p.Name, Kind: p.Kind, Trace: tr}
	wf, sf, err := fairnessMasks(p.Fairness)
	if err != nil {
		return o, err
	}
	fairness := describeFairness(p.Fairness)
	last := len(tr.Steps)
	ls := tr.LoopStart
	if ls >= 0 && !reflect.DeepEqual(*tr.Final(), tr.Steps[ls].Before) {
		return o, &ReplayError{Step: -1, Field: "loop_start", Msg: fmt.Sprintf("%d, but the replayed run does not come back to the state before step %d: the last step leaves A in %s and B in %s, where step %d starts from A in %s and B in %s",
			ls, ls+1, tr.Final().E[A].TCB.State, tr.Final().E[B].TCB.State, ls+1, tr.Steps[ls].Before.E[A].TCB.State, tr.Steps[ls].Before.E[B].TCB.State)}
	}
	goal, start := p.Pred, func(w *World) bool { return w == &tr.Initial }
	if p.Kind == LeadsTo {
		goal, start = p.Q, p.P
	}
	// The state where the goal is awaited: the first one from which the
	// goal never holds again.
	from := -1
	for i := last; i >= 0 && !goal(states[i]); i-- {
		if start(states[i]) {
			from = i
		}
	}
	if from < 0 || (ls >= 0 && !allNot(goal, states[ls:])) {
		return o, &ReplayError{Step: -1, Field: "steps", Msg: fmt.Sprintf("the replayed run reaches the awaited predicate of %s, so it is no counterexample: the replay expected a run on which it never holds", p.Name)}
	}
	var b strings.Builder
	if p.Kind == Eventually {
		b.WriteString("a run never reaches the predicate: ")
	} else {
		fmt.Fprintf(&b, "P holds after %s and Q never holds afterwards: ", steps(from))
	}
	mc := newMachine(&m)
	enabled := func(w *World) (en label, n, blocked int, names []string) {
		var sent label
		seen := map[string]bool{}
		t := mc.successors(w, func(t *Transition, _ *World) {
			n++
			en |= transitionLabel(t)
			for _, g := range t.droppedSegments() {
				if k := kindOf[g.Flags&31]; k != 0xff {
					sent |= deliveryBit(t.Actor.Peer(), k)
				}
			}
			d := tr.describe(&Step{Transition: *t})
			if !seen[d] {
				seen[d] = true
				names = append(names, d)
			}
		})
		return en | inFlightKinds(w, en, sent), n, t.blocked, names
	}
	// stalled is set when the capacity bound holds a sender back where
	// the run stalls (on its cycle, or where it stops), as the search's
	// stallBlocked decides it: the verdict is then inconclusive.
	stalled := false
	if ls >= 0 {
		var taken, some label
		every := allLabels
		for i := ls; i < last; i++ {
			en, _, blocked, _ := enabled(&tr.Steps[i].Before)
			stalled = stalled || blocked > 0
			some |= en
			every &= en
			taken |= transitionLabel(&tr.Steps[i].Transition)
		}
		if unfair := (wf&every | sf&some) &^ taken; unfair != 0 {
			return o, &ReplayError{Step: -1, Field: "loop_start", Msg: fmt.Sprintf("the cycle from step %d is not fair under %s: %s stays possible on it and never happens, so no fair run repeats it", ls+1, fairness, labelNames(unfair))}
		}
		fmt.Fprintf(&b, "from step %d a cycle of %s repeats forever, and it is fair under %s", ls+1, steps(last-ls), fairness)
	} else {
		fin := tr.Final()
		en, n, blocked, names := enabled(fin)
		stalled = blocked > 0
		if unfair := (wf | sf) & en; unfair != 0 {
			return o, &ReplayError{Step: -1, Field: "steps", Msg: fmt.Sprintf("the replayed run stops with A in %s and B in %s, where %s forces %s to happen: a run that stops there is not fair, so it is no counterexample", fin.E[A].TCB.State, fin.E[B].TCB.State, fairness, labelNames(unfair))}
		}
		fmt.Fprintf(&b, "after %s, with A in %s and B in %s, the run ", steps(last), fin.E[A].TCB.State, fin.E[B].TCB.State)
		if n == 0 {
			b.WriteString("reaches a state with no successor")
		} else {
			force := "no fairness assumption forces it on"
			if wf|sf != 0 {
				force = fairness + " does not force it on"
			}
			fmt.Fprintf(&b, "may stop: %s could still happen, but %s", andList(names), force)
		}
		if blocked > 0 {
			fmt.Fprintf(&b, "; %d more transitions are held back there only because a channel is full (capacity %d), so this stop is a consequence of the capacity bound: a larger capacity may get past it", blocked, m.Net.Capacity)
		}
	}
	o.Verdict, o.Message = Violated, b.String()
	if stalled {
		o.Verdict, o.Message = Inconclusive, capacityStallMessage(m.Net.Capacity, o.Message)
	}
	return o, nil
}

func allNot(pred func(*World) bool, ws []*World) bool {
	for _, w := range ws {
		if pred(w) {
			return false
		}
	}
	return true
}
