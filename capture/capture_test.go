package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/require"
)

// The tests write captures with gopacket's own writers and serializers,
// then read them back: each link type and IP version, in pcap and pcapng.

var (
	client4 = netip.MustParseAddrPort("10.0.0.1:40000")
	server4 = netip.MustParseAddrPort("10.0.0.2:80")
	client6 = netip.MustParseAddrPort("[2001:db8::1]:40000")
	server6 = netip.MustParseAddrPort("[2001:db8::2]:80")
	epoch   = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
)

// pkt describes a segment to put in a capture.
type pkt struct {
	src, dst netip.AddrPort
	flags    Flags
	seq, ack uint32
	text     int
}

// ipTCP serializes the IP header and TCP segment of p.
func ipTCP(t testing.TB, p pkt) []byte {
	t.Helper()
	tcp := &layers.TCP{SrcPort: layers.TCPPort(p.src.Port()), DstPort: layers.TCPPort(p.dst.Port()), Seq: p.seq, Ack: p.ack, Window: 65535,
		SYN: p.flags.Has(SYN), ACK: p.flags.Has(ACK), FIN: p.flags.Has(FIN), RST: p.flags.Has(RST), PSH: p.flags.Has(PSH)}
	var ip gopacket.SerializableLayer
	if p.src.Addr().Is4() {
		ip4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: p.src.Addr().AsSlice(), DstIP: p.dst.Addr().AsSlice()}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip4))
		ip = ip4
	} else {
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: p.src.Addr().AsSlice(), DstIP: p.dst.Addr().AsSlice()}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip6))
		ip = ip6
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	require.NoError(t, gopacket.SerializeLayers(buf, opts, ip, tcp, gopacket.Payload(make([]byte, p.text))))
	return buf.Bytes()
}

// frame puts p in a frame of link type lt.
func frame(t testing.TB, lt layers.LinkType, p pkt) []byte {
	t.Helper()
	ip := ipTCP(t, p)
	v6 := !p.src.Addr().Is4()
	etherType := layers.EthernetTypeIPv4
	if v6 {
		etherType = layers.EthernetTypeIPv6
	}
	var head []byte
	switch lt {
	case layers.LinkTypeEthernet:
		head = make([]byte, 14)
		copy(head[0:6], []byte{2, 0, 0, 0, 0, 2})
		copy(head[6:12], []byte{2, 0, 0, 0, 0, 1})
		binary.BigEndian.PutUint16(head[12:], uint16(etherType))
	case layers.LinkTypeLinuxSLL:
		// Packet type, ARPHRD, address length, 8 bytes of address, protocol.
		head = make([]byte, 16)
		binary.BigEndian.PutUint16(head[0:], 4) // sent by us
		binary.BigEndian.PutUint16(head[2:], 772)
		binary.BigEndian.PutUint16(head[4:], 6)
		binary.BigEndian.PutUint16(head[14:], uint16(etherType))
	case layers.LinkTypeLinuxSLL2:
		// Protocol, reserved, interface index, ARPHRD, packet type,
		// address length, 8 bytes of address.
		head = make([]byte, 20)
		binary.BigEndian.PutUint16(head[0:], uint16(etherType))
		binary.BigEndian.PutUint32(head[4:], 1)
		binary.BigEndian.PutUint16(head[8:], 772)
		head[10], head[11] = 0, 6
	case layers.LinkTypeNull:
		// The family in the host's (here little-endian) byte order.
		head = make([]byte, 4)
		fam := uint32(layers.ProtocolFamilyIPv4)
		if v6 {
			fam = uint32(layers.ProtocolFamilyIPv6BSD)
		}
		binary.LittleEndian.PutUint32(head, fam)
	case layers.LinkTypeLoop:
		head = make([]byte, 4)
		fam := uint32(layers.ProtocolFamilyIPv4)
		if v6 {
			fam = uint32(layers.ProtocolFamilyIPv6BSD)
		}
		binary.BigEndian.PutUint32(head, fam)
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
	default:
		t.Fatalf("no frame for link type %d", lt)
	}
	return append(head, ip...)
}

// pcapOf writes frames as a pcap file.
func pcapOf(t testing.TB, lt layers.LinkType, frames ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriterNanos(&b)
	require.NoError(t, w.WriteFileHeader(65536, lt))
	for i, f := range frames {
		require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: epoch.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(f), Length: len(f)}, f))
	}
	return b.Bytes()
}

func TestReadEveryLinkType(t *testing.T) {
	for _, lt := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
		layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeRaw} {
		for _, v6 := range []bool{false, true} {
			c, s := client4, server4
			if v6 {
				c, s = client6, server6
			}
			t.Run(fmt.Sprintf("%s/ipv6=%v", lt, v6), func(t *testing.T) {
				syn := pkt{src: c, dst: s, flags: SYN, seq: 4294967290}
				data := pkt{src: s, dst: c, flags: ACK | PSH, seq: 7, ack: 4294967291, text: 100}
				capt, err := Read("x.pcap", bytes.NewReader(pcapOf(t, lt, frame(t, lt, syn), frame(t, lt, data))))
				require.NoError(t, err)
				require.Equal(t, 2, capt.Frames)
				require.Zero(t, capt.Skipped)
				require.Len(t, capt.Segments, 2)
				g := capt.Segments[0]
				require.Equal(t, Segment{Frame: 1, Time: epoch, Src: c, Dst: s, Seq: 4294967290, Flags: SYN, Window: 65535}, g)
				g = capt.Segments[1]
				require.Equal(t, 2, g.Frame)
				require.Equal(t, epoch.Add(time.Millisecond), g.Time)
				require.Equal(t, s, g.Src)
				require.Equal(t, ACK|PSH, g.Flags)
				require.Equal(t, uint32(4294967291), g.Ack)
				require.Equal(t, 100, g.Len)
				require.Equal(t, uint32(100), g.SeqLen())
			})
		}
	}
}

