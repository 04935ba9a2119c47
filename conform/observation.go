package conform

import (
	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/spec"
)

// part is one abstract segment that a captured segment stands for.
type part struct {
	flags    spec.Flags
	seq, ack number
	// resetReply marks a RST,ACK with SEQ=0: the reply of an endpoint
	// without a TCB (RFC 9293 section 3.10.7.1), which counts in no ISN.
	resetReply bool
}

// observation is a captured segment mapped onto the abstraction.
type observation struct {
	seg  *capture.Segment
	side int
	// parts are the abstract segments it carries, in sequence order: one,
	// or two when its text completes the sender's text and a FIN follows
	// it in the same segment.
	parts  [2]part
	nparts int
	// ackLike: a pure ACK, or text that does not complete the sender's
	// text. Either may be an ACK the sender sends whenever it is
	// synchronized (see Check's documentation).
	ackLike bool
	// segs are the parts as the table's segments (with the model epoch
	// of a number being the index of its ISN in the capture), and
	// valid[i] is false for a part with a number no abstract segment
	// carries.
	segs  [2]spec.Segment
	valid [2]bool
	// retransmit is, for partial text, the table's retransmission of the
	// abstract octet with the same acknowledgment.
	retransmit spec.Segment
	// forms are the interned segments it stands for (search.intern): the
	// valid parts, and for partial text its retransmission too.
	forms []int16
	// partialData: text that does not complete the sender's text. Once
	// the abstract octet is sent, such a segment is also a retransmission
	// of it.
	partialData bool
}

// captureFlags maps a TCP header's control bits onto the table's.
func captureFlags(f capture.Flags) spec.Flags {
	var out spec.Flags
	for _, m := range []struct {
		c capture.Flags
		s spec.Flags
	}{{capture.SYN, spec.SYN}, {capture.ACK, spec.ACK}, {capture.FIN, spec.FIN}, {capture.RST, spec.RST}} {
		if f.Has(m.c) {
			out |= m.s
		}
	}
	return out
}

// observe maps a captured segment onto the abstraction (see mapNumber for
// how text is collapsed).
func (n *numbering) observe(s *capture.Segment, side int) observation {
	o := n.parts(s, side)
	for i := 0; i < o.nparts; i++ {
		o.segs[i], o.valid[i] = o.parts[i].segment()
	}
	if o.partialData {
		o.retransmit = o.segs[0]
		o.retransmit.Flags |= spec.Data
	}
	return o
}

// segment returns the table's segment that p stands for.
func (p part) segment() (spec.Segment, bool) {
	seg := spec.Segment{Flags: p.flags}
	ok := true
	if p.flags.Has(spec.ACK) {
		seg.Ack = spec.Seq{Epoch: uint8(p.ack.isn), Off: p.ack.off}
		ok = p.ack.ok
	}
	if !p.resetReply {
		seg.Seq = spec.Seq{Epoch: uint8(p.seq.isn), Off: p.seq.off}
		ok = ok && p.seq.ok
	}
	return seg, ok
}

// parts finds the abstract segments a captured segment carries.
func (n *numbering) parts(s *capture.Segment, side int) observation {
	o := observation{seg: s, side: side}
	flags := captureFlags(s.Flags)
	p := part{flags: flags}
	if flags.Has(spec.ACK) {
		p.ack = n.mapNumber(1-side, s.Ack, s.Frame)
	}
	if flags == spec.RST|spec.ACK && s.Seq == 0 && s.Len == 0 {
		p.resetReply = true
		o.parts[0], o.nparts = p, 1
		return o
	}
	p.seq = n.mapNumber(side, s.Seq, s.Frame)
	if s.Len == 0 || flags.Has(spec.SYN) {
		// A SYN with text (TCP Fast Open) is outside the table: its text
		// is not marked, so the SYN matches no row's segment and the
		// frame is reported as a deviation.
		if s.Len > 0 {
			p.flags |= spec.Data
		}
		o.parts[0], o.nparts = p, 1
		o.ackLike = flags == spec.ACK
		return o
	}
	end := n.mapNumber(side, s.Seq+uint32(s.Len), s.Frame)
	completes := end.ok && p.seq.ok && end.isn == p.seq.isn && end.off == p.seq.off+1
	if !completes {
		// Text short of the end of the sender's text: the abstract octet
		// is not yet wholly sent, so the segment stands for what its
		// header says besides the text.
		p.flags &^= spec.FIN
		o.parts[0], o.nparts = p, 1
		o.ackLike = flags&^spec.FIN == spec.ACK
		o.partialData = true
		return o
	}
	data := p
	data.flags = flags&^spec.FIN | spec.Data
	o.parts[0], o.nparts = data, 1
	if flags.Has(spec.FIN) {
		fin := p
		fin.flags = flags &^ spec.Data
		fin.seq = end
		o.parts[1], o.nparts = fin, 2
	}
	return o
}
