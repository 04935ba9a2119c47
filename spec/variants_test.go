package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// describeDiff renders a variant's differences from the default, one line
// per row: the change, the ID and, for a changed row, each field that
// changed, old -> new.
func describeDiff(t *testing.T, name string) []string {
	t.Helper()
	tbl, err := spec.ForVariant(name)
	require.NoError(t, err)
	var out []string
	for _, d := range spec.Diff(spec.Default(), tbl) {
		line := d.Change + " " + d.ID
		switch d.Change {
		case "changed":
			require.NotNil(t, d.Old)
			require.NotNil(t, d.New)
			line += ": " + strings.Join(changedFields(*d.Old, *d.New), "; ")
		case "added":
			require.Nil(t, d.Old)
			line += ": " + d.New.On.String() + " -> " + d.New.To.String()
			if len(d.New.Send) > 0 {
				line += fmt.Sprintf(" snd %v", d.New.Send)
			}
		case "removed":
			require.Nil(t, d.New)
		default:
			t.Fatalf("unknown change %q", d.Change)
		}
		out = append(out, line)
	}
	return out
}

func changedFields(o, n spec.Row) []string {
	var out []string
	add := func(field string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			out = append(out, fmt.Sprintf("%s %v -> %v", field, a, b))
		}
	}
	add("From", o.From, n.From)
	add("On", o.On, n.On)
	add("Guard", o.Guard, n.Guard)
	add("To", o.To, n.To)
	add("Send", o.Send, n.Send)
	add("Do", o.Do, n.Do)
	add("Timer", o.Timer, n.Timer)
	add("Tell", fmt.Sprintf("%q", o.Tell.String()), fmt.Sprintf("%q", n.Tell.String()))
	add("Arc", o.Arc, n.Arc)
	return out
}

func TestDiffRFC9293(t *testing.T) {
	require.Empty(t, describeDiff(t, spec.DefaultVariant))
	tbl, err := spec.ForVariant("")
	require.NoError(t, err)
	require.Same(t, spec.Default(), tbl)
}

func TestDiffRFC793(t *testing.T) {
	require.Equal(t, []string{
		"changed CLOSE-WAIT/close: To LAST-ACK -> CLOSING; Arc 18 -> 0",
	}, describeDiff(t, "rfc793"))
}

// TestDiffRFC793Figure: the three places where RFC 793 Figure 6 differs
// from RFC 9293 Figure 5 (RFC 1122 4.2.2.8 (a), (b) and (c)).
func TestDiffRFC793Figure(t *testing.T) {
	require.Equal(t, []string{
		"changed FIN-WAIT-1/rcv-fin-acked: To TIME-WAIT -> CLOSING; Timer stop retransmission timer, start 2MSL timer -> ",
		"changed SYN-RECEIVED/rcv-rst-passive: To LISTEN -> CLOSED; Tell \"\" -> \"connection refused\"; Arc 11 -> 0",
		"changed SYN-SENT/rcv-syn: Send [SYN,ACK] -> [ACK]",
	}, describeDiff(t, "rfc793-figure"))
	tbl, err := spec.ForVariant("rfc793-figure")
	require.NoError(t, err)
	arcs := map[int]bool{}
	for _, r := range tbl.Rows() {
		if r.Arc > 0 {
			arcs[r.Arc] = true
		}
	}
	require.Len(t, arcs, 19, "RFC 793 Figure 6 has 19 arcs: Figure 5's 20 but arc 11")
	require.False(t, arcs[11])
}

// rfc5961Rows are the rows RFC 5961's checks add or change in state s.
func rfc5961Rows(s string, oldAck bool) []string {
	var out []string
	if oldAck {
		out = append(out, "added "+s+"/rcv-old-ack: rcv ACK !SYN !RST [seq in-order|ahead, ack old] -> "+s+" snd [ACK]")
	}
	out = append(out, "added "+s+"/rcv-rst-ahead: rcv RST [seq ahead] -> "+s+" snd [ACK]")
	return out
}