func TestReadPcapngWithTwoLinkTypes(t *testing.T) {
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&b, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 65536}, pcapgo.DefaultNgWriterOptions)
	require.NoError(t, err)
	lo, err := w.AddInterface(pcapgo.NgInterface{Name: "any", LinkType: layers.LinkTypeLinuxSLL2, SnapLength: 65536})
	require.NoError(t, err)
	a := frame(t, layers.LinkTypeEthernet, pkt{src: client4, dst: server4, flags: SYN, seq: 1})
	bb := frame(t, layers.LinkTypeLinuxSLL2, pkt{src: server6, dst: client6, flags: SYN | ACK, seq: 9, ack: 2})
	require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: epoch, CaptureLength: len(a), Length: len(a), InterfaceIndex: 0}, a))
	require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: epoch, CaptureLength: len(bb), Length: len(bb), InterfaceIndex: lo}, bb))
	require.NoError(t, w.Flush())
	capt, err := Read("x.pcapng", &b)
	require.NoError(t, err)
	require.Len(t, capt.Segments, 2)
	require.Equal(t, SYN, capt.Segments[0].Flags)
	require.Equal(t, server6, capt.Segments[1].Src)
	require.Equal(t, SYN|ACK, capt.Segments[1].Flags)
}

func TestReadSkipsOtherProtocols(t *testing.T) {
	udp := &layers.UDP{SrcPort: 53, DstPort: 5353}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: client4.Addr().AsSlice(), DstIP: server4.Addr().AsSlice()}
	require.NoError(t, udp.SetNetworkLayerForChecksum(ip))
	buf := gopacket.NewSerializeBuffer()
	require.NoError(t, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, udp))
	tcp := frame(t, layers.LinkTypeRaw, pkt{src: client4, dst: server4, flags: SYN, seq: 1})
	capt, err := Read("x.pcap", bytes.NewReader(pcapOf(t, layers.LinkTypeRaw, buf.Bytes(), tcp)))
	require.NoError(t, err)
	require.Equal(t, 2, capt.Frames)
	require.Equal(t, 1, capt.Skipped)
	require.Equal(t, 2, capt.Segments[0].Frame, "frames are numbered as the capture numbers them, skipped ones included")
}

// TestReadSnapLength: a frame cut short by the snap length after the TCP
// header keeps the text length its IP header gives.
func TestReadSnapLength(t *testing.T) {
	f := frame(t, layers.LinkTypeRaw, pkt{src: client4, dst: server4, flags: ACK, seq: 5, ack: 6, text: 1000})
	cut := f[:40+10]
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	require.NoError(t, w.WriteFileHeader(50, layers.LinkTypeRaw))
	require.NoError(t, w.WritePacket(gopacket.CaptureInfo{Timestamp: epoch, CaptureLength: len(cut), Length: len(f)}, cut))
	capt, err := Read("x.pcap", &b)
	require.NoError(t, err)
	require.Equal(t, 1000, capt.Segments[0].Len)
}

func TestReadErrors(t *testing.T) {
	good := pcapOf(t, layers.LinkTypeRaw,
		frame(t, layers.LinkTypeRaw, pkt{src: client4, dst: server4, flags: SYN, seq: 1}),
		frame(t, layers.LinkTypeRaw, pkt{src: server4, dst: client4, flags: SYN | ACK, seq: 9, ack: 2}))
	// The second frame starts after the 24-byte file header, the first
	// frame's 16-byte record header and its 40 bytes.
	second := int64(24 + 16 + 40)
	tcpCut := frame(t, layers.LinkTypeRaw, pkt{src: client4, dst: server4, flags: SYN, seq: 1})[:30]
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "x: byte offset 0: not a capture: the file has 0 bytes; expected a pcap or pcapng file header"},
		{"text", []byte("GET / HTTP/1.1\r\n"), "x: byte offset 0: not a capture: the file starts with 47 45 54 20; expected a pcap magic number (a1b2c3d4 or a1b23c4d, either byte order) or pcapng's 0a0d0d0a"},
		{"header cut short", good[:10], "x: byte offset 0: not a readable pcap file"},
		{"truncated in the second frame", good[:len(good)-5], fmt.Sprintf("x: frame 2 (byte offset %d): the frame is cut short: the file ends inside it (a truncated capture)", second)},
		{"unsupported link type", pcapOf(t, layers.LinkTypeIEEE802_11, good[24+16:24+16+40]), "x: frame 1 (byte offset 24): link type 105 (802.11) is not supported: expected Ethernet (1), Linux cooked capture SLL (113) or SLL2 (276), raw IP (101, 228, 229) or BSD loopback (0, 108)"},
		{"TCP header cut short", pcapOf(t, layers.LinkTypeRaw, tcpCut), "x: frame 1 (byte offset 24): its TCP header is cut short or malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read("x", bytes.NewReader(tc.data))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			var ce *Error
			require.ErrorAs(t, err, &ce)
		})
	}
}
