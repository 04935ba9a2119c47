package conform

import (
	"encoding/binary"
	"reflect"
	"testing"
	"time"

	"github.com/tcpcheck/tcpcheck/capture"
)

// fuzzSegments decodes segments between two hosts from data, 8 bytes
// each: the direction and control bits, a small step of SEQ and of ACK
// from the previous segment of that direction, the text's length, and the
// time since the previous segment.
func fuzzSegments(data []byte) []capture.Segment {
	var segs []capture.Segment
	at := t0
	var seq, ack [2]uint32
	seq[0], seq[1] = 1000, 5000
	for i := 0; i+8 <= len(data) && len(segs) < 64; i += 8 {
		b := data[i : i+8]
		side := int(b[0] & 1)
		flags := capture.Flags(b[0]>>1) & (capture.SYN | capture.ACK | capture.FIN | capture.RST)
		seq[side] += uint32(int8(b[1]))
		ack[side] = seq[1-side] + uint32(int8(b[2]))
		text := int(b[3] & 0x3f)
		at = at.Add(time.Duration(binary.BigEndian.Uint32(b[4:])) * time.Microsecond)
		src, dst := hostA, hostB
		if side == 1 {
			src, dst = hostB, hostA
		}
		segs = append(segs, capture.Segment{Frame: len(segs) + 1, Time: at, Src: src, Dst: dst, Seq: seq[side], Ack: ack[side], Flags: flags, Len: text})
	}
	return segs
}

// FuzzCheck feeds arbitrary segments to Check under every vantage: it
// must not panic, must give one result per connection, every deviation
// must name a frame of its connection, and the same input must give the
// same results.
func FuzzCheck(f *testing.F) {
	enc := func(s *script) []byte {
		var out []byte
		var prev [2]uint32
		prev[0], prev[1] = 1000, 5000
		for _, g := range s.segs {
			side := byte(0)
			if g.Src == hostB {
				side = 1
			}
			d := int8(g.Seq - prev[side])
			prev[side] = g.Seq
			out = append(out, side|byte(g.Flags)<<1, byte(d), byte(int8(g.Ack-prev[1-side])), byte(g.Len), 0, 0, 3, 232)
		}
		return out
	}
	f.Add(enc(handshake().add(true, finack, 1001, 5001, 0).add(false, finack, 5001, 1001, 0).add(true, ack, 1002, 5002, 0).add(false, ack, 5002, 1002, 0)))
	f.Add(enc(handshake().add(true, rst|ack, 1001, 5001, 0)))
	f.Add(enc(new(script).add(true, syn, 1000, 0, 0).add(false, rst|ack, 0, 1001, 0)))
	f.Fuzz(func(t *testing.T, data []byte) {
		segs := fuzzSegments(data)
		if len(segs) == 0 {
			return
		}
		conns := capture.Split(segs)
		for _, v := range []Vantage{Path, Client, Loopback} {
			rs, err := Check(segs, Options{Vantage: v, MaxStates: 20000})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != len(conns) {
				t.Fatalf("%d results for %d connections", len(rs), len(conns))
			}
			for _, r := range rs {
				if r.Verdict == Deviates {
					ok := false
					for _, s := range r.Conn.Segments {
						ok = ok || s.Frame == r.Frame
					}
					if !ok {
						t.Fatalf("deviation at frame %d, not one of its connection's", r.Frame)
					}
				}
			}
			again, _ := Check(segs, Options{Vantage: v, MaxStates: 20000})
			if !reflect.DeepEqual(rs, again) {
				t.Fatal("two checks of the same segments differ")
			}
		}
	})
}
