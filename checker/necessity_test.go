package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

func variantOverlay(t *testing.T, name string) spec.Overlay {
	t.Helper()
	for _, v := range spec.Variants() {
		if v.Name == name {
			return v.Overlay
		}
	}
	t.Fatalf("no variant %s", name)
	return spec.Overlay{}
}

// delayedSegments is the default property set's delayed-segments model: a
// client and a server, a network that reorders but never loses segments,
// one retransmission, no user timeout, and a second connection.
func delayedSegments() Model {
	m := ClientServer()
	m.Name = "delayed-segments"
	m.Net = Network{Capacity: 2, Reorder: true}
	m.Retries = 1
	m.Reopens = 1
	return m
}

// lastAckClosesNormally is what TIME-WAIT is for (RFC 9293 3.3.2 and
// 3.10.7.4; RFC 793 p. 22): the endpoint that closes second, in LAST-ACK,
// learns that its FIN was received and closes normally. Its user is never
// told "connection reset" (MUST-12 makes the difference observable).
var lastAckClosesNormally = Property{Name: "last-ack-closes-normally", Kind: StepInvariant,
	Step: func(before *World, _ *Transition, after *World) bool {
		for s := A; s <= B; s++ {
			if before.E[s].TCB.State == spec.LastAck && after.E[s].Ended == EndReset {
				return false
			}
		}
		return true
	}}

// lossyClientServer is the client-server model on a FIFO network that may
// lose one segment.
func lossyClientServer() Model {
	m := ClientServer()
	m.Name = "lossy-fifo"
	m.Net = Network{Capacity: 2, Loss: true, LossBudget: 1}
	return m
}

// TestTimeWaitNecessity is the flagship necessity claim: on the
// delayed-segments model, RFC 9293 closes every LAST-ACK normally, and
// without TIME-WAIT a segment still in flight reaches the endpoint that
// closed first, now without a TCB; its RST resets the peer in LAST-ACK.
func TestTimeWaitNecessity(t *testing.T) {
	m := delayedSegments()
	n := Necessity{Name: "TIME-WAIT is necessary for a normal close", Property: lastAckClosesNormally, Mutation: variantOverlay(t, "no-time-wait")}
	out, err := CheckNecessity(m, n, Options{})
	require.NoError(t, err)
	t.Logf("%s\n%s", out.Message, out.Trace)
	require.Equal(t, Holds, out.Verdict, out.Message)
	require.Equal(t, Holds, out.Baseline.Outcomes[0].Verdict)
	require.Equal(t, Violated, out.Mutant.Outcomes[0].Verdict)
	require.NotNil(t, out.Trace)
	require.Equal(t, "no-time-wait", out.Trace.Table().Name())
	checkReplay(t, Model{Name: m.Name, Table: out.Trace.Table(), A: m.A, B: m.B, Net: m.Net, Retries: m.Retries, Reopens: m.Reopens}, out.Trace)

	// The mechanism, in the order of the steps it cites: the first closer
	// skips TIME-WAIT, a segment of the connection reaches it, it answers
	// with a RST, and the RST resets the peer in LAST-ACK.
	mech := out.Mechanism
	for _, want := range []string{"straight to CLOSED", "row FIN-WAIT-1/rcv-fin-acked", "redirects to CLOSED", "which is CLOSED and answered with", "<CTL=RST>", "reset A in LAST-ACK", "connection reset"} {
		require.Contains(t, mech, want)
	}
	require.Less(t, strings.Index(mech, "straight to CLOSED"), strings.Index(mech, "answered with"))
	require.Less(t, strings.Index(mech, "answered with"), strings.Index(mech, "reset A in LAST-ACK"))
	last := out.Trace.Steps[len(out.Trace.Steps)-1]
	require.Equal(t, spec.LastAck, last.Before.E[last.Actor].TCB.State)
	require.Equal(t, EndReset, last.After.E[last.Actor].Ended)
	require.Contains(t, out.Message, "necessary (TIME-WAIT is necessary for a normal close)")
}

