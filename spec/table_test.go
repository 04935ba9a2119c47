package spec_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// TestTotality enumerates every state of every variant, every event of
// the universe and every guard situation, and checks that Lookup finds a
// row, that the row applies (its state, pattern and guard match), and that
// it is the row the table's first-match semantics selects. States a variant
// removes have no rows at all.
func TestTotality(t *testing.T) {
	events := spec.AllEvents()
	for _, tbl := range variantTables(t) {
		t.Run(tbl.Name(), func(t *testing.T) {
			checked := 0
			for _, s := range spec.AllStates() {
				for _, w := range guardWorlds(s) {
					for _, e := range events {
						got, ok := tbl.Lookup(w, e)
						want, wantOK := naiveLookup(tbl, w, e)
						if !tbl.HasState(s) {
							require.False(t, ok, "%s was removed, yet %s has a row", s, e)
							require.False(t, wantOK)
							continue
						}
						require.True(t, ok, "no row for %s on %s (%+v)", s, e, w)
						require.True(t, wantOK)
						require.Equal(t, want, got, "%s on %s: compiled lookup and first match disagree", s, e)
						row := tbl.Row(got)
						require.Equal(t, s, row.From)
						require.True(t, row.On.Matches(e))
						require.True(t, row.Guard.Holds(w))
						require.True(t, tbl.HasState(row.To), "row %s enters %s, which the table does not have", row.ID, row.To)
						checked++
					}
				}
			}
			require.Equal(t, len(tbl.States())*8*len(events), checked)
		})
	}
}

func TestStatesOfVariants(t *testing.T) {
	for _, tbl := range variantTables(t) {
		want := spec.AllStates()
		if tbl.Name() == "no-time-wait" {
			want = want[:len(want)-1]
			require.False(t, tbl.HasState(spec.TimeWait))
		}
		require.Equal(t, want, tbl.States(), tbl.Name())
		require.False(t, tbl.HasState(spec.State(spec.NumStates)))
	}
}

func TestNoShadowedRows(t *testing.T) {
	for _, tbl := range variantTables(t) {
		require.Empty(t, tbl.Shadowed(), tbl.Name())
	}
}

// TestShadowedReports checks that Shadowed can fail: an added row takes
// priority over the base rows of its state, so a catch-all for passive
// OPEN in CLOSED leaves CLOSED/listen with nothing to do.
func TestShadowedReports(t *testing.T) {
	tbl, err := spec.Default().Apply(spec.Overlay{Name: "shadow", Add: []spec.Row{
		{ID: "CLOSED/listen-refused", From: spec.Closed, On: spec.Pattern{Kind: spec.OpenPassive}, To: spec.Closed,
			Tell: spec.NoticeNoConnection, Cite: "RFC 9293 3.10.1"},
	}})
	require.NoError(t, err)
	require.Equal(t, []string{"CLOSED/listen"}, tbl.Shadowed())
}

func TestRowIDsUnique(t *testing.T) {
	for _, tbl := range variantTables(t) {
		seen := map[string]bool{}
		for _, r := range tbl.Rows() {
			require.False(t, seen[r.ID], "%s: row ID %s twice", tbl.Name(), r.ID)
			seen[r.ID] = true
			require.True(t, strings.HasPrefix(r.ID, r.From.String()+"/"), "%s: row %s does not start with its state", tbl.Name(), r.ID)
			i, ok := tbl.RowIndex(r.ID)
			require.True(t, ok)
			require.Equal(t, r.ID, tbl.Row(i).ID)
		}
	}
	_, ok := spec.Default().RowIndex("ESTABLISHED/no-such-row")
	require.False(t, ok)
}

func TestEveryRowCites(t *testing.T) {
	for _, tbl := range variantTables(t) {
		for _, r := range tbl.Rows() {
			require.NotEmpty(t, r.Cite, "%s: row %s has no citation", tbl.Name(), r.ID)
			require.True(t, strings.HasPrefix(r.Cite, "RFC ") || strings.HasPrefix(r.Cite, "Linux "),
				"%s: row %s cites %q", tbl.Name(), r.ID, r.Cite)
		}
	}
}

