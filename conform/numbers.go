package conform

import (
	"net/netip"

	"github.com/tcpcheck/tcpcheck/capture"
)

// A side of a 4-tuple: sideA is the endpoint that sent the first SYN of
// its first connection in the capture (the client), sideB its peer.
const (
	sideA = 0
	sideB = 1
)

func sideName(s int) string { return [2]string{"A", "B"}[s] }

// sideOf returns the side that sent s.
func sideOf(s *capture.Segment, client netip.AddrPort) int {
	if s.Src == client {
		return sideA
	}
	return sideB
}

// isnInfo is one initial sequence number an endpoint chose, as its SYN
// showed it, and how much text it sent after it.
type isnInfo struct {
	isn   uint32
	frame int
	// data is the length of the text sent from this ISN: up to the FIN's
	// sequence number when a FIN was seen, else up to the end of the
	// furthest text seen.
	data uint32
	fin  bool
}

// number is a captured sequence or acknowledgment number mapped onto the
// abstraction: the index of the ISN it counts from (among its owner's
// ISNs in this capture, in order of first appearance) and the abstract
// offset. ok is false for a number that lies past everything its owner's
// ISN covers, which no abstract segment can carry.
type number struct {
	isn int8
	off uint8
	ok  bool
}

// numbering holds each side's ISNs on one 4-tuple.
type numbering struct {
	isns [2][]isnInfo
}

// newNumbering collects the ISNs each side's SYNs carried and the length
// of the text each ISN's connection sent.
func newNumbering(segs []capture.Segment, client netip.AddrPort) *numbering {
	n := &numbering{}
	for i := range segs {
		s := &segs[i]
		if !s.Flags.Has(capture.SYN) {
			continue
		}
		side := sideOf(s, client)
		if n.isnIndex(side, s.Seq) < 0 {
			n.isns[side] = append(n.isns[side], isnInfo{isn: s.Seq, frame: s.Frame})
		}
	}
	for i := range segs {
		s := &segs[i]
		side := sideOf(s, client)
		k := n.closestISN(side, s.Seq, s.Frame)
		if k < 0 {
			continue
		}
		info := &n.isns[side][k]
		rel := s.Seq - info.isn
		end := rel + uint32(s.Len)
		if s.Flags.Has(capture.SYN) {
			end++
		}
		// The text occupies relative numbers 1 to data.
		switch {
		case s.Flags.Has(capture.FIN) && end >= 1:
			if !info.fin || end-1 < info.data {
				info.data = end - 1
			}
			info.fin = true
		case s.Len > 0 && !info.fin && end >= 1 && end-1 > info.data:
			info.data = end - 1
		}
	}
	return n
}

func (n *numbering) isnIndex(side int, isn uint32) int {
	for k, info := range n.isns[side] {
		if info.isn == isn {
			return k
		}
	}
	return -1
}

// closestISN returns the index of the side's ISN that lies closest below
// v in sequence space (modulo 2^32, within half the space), among those
// whose SYN the capture showed by frame (a number cannot count from an ISN
// no one has seen yet: a SYN lost before the capture point reached no
// one), or -1.
func (n *numbering) closestISN(side int, v uint32, frame int) int {
	best, bestDist := -1, uint32(1<<31)
	for k, info := range n.isns[side] {
		if info.frame > frame {
			continue
		}
		if d := v - info.isn; d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// mapNumber maps v, a number in side's sequence space carried by the
// segment of frame, onto the abstraction. The collapse: the SYN is offset 0; all the text, however
// many octets and segments, is the one abstract octet at offset 1, which
// is acknowledged (offset 2) only once every octet is; the FIN follows at
// the next offset. So a number inside the text (an ACK of part of it, or
// SND.NXT while the text is still being sent) maps to 1: the abstract
// octet is not yet wholly sent or acknowledged.
func (n *numbering) mapNumber(side int, v uint32, frame int) number {
	k := n.closestISN(side, v, frame)
	if k < 0 {
		return number{}
	}
	info := n.isns[side][k]
	rel := v - info.isn
	var off uint32
	switch {
	case rel == 0:
		off = 0
	case info.data == 0:
		off = rel
	case rel <= info.data:
		off = 1
	default:
		off = rel - info.data + 1
	}
	if off > 3 {
		return number{}
	}
	return number{isn: int8(k), off: uint8(off), ok: true}
}
