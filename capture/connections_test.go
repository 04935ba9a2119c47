package capture

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/require"
)

// seg makes a segment of frame n.
func seg(n int, src, dst netip.AddrPort, f Flags, seq, ack uint32) Segment {
	return Segment{Frame: n, Src: src, Dst: dst, Flags: f, Seq: seq, Ack: ack}
}

func frames(c *Connection) []int {
	var out []int
	for _, s := range c.Segments {
		out = append(out, s.Frame)
	}
	return out
}

func TestSplit(t *testing.T) {
	other := netip.MustParseAddrPort("10.0.0.1:40001")
	segs := []Segment{
		seg(1, client4, server4, SYN, 100, 0),
		seg(2, client4, server4, SYN, 100, 0), // a retransmission: same ISN
		seg(3, server4, client4, SYN|ACK, 300, 101),
		seg(4, other, server4, SYN, 7, 0), // another 4-tuple, interleaved
		seg(5, client4, server4, ACK, 101, 301),
		seg(6, client4, server4, FIN|ACK, 101, 301),
		seg(7, server4, client4, FIN|ACK, 301, 102),
		seg(8, client4, server4, ACK, 102, 302),
		// The client takes over its TIME-WAIT with a later ISN: a new
		// incarnation of the same 4-tuple.
		seg(9, client4, server4, SYN, 70000, 0),
		seg(10, server4, client4, SYN|ACK, 900, 70001),
	}
	conns := Split(segs)
	require.Len(t, conns, 3)
	require.Equal(t, []int{1, 2, 3, 5, 6, 7, 8}, frames(conns[0]))
	require.Equal(t, []int{4}, frames(conns[1]))
	require.Equal(t, []int{9, 10}, frames(conns[2]))
	require.Equal(t, client4, conns[0].Client)
	require.Equal(t, server4, conns[0].Server)
	require.Equal(t, 0, conns[0].Incarnation)
	require.Equal(t, 1, conns[2].Incarnation)
	require.Equal(t, 0, conns[1].Incarnation)
	require.False(t, conns[0].Midway || conns[2].Midway)
	require.True(t, conns[0].FromClient(&conns[0].Segments[0]))
	require.False(t, conns[0].FromClient(&conns[0].Segments[2]))
}

// TestSplitSimultaneousOpen: the second side's SYN without ACK joins the
// first's connection; it has chosen no ISN in it yet.
func TestSplitSimultaneousOpen(t *testing.T) {
	conns := Split([]Segment{
		seg(1, client4, server4, SYN, 100, 0),
		seg(2, server4, client4, SYN, 300, 0),
		seg(3, client4, server4, SYN|ACK, 100, 301),
		seg(4, server4, client4, SYN|ACK, 300, 101),
	})
	require.Len(t, conns, 1)
	require.Equal(t, client4, conns[0].Client)
}

func TestSplitMidway(t *testing.T) {
	conns := Split([]Segment{
		seg(1, server4, client4, SYN|ACK, 300, 101),
		seg(2, client4, server4, ACK, 101, 301),
	})
	require.Len(t, conns, 1)
	require.True(t, conns[0].Midway)
	require.Equal(t, client4, conns[0].Client, "the SYN,ACK's receiver opened the connection")

	conns = Split([]Segment{seg(1, server4, client4, ACK|PSH, 5, 6)})
	require.True(t, conns[0].Midway)
	require.Equal(t, server4, conns[0].Client, "with no SYN at all, the first sender stands for the client")
}

// TestSplitIsAPartition: every segment lands in exactly one connection, in
// capture order, on a larger mixed capture.
func TestSplitIsAPartition(t *testing.T) {
	var segs []Segment
	n := 0
	for c := 0; c < 50; c++ {
		cl := netip.AddrPortFrom(client4.Addr(), uint16(40000+c%7))
		for inc := 0; inc < 3; inc++ {
			isn := uint32(1000*c + 100000*inc)
			n++
			segs = append(segs, seg(n, cl, server4, SYN, isn, 0))
			n++
			segs = append(segs, seg(n, server4, cl, SYN|ACK, 5, isn+1))
			n++
			segs = append(segs, seg(n, cl, server4, RST, isn+1, 0))
		}
	}
	conns := Split(segs)
	seen := map[int]bool{}
	last := 0
	for _, c := range conns {
		require.Greater(t, c.Segments[0].Frame, last, "connections come in the order of their first segment")
		last = c.Segments[0].Frame
		prev := 0
		for _, s := range c.Segments {
			require.False(t, seen[s.Frame])
			seen[s.Frame] = true
			require.Greater(t, s.Frame, prev)
			prev = s.Frame
		}
	}
	require.Len(t, seen, len(segs))
	require.Len(t, conns, 150, "three incarnations for each of the 50 connections")
}

func FuzzRead(f *testing.F) {
	lt := layers.LinkTypeEthernet
	f.Add(pcapOf(f, lt,
		frame(f, lt, pkt{src: client4, dst: server4, flags: SYN, seq: 1}),
		frame(f, lt, pkt{src: server4, dst: client4, flags: SYN | ACK, seq: 9, ack: 2}),
		frame(f, lt, pkt{src: client6, dst: server6, flags: FIN | ACK, seq: 2, ack: 10, text: 3})))
	f.Add(pcapOf(f, layers.LinkTypeLinuxSLL2, frame(f, layers.LinkTypeLinuxSLL2, pkt{src: client6, dst: server6, flags: RST, seq: 1})))
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0})
	f.Add([]byte("not a capture"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Read("fuzz", bytes.NewReader(data))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("an error that is not an *Error: %v", err)
			}
			return
		}
		conns := Split(c.Segments)
		total := 0
		for _, conn := range conns {
			total += len(conn.Segments)
			_ = fmt.Sprint(conn.Segments[0].String())
		}
		if total != len(c.Segments) || c.Frames != len(c.Segments)+c.Skipped {
			t.Fatalf("%d segments in connections, %d read, %d frames, %d skipped", total, len(c.Segments), c.Frames, c.Skipped)
		}
	})
}

// BenchmarkReadAndSplit reads and splits a capture of 10,000 connections
// and 100,000 segments, the size conform must check in under 10 s.
func BenchmarkReadAndSplit(b *testing.B) {
	lt := layers.LinkTypeEthernet
	var fr [][]byte
	for c := 0; c < 10000; c++ {
		cl := netip.AddrPortFrom(client4.Addr(), uint16(1024+c))
		isn := uint32(c) * 7919
		for i := 0; i < 10; i++ {
			p := pkt{src: cl, dst: server4, flags: ACK, seq: isn + uint32(i), ack: 1}
			switch i {
			case 0:
				p.flags = SYN
			case 1:
				p = pkt{src: server4, dst: cl, flags: SYN | ACK, seq: 1, ack: isn + 1}
			}
			fr = append(fr, frame(b, lt, p))
		}
	}
	data := pcapOf(b, lt, fr...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := Read("bench", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if n := len(Split(c.Segments)); n != 10000 {
			b.Fatalf("%d connections", n)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "connections/s")
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "segments/s")
}
