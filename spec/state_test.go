package spec_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

func TestStateString(t *testing.T) {
	for _, tc := range []struct {
		s    spec.State
		want string
	}{
		{spec.Closed, "CLOSED"},
		{spec.Listen, "LISTEN"},
		{spec.SynSent, "SYN-SENT"},
		{spec.SynReceived, "SYN-RECEIVED"},
		{spec.Established, "ESTABLISHED"},
		{spec.FinWait1, "FIN-WAIT-1"},
		{spec.FinWait2, "FIN-WAIT-2"},
		{spec.CloseWait, "CLOSE-WAIT"},
		{spec.Closing, "CLOSING"},
		{spec.LastAck, "LAST-ACK"},
		{spec.TimeWait, "TIME-WAIT"},
		{spec.State(spec.NumStates), "State(11)"},
		{spec.State(200), "State(200)"},
	} {
		require.Equal(t, tc.want, tc.s.String())
	}
}

func TestAllStates(t *testing.T) {
	all := spec.AllStates()
	require.Len(t, all, 11)
	require.Equal(t, spec.NumStates, len(all))
	for i, s := range all {
		require.Equal(t, spec.State(i), s)
	}
}

func TestParseState(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want spec.State
	}{
		// The RFC spellings, in any case.
		{"CLOSED", spec.Closed},
		{"listen", spec.Listen},
		{"SYN-SENT", spec.SynSent},
		{"syn-received", spec.SynReceived},
		{"Established", spec.Established},
		{"FIN-WAIT-1", spec.FinWait1},
		{"fin-wait-2", spec.FinWait2},
		{"CLOSE-WAIT", spec.CloseWait},
		{"closing", spec.Closing},
		{"LAST-ACK", spec.LastAck},
		{"TIME-WAIT", spec.TimeWait},
		// netstat and textbook spellings.
		{"SYN_SENT", spec.SynSent},
		{"SYN_RCVD", spec.SynReceived},
		{"syn_rcvd", spec.SynReceived},
		{"TIME_WAIT", spec.TimeWait},
		{"FIN_WAIT_1", spec.FinWait1},
		{"FIN_WAIT1", spec.FinWait1},
		{"FIN_WAIT2", spec.FinWait2},
		{"CLOSE_WAIT", spec.CloseWait},
		{"LAST_ACK", spec.LastAck},
		{"LASTACK", spec.LastAck},
		{"TIMEWAIT", spec.TimeWait},
		// Linux's tcp_states.h.
		{"SYN_RECV", spec.SynReceived},
		{"Syn_Recv", spec.SynReceived},
		// Spaces fold like underscores; surrounding space is ignored.
		{"time wait", spec.TimeWait},
		{"  established\t", spec.Established},
	} {
		got, err := spec.ParseState(tc.in)
		require.NoError(t, err, "ParseState(%q)", tc.in)
		require.Equal(t, tc.want, got, "ParseState(%q)", tc.in)
	}
}

func TestParseStateRoundTrip(t *testing.T) {
	for _, s := range spec.AllStates() {
		got, err := spec.ParseState(s.String())
		require.NoError(t, err)
		require.Equal(t, s, got)
	}
}

func TestParseStateErrors(t *testing.T) {
	for _, in := range []string{
		"", "   ", "ESTABLISH", "SYN", "SYN-SENT-2", "SYNSENT", "TIME--WAIT",
		"FIN-WAIT-3", "State(3)", "3", "CLOSED!", "LISTENING",
	} {
		_, err := spec.ParseState(in)
		require.Error(t, err, "ParseState(%q)", in)
		require.Contains(t, err.Error(), "unknown TCP state")
		// The message lists the valid names so a user can correct a typo.
		require.Contains(t, err.Error(), "SYN-RECEIVED")
	}
}

