package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// The first four bytes of the formats Read understands.
const (
	pcapngMagic = 0x0A0D0D0A
	// pcap's, in the order its byte order and time resolution vary.
	pcapMicro, pcapMicroSwapped = 0xA1B2C3D4, 0xD4C3B2A1
	pcapNano, pcapNanoSwapped   = 0xA1B23C4D, 0x4D3CB2A1
)

// supported lists the link types Read decodes, for messages.
const supported = "Ethernet (1), Linux cooked capture SLL (113) or SLL2 (276), raw IP (101, 228, 229) or BSD loopback (0, 108)"

// packetSource is what pcapgo's pcap and pcapng readers have in common.
type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// countingReader counts the bytes read through it, so that an error can
// name the byte offset of the frame it is in.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Read reads a pcap or pcapng capture from r, called name in messages,
// and returns its TCP segments. A capture it cannot read is an *Error.
func Read(name string, r io.Reader) (*Capture, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReader(cr)
	head, err := br.Peek(4)
	if err != nil {
		return nil, &Error{Name: name, Msg: fmt.Sprintf("not a capture: the file has %d bytes; expected a pcap or pcapng file header", len(head))}
	}
	// The offset of what br has handed out: what cr read less what br
	// still buffers.
	offset := func() int64 { return cr.n - int64(br.Buffered()) }

	var src packetSource
	var linkOf func(ci *gopacket.CaptureInfo) layers.LinkType
	switch magic := binary.LittleEndian.Uint32(head); magic {
	case pcapngMagic:
		// tcpdump -i any and Wireshark write one interface description per
		// interface, each with its own link type, and every section
		// counts: take them all.
		opts := pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true}
		ng, err := pcapgo.NewNgReader(br, opts)
		if err != nil {
			return nil, &Error{Name: name, Msg: fmt.Sprintf("not a readable pcapng file: %v", err)}
		}
		src = ng
		linkOf = func(ci *gopacket.CaptureInfo) layers.LinkType {
			// With mixed link types, the reader gives each packet's in
			// its ancillary data.
			if len(ci.AncillaryData) > 0 {
				if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
					return lt
				}
			}
			return ng.LinkType()
		}
	case pcapMicro, pcapMicroSwapped, pcapNano, pcapNanoSwapped:
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, &Error{Name: name, Msg: fmt.Sprintf("not a readable pcap file: %v", err)}
		}
		src = pr
		linkOf = func(*gopacket.CaptureInfo) layers.LinkType { return pr.LinkType() }
	default:
		return nil, &Error{Name: name, Msg: fmt.Sprintf("not a capture: the file starts with %02x %02x %02x %02x; expected a pcap magic number (a1b2c3d4 or a1b23c4d, either byte order) or pcapng's 0a0d0d0a",
			head[0], head[1], head[2], head[3])}
	}

	c := &Capture{Name: name}
	d := newDecoder()
	for {
		start := offset()
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		frame := c.Frames + 1
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, &Error{Name: name, Frame: frame, Offset: start, Msg: "the frame is cut short: the file ends inside it (a truncated capture)"}
			}
			return nil, &Error{Name: name, Frame: frame, Offset: start, Msg: fmt.Sprintf("cannot read the frame: %v", err)}
		}
		c.Frames = frame
		seg, ok, err := d.decode(linkOf(&ci), data)
		if err != nil {
			return nil, &Error{Name: name, Frame: frame, Offset: start, Msg: err.Error()}
		}
		if !ok {
			c.Skipped++
			continue
		}
		seg.Frame, seg.Time = frame, ci.Timestamp
		c.Segments = append(c.Segments, seg)
	}
}

// decoder decodes frames into TCP segments without allocating per frame.
type decoder struct {
	eth    layers.Ethernet
	vlan   layers.Dot1Q
	sll    layers.LinuxSLL
	sll2   layers.LinuxSLL2
	loop   layers.Loopback
	ip4    layers.IPv4
	ip6    layers.IPv6
	tcp    layers.TCP
	parser map[gopacket.LayerType]*gopacket.DecodingLayerParser
	layers []gopacket.LayerType
}

func newDecoder() *decoder {
	d := &decoder{parser: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}}
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL, layers.LayerTypeLinuxSLL2,
		layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first, &d.eth, &d.vlan, &d.sll, &d.sll2, &d.loop, &d.ip4, &d.ip6, &d.tcp)
		// A frame of another protocol ends the parse without an error:
		// it is skipped.
		p.IgnoreUnsupported = true
		d.parser[first] = p
	}
	return d
}

