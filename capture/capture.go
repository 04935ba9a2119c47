// Package capture reads packet captures (pcap and pcapng) and gives the
// TCP segments in them, split into connections: what tcpcheck's conform
// command checks against the transition table.
//
// Read takes a capture's bytes from a reader. It understands the link
// types a TCP capture on Linux or a BSD comes in: Ethernet (with 802.1Q
// VLAN tags), Linux cooked capture v1 and v2 (SLL, SLL2, as tcpdump -i any
// writes them), raw IP, and BSD loopback (the null and loop link types),
// each carrying IPv4 or IPv6. Frames that carry no TCP (ARP, UDP, ICMP,
// fragments after the first) are counted and skipped; a frame that
// claims to carry TCP but is cut short is an error, naming the frame (as
// tcpdump -# and Wireshark number them, from 1) and its byte offset in
// the file. Segments keep the capture's own numbers and times: mapping
// them onto the model's abstraction is the conformance checker's job.
//
// Split groups segments by connection: by the 4-tuple, and within a
// 4-tuple by incarnation, where a SYN that carries a new initial sequence
// number from the side that opened the connection starts the next one.
package capture

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Flags are a TCP header's control bits.
type Flags uint16

// The control bits, as the TCP header lays them out (RFC 9293 section
// 3.1; ECE and CWR from RFC 3168).
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

var flagNames = []struct {
	f    Flags
	name string
}{{SYN, "SYN"}, {RST, "RST"}, {FIN, "FIN"}, {PSH, "PSH"}, {ACK, "ACK"}, {URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"}}

// Has reports whether every flag of g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// String lists the flags as RFC 9293's figures do ("SYN,ACK"), or "none".
func (f Flags) String() string {
	var parts []string
	for _, fn := range flagNames {
		if f.Has(fn.f) {
			parts = append(parts, fn.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// Segment is one TCP segment as the capture saw it.
type Segment struct {
	// Frame is the frame's number in the capture, from 1, as tcpdump -#
	// and Wireshark number frames.
	Frame int
	// Time is when the capture saw the frame.
	Time time.Time
	// Src and Dst are the sender's and the receiver's address and port.
	Src, Dst netip.AddrPort
	// Seq and Ack are SEG.SEQ and SEG.ACK (Ack is meaningful only with
	// the ACK flag).
	Seq, Ack uint32
	Flags    Flags
	// Len is the length of the segment's text, which the capture may have
	// cut short (the snap length) without cutting the TCP header.
	Len int
	// Window is SEG.WND, unscaled.
	Window uint16
}

// SeqLen is SEG.LEN: the sequence space the segment occupies, counting
// SYN and FIN (RFC 9293 section 3.4).
func (s *Segment) SeqLen() uint32 {
	n := uint32(s.Len)
	if s.Flags.Has(SYN) {
		n++
	}
	if s.Flags.Has(FIN) {
		n++
	}
	return n
}

// String renders the segment as tcpdump-like text: frame, endpoints,
// flags and numbers.
func (s *Segment) String() string {
	out := fmt.Sprintf("#%d %s > %s [%s] seq %d", s.Frame, s.Src, s.Dst, s.Flags, s.Seq)
	if s.Flags.Has(ACK) {
		out += fmt.Sprintf(" ack %d", s.Ack)
	}
	if s.Len > 0 {
		out += fmt.Sprintf(" len %d", s.Len)
	}
	return out
}

// Capture is what Read found in a capture.
type Capture struct {
	// Name is the name the caller gave the capture, for messages.
	Name string
	// Segments are the TCP segments, in the order of the capture.
	Segments []Segment
	// Frames counts every frame; Skipped those that carried no TCP
	// segment (other protocols, or IP fragments after the first).
	Frames, Skipped int
}

// Error is a capture that cannot be read: it names where, and says what
// was found and what was expected.
type Error struct {
	Name string
	// Frame is the frame's number (from 1), or 0 for the file's header.
	Frame int
	// Offset is the byte offset in the file where the frame (or the
	// header) starts.
	Offset int64
	Msg    string
}

func (e *Error) Error() string {
	if e.Frame == 0 {
		return fmt.Sprintf("%s: byte offset %d: %s", e.Name, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: frame %d (byte offset %d): %s", e.Name, e.Frame, e.Offset, e.Msg)
}