func TestStatePredicates(t *testing.T) {
	type preds struct{ sync, tcb, irs, finSent, open bool }
	want := map[spec.State]preds{
		spec.Closed:      {},
		spec.Listen:      {tcb: true},
		spec.SynSent:     {tcb: true},
		spec.SynReceived: {tcb: true, irs: true},
		spec.Established: {sync: true, tcb: true, irs: true, open: true},
		spec.FinWait1:    {sync: true, tcb: true, irs: true, finSent: true, open: true},
		spec.FinWait2:    {sync: true, tcb: true, irs: true, finSent: true, open: true},
		spec.CloseWait:   {sync: true, tcb: true, irs: true, open: true},
		spec.Closing:     {sync: true, tcb: true, irs: true, finSent: true, open: true},
		spec.LastAck:     {sync: true, tcb: true, irs: true, finSent: true, open: true},
		spec.TimeWait:    {sync: true, tcb: true, irs: true, finSent: true},
	}
	require.Len(t, want, spec.NumStates)
	for s, w := range want {
		got := preds{s.Synchronized(), s.HasTCB(), s.KnowsIRS(), s.FinSent(), s.Open()}
		require.Equal(t, w, got, "%s", s)
	}
	bad := spec.State(spec.NumStates)
	require.False(t, bad.Synchronized())
	require.False(t, bad.KnowsIRS())
	require.False(t, bad.Open())
}

func TestFlagsString(t *testing.T) {
	for _, tc := range []struct {
		f    spec.Flags
		want string
	}{
		{0, "none"},
		{spec.SYN, "SYN"},
		{spec.SYN | spec.ACK, "SYN,ACK"},
		{spec.FIN | spec.ACK, "FIN,ACK"},
		{spec.RST | spec.ACK, "RST,ACK"},
		{spec.Data, "DATA"},
		{spec.ACK | spec.Data, "ACK+DATA"},
		{spec.SYN | spec.ACK | spec.FIN | spec.RST | spec.Data, "SYN,RST,FIN,ACK+DATA"},
	} {
		require.Equal(t, tc.want, tc.f.String())
	}
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want spec.Flags
	}{
		{"", 0},
		{"SYN", spec.SYN},
		{"syn,ack", spec.SYN | spec.ACK},
		{"SYN,ACK", spec.SYN | spec.ACK},
		{"ack+data", spec.ACK | spec.Data},
		{"FIN|ACK", spec.FIN | spec.ACK},
		{"rst ack", spec.RST | spec.ACK},
		{"ACK,ACK", spec.ACK},
		{" FIN , ACK ", spec.FIN | spec.ACK},
		{"SYN,RST,FIN,ACK+DATA", spec.SYN | spec.RST | spec.FIN | spec.ACK | spec.Data},
	} {
		got, err := spec.ParseFlags(tc.in)
		require.NoError(t, err, "ParseFlags(%q)", tc.in)
		require.Equal(t, tc.want, got, "ParseFlags(%q)", tc.in)
	}
	for _, in := range []string{"PSH", "SYN,URG", "SYNACK", "ECE", "SYN;ACK"} {
		_, err := spec.ParseFlags(in)
		require.Error(t, err, "ParseFlags(%q)", in)
		require.Contains(t, err.Error(), "unknown flag")
	}
	// Every non-empty combination survives String and ParseFlags. (The
	// empty set prints as "none", which ParseFlags does not accept.)
	for f := spec.Flags(1); f <= spec.SYN|spec.ACK|spec.FIN|spec.RST|spec.Data; f++ {
		got, err := spec.ParseFlags(f.String())
		require.NoError(t, err)
		require.Equal(t, f, got)
	}
}

func TestFlagsHasAny(t *testing.T) {
	f := spec.SYN | spec.ACK
	require.True(t, f.Has(spec.SYN))
	require.True(t, f.Has(spec.SYN|spec.ACK))
	require.False(t, f.Has(spec.SYN|spec.FIN))
	require.True(t, f.Any(spec.FIN|spec.ACK))
	require.False(t, f.Any(spec.FIN|spec.RST))
	require.True(t, f.Has(0), "the empty set is contained in every set")
	require.False(t, f.Any(0))
}