// firstLayer is the layer a frame of a link type starts with.
func firstLayer(lt layers.LinkType, data []byte) (gopacket.LayerType, error) {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet, nil
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL, nil
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2, nil
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback, nil
	case layers.LinkTypeIPv4:
		return layers.LayerTypeIPv4, nil
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6, nil
	case layers.LinkTypeRaw, 12, 14:
		// Raw IP (101; 12 and 14 are older numbers for it): the version
		// nibble says which.
		if len(data) > 0 && data[0]>>4 == 6 {
			return layers.LayerTypeIPv6, nil
		}
		return layers.LayerTypeIPv4, nil
	}
	return 0, fmt.Errorf("link type %s is not supported: expected %s", linkTypeName(lt), supported)
}

// decode decodes one frame. It reports ok = false for a frame that
// carries no TCP segment, and an error for one whose TCP segment is cut
// short or malformed.
func (d *decoder) decode(lt layers.LinkType, data []byte) (seg Segment, ok bool, err error) {
	first, err := firstLayer(lt, data)
	if err != nil {
		return seg, false, err
	}
	derr := d.parser[first].DecodeLayers(data, &d.layers)
	var ipProto layers.IPProtocol
	var src, dst netip.Addr
	var ipPayload int = -1
	haveTCP := false
	for _, l := range d.layers {
		switch l {
		case layers.LayerTypeIPv4:
			ipProto = d.ip4.Protocol
			src, _ = netip.AddrFromSlice(d.ip4.SrcIP.To4())
			dst, _ = netip.AddrFromSlice(d.ip4.DstIP.To4())
			if d.ip4.Length > 0 {
				ipPayload = int(d.ip4.Length) - int(d.ip4.IHL)*4
			}
		case layers.LayerTypeIPv6:
			ipProto = d.ip6.NextHeader
			src, _ = netip.AddrFromSlice(d.ip6.SrcIP.To16())
			dst, _ = netip.AddrFromSlice(d.ip6.DstIP.To16())
			if d.ip6.Length > 0 {
				ipPayload = int(d.ip6.Length)
			}
		case layers.LayerTypeTCP:
			haveTCP = true
		}
	}
	if !haveTCP {
		if derr != nil && ipProto == layers.IPProtocolTCP && !d.isFragment() {
			return seg, false, fmt.Errorf("its TCP header is cut short or malformed: %v", derr)
		}
		return seg, false, nil
	}
	t := &d.tcp
	seg = Segment{
		Src: netip.AddrPortFrom(src, uint16(t.SrcPort)), Dst: netip.AddrPortFrom(dst, uint16(t.DstPort)),
		Seq: t.Seq, Ack: t.Ack, Window: t.Window, Len: len(t.Payload),
	}
	for _, f := range []struct {
		on bool
		f  Flags
	}{{t.FIN, FIN}, {t.SYN, SYN}, {t.RST, RST}, {t.PSH, PSH}, {t.ACK, ACK}, {t.URG, URG}, {t.ECE, ECE}, {t.CWR, CWR}} {
		if f.on {
			seg.Flags |= f.f
		}
	}
	// The text may be cut short by the snap length; the IP header says how
	// long it was (0 there means a segment offloaded to the card, whose
	// length the capture does not know better than its bytes).
	if n := ipPayload - int(t.DataOffset)*4; ipPayload >= 0 && n >= seg.Len {
		seg.Len = n
	}
	return seg, true, nil
}

// isFragment reports whether the IPv4 header decoded last is a fragment,
// whose TCP header, if any, is not in this frame to decode.
func (d *decoder) isFragment() bool {
	for _, l := range d.layers {
		if l == layers.LayerTypeIPv4 {
			return d.ip4.FragOffset != 0 || d.ip4.Flags&layers.IPv4MoreFragments != 0
		}
	}
	return false
}

// linkTypeName names a link type by its number, with gopacket's name for
// it when gopacket knows one.
func linkTypeName(lt layers.LinkType) string {
	if name := lt.String(); name != "" && name != "UnknownLinkType" {
		return fmt.Sprintf("%d (%s)", uint16(lt), name)
	}
	return fmt.Sprint(uint16(lt))
}