// TestTimeWaitMechanismLostFinalACK is RFC 793's own reason for TIME-WAIT
// on a lossy FIFO network: the final ACK is lost, the peer retransmits its
// FIN, and an endpoint without TIME-WAIT answers it with a RST.
func TestTimeWaitMechanismLostFinalACK(t *testing.T) {
	m := lossyClientServer()
	m.Table = mustVariant("no-time-wait")
	rep, err := Check(m, []Property{lastAckClosesNormally}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.Equal(t, Violated, o.Verdict)
	mech, _ := explainMechanism(o.Trace)
	t.Logf("%s\n%s", mech, o.Trace)
	for _, want := range []string{"straight to CLOSED", "retransmitted FIN", "on a retransmission timeout", "which is CLOSED and answered with", "the network lost B's final ACK", "reset A in LAST-ACK (step 14)"} {
		require.Contains(t, mech, want)
	}
}

// TestTimeWaitNecessityLostFinalACK is the textbook reason for TIME-WAIT
// (RFC 9293 section 3.6; RFC 793's "reliable termination"): on a FIFO
// network that may lose one segment, the final ACK is lost, the peer in
// LAST-ACK retransmits its FIN, and TIME-WAIT acknowledges it again. With
// TIME-WAIT removed the retransmitted FIN meets a CLOSED endpoint, whose
// RST resets the peer. The baseline holds because the 2MSL timer cannot
// expire while the peer may still retransmit.
func TestTimeWaitNecessityLostFinalACK(t *testing.T) {
	m := lossyClientServer()
	out, err := CheckNecessity(m, Necessity{Property: lastAckClosesNormally, Mutation: variantOverlay(t, "no-time-wait")}, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, out.Verdict, out.Message)
	require.Equal(t, Holds, out.Baseline.Outcomes[0].Verdict)
	require.Equal(t, Violated, out.Mutant.Outcomes[0].Verdict)
	mech, _ := explainMechanism(out.Trace)
	t.Logf("%s\n%s", mech, out.Trace)
	require.Contains(t, mech, "the network lost")
	require.Contains(t, mech, "final ACK")
	require.Contains(t, mech, "retransmitted FIN")
	var lost, rto bool
	for _, st := range out.Trace.Steps {
		lost = lost || (st.Action == ActLose && st.Seg.Flags == spec.ACK)
		rto = rto || (st.Action == ActTimeout && st.Call == spec.RetransmissionTimeout)
	}
	require.True(t, lost, "the counterexample loses an ACK")
	require.True(t, rto, "the counterexample retransmits")
}

func TestNecessityBrokenBaselineFailsLoudly(t *testing.T) {
	neverEstablished := Property{Name: "never-established", Kind: Invariant,
		Pred: func(w *World) bool { return w.E[A].TCB.State != spec.Established }}
	out, err := CheckNecessity(ClientServer(), Necessity{Property: neverEstablished, Mutation: variantOverlay(t, "no-time-wait")}, Options{})
	require.ErrorIs(t, err, ErrBaseline)
	require.Contains(t, err.Error(), `"never-established" is already violated on the unmodified protocol (rfc9293, model client-server)`)
	require.Contains(t, err.Error(), "a necessity claim about a broken baseline proves nothing")
	require.Equal(t, Inconclusive, out.Verdict)
	require.NotNil(t, out.Baseline)
	require.Nil(t, out.Mutant)
}

func TestNecessityRefutedAndTooNarrow(t *testing.T) {
	// On a FIFO network that never loses a segment, nothing of the
	// connection is left in flight to meet a closed endpoint in a way
	// that resets LAST-ACK: TIME-WAIT is not needed for this property.
	fifo := ClientServer()
	out, err := CheckNecessity(fifo, Necessity{Property: lastAckClosesNormally, Mutation: variantOverlay(t, "no-time-wait")}, Options{})
	require.NoError(t, err)
	require.Equal(t, Violated, out.Verdict, out.Message)
	require.Contains(t, out.Message, "not necessary in this model")
	require.Nil(t, out.Trace)

	// A mutation of a row the model never takes: simultaneous open (arc
	// 7) cannot happen with a passive server, and the message says so.
	noSimOpen := spec.Overlay{Name: "no-simultaneous-open", Replace: []spec.Row{func() spec.Row {
		r := spec.Default().Row(defaultRowIndex(t, "SYN-SENT/rcv-syn"))
		r.To, r.Send, r.Do = spec.SynSent, nil, 0
		return r
	}()}}
	out, err = CheckNecessity(fifo, Necessity{Property: lastAckClosesNormally, Mutation: noSimOpen}, Options{})
	require.NoError(t, err)
	require.Equal(t, Violated, out.Verdict)
	require.Contains(t, out.Message, "rows SYN-SENT/rcv-syn never fired on the unmodified protocol")
}

func defaultRowIndex(t *testing.T, id string) int {
	t.Helper()
	i, ok := spec.Default().RowIndex(id)
	require.True(t, ok, id)
	return i
}

func TestNecessityInvalidMutationAndBounds(t *testing.T) {
	_, err := CheckNecessity(ClientServer(), Necessity{Property: lastAckClosesNormally, Mutation: spec.Overlay{Remove: []string{"TIME-WAIT/2msll"}}}, Options{})
	require.ErrorIs(t, err, ErrMutation)
	require.Contains(t, err.Error(), "TIME-WAIT/2msl")
	_, err = CheckNecessity(ClientServer(), Necessity{Property: lastAckClosesNormally, Mutation: spec.Overlay{Name: "nothing"}}, Options{})
	require.ErrorIs(t, err, ErrMutation)
	require.Contains(t, err.Error(), "changes no row")

	out, err := CheckNecessity(delayedSegments(), Necessity{Property: lastAckClosesNormally, Mutation: variantOverlay(t, "no-time-wait")}, Options{MaxStates: 50})
	require.NoError(t, err)
	require.Equal(t, Inconclusive, out.Verdict)
	require.Contains(t, out.Message, "unmodified protocol")
}

// TestNecessityOfALivenessElement: the 2MSL timeout (arc 20) is necessary
// for "eventually CLOSED". Without it the active closer stays in TIME-WAIT
// forever; the mechanism is the liveness counterexample's own account.
func TestNecessityOfALivenessElement(t *testing.T) {
	stuck := spec.Default().Row(defaultRowIndex(t, "TIME-WAIT/2msl"))
	stuck.To, stuck.Timer, stuck.Tell = spec.TimeWait, 0, spec.NoticeNone
	n := Necessity{Property: Property{Name: "eventually-closed", Kind: Eventually, Pred: bothClosedAgain, Fairness: fairUTD},
		Mutation: spec.Overlay{Name: "no-2msl", Replace: []spec.Row{stuck}}}
	out, err := CheckNecessity(livenessModel(), n, Options{})
	require.NoError(t, err)
	t.Logf("%s", out.Message)
	require.Equal(t, Holds, out.Verdict)
	final := out.Trace.Final()
	require.True(t, final.E[A].TCB.State == spec.TimeWait || final.E[B].TCB.State == spec.TimeWait)
	require.Contains(t, out.Mechanism, "no successor")
}

// TestOldDuplicateMechanism: with reused ISNs, a FIN of the first
// incarnation is accepted by the second (RFC 1337's hazard H1).
func TestOldDuplicateMechanism(t *testing.T) {
	m := ClientServer()
	m.Net = Network{Capacity: 2, Reorder: true}
	m.Retries = 0
	m.Reopens = 1
	m.ReuseISN = true
	finFromClosedPeer := Property{Name: "fin-only-after-close", Kind: StepInvariant,
		Step: func(before *World, t *Transition, after *World) bool {
			r := t.Actor
			accepted := t.Action == ActDeliver && t.Seg.Flags.Has(spec.FIN) &&
				before.E[r].TCB.State == spec.Established && after.E[r].TCB.State == spec.CloseWait
			return !accepted || before.E[r.Peer()].Closed
		}}
	rep, err := Check(m, []Property{finFromClosedPeer}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.Equal(t, Violated, o.Verdict)
	mech, _ := explainMechanism(o.Trace)
	t.Logf("%s\n%s", mech, o.Trace)
	require.Contains(t, mech, "an old duplicate")
	require.Contains(t, mech, "incarnation 1")
	require.Contains(t, mech, "ESTABLISHED -> CLOSE-WAIT")
}

func TestExplainMechanismFallback(t *testing.T) {
	rep, err := Check(ClientServer(), []Property{{Name: "never-established", Kind: Invariant,
		Pred: func(w *World) bool { return w.E[A].TCB.State != spec.Established }}}, Options{})
	require.NoError(t, err)
	mech, ok := explainMechanism(rep.Outcomes[0].Trace)
	require.False(t, ok)
	require.Contains(t, mech, "no known mechanism recognised")
	require.Contains(t, mech, "A receives")
}

// TestExplainMechanismDroppedFinalACK: a final ACK that a full channel
// drops as it is sent (tail drop, the only loss under overflow loss) is
// told as a loss, and is not counted as in flight.
func TestExplainMechanismDroppedFinalACK(t *testing.T) {
	var before, after World
	before.E[A].TCB = spec.TCB{State: spec.FinWait2, Epoch: 1, IRSEpoch: 1, SndUna: 2, SndNxt: 2, RcvNxt: 1}
	after.E[A].TCB = spec.TCB{State: spec.TimeWait, Epoch: 1, IRSEpoch: 1, SndUna: 2, SndNxt: 2, RcvNxt: 2}
	st := Step{Transition: Transition{Action: ActDeliver, Actor: A, Seg: spec.Segment{Flags: spec.FIN | spec.ACK}, Row: -1, NOut: 1, Dropped: 1},
		Before: before, After: after}
	st.Out[0] = spec.Segment{Flags: spec.ACK}
	tr := &Trace{Model: "m", Initial: before, Steps: []Step{st}, LoopStart: -1, table: spec.Default()}
	mech, ok := explainMechanism(tr)
	require.True(t, ok, mech)
	require.Contains(t, mech, "the network dropped A's final ACK")
	require.Contains(t, mech, "its direction being full (step 1)")
}
