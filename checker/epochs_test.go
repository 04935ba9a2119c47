package checker

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// synStormModel makes the listener select one ISN per SYN: A opens and
// closes at once, leaving its SYN in flight, and the network duplicates
// it. Each copy takes B from LISTEN to SYN-RECEIVED with a fresh ISN, and
// A, CLOSED, resets B back to LISTEN. The channels hold every copy, so no
// run stalls on a full channel; nothing retransmits, so B's last
// SYN-RECEIVED ends when A's reset arrives.
func synStormModel(dups int) Model {
	return Model{
		Name:  "syn-storm",
		Table: spec.Default(),
		A:     Role{Open: ActiveOpen, Close: true},
		B:     Role{Open: PassiveOpen},
		Net:   Network{Capacity: MaxCapacity, Reorder: true, Duplicates: dups},
	}
}

func maxEpoch(w *World) uint8 { return max(w.E[A].TCB.Epoch, w.E[B].TCB.Epoch) }

// TestEpochsBoundIsInconclusive: a model whose listener would select more
// ISNs than the encoding holds is cut at the bound, and the verdicts say
// so; below the bound the same model is complete.
func TestEpochsBoundIsInconclusive(t *testing.T) {
	props := []Property{
		{Name: "epochs-small", Kind: Invariant, Pred: func(w *World) bool { return maxEpoch(w) < MaxEpochs }},
		{Name: "no-deadlock", Kind: DeadlockFree},
		{Name: "b-never-listens-twice", Kind: Invariant, Pred: func(w *World) bool { return w.E[B].TCB.Epoch < 2 || w.E[B].TCB.State != spec.Listen }},
	}

	rep, err := Check(synStormModel(3), props, Options{})
	require.NoError(t, err)
	require.Empty(t, rep.Stats.Bound, "four SYNs stay within the epochs")
	require.Equal(t, Holds, rep.Outcomes[0].Verdict, rep.Outcomes[0].Message)
	require.Equal(t, Violated, rep.Outcomes[2].Verdict, "a reset sends B back to LISTEN with a fresh ISN")

	rep, err = Check(synStormModel(MaxBudget), props, Options{})
	require.NoError(t, err)
	require.Equal(t, "epochs", rep.Stats.Bound)
	for _, o := range rep.Outcomes[:2] {
		require.Equal(t, Inconclusive, o.Verdict, o.Message)
		require.Contains(t, o.Message, "epochs bound")
	}
	// The state after B's last SYN-RECEIVED, whose one transition (A's
	// reset, which would return B to LISTEN with a ninth epoch) was cut,
	// is not a deadlock: the deadlock property stays inconclusive above.
	// A violation found before the bound is still a violation.
	require.Equal(t, Violated, rep.Outcomes[2].Verdict)
	// The epoch never wrapped: the invariant would have caught a value
	// past the last, and every state the search kept is below it.
	require.NotContains(t, rep.Outcomes[0].Message, "breaks")
}

// twReuseModel: B closes first and waits in TIME-WAIT while A reconnects.
func twReuseModel(variant string, reopens int) Model {
	m := ClientServer()
	m.Name = "tw-reuse"
	m.Table = mustVariant(variant)
	m.Net = Network{Capacity: 2, Reorder: true}
	m.Reopens = reopens
	return m
}

func reopenedFromTimeWait(before *World, _ *Transition, after *World) bool {
	return !(before.E[B].TCB.State == spec.TimeWait && after.E[B].TCB.State == spec.SynReceived)
}

