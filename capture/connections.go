package capture

import (
	"net/netip"
	"sort"
)

// Connection is one incarnation of a connection: the segments of a
// 4-tuple from one ISN selection to the next.
type Connection struct {
	// Client is the endpoint that sent the connection's first SYN without
	// ACK, and Server its peer. When the capture has no such SYN, Client
	// is the receiver of the first SYN,ACK, or else the sender of the
	// first segment, and Midway is set.
	Client, Server netip.AddrPort
	// Incarnation counts the earlier incarnations of the same 4-tuple in
	// the capture, from 0.
	Incarnation int
	// Midway reports that the capture does not show the connection's
	// first SYN: it starts in the middle of the connection.
	Midway bool
	// Segments are the connection's segments, in capture order.
	Segments []Segment
}

// FromClient reports whether the client sent s.
func (c *Connection) FromClient(s *Segment) bool { return s.Src == c.Client }

// tuple names a 4-tuple independently of direction: the two endpoints in
// a fixed order.
type tuple struct{ lo, hi netip.AddrPort }

func tupleOf(s *Segment) tuple {
	if s.Src.Compare(s.Dst) < 0 {
		return tuple{s.Src, s.Dst}
	}
	return tuple{s.Dst, s.Src}
}

// open is an incarnation being collected: the connection and the ISN
// each side's SYN carried, once seen.
type open struct {
	conn *Connection
	isn  map[netip.AddrPort]uint32
}

// Split groups segments by connection and incarnation. Within a 4-tuple,
// a SYN without ACK whose sequence number differs from the ISN its sender
// already chose in the current incarnation starts the next incarnation:
// its sender selected a new ISN (after the connection ended, or taking
// over a TIME-WAIT, or after its host forgot the connection). A
// retransmitted SYN carries the same ISN and stays, and so does the first
// SYN of the other side in a simultaneous open. The connections come in
// the order of their first segment.
func Split(segs []Segment) []*Connection {
	var out []*Connection
	cur := map[tuple]*open{}
	count := map[tuple]int{}
	for i := range segs {
		s := &segs[i]
		t := tupleOf(s)
		o := cur[t]
		if o != nil && s.Flags.Has(SYN) && !s.Flags.Has(ACK) {
			if isn, ok := o.isn[s.Src]; ok && isn != s.Seq {
				o = nil
			}
		}
		if o == nil {
			c := &Connection{Incarnation: count[t]}
			switch {
			case s.Flags.Has(SYN) && !s.Flags.Has(ACK):
				c.Client, c.Server = s.Src, s.Dst
			case s.Flags.Has(SYN):
				c.Client, c.Server, c.Midway = s.Dst, s.Src, true
			default:
				c.Client, c.Server, c.Midway = s.Src, s.Dst, true
			}
			count[t]++
			o = &open{conn: c, isn: map[netip.AddrPort]uint32{}}
			cur[t] = o
			out = append(out, c)
		}
		if s.Flags.Has(SYN) {
			if _, ok := o.isn[s.Src]; !ok {
				o.isn[s.Src] = s.Seq
			}
		}
		o.conn.Segments = append(o.conn.Segments, *s)
	}
	// out is already in the order of first segments; sorting by the first
	// frame keeps it so whatever order the input frames came in.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Segments[0].Frame < out[j].Segments[0].Frame })
	return out
}
