package checker

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// lossyForever is client and server over a FIFO network that may lose any
// number of segments, with retransmission that never gives up: the model
// in which "eventually both endpoints are CLOSED" depends on fairness
// alone.
func lossyForever() Model {
	m := ClientServer()
	m.Name = "lossy-retry-forever"
	m.Net = Network{Capacity: 2, Loss: true}
	m.RetryForever = true
	return m
}

// TestEventuallyClosedUnderFairLossyChannel is issue 4's flagship liveness
// check: eventually CLOSED holds under weak fairness of users and timers
// and the fair lossy channel (strong fairness of delivery), and fails with
// a lasso under weaker assumptions: with weak delivery fairness the network
// may keep losing the segment that matters, and without delivery fairness
// it may lose every retransmission.
func TestEventuallyClosedUnderFairLossyChannel(t *testing.T) {
	weakUT := []Fairness{{Class: ClassUsers}, {Class: ClassTimers}}
	props := []Property{
		{Name: "fair", Kind: Eventually, Pred: bothClosedAgain, Fairness: append(append([]Fairness(nil), weakUT...), Fairness{Class: ClassDelivery, Strong: true})},
		{Name: "weak-delivery", Kind: Eventually, Pred: bothClosedAgain, Fairness: append(append([]Fairness(nil), weakUT...), Fairness{Class: ClassDelivery})},
		{Name: "no-delivery-fairness", Kind: Eventually, Pred: bothClosedAgain, Fairness: weakUT},
	}
	m := lossyForever()
	r, err := Check(m, props, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, r.Outcomes[0].Verdict, r.Outcomes[0].Message)
	for _, o := range r.Outcomes[1:] {
		require.Equal(t, Violated, o.Verdict, o.Property)
		tr := o.Trace
		require.NotNil(t, tr, o.Property)
		require.GreaterOrEqual(t, tr.LoopStart, 0, "%s: a lasso, not a stop", o.Property)
		require.Less(t, tr.LoopStart, len(tr.Steps))
		// The cycle is a real cycle of states: it ends where it began.
		require.Equal(t, tr.Steps[tr.LoopStart].Before, *tr.Final(), o.Property)
		for i := range tr.Steps {
			require.False(t, bothClosedAgain(&tr.Steps[i].After), "%s: the lasso never reaches the goal", o.Property)
		}
		// Replaying the recorded worlds step by step gives the same
		// transitions (the trace is a run of the model).
		mc := newMachine(&m)
		for i := range tr.Steps {
			st := &tr.Steps[i]
			found := false
			mc.successors(&st.Before, func(tt *Transition, nw *World) {
				if *nw == st.After && tt.Action == st.Action && tt.Actor == st.Actor {
					found = true
				}
			})
			require.True(t, found, "%s: step %d is a transition of the model", o.Property, i+1)
		}
	}
	// Without delivery fairness the network loses the same segment for
	// ever: some cycle step is a loss, or a retransmission the full channel
	// drops.
	lost := false
	for _, st := range r.Outcomes[2].Trace.Steps[r.Outcomes[2].Trace.LoopStart:] {
		lost = lost || st.Action == ActLose || st.Dropped > 0
	}
	require.True(t, lost)
}

// TestTailDrop checks that a network that may lose segments drops what a
// full channel cannot hold, and that a lossless one holds the sender back.
func TestTailDrop(t *testing.T) {
	m := lossyForever()
	sawDrop := false
	mc := newMachine(&m)
	w := mc.initial()
	// A connects and retransmits until A->B is full; the next
	// retransmission is dropped.
	var walk func(w *World, depth int)
	walk = func(w *World, depth int) {
		if depth == 0 || sawDrop {
			return
		}
		mc.successors(w, func(tt *Transition, nw *World) {
			if tt.Dropped > 0 {
				sawDrop = true
				require.Equal(t, int(w.Net[tt.Actor].N)+tt.NOut-m.Net.Capacity, tt.Dropped)
				require.Equal(t, m.Net.Capacity, int(nw.Net[tt.Actor].N))
			}
			n := *nw
			walk(&n, depth-1)
		})
	}
	walk(&w, 5)
	require.True(t, sawDrop)

	lossless := m
	lossless.Net.Loss = false
	r, err := Check(lossless, nil, Options{})
	require.NoError(t, err)
	require.Greater(t, r.Stats.CapacityBlocked, 0, "a lossless full channel holds the sender back")
}
