package conform

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/spec"
)

var (
	hostA = netip.MustParseAddrPort("192.0.2.1:40000")
	hostB = netip.MustParseAddrPort("192.0.2.2:80")
	t0    = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
)

// script builds a capture segment by segment, numbering the frames and
// spacing them 1 ms apart unless told otherwise.
type script struct {
	segs []capture.Segment
	at   time.Time
}

const (
	syn    = capture.SYN
	ack    = capture.ACK
	fin    = capture.FIN
	rst    = capture.RST
	synack = capture.SYN | capture.ACK
	finack = capture.FIN | capture.ACK
)

// add appends a segment from A (fromA) or B.
func (s *script) add(fromA bool, flags capture.Flags, seq, ackNo uint32, text int) *script {
	if s.at.IsZero() {
		s.at = t0
	}
	s.at = s.at.Add(time.Millisecond)
	src, dst := hostA, hostB
	if !fromA {
		src, dst = hostB, hostA
	}
	s.segs = append(s.segs, capture.Segment{Frame: len(s.segs) + 1, Time: s.at, Src: src, Dst: dst, Seq: seq, Ack: ackNo, Flags: flags, Len: text})
	return s
}

func (s *script) wait(d time.Duration) *script { s.at = s.at.Add(d); return s }

func check(t *testing.T, segs []capture.Segment, opts Options) []Result {
	t.Helper()
	rs, err := Check(segs, opts)
	require.NoError(t, err)
	return rs
}

func eventTexts(r Result) []string {
	var out []string
	for _, e := range r.Events {
		out = append(out, e.Text)
	}
	return out
}

// handshake opens a connection: A's ISN 1000, B's 5000.
func handshake() *script {
	return new(script).add(true, syn, 1000, 0, 0).add(false, synack, 5000, 1001, 0).add(true, ack, 1001, 5001, 0)
}

func TestMapNumberCollapsesText(t *testing.T) {
	// A sends 3000 octets in three segments and its FIN; the text is the
	// abstract octet 1, the FIN is 2, and the number after it 3.
	s := handshake().add(true, ack, 1001, 5001, 1448).add(true, ack, 2449, 5001, 1448).add(true, finack, 3897, 5001, 104)
	n := newNumbering(s.segs, hostA)
	require.Equal(t, uint32(3000), n.isns[sideA][0].data)
	for _, c := range []struct {
		v   uint32
		off uint8
		ok  bool
	}{{1000, 0, true}, {1001, 1, true}, {2449, 1, true}, {4000, 1, true}, {4001, 2, true}, {4002, 3, true}, {4003, 0, false}} {
		got := n.mapNumber(sideA, c.v, 99)
		require.Equal(t, c.ok, got.ok, "number %d", c.v)
		if c.ok {
			require.Equal(t, c.off, got.off, "number %d", c.v)
		}
	}
	// B sent no text: its FIN would be 1.
	require.Equal(t, number{isn: 0, off: 1, ok: true}, n.mapNumber(sideB, 5001, 99))
}

// A transfer of many segments, acknowledged piece by piece, conforms: no
// partial acknowledgment or partial segment is taken for a deviation.
func TestManySegmentTransferConforms(t *testing.T) {
	s := handshake().
		add(true, ack, 1001, 5001, 1000).add(true, ack, 2001, 5001, 1000).
		add(false, ack, 5001, 2001, 0).add(true, ack, 3001, 5001, 1000).
		add(false, ack, 5001, 3001, 0).add(false, ack, 5001, 4001, 0).
		add(false, ack, 5001, 4001, 700).add(false, ack, 5701, 4001, 300).
		add(true, ack, 4001, 5701, 0).add(true, ack, 4001, 6001, 0).
		add(true, finack, 4001, 6001, 0).add(false, finack, 6001, 4002, 0).add(true, ack, 4002, 6002, 0)
	for _, v := range []Vantage{Path, Client, Server, Loopback} {
		rs := check(t, s.segs, Options{Vantage: v})
		require.Len(t, rs, 1)
		require.Equal(t, Conforms, rs[0].Verdict, "vantage %s: %s", v, rs[0].Message)
	}
}