func TestEventKinds(t *testing.T) {
	for _, tc := range []struct {
		k             spec.EventKind
		key, name     string
		user, timeout bool
	}{
		{spec.OpenPassive, "listen", "passive OPEN", true, false},
		{spec.OpenActive, "connect", "active OPEN", true, false},
		{spec.Send, "send", "SEND", true, false},
		{spec.Close, "close", "CLOSE", true, false},
		{spec.Abort, "abort", "ABORT", true, false},
		{spec.Arrive, "rcv", "rcv", false, false},
		{spec.RetransmissionTimeout, "rto", "retransmission timeout", false, true},
		{spec.TimeWaitTimeout, "2msl", "2MSL timeout", false, true},
		{spec.UserTimeout, "user-timeout", "user timeout", false, true},
		{spec.FinWait2Timeout, "fin-wait-2-timeout", "FIN-WAIT-2 timeout", false, true},
	} {
		require.Equal(t, tc.key, tc.k.Key())
		require.Equal(t, tc.name, tc.k.String())
		require.Equal(t, tc.user, tc.k.IsUserCall(), "%s", tc.k)
		require.Equal(t, tc.timeout, tc.k.IsTimeout(), "%s", tc.k)
		for _, in := range []string{tc.key, tc.name} {
			got, err := spec.ParseEventKind(in)
			require.NoError(t, err)
			require.Equal(t, tc.k, got, "ParseEventKind(%q)", in)
		}
	}
	got, err := spec.ParseEventKind("CLOSE")
	require.NoError(t, err)
	require.Equal(t, spec.Close, got)
	_, err = spec.ParseEventKind("shutdown")
	require.ErrorContains(t, err, "unknown event")
	require.Equal(t, "EventKind(99)", spec.EventKind(99).String())
	require.False(t, spec.EventKind(99).IsTimeout())
}

func TestEventString(t *testing.T) {
	require.Equal(t, "CLOSE", spec.Event{Kind: spec.Close}.String())
	require.Equal(t, "rcv SYN", spec.Event{Kind: spec.Arrive, Flags: spec.SYN}.String())
	require.Equal(t, "rcv SYN,ACK [seq in-order, ack of-SYN]",
		spec.Event{Kind: spec.Arrive, Flags: spec.SYN | spec.ACK, Seq: spec.SeqInOrder, Ack: spec.AckOfSYN}.String())
	require.Equal(t, "rcv RST [seq outside]", spec.Event{Kind: spec.Arrive, Flags: spec.RST, Seq: spec.SeqOutside}.String())
	require.Equal(t, "unacceptable", spec.AckUnacceptable.String())
	require.Equal(t, "irs", spec.SeqIRS.String())
	require.Equal(t, "SeqClass(9)", spec.SeqClass(9).String())
	require.Equal(t, "AckClass(9)", spec.AckClass(9).String())
}

func TestAckClassAcceptable(t *testing.T) {
	want := map[spec.AckClass]bool{
		spec.AckNone: false, spec.AckOfSYN: true, spec.AckOfData: true,
		spec.AckOfFIN: true, spec.AckDuplicate: true, spec.AckOld: true, spec.AckUnacceptable: false,
	}
	for c, w := range want {
		require.Equal(t, w, c.Acceptable(), "%s", c)
	}
}

func TestAllEvents(t *testing.T) {
	all := spec.AllEvents()
	// Nine kinds other than arrival; 16 flag sets without ACK times six
	// sequence classes; 16 with ACK times six sequence classes times the
	// six acknowledgment classes other than "none".
	require.Len(t, all, 9+16*6+16*6*6)
	seen := map[spec.Event]bool{}
	for _, e := range all {
		require.False(t, seen[e], "%s listed twice", e)
		seen[e] = true
		if e.Kind == spec.Arrive {
			require.Equal(t, e.Flags.Has(spec.ACK), e.Ack != spec.AckNone, "%s", e)
		} else {
			require.Zero(t, e.Flags)
		}
	}
}

func TestSegment(t *testing.T) {
	syn := spec.Segment{Flags: spec.SYN, Seq: spec.Seq{Epoch: 1}}
	require.Equal(t, uint8(1), syn.Len())
	finData := spec.Segment{Flags: spec.FIN | spec.ACK | spec.Data, Seq: spec.Seq{Epoch: 1, Off: 1}, Ack: spec.Seq{Epoch: 2, Off: 1}}
	require.Equal(t, uint8(2), finData.Len())
	require.Equal(t, uint8(0), spec.Segment{Flags: spec.ACK | spec.RST}.Len())
	require.Equal(t, spec.Seq{Epoch: 1, Off: 3}, spec.Seq{Epoch: 1, Off: 1}.Add(2))

	require.Equal(t, "<SEQ=e1+0><CTL=SYN>", syn.String())
	require.Equal(t, "<SEQ=e1+1><ACK=e2+1><CTL=FIN,ACK><DATA>", finData.String())
	n := spec.Numbering{1: 99, 2: 299}
	require.Equal(t, "<SEQ=99><CTL=SYN>", n.Format(syn))
	require.Equal(t, "<SEQ=100><ACK=300><CTL=FIN,ACK><DATA>", n.Format(finData))
	require.Equal(t, "<SEQ=7>", spec.Numbering{}.Format(spec.Segment{Seq: spec.Seq{Off: 7}}),
		"an empty (non-nil) numbering counts every epoch from 0")
	require.Equal(t, uint32(302), n.Number(spec.Seq{Epoch: 2, Off: 3}))
}

