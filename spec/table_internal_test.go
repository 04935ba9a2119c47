package spec

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGapsAgrees checks the compiled table's own totality check against
// an independent count of the triples (state, event, guard situation) that
// no row takes, on the built-in variants (none) and on tables with rows
// taken out (some).
func TestGapsAgrees(t *testing.T) {
	universe := AllEvents()
	// missing counts, per state, the events some guard situation leaves
	// without a row, by scanning the rows directly.
	missing := func(rows []Row, removed [NumStates]bool) map[State]int {
		out := map[State]int{}
		for s := State(0); s < numStates; s++ {
			if removed[s] {
				continue
			}
			for _, e := range universe {
				for i := 0; i < 8; i++ {
					w := TCB{State: s, Passive: i&1 != 0, DataQueued: i&2 != 0, ClosePending: i&4 != 0}
					found := false
					for _, r := range rows {
						if r.From == s && r.On.Matches(e) && r.Guard.Holds(w) {
							found = true
							break
						}
					}
					if !found {
						out[s]++
						break
					}
				}
			}
		}
		return out
	}

	for _, name := range VariantNames() {
		tbl, err := ForVariant(name)
		require.NoError(t, err)
		require.Empty(t, tbl.gaps(universe), name)
		require.Empty(t, missing(tbl.rows, tbl.removed), name)
	}

	// Take rows out of the default table and compile what is left.
	without := func(ids ...string) []Row {
		drop := map[string]bool{}
		for _, id := range ids {
			drop[id] = true
		}
		var out []Row
		for _, r := range rfc9293Rows() {
			if !drop[r.ID] {
				out = append(out, r)
			}
		}
		require.Len(t, out, len(rfc9293Rows())-len(ids))
		return out
	}
	for _, tc := range []struct {
		ids  []string
		want map[State]int
		msg  string
	}{
		{[]string{"CLOSED/send"}, map[State]int{Closed: 1}, "1 events of CLOSED have no row, the first CLOSED on SEND"},
		// Only the passive half of a guarded pair: the active world misses
		// every segment with RST (8 flag sets without ACK, 8 with ACK times
		// 6 ACK classes) in the window (in order or ahead): 56 * 2.
		{[]string{"SYN-RECEIVED/rcv-rst-active"}, map[State]int{SynReceived: 112}, "SYN-RECEIVED on rcv RST [seq in-order] (passive=false"},
		// Text or FIN ahead of RCV.NXT with an acceptable ACK: 3 flag sets
		// (FIN, DATA, FIN+DATA with ACK) times 5 acceptable ACK classes.
		// Without ACK, rcv-no-ack still takes them.
		{[]string{"ESTABLISHED/rcv-ahead"}, map[State]int{Established: 15}, "15 events of ESTABLISHED have no row"},
		// A RST in LISTEN, for every sequence class of the universe: 56 * 6.
		{[]string{"TIME-WAIT/2msl", "LISTEN/rcv-rst"}, map[State]int{TimeWait: 1, Listen: 336}, "336 events of LISTEN"},
	} {
		rows := without(tc.ids...)
		_, err := newTable("test", rows, [NumStates]bool{})
		require.Error(t, err, "%v", tc.ids)
		require.Contains(t, err.Error(), "is not total")
		require.Contains(t, err.Error(), tc.msg)

		got := missing(rows, [NumStates]bool{})
		require.Equal(t, tc.want, got, "%v", tc.ids)
		// The compiled check names exactly the states the scan finds.
		for s, n := range got {
			require.Contains(t, err.Error(), itoa(n)+" events of "+s.String()+" have no row")
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

// TestEventAtInvertsIndex checks the dense event numbering the compiled
// table is indexed by.
func TestEventAtInvertsIndex(t *testing.T) {
	n := 0
	for i := 0; i < numEventIndexes; i++ {
		e, ok := eventAt(i)
		if !ok {
			continue
		}
		n++
		require.Equal(t, i, e.index())
		require.True(t, e.inRange())
	}
	require.Equal(t, len(AllEvents()), n)
	for _, e := range AllEvents() {
		got, ok := eventAt(e.index())
		require.True(t, ok)
		require.Equal(t, e, got)
	}
}