// naiveReplay delivers each captured segment to its receiver at the
// moment it is seen, and reports the first frame that the receiver, or
// the sender's state, does not explain: the design conform must not have.
func naiveReplay(t *testing.T, segs []capture.Segment) int {
	n := newNumbering(segs, hostA)
	table := spec.Default()
	tcb := [2]spec.TCB{spec.ClosedTCB(0), spec.ClosedTCB(0)}
	tcb[sideA] = table.Step(tcb[sideA], spec.Call(spec.OpenActive)).Next
	tcb[sideB] = table.Step(tcb[sideB], spec.Call(spec.OpenPassive)).Next
	for i := range segs {
		x := sideOf(&segs[i], hostA)
		o := n.observe(&segs[i], x)
		if segs[i].Flags.Has(capture.FIN) && tcb[x].State == spec.Established {
			tcb[x] = table.Step(tcb[x], spec.Call(spec.Close)).Next
		}
		// The sender's own numbers must be what it would send now.
		if o.segs[0].Flags.Has(spec.ACK) && o.segs[0].Ack != tcb[x].RcvNxtSeq() && tcb[x].State.KnowsIRS() {
			return segs[i].Frame
		}
		tcb[1-x] = table.Step(tcb[1-x], spec.Arrival(o.segs[0])).Next
	}
	return 0
}

// A simultaneous close: both FINs are sent before either arrives, so
// neither acknowledges the other. A replay that delivers each segment when
// it is seen has B receive A's FIN before it sends its own, and so expects
// B's FIN to acknowledge it; conform finds the run where they cross.
func TestSimultaneousCloseIsNotADeviation(t *testing.T) {
	s := handshake().add(true, finack, 1001, 5001, 0).add(false, finack, 5001, 1001, 0).
		add(true, ack, 1002, 5002, 0).add(false, ack, 5002, 1002, 0)
	require.Equal(t, 5, naiveReplay(t, s.segs), "the naive replay should report B's FIN")
	for _, v := range []Vantage{Path, Client, Server, Loopback} {
		rs := check(t, s.segs, Options{Vantage: v})
		require.Equal(t, Conforms, rs[0].Verdict, "vantage %s: %s", v, rs[0].Message)
		require.Subset(t, eventTexts(rs[0]), []string{"A's user called CLOSE", "B's user called CLOSE"})
	}
}

// A FIN,ACK that acknowledges the peer's FIN takes FIN-WAIT-1 straight to
// TIME-WAIT (RFC 9293 Figure 5, note 2): the three-segment close of a
// passive closer whose ACK rides on its FIN.
func TestThreeSegmentClose(t *testing.T) {
	s := handshake().add(true, finack, 1001, 5001, 0).add(false, finack, 5001, 1002, 0).add(true, ack, 1002, 5002, 0)
	rs := check(t, s.segs, Options{Vantage: Loopback})
	require.Equal(t, Conforms, rs[0].Verdict, rs[0].Message)
}

// TIME-WAIT against the capture's clock: an endpoint in TIME-WAIT cannot
// open again on the same 4-tuple before 2 MSL have passed (an OPEN in
// TIME-WAIT is refused, RFC 9293 3.10.1), and under linux before 60 s.
func TestTimeWaitAgainstTheClock(t *testing.T) {
	reopenAfter := func(d time.Duration) []capture.Segment {
		s := handshake().add(true, finack, 1001, 5001, 0).add(false, finack, 5001, 1002, 0).add(true, ack, 1002, 5002, 0)
		s.wait(d)
		return s.add(true, syn, 900000, 0, 0).add(false, synack, 77000, 900001, 0).add(true, ack, 900001, 77001, 0).
			add(true, finack, 900001, 77001, 0).add(false, finack, 77001, 900002, 0).add(true, ack, 900002, 77002, 0).segs
	}
	for _, c := range []struct {
		variant string
		after   time.Duration
		msl     time.Duration
		want    Verdict
	}{
		{"rfc9293", 200 * time.Millisecond, 0, Deviates},
		{"rfc9293", 3 * time.Minute, 0, Deviates},
		{"rfc9293", 5 * time.Minute, 0, Conforms},
		{"rfc9293", 200 * time.Millisecond, 50 * time.Millisecond, Conforms},
		{"linux", 200 * time.Millisecond, 0, Deviates},
		{"linux", 59 * time.Second, 0, Deviates},
		{"linux", 61 * time.Second, 0, Conforms},
		{"linux-loopback", 200 * time.Millisecond, 0, Conforms},
	} {
		rs := check(t, reopenAfter(c.after), Options{Variant: c.variant, MSL: c.msl})
		require.Len(t, rs, 2)
		require.Equal(t, Conforms, rs[0].Verdict)
		require.Equal(t, c.want, rs[1].Verdict, "%s, new SYN %s after TIME-WAIT began: %s", c.variant, c.after, rs[1].Message)
		if c.want == Deviates {
			require.Equal(t, 7, rs[1].Frame)
			require.Equal(t, []string{"TIME-WAIT"}, rs[1].States)
		} else {
			require.Contains(t, strings.Join(eventTexts(rs[1]), "; "), "A's user called active OPEN")
		}
	}
}