// TestClassifySeq covers each sequence class: SEG.SEQ against RCV.NXT and
// the window, in the states that have a receive sequence space.
func TestClassifySeq(t *testing.T) {
	const irs, other = 2, 3
	est := spec.TCB{State: spec.Established, Epoch: 1, SndUna: 1, SndNxt: 1, IRSEpoch: irs, RcvNxt: 1}
	synRcvd := spec.TCB{State: spec.SynReceived, Epoch: 1, SndNxt: 1, IRSEpoch: irs, RcvNxt: 1, Passive: true}
	timeWait := spec.TCB{State: spec.TimeWait, Epoch: 1, SndUna: 2, SndNxt: 2, IRSEpoch: irs, RcvNxt: 2}
	seg := func(f spec.Flags, e, off uint8) spec.Input {
		return spec.Arrival(spec.Segment{Flags: f, Seq: spec.Seq{Epoch: e, Off: off}})
	}
	for _, tc := range []struct {
		name string
		tcb  spec.TCB
		in   spec.Input
		want spec.SeqClass
	}{
		{"next expected", est, seg(spec.ACK, irs, 1), spec.SeqInOrder},
		{"next expected, RST", est, seg(spec.RST, irs, 1), spec.SeqInOrder},
		{"one ahead", est, seg(spec.FIN, irs, 2), spec.SeqAhead},
		{"last in window", est, seg(spec.Data, irs, 4), spec.SeqAhead},
		{"past the window", est, seg(spec.Data, irs, 5), spec.SeqBeyond},
		{"the peer's SYN again", est, seg(spec.SYN, irs, 0), spec.SeqIRS},
		{"the peer's SYN,ACK again", synRcvd, seg(spec.SYN|spec.ACK, irs, 0), spec.SeqIRS},
		{"IRS without SYN is old", est, seg(spec.ACK, irs, 0), spec.SeqOutside},
		{"a later incarnation: above the window", est, seg(spec.SYN, other, 1), spec.SeqBeyond},
		{"a later incarnation's ISN: above the window", est, seg(spec.SYN, other, 0), spec.SeqBeyond},
		{"an earlier incarnation: below the window", est, seg(spec.FIN|spec.ACK, irs-1, 1), spec.SeqOutside},
		{"an earlier incarnation's ISN: below the window", est, seg(spec.SYN, irs-1, 0), spec.SeqOutside},
		{"retransmitted FIN in TIME-WAIT", timeWait, seg(spec.FIN|spec.ACK, irs, 1), spec.SeqOutside},
		{"in order in TIME-WAIT", timeWait, seg(spec.ACK, irs, 2), spec.SeqInOrder},
		{"in order in SYN-RECEIVED", synRcvd, seg(spec.ACK, irs, 1), spec.SeqInOrder},
		// No receive sequence space yet: SEG.SEQ is not checked.
		{"CLOSED", spec.ClosedTCB(1), seg(spec.ACK, other, 9), spec.SeqUnchecked},
		{"LISTEN", spec.TCB{State: spec.Listen, Epoch: 1}, seg(spec.SYN, other, 0), spec.SeqUnchecked},
		{"SYN-SENT", spec.TCB{State: spec.SynSent, Epoch: 1, SndNxt: 1}, seg(spec.SYN|spec.ACK, other, 0), spec.SeqUnchecked},
	} {
		ev := tc.tcb.Classify(tc.in)
		require.Equal(t, tc.want, ev.Seq, "%s: %s", tc.name, ev)
		require.Equal(t, spec.Arrive, ev.Kind)
		require.Equal(t, tc.in.Seg.Flags, ev.Flags)
	}
}