func TestRowsReturnsACopy(t *testing.T) {
	tbl := spec.Default()
	rows := tbl.Rows()
	require.Len(t, rows, 198)
	require.Equal(t, 198, tbl.NumRows())
	rows[0].To = spec.TimeWait
	require.Equal(t, spec.Listen, tbl.Row(0).To, "changing the copy must not change the table")
	require.Equal(t, spec.DefaultVariant, tbl.Name())
}

// figure5 is the arc list of RFC 9293 Figure 5 (the facts file, section
// 2.1): from, event, the segment sent, to. For arrivals, flags are the
// control bits the figure names and ack the class "ACK of SYN" or "ACK of
// FIN" stands for.
var figure5 = []struct {
	arc   int
	from  spec.State
	kind  spec.EventKind
	flags spec.Flags
	ack   spec.AckClass
	send  []spec.Output
	to    spec.State
}{
	{1, spec.Closed, spec.OpenPassive, 0, 0, nil, spec.Listen},
	{2, spec.Closed, spec.OpenActive, 0, 0, []spec.Output{spec.OutSYN}, spec.SynSent},
	{3, spec.Listen, spec.Close, 0, 0, nil, spec.Closed},
	{4, spec.Listen, spec.Arrive, spec.SYN, spec.AckNone, []spec.Output{spec.OutSYNACK}, spec.SynReceived},
	{5, spec.Listen, spec.Send, 0, 0, []spec.Output{spec.OutSYN}, spec.SynSent},
	{6, spec.SynSent, spec.Close, 0, 0, nil, spec.Closed},
	{7, spec.SynSent, spec.Arrive, spec.SYN, spec.AckNone, []spec.Output{spec.OutSYNACK}, spec.SynReceived},
	{8, spec.SynSent, spec.Arrive, spec.SYN | spec.ACK, spec.AckOfSYN, []spec.Output{spec.OutACK, spec.OutQueued}, spec.Established},
	{9, spec.SynReceived, spec.Arrive, spec.ACK, spec.AckOfSYN, []spec.Output{spec.OutQueued}, spec.Established},
	{10, spec.SynReceived, spec.Close, 0, 0, []spec.Output{spec.OutFIN}, spec.FinWait1},
	{11, spec.SynReceived, spec.Arrive, spec.RST, spec.AckNone, nil, spec.Listen},
	{12, spec.Established, spec.Close, 0, 0, []spec.Output{spec.OutFIN}, spec.FinWait1},
	{13, spec.Established, spec.Arrive, spec.FIN | spec.ACK, spec.AckDuplicate, []spec.Output{spec.OutACK}, spec.CloseWait},
	{14, spec.FinWait1, spec.Arrive, spec.ACK, spec.AckOfFIN, nil, spec.FinWait2},
	{15, spec.FinWait1, spec.Arrive, spec.FIN | spec.ACK, spec.AckDuplicate, []spec.Output{spec.OutACK}, spec.Closing},
	{16, spec.FinWait2, spec.Arrive, spec.FIN | spec.ACK, spec.AckDuplicate, []spec.Output{spec.OutACK}, spec.TimeWait},
	{17, spec.Closing, spec.Arrive, spec.ACK, spec.AckOfFIN, nil, spec.TimeWait},
	{18, spec.CloseWait, spec.Close, 0, 0, []spec.Output{spec.OutFIN}, spec.LastAck},
	{19, spec.LastAck, spec.Arrive, spec.ACK, spec.AckOfFIN, nil, spec.Closed},
	{20, spec.TimeWait, spec.TimeWaitTimeout, 0, 0, nil, spec.Closed},
}

