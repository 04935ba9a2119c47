package checker

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Necessity claims that an element of the protocol is necessary for a
// property: the property holds on the model's table, and fails once the
// mutation removes or changes that element.
type Necessity struct {
	Name string
	// Property is the property P the element is necessary for.
	Property Property
	// Mutation is the element X, as an overlay on the model's table.
	Mutation spec.Overlay
}

// NecessityOutcome is the result of a necessity check.
type NecessityOutcome struct {
	// Verdict is Holds when P holds on the model and fails on the mutant,
	// Violated when the mutant still satisfies P (X is not necessary), and
	// Inconclusive when a bound cut either search short.
	Verdict Verdict
	Message string
	// Baseline and Mutant are the reports on the unmodified and mutated
	// protocol.
	Baseline, Mutant *Report
	// Trace is the mutant's counterexample: why X is needed.
	Trace *Trace
	// Mechanism names, in words, how the mutant fails (for example "the
	// retransmitted FIN meets a CLOSED endpoint and draws a RST").
	Mechanism string
}

// ErrBaseline is returned when the property does not hold on the
// unmodified protocol. A necessity claim about a broken baseline proves
// nothing: the mutant failing too says nothing about the element.
var ErrBaseline = errors.New("the property does not hold on the unmodified protocol")

// ErrMutation is returned for a mutation that cannot be applied, or that
// changes nothing.
var ErrMutation = errors.New("invalid mutation")

// CheckNecessity checks a necessity claim: it checks the property on the
// model, applies the mutation to the model's table, checks the property
// again, and explains the mutant's counterexample. An error means the
// baseline does not satisfy P (ErrBaseline, with the baseline's outcome
// returned alongside), or the model or mutation is invalid.
func CheckNecessity(m Model, n Necessity, opt Options) (*NecessityOutcome, error) {
	if m.Table == nil {
		return nil, fmt.Errorf("%w: model has no transition table", ErrModel)
	}
	mutTable, err := m.Table.Apply(n.Mutation)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMutation, err)
	}
	diff := spec.Diff(m.Table, mutTable)
	if len(diff) == 0 {
		return nil, fmt.Errorf("%w: %s changes no row of %s, so it removes nothing that could be necessary", ErrMutation, mutationName(n), m.Table.Name())
	}
	claim := n.Name
	if claim == "" {
		claim = fmt.Sprintf("what %s changes is necessary for %s", mutationName(n), n.Property.Name)
	}

	base, err := Check(m, []Property{n.Property}, opt)
	if err != nil {
		return nil, err
	}
	out := &NecessityOutcome{Baseline: base}
	bo := &base.Outcomes[0]
	switch bo.Verdict {
	case Violated:
		out.Verdict = Inconclusive
		out.Message = fmt.Sprintf("cannot check the claim (%s): %q is already %s on the unmodified protocol (%s, model %s): %s; a necessity claim about a broken baseline proves nothing",
			claim, n.Property.Name, bo.Verdict, m.Table.Name(), m.Name, bo.Message)
		out.Trace = bo.Trace
		return out, fmt.Errorf("%w: %s", ErrBaseline, out.Message)
	case Inconclusive:
		out.Verdict = Inconclusive
		out.Message = fmt.Sprintf("undecided (%s): the property was not decided on the unmodified protocol: %s", claim, bo.Message)
		return out, nil
	}

	mm := m
	mm.Table = mutTable
	mm.Name = m.Name + " (" + mutTable.Name() + ")"
	mut, err := Check(mm, []Property{n.Property}, opt)
	if err != nil {
		return out, fmt.Errorf("the mutant: %w", err)
	}
	out.Mutant = mut
	mo := &mut.Outcomes[0]
	switch mo.Verdict {
	case Violated:
		out.Verdict = Holds
		out.Trace = mo.Trace
		out.Mechanism = mo.Message
		if mo.Trace != nil {
			if mech, ok := explainMechanism(mo.Trace); ok {
				out.Mechanism = mech
			} else if n.Property.Kind.Safety() {
				// A liveness outcome's message already says how the run
				// stops or cycles; a safety one only says where it fails.
				out.Mechanism = mo.Message + "; " + mech
			}
		}
		out.Message = fmt.Sprintf("necessary (%s): %q holds on %s and fails once %s is applied: %s", claim, n.Property.Name, m.Table.Name(), mutationName(n), out.Mechanism)
	case Holds:
		out.Verdict = Violated
		out.Message = fmt.Sprintf("not necessary in this model (%s): %q still holds once %s is applied", claim, n.Property.Name, mutationName(n))
		if idle := unexercised(m.Table, base.Coverage, diff); len(idle) > 0 {
			out.Message += fmt.Sprintf("; the model never exercises what the mutation changes (rows %s never fired on the unmodified protocol), so it may be too narrow", strings.Join(idle, ", "))
		}
	default:
		out.Verdict = Inconclusive
		out.Message = fmt.Sprintf("undecided (%s): the property was not decided on the mutant: %s", claim, mo.Message)
	}
	return out, nil
}

