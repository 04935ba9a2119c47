package checker

import (
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Trace is a run of the model: the initial world and the steps from it.
// A lasso (a liveness counterexample) repeats its steps from LoopStart on
// forever; LoopStart is -1 for a finite trace.
type Trace struct {
	Model     string
	Initial   World
	Steps     []Step
	LoopStart int
	table     *spec.Table
}

// Step is one transition of a trace with the worlds around it.
type Step struct {
	Transition
	Before, After World
}

// Table returns the transition table the trace ran on.
func (t *Trace) Table() *spec.Table { return t.table }

// Final returns the last world of the trace.
func (t *Trace) Final() *World {
	if len(t.Steps) == 0 {
		return &t.Initial
	}
	return &t.Steps[len(t.Steps)-1].After
}

// numbering returns the concrete ISNs a trace prints with, as RFC 9293's
// Figure 6 does: A's first ISS is 100 and B's 300, and each later epoch's
// 400 further on, so the numbers respect the epochs' order and no
// epoch's numbers fall in another's window.
func numbering(s Side) spec.Numbering {
	base := uint32(100)
	if s == B {
		base = 300
	}
	n := spec.Numbering{}
	for e := uint8(0); e < MaxEpochs; e++ {
		n[e] = base + 400*uint32(e)
	}
	return n
}

// formatSegment renders a segment sent by side from with concrete numbers.
func formatSegment(from Side, s spec.Segment) string {
	return spec.FormatBetween(s, numbering(from), numbering(from.Peer()))
}

// Row returns the table row a step took, and whether it took one.
func (t *Trace) Row(s *Step) (spec.Row, bool) {
	if s.Row < 0 || t.table == nil {
		return spec.Row{}, false
	}
	return t.table.Row(s.Row), true
}

// describe renders a step's event in words: "A: CLOSE",
// "B receives <SEQ=100><CTL=SYN>", "network loses <...> (A->B)".
func (t *Trace) describe(s *Step) string {
	switch s.Action {
	case ActCall:
		return fmt.Sprintf("%s: user calls %s", s.Actor, s.Call)
	case ActReopen:
		return fmt.Sprintf("%s: user opens a new incarnation (%s)", s.Actor, s.Call)
	case ActTimeout:
		return fmt.Sprintf("%s: %s", s.Actor, s.Call)
	case ActDeliver:
		return fmt.Sprintf("%s receives %s", s.Actor, formatSegment(s.Actor.Peer(), s.Seg))
	case ActLose:
		return fmt.Sprintf("network loses %s (%s->%s)", formatSegment(s.Actor, s.Seg), s.Actor, s.Actor.Peer())
	case ActDuplicate:
		return fmt.Sprintf("network duplicates %s (%s->%s)", formatSegment(s.Actor, s.Seg), s.Actor, s.Actor.Peer())
	case ActCrash:
		return fmt.Sprintf("%s: host crashes and loses its TCB", s.Actor)
	}
	return s.Action.String()
}

// formatChannel renders what travels from side from in world w.
func formatChannel(w *World, from Side) string {
	var parts []string
	for _, g := range w.Net[from].Segments() {
		parts = append(parts, formatSegment(from, g))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// String renders the trace as numbered text, one step per line group, with
// both endpoints' states, the segments sent, what is in flight, and the
// row taken with its RFC citation.
func (t *Trace) String() string {
	var b strings.Builder
	w := &t.Initial
	fmt.Fprintf(&b, "0. initial: A %s, B %s\n", w.E[A].TCB.State, w.E[B].TCB.State)
	for i := range t.Steps {
		s := &t.Steps[i]
		if i == t.LoopStart {
			b.WriteString("-- cycle starts here: the steps below repeat forever --\n")
		}
		fmt.Fprintf(&b, "%d. %s\n", i+1, t.describe(s))
		fmt.Fprintf(&b, "   A %s -> %s, B %s -> %s\n", s.Before.E[A].TCB.State, s.After.E[A].TCB.State, s.Before.E[B].TCB.State, s.After.E[B].TCB.State)
		for _, g := range s.sent() {
			fmt.Fprintf(&b, "   %s sends %s\n", s.Actor, formatSegment(s.Actor, g))
		}
		for _, g := range s.droppedSegments() {
			fmt.Fprintf(&b, "   the network drops %s: the channel is full\n", formatSegment(s.Actor, g))
		}
		if s.Notice != spec.NoticeNone {
			fmt.Fprintf(&b, "   %s's user is told %q\n", s.Actor, s.Notice.String())
		}
		fmt.Fprintf(&b, "   in flight: A->B %s, B->A %s\n", formatChannel(&s.After, A), formatChannel(&s.After, B))
		if r, ok := t.Row(s); ok {
			fmt.Fprintf(&b, "   row %s (%s)\n", r.ID, r.Cite)
		}
	}
	if t.LoopStart >= 0 {
		fmt.Fprintf(&b, "-- back to step %d --\n", t.LoopStart+1)
	}
	return b.String()
}
