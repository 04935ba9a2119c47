package checker

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// figure5Model is the default property set's figure-5 model: rich enough
// to take every arc of RFC 9293 Figure 5. The server may SEND before a
// client arrives (LISTEN -> SYN-SENT, arc 5), which also lets the SYNs
// cross (arc 7), and the client's host may crash, so a SYN,ACK meets a
// CLOSED endpoint whose RST returns the server to LISTEN (arc 11).
func figure5Model() Model {
	return Model{
		Name:    "figure-5",
		Table:   spec.Default(),
		A:       Role{Open: ActiveOpen, Close: true, Crash: true},
		B:       Role{Open: PassiveOpen, Send: true, Close: true},
		Net:     Network{Capacity: 2, Reorder: true},
		Retries: 1,
	}
}

func TestCoverageReport(t *testing.T) {
	m := ClientServer()
	rep, err := Check(m, nil, Options{})
	require.NoError(t, err)
	cr, err := rep.CoverageOf(m.Table)
	require.NoError(t, err)

	require.Equal(t, "rfc9293", cr.Table)
	require.Len(t, cr.Rows, m.Table.NumRows())
	sum, fired := 0, 0
	for i, r := range cr.Rows {
		require.Equal(t, i, r.Index)
		require.Equal(t, m.Table.Row(i).ID, r.ID)
		require.Equal(t, rep.Coverage[i], r.Count)
		sum += r.Count
		if r.Count > 0 {
			fired++
			require.False(t, r.Inert, "row %s fired but is marked inert", r.ID)
		}
	}
	require.Equal(t, fired, cr.Fired)
	// Every transition that takes a row is counted once; network
	// actions take none.
	require.Greater(t, sum, 0)
	require.LessOrEqual(t, sum, rep.Stats.Transitions)

	// Grouped by state, in RFC order, each row once.
	require.Len(t, cr.States, spec.NumStates)
	n := 0
	for i, s := range cr.States {
		require.Equal(t, spec.State(i), s.State)
		for _, r := range append(append([]RowCoverage(nil), s.Fired...), s.Unfired...) {
			require.Equal(t, s.State, r.From)
			n++
		}
	}
	require.Equal(t, len(cr.Rows), n)

	// The client-server model has a passive server that never sends first
	// and a client that never listens: no simultaneous open (arc 7), no
	// SEND in LISTEN (arc 5).
	require.Equal(t, []int{5, 7}, cr.UnfiredArcs)
	require.Empty(t, cr.MissingArcs)
	require.Len(t, cr.FiredArcs, figure5Arcs-2)
	c, ok := cr.Count("ESTABLISHED/close")
	require.True(t, ok)
	require.Greater(t, c, 0)
	c, ok = cr.Count("SYN-SENT/rcv-syn")
	require.True(t, ok)
	require.Zero(t, c)
	_, ok = cr.Count("no such row")
	require.False(t, ok)

	never := cr.NeverFired()
	require.Contains(t, never, "SYN-SENT/rcv-syn")
	require.Contains(t, never, "LISTEN/send")
	require.NotContains(t, never, "CLOSED/send", "a refused call is inert, not a gap of the model")
	require.NotContains(t, never, "ESTABLISHED/close")
	for i := 1; i < len(never); i++ {
		a, _ := m.Table.RowIndex(never[i-1])
		b, _ := m.Table.RowIndex(never[i])
		require.Less(t, a, b, "NeverFired is in table order")
	}

	s := cr.String()
	require.Contains(t, s, "coverage of table rfc9293: ")
	require.Contains(t, s, "Figure 5 arcs never taken: 5, 7\n")
	require.Contains(t, s, "\nSYN-SENT: ")
	require.Regexp(t, `  never SYN-SENT/rcv-syn +-  arc 7\n`, s)
	require.Regexp(t, `  fired ESTABLISHED/close +\d+  arc 12\n`, s)
	require.Regexp(t, `  never CLOSED/send +- \(inert\)\n`, s)
	require.Less(t, strings.Index(s, "\nCLOSED:"), strings.Index(s, "\nTIME-WAIT:"))

	// The same model gives the same report, byte for byte.
	rep2, err := Check(m, nil, Options{})
	require.NoError(t, err)
	cr2, err := rep2.CoverageOf(m.Table)
	require.NoError(t, err)
	require.Equal(t, s, cr2.String())
}

func TestCoverageFigure5ModelTakesEveryArc(t *testing.T) {
	m := figure5Model()
	rep, err := Check(m, nil, Options{})
	require.NoError(t, err)
	cr, err := rep.CoverageOf(m.Table)
	require.NoError(t, err)
	require.Empty(t, cr.UnfiredArcs, "\n%s", cr)
	require.Len(t, cr.FiredArcs, figure5Arcs)
}

func TestCoverageOfAVariant(t *testing.T) {
	m := ClientServer()
	m.Table = mustVariant("no-time-wait")
	rep, err := Check(m, nil, Options{})
	require.NoError(t, err)
	cr, err := rep.CoverageOf(m.Table)
	require.NoError(t, err)
	// Arc 20 (TIME-WAIT -> CLOSED on the 2MSL timeout) left with the
	// state; the table has no TIME-WAIT row at all.
	require.Equal(t, []int{20}, cr.MissingArcs)
	require.Contains(t, cr.String(), "Figure 5 arcs the table does not have: 20\n")
	for _, s := range cr.States {
		require.NotEqual(t, spec.TimeWait, s.State)
	}

	// Counts from one table cannot be read against another.
	_, err = rep.CoverageOf(spec.Default())
	require.ErrorContains(t, err, "counted on another table")
}