func synChallenge(id, s string) string {
	return "changed " + id + ": To CLOSED -> " + s + "; Send [RST] -> [ACK]; Timer stop all timers -> ; Tell \"connection reset\" -> \"\""
}

func TestDiffRFC5961(t *testing.T) {
	var want []string
	for _, s := range []string{"CLOSE-WAIT", "CLOSING", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "LAST-ACK"} {
		want = append(want, rfc5961Rows(s, true)...)
		want = append(want, synChallenge(s+"/rcv-syn", s))
	}
	want = append(want, rfc5961Rows("SYN-RECEIVED", false)...)
	want = append(want, synChallenge("SYN-RECEIVED/rcv-syn-active", "SYN-RECEIVED"))
	want = append(want, rfc5961Rows("TIME-WAIT", false)...)
	want = append(want, synChallenge("TIME-WAIT/rcv-syn", "TIME-WAIT"))
	require.Equal(t, want, describeDiff(t, "rfc5961"))
}

func TestDiffRFC1337(t *testing.T) {
	require.Equal(t, []string{
		"changed TIME-WAIT/rcv-rst: To CLOSED -> TIME-WAIT; Timer stop all timers -> ; Tell \"connection reset\" -> \"\"",
	}, describeDiff(t, "rfc1337"))
}

func TestDiffNoTimeWait(t *testing.T) {
	want := []string{
		// Redirected into CLOSED, the rows delete the TCB with every timer
		// and complete a normal close.
		"changed CLOSING/rcv-ack-of-fin: To TIME-WAIT -> CLOSED; Timer stop retransmission timer, start 2MSL timer -> stop all timers; Tell \"\" -> \"connection closed\"",
		"changed FIN-WAIT-1/rcv-fin-acked: To TIME-WAIT -> CLOSED; Timer stop retransmission timer, start 2MSL timer -> stop all timers; Tell \"connection closing\" -> \"connection closed\"",
		"changed FIN-WAIT-2/rcv-fin: To TIME-WAIT -> CLOSED; Timer start 2MSL timer -> stop all timers; Tell \"connection closing\" -> \"connection closed\"",
	}
	// Every row of TIME-WAIT goes.
	var removed []string
	for _, r := range spec.Default().Rows() {
		if r.From == spec.TimeWait {
			removed = append(removed, "removed "+r.ID)
		}
	}
	require.Len(t, removed, 19)
	want = append(want, removed...)
	got := describeDiff(t, "no-time-wait")
	require.ElementsMatch(t, want, got)
	require.Equal(t, "removed TIME-WAIT/2msl", got[3], "Diff is sorted by ID")
	require.Contains(t, got, "removed TIME-WAIT/rcv-fin-again")
}

func TestDiffLinux(t *testing.T) {
	abort := func(s string) string { return "changed " + s + "/abort: Send [RST] -> [RST,ACK]" }
	var want []string
	for _, s := range []string{"CLOSE-WAIT", "CLOSING", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "LAST-ACK"} {
		switch s {
		case "CLOSE-WAIT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2":
			want = append(want, abort(s))
		}
		switch s {
		case "ESTABLISHED":
			want = append(want, "changed ESTABLISHED/rcv-bad-ack: Send [ACK] -> []")
		case "FIN-WAIT-2":
			want = append(want, "changed FIN-WAIT-2/fin-wait-2-timeout: To FIN-WAIT-2 -> CLOSED; Timer  -> stop all timers; Tell \"\" -> \"connection closed\"")
		}
		want = append(want, rfc5961Rows(s, true)...)
		want = append(want, synChallenge(s+"/rcv-syn", s))
	}
	want = append(want,
		abort("SYN-RECEIVED"),
		"added SYN-RECEIVED/rcv-rst-ahead: rcv RST [seq ahead] -> SYN-RECEIVED snd [ACK]",
		synChallenge("SYN-RECEIVED/rcv-syn-active", "SYN-RECEIVED"),
		"added SYN-RECEIVED/rcv-syn-again: rcv SYN !RST !FIN !ACK !DATA [seq irs] -> SYN-RECEIVED snd [SYN,ACK]",
		"changed SYN-RECEIVED/rcv-syn-passive: Send [] -> [RST,ACK<ACK=SEG.SEQ+SEG.LEN>]",
		"added TIME-WAIT/rcv-rst-ahead: rcv RST [seq ahead] -> TIME-WAIT",
		"added TIME-WAIT/rcv-syn-new: rcv SYN !RST !ACK [seq beyond] -> SYN-RECEIVED snd [SYN,ACK]",
	)
	require.Equal(t, want, describeDiff(t, "linux"))

	// Every row linux changes cites the kernel source it follows.
	tbl, err := spec.ForVariant("linux")
	require.NoError(t, err)
	for _, d := range spec.Diff(spec.Default(), tbl) {
		require.Contains(t, d.New.Cite, "Linux net/ipv4/", d.ID)
	}
}