// Linux takes a new SYN on a 4-tuple it holds in TIME-WAIT (a passive
// opener's, tcp_timewait_state_process); RFC 9293 refuses it.
func TestSYNReceivedInTimeWait(t *testing.T) {
	s := handshake().add(false, finack, 5001, 1001, 0).add(true, finack, 1001, 5002, 0).add(false, ack, 5002, 1002, 0)
	s.wait(200*time.Millisecond).add(true, syn, 900000, 0, 0).add(false, synack, 77000, 900001, 0).add(true, ack, 900001, 77001, 0).
		add(true, finack, 900001, 77001, 0).add(false, finack, 77001, 900002, 0).add(true, ack, 900002, 77002, 0)
	rs := check(t, s.segs, Options{Variant: "linux"})
	require.Equal(t, Conforms, rs[1].Verdict, rs[1].Message)
	rs = check(t, s.segs, Options{Variant: "rfc9293"})
	require.Equal(t, Deviates, rs[1].Verdict)
	require.Equal(t, 8, rs[1].Frame)
	require.Equal(t, "B", rs[1].Sender)
}

// A tighter vantage finds more: a capture next to A shows everything A
// sends, so A cannot have left the connection by an ABORT whose RST the
// capture lost.
func TestTighterVantageFindsMore(t *testing.T) {
	s := handshake().add(true, syn, 777000, 0, 0)
	rs := check(t, s.segs, Options{Vantage: Path})
	require.Equal(t, Conforms, rs[0].Verdict)
	require.Equal(t, Incomplete, rs[1].Verdict, "the capture ends in SYN-SENT")
	require.Contains(t, eventTexts(rs[1]), "A's user called ABORT")
	require.Contains(t, eventTexts(rs[1]), "A's <SEQ=1001><CTL=RST> was lost before the capture point")
	rs = check(t, s.segs, Options{Vantage: Client})
	require.Equal(t, Deviates, rs[1].Verdict)
	require.Equal(t, 4, rs[1].Frame)
	rs = check(t, s.segs, Options{Vantage: Server})
	require.Equal(t, Conforms, rs[0].Verdict, "next to B, A's RST may be lost on the path")
}

// The deviation names what the table allowed and the rows, with their
// citations: RFC 9293's ABORT sends a bare RST.
func TestDeviationNamesTheRows(t *testing.T) {
	s := handshake().add(true, rst|ack, 1001, 5001, 0)
	rs := check(t, s.segs, Options{Vantage: Client})
	r := rs[0]
	require.Equal(t, Deviates, r.Verdict)
	require.Equal(t, 4, r.Frame)
	require.Equal(t, []string{"ESTABLISHED"}, r.States)
	require.Contains(t, r.Allowed, Allowed{Segment: "<SEQ=1001><CTL=RST>", Row: "ESTABLISHED/abort", Cite: "RFC 9293 3.10.5"})
	rs = check(t, s.segs, Options{Variant: "linux", Vantage: Client})
	require.Equal(t, Conforms, rs[0].Verdict)
	require.Contains(t, eventTexts(rs[0]), "A's user called ABORT")
}

