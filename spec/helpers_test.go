package spec_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Epochs used by the helpers: A's ISN, B's ISN, and a third incarnation's.
const (
	epochA     = 1
	epochB     = 2
	epochOther = 3
)

// variantTables returns every built-in variant's table, the default first.
func variantTables(t *testing.T) []*spec.Table {
	t.Helper()
	var out []*spec.Table
	for _, name := range spec.VariantNames() {
		tbl, err := spec.ForVariant(name)
		require.NoError(t, err, "variant %s", name)
		require.Equal(t, name, tbl.Name())
		out = append(out, tbl)
	}
	return out
}

// guardWorlds are TCBs covering every combination of what the guards read:
// how SYN-RECEIVED was reached, queued text, and a queued CLOSE.
func guardWorlds(s spec.State) []spec.TCB {
	var out []spec.TCB
	for i := 0; i < 8; i++ {
		out = append(out, spec.TCB{State: s, Passive: i&1 != 0, DataQueued: i&2 != 0, ClosePending: i&4 != 0})
	}
	return out
}

// naiveLookup is the table's semantics written out: the first row of the
// state, in table order, whose pattern matches and whose guard holds.
func naiveLookup(tbl *spec.Table, tcb spec.TCB, e spec.Event) (int, bool) {
	for i := 0; i < tbl.NumRows(); i++ {
		r := tbl.Row(i)
		if r.From == tcb.State && r.On.Matches(e) && r.Guard.Holds(tcb) {
			return i, true
		}
	}
	return 0, false
}

// step runs Step, requires that it succeeded, and checks what every Result
// must satisfy.
func step(t *testing.T, tbl *spec.Table, tcb spec.TCB, in spec.Input) spec.Result {
	t.Helper()
	res := tbl.Step(tcb, in)
	require.NoError(t, res.Err, "%s on %v", tcb, in)
	row := tbl.Row(res.Row)
	require.Equal(t, tcb.State, row.From)
	require.Equal(t, row.To, res.Next.State)
	require.True(t, row.On.Matches(res.Event))
	return res
}

// only returns the single segment a result sent.
func only(t *testing.T, res spec.Result) spec.Segment {
	t.Helper()
	require.Equal(t, 1, res.NOut, "segments sent: %v", res.Sent())
	return res.Out[0]
}

// established runs the three-way handshake of RFC 9293 Figure 6 on tbl: A
// opens actively with epoch 1, B passively with epoch 2.
func established(t *testing.T, tbl *spec.Table) (a, b spec.TCB) {
	t.Helper()
	a, b = spec.ClosedTCB(epochA), spec.ClosedTCB(epochB)
	b = step(t, tbl, b, spec.Call(spec.OpenPassive)).Next
	r := step(t, tbl, a, spec.Call(spec.OpenActive))
	a, syn := r.Next, only(t, r)
	r = step(t, tbl, b, spec.Arrival(syn))
	b, synAck := r.Next, only(t, r)
	r = step(t, tbl, a, spec.Arrival(synAck))
	a, ack := r.Next, only(t, r)
	b = step(t, tbl, b, spec.Arrival(ack)).Next
	require.Equal(t, spec.Established, a.State)
	require.Equal(t, spec.Established, b.State)
	return a, b
}

// synchronizedTCBs reaches every synchronized state by running the
// protocol from an established connection, and returns one TCB for each.
func synchronizedTCBs(t *testing.T, tbl *spec.Table) map[spec.State]spec.TCB {
	t.Helper()
	out := map[spec.State]spec.TCB{}
	keep := func(x spec.TCB) spec.TCB { out[x.State] = x; return x }

	// Normal close (Figure 12): A is the active closer.
	a, b := established(t, tbl)
	keep(a)
	r := step(t, tbl, a, spec.Call(spec.Close))
	a, finA := keep(r.Next), only(t, r)
	r = step(t, tbl, b, spec.Arrival(finA))
	b, ackB := keep(r.Next), only(t, r)
	a = keep(step(t, tbl, a, spec.Arrival(ackB)).Next)
	r = step(t, tbl, b, spec.Call(spec.Close))
	b, finB := keep(r.Next), only(t, r)
	r = step(t, tbl, a, spec.Arrival(finB))
	a, ackA := keep(r.Next), only(t, r)
	require.Equal(t, spec.TimeWait, a.State)
	// B, the passive closer, waits in LAST-ACK for the ACK of its FIN and
	// is done once it arrives.
	require.Equal(t, spec.LastAck, b.State)
	b = step(t, tbl, b, spec.Arrival(ackA)).Next
	require.Equal(t, spec.Closed, b.State, "B after the ACK of its FIN")

	// Simultaneous close (Figure 13) reaches CLOSING.
	a, b = established(t, tbl)
	r = step(t, tbl, a, spec.Call(spec.Close))
	a = r.Next
	r = step(t, tbl, b, spec.Call(spec.Close))
	finB = only(t, r)
	keep(step(t, tbl, a, spec.Arrival(finB)).Next)
	return out
}

// synchronizedStates lists the states reached by synchronizedTCBs.
var synchronizedStates = []spec.State{
	spec.Established, spec.FinWait1, spec.FinWait2, spec.CloseWait, spec.Closing, spec.LastAck, spec.TimeWait,
}
