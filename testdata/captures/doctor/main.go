// Command doctor writes the doctored captures of testdata/captures/doctored:
// copies of captures of the corpus in which exactly one TCP segment is
// edited so that the edited frame itself is one no run of TCP sends, for
// tests that conform reports a deviation at that frame (and nowhere
// earlier). Run it from the repository's root:
//
//	go run ./testdata/captures/doctor
//
// Each edit names its source capture, the frame (numbered from 1, as
// tcpdump -# numbers frames) and what that frame must be before the edit,
// so that the program fails rather than edits the wrong segment if the
// corpus is recorded anew. If the edited segment's TCP checksum was
// right, it is recomputed. Most segments of the corpus were captured
// before the network card (or veth) would compute theirs, and hold only
// the sum of the IP pseudo header, which the edits do not change: those
// are left as they are (tcpdump -vv calls them incorrect, as it does
// their neighbours). Every other byte of the capture, the file header, the
// record headers and timestamps included, is copied unchanged: the output
// is the same bytes on every run.
//
// The captures must be classic pcap files (either byte order, micro- or
// nanosecond timestamps) of link type Ethernet, carrying IPv4 or IPv6, as
// generate.sh records them.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// TCP's control bits, in the 14th byte of its header.
const (
	finFlag = 0x01
	synFlag = 0x02
	rstFlag = 0x04
	pshFlag = 0x08
	ackFlag = 0x10
)

// seg is a TCP segment inside a frame: tcp is its header and text (the
// frame's bytes, to edit in place), and pseudo the sum of its IP pseudo
// header, for the checksum.
type seg struct {
	tcp    []byte
	pseudo uint32
}

func (s *seg) flags() byte      { return s.tcp[13] }
func (s *seg) setFlags(f byte)  { s.tcp[13] = f }
func (s *seg) seq() uint32      { return binary.BigEndian.Uint32(s.tcp[4:]) }
func (s *seg) ack() uint32      { return binary.BigEndian.Uint32(s.tcp[8:]) }
func (s *seg) setAck(a uint32)  { binary.BigEndian.PutUint32(s.tcp[8:], a) }
func (s *seg) textLen() int     { return len(s.tcp) - int(s.tcp[12]>>4)*4 }
func (s *seg) has(f byte) bool  { return s.flags()&f == f }
func (s *seg) only(f byte) bool { return s.flags() == f }

// edit is one doctored capture.
type edit struct {
	out, from string
	frame     int
	// check says what is wrong if the frame is not the segment the edit
	// means, and do edits it. Both may look at the capture's other
	// segments, by frame number.
	check func(s *seg, all map[int]*seg) error
	do    func(s *seg, all map[int]*seg)
}

var edits = []edit{
	{
		// The client's first data segment acknowledges 1000 bytes the
		// server never sent.
		out: "ack-of-unsent.path.pcap", from: "client-closes-first.path.pcap", frame: 4,
		check: func(s *seg, _ map[int]*seg) error {
			return want(s.only(pshFlag|ackFlag) && s.textLen() > 0, "a data segment (PSH,ACK)")
		},
		do: func(s *seg, _ map[int]*seg) { s.setAck(s.ack() + 1000) },
	},
	{
		// The RST that refuses a SYN acknowledges the SYN's own sequence
		// number, not the SYN: RFC 9293 3.10.7.1 has it acknowledge
		// SEG.SEQ+SEG.LEN.
		out: "reset-reply-ack.client.pcap", from: "refused.client.pcap", frame: 2,
		check: func(s *seg, all map[int]*seg) error {
			return want(s.only(rstFlag|ackFlag) && all[1] != nil && all[1].only(synFlag) && s.ack() == all[1].seq()+1, "a RST,ACK acknowledging the SYN of frame 1")
		},
		do: func(s *seg, all map[int]*seg) { s.setAck(all[1].seq()) },
	},
	{
		// The server's FIN loses its ACK bit: past the handshake, every
		// segment but a RST carries one.
		out: "fin-without-ack.path.pcap", from: "server-closes-first.path.pcap", frame: 8,
		check: func(s *seg, _ map[int]*seg) error { return want(s.only(finFlag|ackFlag), "a FIN,ACK") },
		do:    func(s *seg, _ map[int]*seg) { s.setFlags(s.flags() &^ ackFlag) },
	},
	{
		// The server's FIN also carries RST: no row of the table sends
		// both.
		out: "rst-on-fin.path.pcap", from: "lost-final-ack.path.pcap", frame: 9,
		check: func(s *seg, _ map[int]*seg) error { return want(s.only(finFlag|ackFlag), "a FIN,ACK") },
		do:    func(s *seg, _ map[int]*seg) { s.setFlags(s.flags() | rstFlag) },
	},
	{
		// The server's FIN also carries SYN, with a sequence number the
		// client already acknowledged in frame 7 (which must still count
		// from the server's first ISN).
		out: "syn-on-fin.path.pcap", from: "lost-final-ack.path.pcap", frame: 9,
		check: func(s *seg, _ map[int]*seg) error { return want(s.only(finFlag|ackFlag), "a FIN,ACK") },
		do:    func(s *seg, _ map[int]*seg) { s.setFlags(s.flags() | synFlag) },
	},
}

func want(ok bool, what string) error {
	if ok {
		return nil
	}
	return fmt.Errorf("expected %s", what)
}