// TestClassifyAck covers each acknowledgment class, including the rules of
// SYN-SENT (SEG.ACK =< ISS or SEG.ACK > SND.NXT is unacceptable) and of
// CLOSED and LISTEN (any ACK is bad).
func TestClassifyAck(t *testing.T) {
	const us, peer = 1, 2
	ack := func(e, off uint8) spec.Input {
		return spec.Arrival(spec.Segment{Flags: spec.ACK, Seq: spec.Seq{Epoch: peer, Off: 1}, Ack: spec.Seq{Epoch: e, Off: off}})
	}
	synSent := spec.TCB{State: spec.SynSent, Epoch: us, SndNxt: 1}
	synRcvd := spec.TCB{State: spec.SynReceived, Epoch: us, SndNxt: 1, IRSEpoch: peer, RcvNxt: 1}
	est := spec.TCB{State: spec.Established, Epoch: us, SndUna: 1, SndNxt: 1, IRSEpoch: peer, RcvNxt: 1}
	estData := spec.TCB{State: spec.Established, Epoch: us, SndUna: 1, SndNxt: 2, DataSent: true, IRSEpoch: peer, RcvNxt: 1}
	finWait1 := spec.TCB{State: spec.FinWait1, Epoch: us, SndUna: 1, SndNxt: 2, IRSEpoch: peer, RcvNxt: 1}
	finWait1Data := spec.TCB{State: spec.FinWait1, Epoch: us, SndUna: 1, SndNxt: 3, DataSent: true, IRSEpoch: peer, RcvNxt: 1}
	closeWait := spec.TCB{State: spec.CloseWait, Epoch: us, SndUna: 1, SndNxt: 1, IRSEpoch: peer, RcvNxt: 2}
	lastAck := spec.TCB{State: spec.LastAck, Epoch: us, SndUna: 1, SndNxt: 2, IRSEpoch: peer, RcvNxt: 2}
	for _, tc := range []struct {
		name string
		tcb  spec.TCB
		in   spec.Input
		want spec.AckClass
	}{
		{"no ACK bit", est, spec.Arrival(spec.Segment{Flags: spec.FIN, Seq: spec.Seq{Epoch: peer, Off: 1}}), spec.AckNone},
		{"no ACK bit, ACK field set", est, spec.Arrival(spec.Segment{Flags: spec.RST, Ack: spec.Seq{Epoch: us, Off: 1}}), spec.AckNone},

		// SYN-SENT: acceptable only if ISS < SEG.ACK =< SND.NXT.
		{"SYN-SENT, acknowledges the SYN", synSent, ack(us, 1), spec.AckOfSYN},
		{"SYN-SENT, SEG.ACK = ISS", synSent, ack(us, 0), spec.AckUnacceptable},
		{"SYN-SENT, SEG.ACK > SND.NXT", synSent, ack(us, 2), spec.AckUnacceptable},
		{"SYN-SENT, a later incarnation's number (RFC 9293 Figure 9 line 4)", synSent, ack(us+1, 1), spec.AckUnacceptable},
		{"SYN-SENT, an earlier incarnation's number: below ISS", synSent, ack(us-1, 2), spec.AckUnacceptable},

		// CLOSED and LISTEN have sent nothing.
		{"CLOSED", spec.ClosedTCB(us), ack(us, 1), spec.AckUnacceptable},
		{"LISTEN", spec.TCB{State: spec.Listen, Epoch: us}, ack(us, 1), spec.AckUnacceptable},

		// SYN-RECEIVED: SND.UNA < SEG.ACK =< SND.NXT.
		{"SYN-RECEIVED, acknowledges the SYN", synRcvd, ack(us, 1), spec.AckOfSYN},
		{"SYN-RECEIVED, SEG.ACK = SND.UNA", synRcvd, ack(us, 0), spec.AckDuplicate},
		{"SYN-RECEIVED, SEG.ACK > SND.NXT", synRcvd, ack(us, 2), spec.AckUnacceptable},
		{"SYN-RECEIVED, a later incarnation", synRcvd, ack(us+1, 1), spec.AckUnacceptable},
		{"SYN-RECEIVED, an earlier incarnation", synRcvd, ack(us-1, 1), spec.AckOld},

		{"ESTABLISHED, nothing outstanding", est, ack(us, 1), spec.AckDuplicate},
		{"ESTABLISHED, old ACK", est, ack(us, 0), spec.AckDuplicate},
		{"ESTABLISHED, an earlier incarnation's ACK: a duplicate far below SND.UNA", est, ack(us-1, 3), spec.AckOld},
		{"ESTABLISHED, a later incarnation's ACK: above SND.NXT", est, ack(us+1, 0), spec.AckUnacceptable},
		{"ESTABLISHED, ahead of SND.NXT", est, ack(us, 2), spec.AckUnacceptable},
		{"ESTABLISHED, acknowledges the text", estData, ack(us, 2), spec.AckOfData},
		{"ESTABLISHED, text outstanding, duplicate", estData, ack(us, 1), spec.AckDuplicate},

		{"FIN-WAIT-1, acknowledges the FIN", finWait1, ack(us, 2), spec.AckOfFIN},
		{"FIN-WAIT-1, duplicate", finWait1, ack(us, 1), spec.AckDuplicate},
		{"FIN-WAIT-1, beyond the FIN", finWait1, ack(us, 3), spec.AckUnacceptable},
		{"FIN-WAIT-1, text acknowledged but not the FIN", finWait1Data, ack(us, 2), spec.AckOfData},
		{"FIN-WAIT-1, text and FIN acknowledged", finWait1Data, ack(us, 3), spec.AckOfFIN},
		{"LAST-ACK, acknowledges the FIN", lastAck, ack(us, 2), spec.AckOfFIN},
		{"CLOSE-WAIT, no FIN sent", closeWait, ack(us, 1), spec.AckDuplicate},
	} {
		ev := tc.tcb.Classify(tc.in)
		require.Equal(t, tc.want, ev.Ack, "%s: %s", tc.name, ev)
	}
}

