package conform

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpcheck/tcpcheck/capture"
)

// benchCapture writes a pcap of n connections, each opened, carrying text
// both ways and closed in ten segments, with 100 connections in progress
// at a time and their segments interleaved.
func benchCapture(b *testing.B, n int) []byte {
	b.Helper()
	server := netip.MustParseAddrPort("198.51.100.1:443")
	type seg struct {
		fromA    bool
		flags    capture.Flags
		seq, ack uint32
		text     int
	}
	script := func(c int) []seg {
		a, s := uint32(c)*104729+1, uint32(c)*7919+1000000
		return []seg{
			{true, syn, a, 0, 0}, {false, synack, s, a + 1, 0}, {true, ack, a + 1, s + 1, 0},
			{true, ack, a + 1, s + 1, 100}, {false, ack, s + 1, a + 101, 0},
			{false, ack, s + 1, a + 101, 100}, {true, ack, a + 101, s + 101, 0},
			{true, finack, a + 101, s + 101, 0}, {false, finack, s + 101, a + 102, 0}, {true, ack, a + 102, s + 102, 0},
		}
	}
	var buf bytes.Buffer
	w := pcapgo.NewWriterNanos(&buf)
	if err := w.WriteFileHeader(65536, layers.LinkTypeRaw); err != nil {
		b.Fatal(err)
	}
	at := t0
	const group = 100
	for g := 0; g < n; g += group {
		for i := 0; i < 10; i++ {
			for c := g; c < g+group && c < n; c++ {
				sg := script(c)[i]
				client := netip.AddrPortFrom(netip.MustParseAddr("192.0.2.7"), uint16(1024+c%60000))
				if c >= 60000 {
					client = netip.AddrPortFrom(netip.MustParseAddr("192.0.2.8"), uint16(1024+c%60000))
				}
				src, dst := client, server
				if !sg.fromA {
					src, dst = server, client
				}
				ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
				tcp := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: sg.seq, Ack: sg.ack, Window: 65535,
					SYN: sg.flags.Has(capture.SYN), ACK: sg.flags.Has(capture.ACK), FIN: sg.flags.Has(capture.FIN)}
				if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
					b.Fatal(err)
				}
				sb := gopacket.NewSerializeBuffer()
				if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp, gopacket.Payload(make([]byte, sg.text))); err != nil {
					b.Fatal(err)
				}
				at = at.Add(10 * time.Microsecond)
				if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(sb.Bytes()), Length: len(sb.Bytes())}, sb.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return buf.Bytes()
}

// BenchmarkConform reads, splits and checks a capture of 10,000
// connections and 100,000 segments, at a vantage on the path, under
// rfc9293: the size the conform command must check in under 10 s on one
// core. It reports connections/s and segments/s.
func BenchmarkConform(b *testing.B) {
	const conns = 10000
	data := benchCapture(b, conns)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := capture.Read("bench", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rs, err := Check(c.Segments, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rs) != conns {
			b.Fatalf("%d connections", len(rs))
		}
		for _, r := range rs {
			if r.Verdict != Conforms {
				b.Fatalf("%s: %s", r.Conn.Client, r.Message)
			}
		}
	}
	b.ReportMetric(float64(conns*b.N)/b.Elapsed().Seconds(), "connections/s")
	b.ReportMetric(float64(10*conns*b.N)/b.Elapsed().Seconds(), "segments/s")
}