// A capture that starts mid-connection is incomplete, and so is one that
// ends while the connection is open.
func TestIncomplete(t *testing.T) {
	s := new(script).add(true, ack, 1001, 5001, 10).add(false, ack, 5001, 1011, 0)
	rs := check(t, s.segs, Options{})
	require.Equal(t, Incomplete, rs[0].Verdict)
	require.Contains(t, rs[0].Message, "starts in the middle of the connection")
	rs = check(t, handshake().segs, Options{})
	require.Equal(t, Incomplete, rs[0].Verdict)
	require.Contains(t, rs[0].Message, "the capture ends while the connection is still open")
	require.Contains(t, rs[0].Message, "A in ESTABLISHED")
}

// A search cut short by its bound is incomplete, never a verdict.
func TestBoundIsInconclusive(t *testing.T) {
	s := handshake().add(true, finack, 1001, 5001, 0).add(false, finack, 5001, 1002, 0).add(true, ack, 1002, 5002, 0)
	rs := check(t, s.segs, Options{MaxStates: 10})
	require.Equal(t, Incomplete, rs[0].Verdict)
	require.Contains(t, rs[0].Message, "inconclusive: the search stopped at its bound")
}

// The same capture gives the same results, event for event.
func TestDeterministic(t *testing.T) {
	s := handshake().add(true, finack, 1001, 5001, 0).add(false, finack, 5001, 1001, 0).
		add(true, ack, 1002, 5002, 0).add(false, ack, 5002, 1002, 0)
	first := check(t, s.segs, Options{})
	for i := 0; i < 5; i++ {
		require.Equal(t, first, check(t, s.segs, Options{}))
	}
}

func TestCheckAny(t *testing.T) {
	s := handshake().add(true, rst|ack, 1001, 5001, 0)
	rs, err := CheckAny(s.segs, Options{Vantage: Client})
	require.NoError(t, err)
	require.Equal(t, Conforms, rs[0].Verdict)
	require.Equal(t, "linux", rs[0].Variant)
	require.Equal(t, []string{"linux", "linux-loopback"}, rs[0].By)
}

// A SYN later in the capture does not change what earlier numbers count
// from: a segment cannot count from an ISN nobody has seen yet.
func TestLaterSYNDoesNotRenumberEarlierFrames(t *testing.T) {
	s := handshake().add(true, ack, 1001, 5001, 10).add(false, ack, 5001, 1011, 0).
		add(false, syn|ack, 5001, 1011, 0) // the SYN bit set on an established segment
	n := newNumbering(s.segs, hostA)
	require.Equal(t, number{isn: 0, off: 1, ok: true}, n.mapNumber(sideB, 5001, 5))
	require.Equal(t, number{isn: 1, off: 0, ok: true}, n.mapNumber(sideB, 5001, 6))
	rs := check(t, s.segs, Options{Vantage: Loopback})
	require.Equal(t, Deviates, rs[0].Verdict)
	require.Equal(t, 6, rs[0].Frame)
}

// Linux's tail-loss probe resends the last segment, the FIN, while the
// text before it is unacknowledged; RFC 6298 resends the first, so
// rfc9293 finds no run that sends the FIN again first.
func TestTailLossProbe(t *testing.T) {
	s := handshake().add(true, ack, 1001, 5001, 100).add(true, finack, 1101, 5001, 0).
		add(true, finack, 1101, 5001, 0). // the probe
		add(false, ack, 5001, 1102, 0).add(false, finack, 5001, 1102, 0).add(true, ack, 1102, 5002, 0)
	rs := check(t, s.segs, Options{Variant: "linux", Vantage: Client})
	require.Equal(t, Conforms, rs[0].Verdict, rs[0].Message)
	require.Contains(t, eventTexts(rs[0]), "A's tail-loss probe sent its FIN again")
	rs = check(t, s.segs, Options{Variant: "rfc9293", Vantage: Client})
	require.Equal(t, Deviates, rs[0].Verdict)
	require.Equal(t, 6, rs[0].Frame)
}