// TestFigure5Arcs checks that each of the 20 arcs of RFC 9293 Figure 5 is
// exactly one row with its number, state change, event and segment, and
// that the row is the one taken for the figure's event: an in-order
// segment with exactly the figure's control bits.
func TestFigure5Arcs(t *testing.T) {
	tbl := spec.Default()
	byArc := map[int][]spec.Row{}
	for _, r := range tbl.Rows() {
		if r.Arc != 0 {
			require.True(t, r.Arc >= 1 && r.Arc <= 20, "row %s has arc %d", r.ID, r.Arc)
			byArc[r.Arc] = append(byArc[r.Arc], r)
		}
	}
	require.Len(t, byArc, 20)
	for _, a := range figure5 {
		rows := byArc[a.arc]
		require.Len(t, rows, 1, "arc %d", a.arc)
		r := rows[0]
		require.Equal(t, a.from, r.From, "arc %d (%s)", a.arc, r.ID)
		require.Equal(t, a.to, r.To, "arc %d (%s)", a.arc, r.ID)
		require.Equal(t, a.kind, r.On.Kind, "arc %d (%s)", a.arc, r.ID)
		require.Equal(t, a.send, r.Send, "arc %d (%s)", a.arc, r.ID)

		// The row takes the figure's event.
		ev := spec.Event{Kind: a.kind}
		if a.kind == spec.Arrive {
			ev.Flags, ev.Ack = a.flags, a.ack
			if a.from.KnowsIRS() {
				ev.Seq = spec.SeqInOrder
			}
		}
		world := spec.TCB{State: a.from, Passive: a.arc == 11}
		i, ok := tbl.Lookup(world, ev)
		require.True(t, ok)
		require.Equal(t, r.ID, tbl.Row(i).ID, "arc %d: %s is taken by another row", a.arc, ev)
	}
}