// TestDiffLinuxLoopback: linux-loopback is linux and tcp_tw_reuse's row.
func TestDiffLinuxLoopback(t *testing.T) {
	linux, err := spec.ForVariant("linux")
	require.NoError(t, err)
	loop, err := spec.ForVariant("linux-loopback")
	require.NoError(t, err)
	d := spec.Diff(linux, loop)
	require.Len(t, d, 1)
	require.Equal(t, "TIME-WAIT/connect", d[0].ID)
	require.Equal(t, spec.SynSent, d[0].New.To)
	require.NotZero(t, d[0].New.Do&spec.OpNewTCB)
	require.Contains(t, d[0].New.Cite, "tcp_twsk_unique")
}

func TestVariantNamesAndOrigins(t *testing.T) {
	require.Equal(t, []string{"rfc9293", "rfc793", "rfc793-figure", "rfc5961", "rfc1337", "no-time-wait", "linux", "linux-loopback"}, spec.VariantNames())
	for _, v := range spec.Variants() {
		require.NotEmpty(t, v.Description, v.Name)
		tbl, err := spec.ForVariant(v.Name)
		require.NoError(t, err)
		again, err := spec.ForVariant(v.Name)
		require.NoError(t, err)
		require.Same(t, tbl, again, "tables are built once")
		for _, d := range spec.Diff(spec.Default(), tbl) {
			if d.New == nil {
				continue
			}
			// A row a variant made says so.
			require.Equal(t, v.Name, d.New.Variant, d.ID)
			want := map[string]spec.Origin{"added": spec.Added, "changed": spec.Replaced}[d.Change]
			if v.Name == "no-time-wait" {
				want = spec.Redirected
			}
			require.Equal(t, want, d.New.Origin, d.ID)
		}
	}
	_, err := spec.ForVariant("rfc9999")
	require.ErrorContains(t, err, `unknown variant "rfc9999"`)
	require.ErrorContains(t, err, "rfc793, rfc793-figure, rfc5961, rfc1337, no-time-wait, linux, linux-loopback")
}

// TestOverlayPriority: a replaced row keeps its place; an added row comes
// before the base rows of its state.
func TestOverlayPriority(t *testing.T) {
	rfc1337, err := spec.ForVariant("rfc1337")
	require.NoError(t, err)
	i, _ := spec.Default().RowIndex("TIME-WAIT/rcv-rst")
	j, _ := rfc1337.RowIndex("TIME-WAIT/rcv-rst")
	require.Equal(t, i, j)

	linux, err := spec.ForVariant("linux")
	require.NoError(t, err)
	first := -1
	for k, r := range linux.Rows() {
		if r.From == spec.Established && first < 0 {
			first = k
		}
	}
	require.Equal(t, "ESTABLISHED/rcv-rst-ahead", linux.Row(first).ID)

	est := spec.TCB{State: spec.Established, Epoch: 1, SndUna: 1, SndNxt: 1, IRSEpoch: 2, RcvNxt: 1}
	ahead := spec.Event{Kind: spec.Arrive, Flags: spec.RST, Seq: spec.SeqAhead}
	k, ok := linux.Lookup(est, ahead)
	require.True(t, ok)
	require.Equal(t, "ESTABLISHED/rcv-rst-ahead", linux.Row(k).ID)
	k, ok = spec.Default().Lookup(est, ahead)
	require.True(t, ok)
	require.Equal(t, "ESTABLISHED/rcv-rst", spec.Default().Row(k).ID)
}

