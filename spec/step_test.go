package spec_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

var sink spec.Result

// stepCases are (TCB, input) pairs that exercise every part of Step: user
// calls, arrivals that record the IRS and advance the windows, replies to a
// TCB-less endpoint, retransmissions, refused calls and the error path.
func stepCases(t *testing.T) []struct {
	name string
	tcb  spec.TCB
	in   spec.Input
} {
	tbl := spec.Default()
	tcbs := synchronizedTCBs(t, tbl)
	synSent := step(t, tbl, spec.ClosedTCB(epochA), spec.Call(spec.OpenActive)).Next
	listen := spec.TCB{State: spec.Listen, Epoch: epochB}
	est := tcbs[spec.Established]
	withText := step(t, tbl, est, spec.Call(spec.Send)).Next
	return []struct {
		name string
		tcb  spec.TCB
		in   spec.Input
	}{
		{"active OPEN", spec.ClosedTCB(epochA), spec.Call(spec.OpenActive)},
		{"SYN in LISTEN", listen, spec.Arrival(spec.Segment{Flags: spec.SYN, Seq: spec.Seq{Epoch: epochA}})},
		{"SYN,ACK in SYN-SENT", synSent, spec.Arrival(spec.Segment{Flags: spec.SYN | spec.ACK, Seq: spec.Seq{Epoch: epochB}, Ack: spec.Seq{Epoch: epochA, Off: 1}})},
		{"SEND in SYN-SENT", synSent, spec.Call(spec.Send)},
		{"FIN in ESTABLISHED", est, spec.Arrival(spec.Segment{Flags: spec.FIN | spec.ACK, Seq: est.RcvNxtSeq(), Ack: est.SndNxtSeq()})},
		{"segment to CLOSED", spec.ClosedTCB(epochA), spec.Arrival(spec.Segment{Flags: spec.FIN | spec.Data, Seq: spec.Seq{Epoch: epochB, Off: 1}})},
		{"retransmission of text", withText, spec.Call(spec.RetransmissionTimeout)},
		{"CLOSE in CLOSED", spec.ClosedTCB(epochA), spec.Call(spec.Close)},
		{"second SEND", withText, spec.Call(spec.Send)},
		{"2MSL timeout", tcbs[spec.TimeWait], spec.Call(spec.TimeWaitTimeout)},
		{"old duplicate in TIME-WAIT", tcbs[spec.TimeWait], spec.Arrival(spec.Segment{Flags: spec.ACK | spec.Data, Seq: spec.Seq{Epoch: epochOther, Off: 2}, Ack: spec.Seq{Epoch: epochOther}})},
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	tbl := spec.Default()
	for _, tc := range stepCases(t) {
		tcb, in := tc.tcb, tc.in
		allocs := testing.AllocsPerRun(100, func() { sink = tbl.Step(tcb, in) })
		require.Zero(t, allocs, tc.name)
	}
}

func TestStepIsPure(t *testing.T) {
	for _, tbl := range variantTables(t) {
		rowsBefore := tbl.Rows()
		for _, tc := range stepCases(t) {
			if !tbl.HasState(tc.tcb.State) {
				continue
			}
			before := tc.tcb
			first := tbl.Step(tc.tcb, tc.in)
			require.Equal(t, before, tc.tcb, "%s: the input TCB changed", tc.name)
			second := tbl.Step(tc.tcb, tc.in)
			require.Equal(t, first, second, "%s: the same input gave two results", tc.name)
			require.Equal(t, before, tc.tcb)
		}
		require.Equal(t, rowsBefore, tbl.Rows(), "%s: Step changed the table", tbl.Name())
	}
}

// TestRefusedCalls checks that a user call the state forbids comes back as
// an ordinary Result with an error notice: the row is reported, the TCB is
// unchanged, nothing is sent, and nothing panics.
func TestRefusedCalls(t *testing.T) {
	tbl := spec.Default()
	tcbs := synchronizedTCBs(t, tbl)
	for _, tc := range []struct {
		name string
		tcb  spec.TCB
		k    spec.EventKind
		want spec.Notice
	}{
		{"CLOSE in CLOSED", spec.ClosedTCB(1), spec.Close, spec.NoticeNoConnection},
		{"SEND in CLOSED", spec.ClosedTCB(1), spec.Send, spec.NoticeNoConnection},
		{"ABORT in CLOSED", spec.ClosedTCB(1), spec.Abort, spec.NoticeNoConnection},
		{"passive OPEN in LISTEN", spec.TCB{State: spec.Listen}, spec.OpenPassive, spec.NoticeExists},
		{"active OPEN in ESTABLISHED", tcbs[spec.Established], spec.OpenActive, spec.NoticeExists},
		{"SEND in TIME-WAIT", tcbs[spec.TimeWait], spec.Send, spec.NoticeClosing},
		{"SEND in FIN-WAIT-1", tcbs[spec.FinWait1], spec.Send, spec.NoticeClosing},
		{"CLOSE in FIN-WAIT-2", tcbs[spec.FinWait2], spec.Close, spec.NoticeClosing},
		{"CLOSE in LAST-ACK", tcbs[spec.LastAck], spec.Close, spec.NoticeClosing},
		{"CLOSE in TIME-WAIT", tcbs[spec.TimeWait], spec.Close, spec.NoticeClosing},
	} {
		var res spec.Result
		require.NotPanics(t, func() { res = tbl.Step(tc.tcb, spec.Call(tc.k)) }, tc.name)
		require.NoError(t, res.Err, tc.name)
		require.Equal(t, tc.want, res.Notice, tc.name)
		require.True(t, res.Notice.IsError(), tc.name)
		require.False(t, res.Notice.Abnormal(), tc.name)
		require.Equal(t, tc.tcb, res.Next, tc.name)
		require.Zero(t, res.NOut, tc.name)
		require.GreaterOrEqual(t, res.Row, 0)
		require.Equal(t, tc.tcb.State, tbl.Row(res.Row).To, tc.name)
	}
}

// TestEveryUserCallAnswers: in every state of every variant, every user
// call and timeout gives a Result (never a panic), and a refusal is an
// error notice that leaves the TCB as it was.
func TestEveryUserCallAnswers(t *testing.T) {
	for _, tbl := range variantTables(t) {
		for _, s := range tbl.States() {
			for _, w := range guardWorlds(s) {
				for k := spec.OpenPassive; k <= spec.FinWait2Timeout; k++ {
					if k == spec.Arrive {
						continue
					}
					w.Epoch = 1
					var res spec.Result
					require.NotPanics(t, func() { res = tbl.Step(w, spec.Call(k)) })
					if k == spec.Send && w.DataQueued {
						require.ErrorIs(t, res.Err, spec.ErrSecondSend)
						continue
					}
					require.NoError(t, res.Err, "%s: %s in %+v", tbl.Name(), k, w)
					if res.Notice.IsError() {
						// Guard worlds are not all reachable TCBs (CLOSED
						// with Passive set), so compare the state only;
						// TestStepInvariants compares whole TCBs.
						require.Equal(t, w.State, res.Next.State)
						require.Zero(t, res.NOut)
					}
				}
			}
		}
	}
}

func TestSecondSend(t *testing.T) {
	tbl := spec.Default()
	a, _ := established(t, tbl)
	r := step(t, tbl, a, spec.Call(spec.Send))
	require.True(t, r.Next.DataSent)
	require.Equal(t, spec.ACK|spec.Data, only(t, r).Flags)

	second := tbl.Step(r.Next, spec.Call(spec.Send))
	require.ErrorIs(t, second.Err, spec.ErrSecondSend)
	require.Equal(t, -1, second.Row)
	require.Equal(t, r.Next, second.Next, "a refused SEND changes nothing")
	require.Zero(t, second.NOut)

	// A SEND queued before synchronization counts too.
	synSent := step(t, tbl, spec.ClosedTCB(epochA), spec.Call(spec.OpenActive)).Next
	queued := step(t, tbl, synSent, spec.Call(spec.Send)).Next
	require.True(t, queued.DataQueued)
	require.ErrorIs(t, tbl.Step(queued, spec.Call(spec.Send)).Err, spec.ErrSecondSend)

	// So does the SEND that opened a connection from LISTEN (arc 5).
	listen := step(t, tbl, spec.ClosedTCB(epochA), spec.Call(spec.OpenPassive)).Next
	r = step(t, tbl, listen, spec.Call(spec.Send))
	require.Equal(t, spec.SynSent, r.Next.State)
	require.Equal(t, 5, tbl.Row(r.Row).Arc)
	require.ErrorIs(t, tbl.Step(r.Next, spec.Call(spec.Send)).Err, spec.ErrSecondSend)
}

// TestMalformedInput: a state or event outside the universe is refused
// with ErrNoRow rather than a panic or a wrong row.
func TestMalformedInput(t *testing.T) {
	tbl := spec.Default()
	for _, tcb := range []spec.TCB{{State: spec.State(spec.NumStates)}, {State: 255}} {
		for _, in := range []spec.Input{spec.Call(spec.Close), spec.Arrival(spec.Segment{Flags: spec.SYN})} {
			var res spec.Result
			require.NotPanics(t, func() { res = tbl.Step(tcb, in) })
			require.True(t, errors.Is(res.Err, spec.ErrNoRow), "%v", res.Err)
			require.Equal(t, -1, res.Row)
			require.Equal(t, tcb, res.Next)
		}
		_, ok := tbl.Lookup(tcb, spec.Event{Kind: spec.Close})
		require.False(t, ok)
	}
	res := tbl.Step(spec.ClosedTCB(1), spec.Call(spec.EventKind(99)))
	require.ErrorIs(t, res.Err, spec.ErrNoRow)

	closed := spec.ClosedTCB(1)
	for _, e := range []spec.Event{
		{Kind: spec.EventKind(10)},
		{Kind: spec.EventKind(20)},
		{Kind: 255},
		{Kind: spec.Arrive, Flags: 0xff},
		{Kind: spec.Arrive, Flags: spec.SYN, Seq: 6},
		{Kind: spec.Arrive, Flags: spec.ACK, Ack: 7},
		{Kind: spec.Arrive, Flags: spec.ACK, Ack: spec.AckNone},         // ACK bit without a class
		{Kind: spec.Arrive, Flags: spec.SYN, Ack: spec.AckUnacceptable}, // a class without the ACK bit
	} {
		var ok bool
		require.NotPanics(t, func() { _, ok = tbl.Lookup(closed, e) }, "%+v", e)
		require.False(t, ok, "%+v", e)
	}

	// A state a variant removed has no rows.
	noTW, err := spec.ForVariant("no-time-wait")
	require.NoError(t, err)
	res = noTW.Step(spec.TCB{State: spec.TimeWait}, spec.Call(spec.TimeWaitTimeout))
	require.ErrorIs(t, res.Err, spec.ErrNoRow)
}

// TestStepInvariants explores every TCB one endpoint can reach from CLOSED
// under each variant, with every user call and timeout and a universe of
// segments (every flag combination; sequence numbers of the peer's, of
// its earlier and of its later incarnation; acknowledgments of ours, of
// our earlier and of our later incarnation), and checks what every step
// must satisfy.
func TestStepInvariants(t *testing.T) {
	// Our epochs: us-1, us, us+1; the peer's: peer-1, peer, peer+1.
	const us, peer = 5, 9
	var segs []spec.Segment
	seqs := func(epochs ...uint8) []spec.Seq {
		var out []spec.Seq
		for _, e := range epochs {
			for off := uint8(0); off < 4; off++ {
				out = append(out, spec.Seq{Epoch: e, Off: off})
			}
		}
		return out
	}
	for f := spec.Flags(0); f <= spec.SYN|spec.ACK|spec.FIN|spec.RST|spec.Data; f++ {
		for _, s := range seqs(peer-1, peer, peer+1) {
			if !f.Has(spec.ACK) {
				segs = append(segs, spec.Segment{Flags: f, Seq: s})
				continue
			}
			for _, a := range seqs(us-1, us, us+1) {
				segs = append(segs, spec.Segment{Flags: f, Seq: s, Ack: a})
			}
		}
	}
	var inputs []spec.Input
	for k := spec.OpenPassive; k <= spec.FinWait2Timeout; k++ {
		if k != spec.Arrive {
			inputs = append(inputs, spec.Call(k))
		}
	}
	for _, s := range segs {
		inputs = append(inputs, spec.Arrival(s))
	}

	for _, tbl := range variantTables(t) {
		t.Run(tbl.Name(), func(t *testing.T) {
			start := spec.ClosedTCB(us)
			seen := map[spec.TCB]bool{start: true}
			queue := []spec.TCB{start}
			steps := 0
			for len(queue) > 0 {
				tcb := queue[0]
				queue = queue[1:]
				for _, in := range inputs {
					steps++
					if msg := checkStep(tbl, tcb, in); msg != "" {
						t.Fatalf("%s: %s on %+v: %s", tbl.Name(), tcb, in, msg)
					}
					n := tbl.Step(tcb, in).Next
					// No row reads the retry count; forgetting it keeps
					// the explored space small without losing a state.
					n.Retries = 0
					// A new ISN takes the next epoch; renaming it back
					// keeps the segments' epochs in the same relation to
					// it, so the space stays finite.
					n.Epoch = us
					if !seen[n] {
						seen[n] = true
						queue = append(queue, n)
					}
				}
			}
			// Every state of the table is reachable by one endpoint, but
			// for LAST-ACK in rfc793: its CLOSE in CLOSE-WAIT enters
			// CLOSING, so nothing enters LAST-ACK (RFC 793 p.61, corrected
			// by RFC 1122 4.2.2.20 (a)).
			reached := map[spec.State]bool{}
			for x := range seen {
				reached[x.State] = true
			}
			var missing []spec.State
			for _, s := range tbl.States() {
				if !reached[s] {
					missing = append(missing, s)
				}
			}
			if tbl.Name() == "rfc793" {
				require.Equal(t, []spec.State{spec.LastAck}, missing)
			} else {
				require.Empty(t, missing)
			}
			t.Logf("%d TCBs, %d steps", len(seen), steps)
		})
	}
}

// wantEpoch is the epoch a step must leave: the next one when the TCB that
// selected an ISN is deleted or returns to LISTEN, or is replaced by a new
// connection (RFC 9293 section 3.4.1: every ISN selection reads the
// clock anew), else the same.
func wantEpoch(row spec.Row, tcb spec.TCB) uint8 {
	fresh := row.Do&spec.OpNewTCB != 0 || ((row.To == spec.Closed || row.To == spec.Listen) && row.From != spec.Closed && row.From != spec.Listen)
	if fresh && tcb.HasISS() {
		return tcb.Epoch + 1
	}
	return tcb.Epoch
}

// checkStep runs one step and returns what is wrong with it, or "". It
// avoids testify in the exploration's inner loop, which makes millions of
// steps.
func checkStep(tbl *spec.Table, tcb spec.TCB, in spec.Input) string {
	res := tbl.Step(tcb, in)
	if res.Event != tcb.Classify(in) {
		return fmt.Sprintf("event %s, classified %s", res.Event, tcb.Classify(in))
	}
	if res.Err != nil {
		if !errors.Is(res.Err, spec.ErrSecondSend) || in.Kind != spec.Send || !(tcb.DataSent || tcb.DataQueued) {
			return fmt.Sprintf("unexpected error %v", res.Err)
		}
		if res.Next != tcb || res.NOut != 0 || res.Row != -1 {
			return "a refused SEND changed something"
		}
		return ""
	}
	if ri, ok := tbl.Lookup(tcb, res.Event); !ok || ri != res.Row {
		return fmt.Sprintf("row %d, Lookup says %d %v", res.Row, ri, ok)
	}
	row := tbl.Row(res.Row)
	n := res.Next
	switch {
	case row.From != tcb.State || row.To != n.State:
		return fmt.Sprintf("row %s goes %s to %s, the TCB %s to %s", row.ID, row.From, row.To, tcb.State, n.State)
	case !tbl.HasState(n.State):
		return fmt.Sprintf("entered removed state %s", n.State)
	case n.Epoch != wantEpoch(row, tcb):
		return fmt.Sprintf("epoch %d, want %d: a new ISN takes the next epoch, and nothing else changes it", n.Epoch, wantEpoch(row, tcb))
	case n.SndUna > n.SndNxt:
		return fmt.Sprintf("SND.UNA > SND.NXT in %s", n)
	case res.NOut > spec.MaxOut:
		return "too many segments"
	case n.State == spec.Closed && n != spec.ClosedTCB(n.Epoch):
		return fmt.Sprintf("CLOSED keeps a TCB: %+v", n)
	case n.State == spec.Listen && n != spec.TCB{State: spec.Listen, Epoch: n.Epoch}:
		return fmt.Sprintf("LISTEN keeps connection state: %+v", n)
	case res.Notice.IsError() && (n != tcb || res.NOut != 0):
		return "a refused call changed something"
	}
	for _, out := range res.Sent() {
		if out.Flags.Has(spec.RST) {
			if in.Kind == spec.Arrive && in.Seg.Flags.Has(spec.RST) {
				return fmt.Sprintf("%s answered a reset with %s", row.ID, out)
			}
			continue
		}
		if out.Seq.Epoch != tcb.Epoch && out.Seq.Epoch != n.Epoch {
			return fmt.Sprintf("%s sent %s outside our sequence space", row.ID, out)
		}
		if !out.Flags.Has(spec.ACK) && out.Flags != spec.SYN {
			return fmt.Sprintf("%s sent %s without ACK", row.ID, out)
		}
	}
	return ""
}