// TestRowsTheFigureLeavesOut runs the protocol into the situations Figure
// 5 does not draw, and checks the rows taken: none carries an arc number.
func TestRowsTheFigureLeavesOut(t *testing.T) {
	tbl := spec.Default()
	tcbs := synchronizedTCBs(t, tbl)

	t.Run("FIN-WAIT-1 to TIME-WAIT (Figure 5 note 2)", func(t *testing.T) {
		// B has acknowledged A's FIN and sent its own in one segment.
		a, b := established(t, tbl)
		r := step(t, tbl, a, spec.Call(spec.Close))
		a, finA := r.Next, only(t, r)
		b = step(t, tbl, b, spec.Arrival(finA)).Next // the ACK B sends is lost
		r = step(t, tbl, b, spec.Call(spec.Close))
		finB := only(t, r)
		require.Equal(t, finA.Seq.Add(1), finB.Ack, "B's FIN acknowledges A's")
		r = step(t, tbl, a, spec.Arrival(finB))
		row := tbl.Row(r.Row)
		require.Equal(t, spec.FinWait1, row.From)
		require.Equal(t, spec.TimeWait, r.Next.State)
		require.Zero(t, row.Arc, row.ID)
		require.Equal(t, spec.Start2MSL|spec.StopRetransmission, row.Timer)
		ack := only(t, r)
		require.Equal(t, spec.ACK, ack.Flags)
		require.Equal(t, finB.Seq.Add(1), ack.Ack)
	})

	t.Run("RST in every synchronized state", func(t *testing.T) {
		require.Len(t, tcbs, len(synchronizedStates))
		for _, s := range synchronizedStates {
			x := tcbs[s]
			require.Equal(t, s, x.State)
			r := step(t, tbl, x, spec.Arrival(spec.Segment{Flags: spec.RST, Seq: x.RcvNxtSeq()}))
			row := tbl.Row(r.Row)
			require.Equal(t, spec.Closed, r.Next.State, "%s", s)
			require.Equal(t, spec.ClosedTCB(x.Epoch+1), r.Next, "the TCB is deleted; the ISN clock has moved past its ISN")
			require.Zero(t, row.Arc, row.ID)
			require.Zero(t, r.NOut, "a reset is never answered")
			if s == spec.Established || s == spec.FinWait1 || s == spec.FinWait2 || s == spec.CloseWait {
				require.Equal(t, spec.NoticeReset, r.Notice, "%s", s)
			}
			// A RST outside the window is not valid (RFC 9293 3.5.3).
			old := spec.Segment{Flags: spec.RST, Seq: spec.Seq{Epoch: epochOther, Off: 1}}
			r = step(t, tbl, x, spec.Arrival(old))
			require.Equal(t, x, r.Next, "%s", s)
			require.Zero(t, r.NOut)
		}
	})

	t.Run("FIN dropped in SYN-SENT", func(t *testing.T) {
		r := step(t, tbl, spec.ClosedTCB(epochA), spec.Call(spec.OpenActive))
		synSent := r.Next
		for _, seg := range []spec.Segment{
			{Flags: spec.FIN, Seq: spec.Seq{Epoch: epochB, Off: 1}},
			{Flags: spec.FIN | spec.ACK, Seq: spec.Seq{Epoch: epochB, Off: 1}, Ack: spec.Seq{Epoch: epochA, Off: 1}},
			{Flags: spec.FIN | spec.Data, Seq: spec.Seq{Epoch: epochB, Off: 1}},
		} {
			r = step(t, tbl, synSent, spec.Arrival(seg))
			require.Equal(t, synSent, r.Next, "%s", seg)
			require.Zero(t, r.NOut, "%s", seg)
			require.Zero(t, tbl.Row(r.Row).Arc)
		}
		// With an unacceptable ACK the ACK check comes first: a RST.
		bad := spec.Segment{Flags: spec.FIN | spec.ACK, Seq: spec.Seq{Epoch: epochB, Off: 1}, Ack: spec.Seq{Epoch: epochOther, Off: 7}}
		r = step(t, tbl, synSent, spec.Arrival(bad))
		require.Equal(t, spec.Segment{Flags: spec.RST, Seq: bad.Ack}, only(t, r))
	})

	t.Run("CLOSE in SYN-SENT sends no RST", func(t *testing.T) {
		r := step(t, tbl, spec.ClosedTCB(epochA), spec.Call(spec.OpenActive))
		r = step(t, tbl, r.Next, spec.Call(spec.Close))
		require.Equal(t, spec.ClosedTCB(epochA+1), r.Next, "the next connection selects a new ISN")
		require.Zero(t, r.NOut)
		require.Equal(t, spec.NoticeNone, r.Notice)
		require.Equal(t, 6, tbl.Row(r.Row).Arc, "the figure's arc 6 says only: delete TCB")
	})

	t.Run("retransmitted FIN in TIME-WAIT is re-acknowledged", func(t *testing.T) {
		// A is in TIME-WAIT after the normal close; B's FIN arrives again
		// because A's last ACK was lost and B retransmitted.
		a, b := established(t, tbl)
		r := step(t, tbl, a, spec.Call(spec.Close))
		a, finA := r.Next, only(t, r)
		r = step(t, tbl, b, spec.Arrival(finA))
		b, ackB := r.Next, only(t, r)
		a = step(t, tbl, a, spec.Arrival(ackB)).Next
		r = step(t, tbl, b, spec.Call(spec.Close))
		b, finB := r.Next, only(t, r)
		r = step(t, tbl, a, spec.Arrival(finB))
		a, lastAck := r.Next, only(t, r)
		require.Equal(t, spec.TimeWait, a.State)

		r = step(t, tbl, b, spec.Call(spec.RetransmissionTimeout))
		require.Equal(t, finB, only(t, r), "B retransmits its FIN unchanged")
		r = step(t, tbl, a, spec.Arrival(finB))
		row := tbl.Row(r.Row)
		require.Equal(t, spec.TimeWait, r.Next.State)
		require.Equal(t, a, r.Next)
		require.Equal(t, lastAck, only(t, r), "the same ACK again")
		require.NotZero(t, row.Timer&spec.Restart2MSL, row.ID)
		require.Zero(t, row.Arc)
	})
}

func TestRowLabel(t *testing.T) {
	tbl := spec.Default()
	label := func(id string) string {
		i, ok := tbl.RowIndex(id)
		require.True(t, ok, id)
		return tbl.Row(i).Label()
	}
	require.Equal(t, "rcv SYN / snd SYN,ACK", label("LISTEN/rcv-syn"))
	require.Equal(t, "CLOSE / snd FIN", label("ESTABLISHED/close"))
	require.Equal(t, "2MSL timeout / delete TCB", label("TIME-WAIT/2msl"))
	require.Equal(t, "rcv SYN,ACK / snd ACK, snd queued", label("SYN-SENT/rcv-syn-ack"))
	require.Equal(t, "passive OPEN", label("CLOSED/listen"))
}