func mutationName(n Necessity) string {
	switch {
	case n.Mutation.Name != "" && n.Mutation.Description != "":
		return fmt.Sprintf("the mutation %s (%s)", n.Mutation.Name, n.Mutation.Description)
	case n.Mutation.Name != "":
		return "the mutation " + n.Mutation.Name
	}
	return "the mutation"
}

// unexercised lists, in ID order, the rows a mutation changes or removes
// when none of them fired on the unmodified protocol: the model then
// cannot tell whether they matter. It returns nil when any of them fired.
func unexercised(t *spec.Table, c Coverage, diff []spec.RowDiff) []string {
	var out []string
	for _, d := range diff {
		if d.Old == nil {
			continue
		}
		if i, ok := t.RowIndex(d.ID); ok && i < len(c) && c[i] == 0 {
			out = append(out, d.ID)
		}
	}
	if len(out) == len(nonAdded(diff)) {
		return out
	}
	return nil
}

func nonAdded(diff []spec.RowDiff) []spec.RowDiff {
	var out []spec.RowDiff
	for _, d := range diff {
		if d.Old != nil {
			out = append(out, d)
		}
	}
	return out
}

// inFlight is a segment in the network with where it came from, as the
// mechanism analysis follows it through a trace.
type inFlight struct {
	seg spec.Segment
	// step is the step (1-based) that sent it; incarnation is the sender's
	// incarnation then.
	step, incarnation int
	retransmitted     bool
	duplicated        bool
}

// explainMechanism reads a counterexample and says, in words and with step
// numbers, how it goes wrong. It follows every segment from the step that
// sent it to the step that delivers or loses it, and recognises the
// mechanisms TIME-WAIT exists for (RFC 9293 section 3.4.2; RFC 1337):
//
//   - an endpoint enters CLOSED by a row the variant changed (for example
//     without passing through TIME-WAIT);
//   - the network loses a final ACK;
//   - a segment of a connection reaches an endpoint that is CLOSED, which
//     answers with a RST (RFC 9293 section 3.10.7.1): a retransmitted FIN,
//     a duplicate, or a segment overtaken by a later one;
//   - that RST resets the peer, whose user hears "connection reset"
//     instead of "connection closed";
//   - an old duplicate from an earlier incarnation is accepted by the next
//     incarnation of the connection (RFC 1337's hazards).
//
// When none of these appears, it says so, describes how the
// counterexample ends, and reports false.
func explainMechanism(tr *Trace) (string, bool) {
	var net [2][]inFlight
	var clauses []clause
	take := func(from Side, seg spec.Segment) (inFlight, bool) {
		ch := net[from]
		for i := range ch {
			if ch[i].seg == seg {
				f := ch[i]
				net[from] = append(ch[:i:i], ch[i+1:]...)
				return f, true
			}
		}
		return inFlight{}, false
	}
	for i := range tr.Steps {
		st := &tr.Steps[i]
		n := i + 1
		switch st.Action {
		case ActDeliver:
			from := st.Actor.Peer()
			f, _ := take(from, st.Seg)
			clauses = append(clauses, deliveryClauses(tr, st, n, f)...)
		case ActLose:
			f, _ := take(st.Actor, st.Seg)
			if st.Seg.Flags == spec.ACK {
				// An ACK is final when its sender has nothing more to say
				// on the connection: it is CLOSED or in TIME-WAIT.
				kind := "ACK"
				if s := st.Before.E[st.Actor].TCB.State; s == spec.Closed || s == spec.TimeWait {
					kind = "final ACK"
				}
				clauses = append(clauses, clause{n, fmt.Sprintf("the network lost %s's %s %s (step %d, sent at step %d)",
					st.Actor, kind, formatSegment(st.Actor, st.Seg), n, f.step)})
			}
		case ActDuplicate:
			for _, f := range net[st.Actor] {
				if f.seg == st.Seg {
					f.duplicated = true
					net[st.Actor] = append(net[st.Actor], f)
					break
				}
			}
		}
		// Only what entered the network is in flight; what a full
		// channel dropped at once is a loss, told as such when it is an
		// ACK, as a lost ACK is.
		for _, seg := range st.entered() {
			net[st.Actor] = append(net[st.Actor], inFlight{seg: seg, step: n, incarnation: int(st.After.E[st.Actor].Incarnation),
				retransmitted: st.Action == ActTimeout && st.Call == spec.RetransmissionTimeout})
		}
		for _, seg := range st.droppedSegments() {
			if seg.Flags != spec.ACK {
				continue
			}
			kind := "ACK"
			if s := st.After.E[st.Actor].TCB.State; s == spec.Closed || s == spec.TimeWait {
				kind = "final ACK"
			}
			clauses = append(clauses, clause{n, fmt.Sprintf("the network dropped %s's %s %s as it was sent, its direction being full (step %d)",
				st.Actor, kind, formatSegment(st.Actor, seg), n)})
		}
		if c, ok := closedByVariant(tr, st, n); ok {
			clauses = append(clauses, c)
		}
	}
	if len(clauses) == 0 {
		last := "the run is empty"
		if len(tr.Steps) > 0 {
			st := &tr.Steps[len(tr.Steps)-1]
			last = fmt.Sprintf("its last step is %d: %s", len(tr.Steps), tr.describe(st))
		}
		return "no known mechanism recognised in the counterexample; " + last, false
	}
	// Present the clauses in the order of the steps they explain; a
	// stable sort keeps the order of the clauses of one step.
	sort.SliceStable(clauses, func(i, j int) bool { return clauses[i].step < clauses[j].step })
	texts := make([]string, len(clauses))
	for i, c := range clauses {
		texts[i] = c.text
	}
	return strings.Join(texts, "; "), true
}