func TestClassifyNonArrival(t *testing.T) {
	est := spec.TCB{State: spec.Established, Epoch: 1, SndUna: 1, SndNxt: 1, IRSEpoch: 2, RcvNxt: 1}
	for _, k := range []spec.EventKind{spec.OpenPassive, spec.Close, spec.RetransmissionTimeout, spec.FinWait2Timeout} {
		// A segment attached to a call is ignored.
		in := spec.Input{Kind: k, Seg: spec.Segment{Flags: spec.SYN | spec.ACK}}
		require.Equal(t, spec.Event{Kind: k}, est.Classify(in))
	}
}

func TestTCB(t *testing.T) {
	c := spec.ClosedTCB(4)
	require.Equal(t, spec.TCB{State: spec.Closed, Epoch: 4}, c)
	require.Equal(t, spec.TCB{}, spec.ClosedTCB(0), "the zero TCB is CLOSED with epoch 0")
	require.Equal(t, "CLOSED e4", c.String())
	require.False(t, c.Outstanding())

	tcb := spec.TCB{State: spec.FinWait1, Epoch: 1, SndUna: 1, SndNxt: 2, IRSEpoch: 2, RcvNxt: 1, Passive: true, Retries: 2}
	require.Equal(t, spec.Seq{Epoch: 1}, tcb.ISS())
	require.Equal(t, spec.Seq{Epoch: 1, Off: 2}, tcb.SndNxtSeq())
	require.Equal(t, spec.Seq{Epoch: 2, Off: 1}, tcb.RcvNxtSeq())
	require.True(t, tcb.Outstanding())
	require.Equal(t, "FIN-WAIT-1 una=1 nxt=2 rcv=e2+1 passive retries=2", tcb.String())

	for _, tc := range []struct {
		tcb  spec.TCB
		k    spec.EventKind
		want bool
	}{
		{tcb, spec.RetransmissionTimeout, true},
		{tcb, spec.UserTimeout, true},
		{tcb, spec.TimeWaitTimeout, false},
		{tcb, spec.FinWait2Timeout, false},
		{tcb, spec.Close, false},
		{spec.TCB{State: spec.FinWait2, SndUna: 2, SndNxt: 2}, spec.RetransmissionTimeout, false},
		{spec.TCB{State: spec.FinWait2, SndUna: 2, SndNxt: 2}, spec.FinWait2Timeout, true},
		{spec.TCB{State: spec.TimeWait, SndUna: 2, SndNxt: 2}, spec.TimeWaitTimeout, true},
		{spec.TCB{State: spec.SynSent, SndNxt: 1}, spec.RetransmissionTimeout, true},
		{spec.TCB{State: spec.Listen}, spec.RetransmissionTimeout, false},
	} {
		require.Equal(t, tc.want, tc.tcb.TimerRunning(tc.k), "%s: %s", tc.tcb, tc.k)
	}
}