func TestOverlayLeavesBaseAlone(t *testing.T) {
	before := spec.Default().Rows()
	for _, name := range spec.VariantNames() {
		_, err := spec.ForVariant(name)
		require.NoError(t, err)
	}
	_, err := spec.Default().Apply(spec.Overlay{Remove: []string{"LISTEN/rcv-rst"}, Add: []spec.Row{
		{ID: "LISTEN/rcv-rst-reply", From: spec.Listen, On: spec.Pattern{Kind: spec.Arrive, Has: spec.RST}, To: spec.Listen, Cite: "RFC 9293 3.10.7.2"},
	}})
	require.NoError(t, err)
	require.Equal(t, before, spec.Default().Rows())

	same, err := spec.Default().Apply(spec.Overlay{})
	require.NoError(t, err)
	require.Equal(t, "rfc9293+overlay", same.Name())
	require.Empty(t, spec.Diff(spec.Default(), same))
	require.Equal(t, spec.Default().Rows(), same.Rows())
}

func TestOverlayErrors(t *testing.T) {
	listenRow := func(id string) spec.Row {
		return spec.Row{ID: id, From: spec.Listen, On: spec.Pattern{Kind: spec.OpenPassive}, To: spec.Listen, Cite: "RFC 9293 3.10.1"}
	}
	noTW, err := spec.ForVariant("no-time-wait")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		base *spec.Table
		o    spec.Overlay
		want []string
		not  []string
	}{
		{
			name: "unknown row ID to remove, with a suggestion",
			o:    spec.Overlay{Remove: []string{"ESTABLISHED/rcv-fn"}},
			want: []string{`cannot remove row "ESTABLISHED/rcv-fn": no such row (did you mean "ESTABLISHED/rcv-fin"?)`},
		},
		{
			name: "unknown row ID to replace, with a suggestion",
			o:    spec.Overlay{Replace: []spec.Row{{ID: "time-wait/rcv-rts", From: spec.TimeWait}}},
			want: []string{`cannot replace row "time-wait/rcv-rts": no such row (did you mean "TIME-WAIT/rcv-rst"?)`},
		},
		{
			name: "unknown row ID, nothing close",
			o:    spec.Overlay{Remove: []string{"zzzz"}},
			want: []string{`cannot remove row "zzzz": no such row`},
			not:  []string{"did you mean"},
		},
		{
			name: "duplicate ID on add",
			o:    spec.Overlay{Add: []spec.Row{listenRow("CLOSED/listen")}},
			want: []string{`cannot add row "CLOSED/listen": the table already has a row with that ID (use replace)`},
		},
		{
			name: "the same new ID added twice",
			o:    spec.Overlay{Add: []spec.Row{listenRow("LISTEN/again"), listenRow("LISTEN/again")}},
			want: []string{`row ID "LISTEN/again" is used twice`},
		},
		{
			name: "a row without an ID",
			o:    spec.Overlay{Add: []spec.Row{listenRow("")}},
			want: []string{"a row from LISTEN on passive OPEN has no ID"},
		},
		{
			name: "removing CLOSED",
			o:    spec.Overlay{RemoveStates: []spec.StateRedirect{{State: spec.Closed, To: spec.Listen}}},
			want: []string{"cannot remove CLOSED: it stands for the absence of a TCB"},
		},
		{
			name: "redirecting a state to itself",
			o:    spec.Overlay{RemoveStates: []spec.StateRedirect{{State: spec.Closing, To: spec.Closing}}},
			want: []string{"cannot redirect CLOSING to itself"},
		},
		{
			name: "redirecting to a removed state",
			o: spec.Overlay{RemoveStates: []spec.StateRedirect{
				{State: spec.TimeWait, To: spec.Closing}, {State: spec.Closing, To: spec.Closed}}},
			want: []string{"state TIME-WAIT is redirected to CLOSING, which is removed too"},
		},
		{
			name: "removing a state the table does not have",
			base: noTW,
			o:    spec.Overlay{RemoveStates: []spec.StateRedirect{{State: spec.TimeWait, To: spec.Closed}}},
			want: []string{"cannot remove state TIME-WAIT: the table has no such state"},
		},
		{
			name: "an added row entering a removed state",
			o: spec.Overlay{
				RemoveStates: []spec.StateRedirect{{State: spec.TimeWait, To: spec.Closed}},
				Add: []spec.Row{{ID: "CLOSING/rcv-fin-tw", From: spec.Closing, On: spec.Pattern{Kind: spec.Arrive, Has: spec.FIN},
					To: spec.TimeWait, Cite: "RFC 9293 3.10.7.4"}},
			},
			want: []string{"row CLOSING/rcv-fin-tw uses state TIME-WAIT, which this table removes"},
		},
		{
			name: "not total: a user call left without a row",
			o:    spec.Overlay{Remove: []string{"CLOSED/send"}},
			want: []string{"table rfc9293+overlay is not total", "1 events of CLOSED have no row, the first CLOSED on SEND"},
		},
		{
			name: "not total: a replaced row that takes less",
			o: spec.Overlay{Name: "narrow", Replace: []spec.Row{{ID: "LISTEN/rcv-syn", From: spec.Listen,
				On: spec.Pattern{Kind: spec.Arrive, Has: spec.SYN | spec.Data, Lacks: spec.RST | spec.ACK}, To: spec.SynReceived, Cite: "RFC 9293 3.10.7.2"}}},
			want: []string{"table narrow is not total", "events of LISTEN have no row, the first LISTEN on rcv SYN"},
		},
		{
			name: "not total: one half of a guarded pair",
			o:    spec.Overlay{Remove: []string{"SYN-RECEIVED/close-queued"}},
			want: []string{"SYN-RECEIVED on CLOSE (passive=false, text queued=true"},
		},
		{
			name: "every problem is reported",
			o: spec.Overlay{Remove: []string{"ESTABLISHED/rcv-fn"},
				Add: []spec.Row{listenRow("CLOSED/listen")}, RemoveStates: []spec.StateRedirect{{State: spec.Closed, To: spec.Listen}}},
			want: []string{"cannot remove CLOSED", `cannot remove row "ESTABLISHED/rcv-fn"`, `cannot add row "CLOSED/listen"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := tc.base
			if base == nil {
				base = spec.Default()
			}
			var (
				tbl *spec.Table
				err error
			)
			require.NotPanics(t, func() { tbl, err = base.Apply(tc.o) })
			require.Error(t, err)
			require.Nil(t, tbl)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			for _, n := range tc.not {
				require.NotContains(t, err.Error(), n)
			}
		})
	}
}

// TestOverlayRemoveStateRedirects builds a variant by hand the way
// no-time-wait is built, and checks what the redirection does.
func TestOverlayRemoveStateRedirects(t *testing.T) {
	tbl, err := spec.Default().Apply(spec.Overlay{Name: "no-closing",
		RemoveStates: []spec.StateRedirect{{State: spec.Closing, To: spec.TimeWait}}})
	require.NoError(t, err)
	require.False(t, tbl.HasState(spec.Closing))
	i, ok := tbl.RowIndex("FIN-WAIT-1/rcv-fin")
	require.True(t, ok)
	r := tbl.Row(i)
	require.Equal(t, spec.TimeWait, r.To)
	require.Equal(t, spec.Redirected, r.Origin)
	require.Equal(t, "no-closing", r.Variant)
	for _, row := range tbl.Rows() {
		require.NotEqual(t, spec.Closing, row.From)
		require.NotEqual(t, spec.Closing, row.To)
	}
	require.Empty(t, tbl.Shadowed())
}
