package spec

import (
	"fmt"
	"strings"
)

// Flags are the control bits of a segment that matter to connection
// management, plus Data, which marks a segment that carries text.
type Flags uint8

// The control bits. Data is not a TCP header bit: it marks a segment whose
// text is non-empty, because RFC 9293 section 3.10.7 processes text as one of
// its checks.
const (
	SYN Flags = 1 << iota
	ACK
	FIN
	RST
	Data
	allFlags = SYN | ACK | FIN | RST | Data
)

var flagNames = []struct {
	f    Flags
	name string
}{{SYN, "SYN"}, {RST, "RST"}, {FIN, "FIN"}, {ACK, "ACK"}, {Data, "DATA"}}

// Has reports whether every flag of g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Any reports whether some flag of g is set in f.
func (f Flags) Any(g Flags) bool { return f&g != 0 }

// String lists the control bits as RFC 9293's figures do ("SYN,ACK"),
// followed by "+DATA" when the segment carries text; "none" when empty.
func (f Flags) String() string {
	var parts []string
	for _, fn := range flagNames {
		if fn.f != Data && f.Has(fn.f) {
			parts = append(parts, fn.name)
		}
	}
	s := strings.Join(parts, ",")
	if f.Has(Data) {
		if s == "" {
			return "DATA"
		}
		return s + "+DATA"
	}
	if s == "" {
		return "none"
	}
	return s
}

// ParseFlags parses a comma- or plus-separated list of flag names
// ("SYN,ACK", "ack+data"), case-insensitively; "none" is the empty set, as
// Flags.String prints it.
func ParseFlags(s string) (Flags, error) {
	var f Flags
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return 0, nil
	}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '+' || r == '|' || r == ' ' }) {
		found := false
		for _, fn := range flagNames {
			if strings.EqualFold(p, fn.name) {
				f |= fn.f
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown flag %q (expected SYN, ACK, FIN, RST or DATA)", p)
		}
	}
	return f, nil
}

// Seq is an abstract sequence number: an offset from an initial sequence
// number, where the ISN is named by its epoch. See the package
// documentation for why this is faithful for connection management.
type Seq struct {
	// Epoch names the ISN this number counts from. Every incarnation of a
	// connection picks a fresh ISN, so the epoch is in effect the
	// incarnation of the sending side.
	Epoch uint8
	// Off is the distance from the ISN: 0 is the SYN, DataOff the single
	// abstract byte of text, and the FIN follows the text.
	Off uint8
}

// DataOff is the offset of the abstract byte of text that SEND transmits.
const DataOff = 1

// Add returns the sequence number n places after s.
func (s Seq) Add(n uint8) Seq { return Seq{Epoch: s.Epoch, Off: s.Off + n} }

// String renders the number as "e<epoch>+<off>".
func (s Seq) String() string { return fmt.Sprintf("e%d+%d", s.Epoch, s.Off) }

// Segment is a TCP segment reduced to what connection management reads:
// its control bits, its sequence number and (when ACK is set) its
// acknowledgment number.
type Segment struct {
	Flags Flags
	Seq   Seq
	Ack   Seq // meaningful only when Flags has ACK
}

// IsResetReply reports whether the segment is the RST,ACK that a CLOSED
// endpoint sends for a segment without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN>.
// Its SEQ is the zero Seq. A RST,ACK that a TCB sends (Linux's ABORT)
// carries SND.NXT, which lies past the ISN, so the two never meet.
func (s Segment) IsResetReply() bool { return s.Flags&^Data == RST|ACK && s.Seq == Seq{} }

// Len is SEG.LEN: the sequence space the segment occupies, counting SYN
// and FIN (RFC 9293 section 3.4).
func (s Segment) Len() uint8 {
	var n uint8
	if s.Flags.Has(SYN) {
		n++
	}
	if s.Flags.Has(Data) {
		n++
	}
	if s.Flags.Has(FIN) {
		n++
	}
	return n
}

// String renders the segment in abstract form, for example
// "<SEQ=e0+0><ACK=e1+1><CTL=SYN,ACK>". Use a Numbering to render it with
// concrete numbers as the RFC figures do.
func (s Segment) String() string { return Numbering(nil).Format(s) }

// Numbering maps epochs to concrete initial sequence numbers, so that a
// segment can be printed exactly as RFC 9293's figures print it. Epochs
// without an entry count from 0.
type Numbering map[uint8]uint32

// Number returns the concrete sequence number for s.
func (n Numbering) Number(s Seq) uint32 { return n[s.Epoch] + uint32(s.Off) }

// Format renders a segment as "<SEQ=100><ACK=301><CTL=SYN,ACK>", adding
// "<DATA>" for a segment with text, in the notation of RFC 9293 section 3.5.
func (n Numbering) Format(s Segment) string {
	var b strings.Builder
	num := func(q Seq) string {
		if n == nil {
			return q.String()
		}
		return fmt.Sprint(n.Number(q))
	}
	fmt.Fprintf(&b, "<SEQ=%s>", num(s.Seq))
	if s.Flags.Has(ACK) {
		fmt.Fprintf(&b, "<ACK=%s>", num(s.Ack))
	}
	ctl := (s.Flags &^ Data).String()
	if ctl != "none" {
		fmt.Fprintf(&b, "<CTL=%s>", ctl)
	}
	if s.Flags.Has(Data) {
		b.WriteString("<DATA>")
	}
	return b.String()
}

// FormatBetween renders a segment whose SEQ counts in the sender's
// numbering and whose ACK counts in the receiver's, as traces between two
// endpoints need.
func FormatBetween(s Segment, sender, receiver Numbering) string {
	var b strings.Builder
	if s.IsResetReply() {
		// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>: the reply of a
		// TCB-less endpoint has no sequence space to count in.
		b.WriteString("<SEQ=0>")
	} else {
		fmt.Fprintf(&b, "<SEQ=%d>", sender.Number(s.Seq))
	}
	if s.Flags.Has(ACK) {
		fmt.Fprintf(&b, "<ACK=%d>", receiver.Number(s.Ack))
	}
	if ctl := (s.Flags &^ Data).String(); ctl != "none" {
		fmt.Fprintf(&b, "<CTL=%s>", ctl)
	}
	if s.Flags.Has(Data) {
		b.WriteString("<DATA>")
	}
	return b.String()
}