// TestLinuxTimeWaitListener: under linux, a SYN above RCV.NXT takes the
// passive side out of TIME-WAIT into a new incarnation on its listener,
// counted against its user's reopens; under RFC 9293, or with no reopen
// left, it never does.
func TestLinuxTimeWaitListener(t *testing.T) {
	prop := []Property{{Name: "no-reuse", Kind: StepInvariant, Step: reopenedFromTimeWait}}

	rep, err := Check(twReuseModel("linux", 1), prop, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.Equal(t, Violated, o.Verdict, o.Message)
	last := o.Trace.Steps[len(o.Trace.Steps)-1]
	require.Equal(t, ActDeliver, last.Action)
	require.True(t, last.Seg.Flags == spec.SYN, "%s", o.Trace)
	b := last.After.E[B]
	require.Equal(t, uint8(1), b.Incarnation, "a new incarnation")
	require.True(t, b.Opened, "on the user's listener")
	require.False(t, b.Closed || b.Sent || b.Aborted, "with a fresh user record")
	require.Equal(t, EndNone, b.Ended)
	require.Greater(t, b.TCB.Epoch, last.Before.E[B].TCB.Epoch, "and an ISN above the old connection's")
	require.Equal(t, last.Seg.Seq.Epoch, b.TCB.IRSEpoch)
	checkReplay(t, twReuseModel("linux", 1), o.Trace)

	for _, m := range []Model{twReuseModel("rfc9293", 1), twReuseModel("linux", 0)} {
		rep, err := Check(m, prop, Options{})
		require.NoError(t, err)
		require.Equal(t, Holds, rep.Outcomes[0].Verdict, "%s on %s: %s", m.Name, m.Table.Name(), rep.Outcomes[0].Message)
	}
}

// TestLinuxLoopbackTakesOverTimeWait: with tcp_tw_reuse in force
// (linux-loopback), the client's user reconnects from its own TIME-WAIT,
// as a new incarnation with a later ISN; under linux it must wait.
func TestLinuxLoopbackTakesOverTimeWait(t *testing.T) {
	prop := []Property{{Name: "no-takeover", Kind: StepInvariant, Step: func(b *World, _ *Transition, a *World) bool {
		return !(b.E[A].TCB.State == spec.TimeWait && a.E[A].TCB.State == spec.SynSent)
	}}}
	m := twReuseModel("linux-loopback", 1)
	rep, err := Check(m, prop, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.Equal(t, Violated, o.Verdict, o.Message)
	last := o.Trace.Steps[len(o.Trace.Steps)-1]
	require.Equal(t, ActReopen, last.Action)
	a := last.After.E[A]
	require.Equal(t, uint8(1), a.Incarnation)
	require.True(t, a.Opened)
	require.False(t, a.Closed)
	require.Greater(t, a.TCB.Epoch, last.Before.E[A].TCB.Epoch)
	require.Equal(t, []spec.Segment{{Flags: spec.SYN, Seq: spec.Seq{Epoch: a.TCB.Epoch}}}, last.sent())
	checkReplay(t, m, o.Trace)

	rep, err = Check(twReuseModel("linux", 1), prop, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, rep.Outcomes[0].Verdict)
}

// TestCapacityStallIsInconclusive: with three segments per direction, the
// duplicated SYNs and their SYN,ACKs fill both channels until no one can
// answer anything (issue 11: artefacts of the capacity bound are not
// TCP's fault). The deadlock-free property is then inconclusive, saying
// why, and holds once the channels have room.
func TestCapacityStallIsInconclusive(t *testing.T) {
	m := synStormModel(5)
	m.Net.Capacity = 3
	rep, err := Check(m, []Property{{Name: "d", Kind: DeadlockFree}}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.Equal(t, Inconclusive, o.Verdict, o.Message)
	require.Nil(t, o.Trace)
	require.Contains(t, o.Message, "only because the model's capacity bound (3 segments per direction) blocked a send")
	require.Contains(t, o.Message, "raise network.capacity")

	m.Net.Capacity = MaxCapacity
	rep, err = Check(m, []Property{{Name: "d", Kind: DeadlockFree}}, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, rep.Outcomes[0].Verdict, rep.Outcomes[0].Message)
}

// TestOverflowLossDecidesACapacityStall: the stall that the capacity
// bound alone causes (see TestCapacityStallIsInconclusive) is gone once a
// full channel drops what it cannot hold: the same model and capacity
// are then decided, and no transition is ever held back.
func TestOverflowLossDecidesACapacityStall(t *testing.T) {
	m := synStormModel(5)
	m.Net.Capacity = 3
	m.Net.Overflow = true
	rep, err := Check(m, []Property{{Name: "d", Kind: DeadlockFree}}, Options{})
	require.NoError(t, err)
	o := rep.Outcomes[0]
	require.NotEqual(t, Inconclusive, o.Verdict, o.Message)
	t.Logf("%s: %s", o.Verdict, o.Message)
	require.Zero(t, rep.Stats.CapacityBlocked, "a full channel drops instead of blocking")

	m.Net.Loss = true
	require.ErrorContains(t, m.Validate(), "overflow loss excludes arbitrary loss")
}