// clause is one sentence of a mechanism's explanation, with the step
// (1-based) it explains, which orders the sentences.
type clause struct {
	step int
	text string
}

// closedByVariant reports an endpoint entering CLOSED by a row an overlay
// changed, such as no-time-wait's rows redirected from TIME-WAIT.
func closedByVariant(tr *Trace, st *Step, n int) (clause, bool) {
	r, ok := tr.Row(st)
	if !ok || r.Origin == spec.Base || st.After.E[st.Actor].TCB.State != spec.Closed || st.Before.E[st.Actor].TCB.State == spec.Closed {
		return clause{}, false
	}
	how := "which the variant changed"
	if r.Origin == spec.Redirected {
		how = fmt.Sprintf("which the variant %s redirects to CLOSED instead of a removed state", r.Variant)
	}
	return clause{n, fmt.Sprintf("%s went from %s straight to CLOSED (step %d, row %s, %s), so it keeps no TCB for the connection",
		st.Actor, st.Before.E[st.Actor].TCB.State, n, r.ID, how)}, true
}

// deliveryClauses explains a delivery: a segment meeting a CLOSED endpoint
// and drawing a RST, a RST resetting the peer, an old duplicate accepted.
// n is the delivery's step.
func deliveryClauses(tr *Trace, st *Step, n int, f inFlight) []clause {
	var out []clause
	to, from := st.Actor, st.Actor.Peer()
	before, after := &st.Before.E[to], &st.After.E[to]
	what := describeOrigin(from, st.Seg, f)
	if before.TCB.State == spec.Closed {
		for _, g := range st.sent() {
			if g.Flags.Has(spec.RST) {
				r, _ := tr.Row(st)
				out = append(out, clause{n, fmt.Sprintf("%s reached %s, which is CLOSED and answered with %s (step %d, row %s)",
					what, to, formatSegment(to, g), n, r.ID)})
			}
		}
	}
	if st.Seg.Flags.Has(spec.RST) && after.Ended == EndReset && before.TCB.State != spec.Closed {
		out = append(out, clause{n, fmt.Sprintf("%s's RST %s (sent at step %d) reset %s in %s (step %d): %s's user is told %q instead of a normal close",
			from, formatSegment(from, st.Seg), f.step, to, before.TCB.State, n, to, spec.NoticeReset.String())})
	}
	if cur := int(st.Before.E[from].Incarnation); f.step > 0 && f.incarnation < cur && after.TCB != before.TCB && !st.Seg.Flags.Has(spec.RST) {
		out = append(out, clause{n, fmt.Sprintf("an old duplicate %s, sent by %s's incarnation %d at step %d, was accepted by %s's current connection (step %d, %s -> %s, row %s) although %s has since opened incarnation %d",
			formatSegment(from, st.Seg), from, f.incarnation+1, f.step, to, n, before.TCB.State, after.TCB.State, rowID(tr, st), from, cur+1)})
	}
	return out
}

func rowID(tr *Trace, st *Step) string {
	if r, ok := tr.Row(st); ok {
		return r.ID
	}
	return "none"
}

// describeOrigin names a segment with where it came from: "A's
// retransmitted FIN <...> (sent at step 10 on a retransmission timeout)".
func describeOrigin(from Side, seg spec.Segment, f inFlight) string {
	kind := seg.Flags.String()
	if seg.Flags.Has(spec.FIN) {
		kind = "FIN"
	} else if seg.Flags == spec.ACK {
		kind = "ACK"
	}
	s := fmt.Sprintf("%s's %s %s", from, kind, formatSegment(from, seg))
	switch {
	case f.step == 0:
		return s
	case f.retransmitted:
		return fmt.Sprintf("%s's retransmitted %s %s (sent at step %d on a retransmission timeout)", from, kind, formatSegment(from, seg), f.step)
	case f.duplicated:
		return fmt.Sprintf("a network duplicate of %s (sent at step %d)", s, f.step)
	}
	return fmt.Sprintf("%s (sent at step %d, still in flight)", s, f.step)
}