func main() {
	corpus := flag.String("corpus", "testdata/captures/corpus", "the directory of the captures to doctor")
	out := flag.String("out", "testdata/captures/doctored", "the directory to write the doctored captures into")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	for _, e := range edits {
		data, err := os.ReadFile(filepath.Join(*corpus, e.from))
		if err != nil {
			fail(fmt.Errorf("%v (run go run ./testdata/captures/doctor from the repository's root)", err))
		}
		doctored, err := apply(data, e)
		if err != nil {
			fail(fmt.Errorf("%s: frame %d: %v", e.from, e.frame, err))
		}
		path := filepath.Join(*out, e.out)
		if err := os.WriteFile(path, doctored, 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("%s: %s with frame %d edited\n", path, e.from, e.frame)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "doctor: %v\n", err)
	os.Exit(1)
}

// apply returns a copy of the capture data with e's edit made.
func apply(data []byte, e edit) ([]byte, error) {
	data = bytes.Clone(data)
	frames, err := frames(data)
	if err != nil {
		return nil, err
	}
	all := map[int]*seg{}
	for i, f := range frames {
		s, err := tcpOf(f)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %v", i+1, err)
		}
		if s != nil {
			all[i+1] = s
		}
	}
	s := all[e.frame]
	if s == nil {
		return nil, errors.New("no TCP segment there")
	}
	if err := e.check(s, all); err != nil {
		return nil, err
	}
	valid := s.checksumOK()
	e.do(s, all)
	if valid {
		s.fixChecksum()
	}
	return data, nil
}

// frames splits a classic pcap file into its frames' bytes (slices of
// data, so that edits to them edit data).
func frames(data []byte) ([][]byte, error) {
	if len(data) < 24 {
		return nil, errors.New("not a pcap file: shorter than its header")
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(data) {
	case 0xA1B2C3D4, 0xA1B23C4D:
		bo = binary.LittleEndian
	case 0xD4C3B2A1, 0x4D3CB2A1:
		bo = binary.BigEndian
	default:
		return nil, errors.New("not a classic pcap file (pcapng is not supported)")
	}
	if lt := bo.Uint32(data[20:]) & 0xFFFF; lt != 1 {
		return nil, fmt.Errorf("link type %d: expected Ethernet (1)", lt)
	}
	var out [][]byte
	for off := 24; off < len(data); {
		if off+16 > len(data) {
			return nil, fmt.Errorf("frame %d: its record header is cut short", len(out)+1)
		}
		n := int(bo.Uint32(data[off+8:]))
		off += 16
		if off+n > len(data) {
			return nil, fmt.Errorf("frame %d: cut short", len(out)+1)
		}
		out = append(out, data[off:off+n:off+n])
		off += n
	}
	return out, nil
}

// tcpOf finds the TCP segment of an Ethernet frame: nil if it carries
// none, an error if it is cut short (by the snap length, say), as then
// its checksum cannot be recomputed.
func tcpOf(f []byte) (*seg, error) {
	if len(f) < 14 {
		return nil, nil
	}
	etherType, ip := binary.BigEndian.Uint16(f[12:]), f[14:]
	for etherType == 0x8100 && len(ip) >= 4 { // 802.1Q tags
		etherType, ip = binary.BigEndian.Uint16(ip[2:]), ip[4:]
	}
	var tcp []byte
	var pseudo uint32
	switch etherType {
	case 0x0800:
		if len(ip) < 20 || ip[0]>>4 != 4 || ip[9] != 6 {
			return nil, nil
		}
		hl, total := int(ip[0]&0x0F)*4, int(binary.BigEndian.Uint16(ip[2:]))
		if total > len(ip) || hl < 20 || hl > total {
			return nil, errors.New("its IPv4 packet is cut short")
		}
		tcp = ip[hl:total]
		pseudo = sum(ip[12:20]) + 6 + uint32(len(tcp))
	case 0x86DD:
		// Extension headers are not followed: generate.sh's captures
		// have none.
		if len(ip) < 40 || ip[6] != 6 {
			return nil, nil
		}
		total := 40 + int(binary.BigEndian.Uint16(ip[4:]))
		if total > len(ip) {
			return nil, errors.New("its IPv6 packet is cut short")
		}
		tcp = ip[40:total]
		pseudo = sum(ip[8:40]) + 6 + uint32(len(tcp))
	default:
		return nil, nil
	}
	if len(tcp) < 20 || int(tcp[12]>>4)*4 < 20 || int(tcp[12]>>4)*4 > len(tcp) {
		return nil, errors.New("its TCP header is cut short")
	}
	return &seg{tcp: tcp, pseudo: pseudo}, nil
}

// sum adds b up as big-endian 16-bit words, as the Internet checksum
// does, without folding the carries.
func sum(b []byte) uint32 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	return s
}

// fold folds the carries of a sum into 16 bits.
func fold(c uint32) uint16 {
	for c>>16 != 0 {
		c = c&0xFFFF + c>>16
	}
	return uint16(c)
}

// checksumOK reports whether the TCP checksum of s is right.
func (s *seg) checksumOK() bool { return fold(s.pseudo+sum(s.tcp)) == 0xFFFF }

// fixChecksum recomputes the TCP checksum of s.
func (s *seg) fixChecksum() {
	s.tcp[16], s.tcp[17] = 0, 0
	binary.BigEndian.PutUint16(s.tcp[16:], ^fold(s.pseudo+sum(s.tcp)))
}
