package checker

import "github.com/tcpcheck/tcpcheck/spec"

// Segment kinds: every segment a table's templates can produce. Encoding
// the kind in three bits instead of five flag bits keeps a state of the
// reference model in 128 bits.
var segKinds = [...]spec.Flags{0, spec.SYN, spec.SYN | spec.ACK, spec.ACK, spec.ACK | spec.Data, spec.FIN | spec.ACK, spec.RST, spec.RST | spec.ACK}

var kindOf = func() (k [32]uint8) {
	for i := range k {
		k[i] = 0xff
	}
	for i, f := range segKinds {
		k[f] = uint8(i)
	}
	return
}()

// Bit widths of the encoding.
const (
	// epochBits is the width of an ISN epoch. Every ISN selection takes a
	// fresh epoch, so an endpoint may select at most MaxEpochs ISNs; a
	// transition that would need one more is cut, and the search is
	// inconclusive ("epochs" bound), never wrapped around.
	epochBits    = 3
	offBits      = 2
	segBits      = 3 + 2*(epochBits+offBits)
	endpointBits = 32
	faultBits    = 6
	maxWords     = 4
)

// MaxEpochs is how many ISN epochs the state encoding holds: 0 to
// MaxEpochs-1. An endpoint's epoch starts at 0 and advances each time a
// TCB that selected an ISN is deleted or returns to LISTEN; a transition
// that would advance it past the last is cut, and the search is then
// inconclusive (the "epochs" bound).
const MaxEpochs = 1 << epochBits

const epochMask = MaxEpochs - 1

// codec packs worlds of one model into a fixed number of 64-bit words,
// the keys the store holds (encode, pack), and unpacks them into the
// packedWorld that successor generation works on (unpack) or into a World
// (decode). The bit layout is private to this file; World is the public
// form of a state.
type codec struct {
	words    int
	capacity int
	// dirBits is the width of one direction's slots.
	dirBits  uint
	reorder  bool
	reuseISN bool
}

func newCodec(m *Model) codec {
	bits := 2*endpointBits + faultBits + 2*m.Net.Capacity*segBits
	return codec{words: (bits + 63) / 64, capacity: m.Net.Capacity, dirBits: uint(m.Net.Capacity) * segBits, reorder: m.Net.Reorder, reuseISN: m.ReuseISN}
}

type bitWriter struct {
	w   *[maxWords]uint64
	pos uint
}

func (b *bitWriter) put(v uint64, n uint) {
	i, o := b.pos/64, b.pos%64
	b.w[i] |= v << o
	if o+n > 64 {
		b.w[i+1] |= v >> (64 - o)
	}
	b.pos += n
}

type bitReader struct {
	w   *[maxWords]uint64
	pos uint
}

func (b *bitReader) get(n uint) uint64 {
	i, o := b.pos/64, b.pos%64
	v := b.w[i] >> o
	if o+n > 64 {
		v |= b.w[i+1] << (64 - o)
	}
	b.pos += n
	return v & (1<<n - 1)
}

func encodeSeg(s spec.Segment) uint64 {
	k := uint64(kindOf[s.Flags&31])
	v := k | uint64(s.Seq.Epoch&epochMask)<<3 | uint64(s.Seq.Off&3)<<(3+epochBits)
	if s.Flags.Has(spec.ACK) {
		v |= uint64(s.Ack.Epoch&epochMask)<<(5+epochBits) | uint64(s.Ack.Off&3)<<(5+2*epochBits)
	}
	return v
}

func decodeSeg(v uint64) spec.Segment {
	return spec.Segment{
		Flags: segKinds[v&7],
		Seq:   spec.Seq{Epoch: uint8(v >> 3 & epochMask), Off: uint8(v >> (3 + epochBits) & 3)},
		Ack:   spec.Seq{Epoch: uint8(v >> (5 + epochBits) & epochMask), Off: uint8(v >> (5 + 2*epochBits) & 3)},
	}
}

// encodable reports whether a segment fits the encoding, epochs aside
// (see epochFits): the codec's bounds make this hold for every segment
// the templates produce.
func encodable(s spec.Segment) bool {
	return kindOf[s.Flags&31] != 0xff && s.Seq.Off < 4 && s.Ack.Off < 4
}

// epochFits reports whether an epoch fits the encoding.
func epochFits(e uint8) bool { return e < MaxEpochs }

// epochsFit reports whether a segment's epochs fit the encoding.
func epochsFit(s spec.Segment) bool { return epochFits(s.Seq.Epoch) && epochFits(s.Ack.Epoch) }

// Endpoint layout, in bits from the low end of a 32-bit field: the TCB's
// fields (below epOpened), then the user's record.
const (
	epState        = 0  // 4 bits
	epPassive      = 4  // 1
	epSndUna       = 5  // 2
	epSndNxt       = 7  // 2
	epDataSent     = 9  // 1
	epDataQueued   = 10 // 1
	epClosePending = 11 // 1
	epIRSEpoch     = 12 // epochBits
	epRcvNxt       = 15 // 2
	epRetries      = 17 // 2
	epEpoch        = 19 // epochBits
	epOpened       = 22 // 1
	epSent         = 23 // 1
	epClosed       = 24 // 1
	epAborted      = 25 // 1
	epCrashed      = 26 // 1
	epIncarnation  = 27 // 2
	epEnded        = 29 // 3
)

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Endpoint fields as bit masks.
const (
	// tcbMask covers the TCB's fields; the user's record lies above it.
	tcbMask      = 1<<epOpened - 1
	endedMask    = 7 << epEnded
	closedBits   = uint32(spec.Closed) << epState
	stateMask    = 15 << epState
	timeWaitBits = uint32(spec.TimeWait) << epState
	bitOpened    = 1 << epOpened
	bitSent      = 1 << epSent
	bitClosed    = 1 << epClosed
	bitAborted   = 1 << epAborted
	bitCrashed   = 1 << epCrashed
)

// packTCB packs a TCB's fields. SameISN is the model's, not the state's
// (codec.tcbOf restores it).
func packTCB(t *spec.TCB) uint32 {
	return uint32(t.State)<<epState | uint32(b2u(t.Passive))<<epPassive |
		uint32(t.SndUna&3)<<epSndUna | uint32(t.SndNxt&3)<<epSndNxt |
		uint32(b2u(t.DataSent))<<epDataSent | uint32(b2u(t.DataQueued))<<epDataQueued | uint32(b2u(t.ClosePending))<<epClosePending |
		uint32(t.IRSEpoch&epochMask)<<epIRSEpoch | uint32(t.RcvNxt&3)<<epRcvNxt | uint32(t.Retries&3)<<epRetries |
		uint32(t.Epoch&epochMask)<<epEpoch
}

func packEndpoint(e *Endpoint) uint32 {
	return packTCB(&e.TCB) |
		uint32(b2u(e.Opened))<<epOpened | uint32(b2u(e.Sent))<<epSent | uint32(b2u(e.Closed))<<epClosed |
		uint32(b2u(e.Aborted))<<epAborted | uint32(b2u(e.Crashed))<<epCrashed |
		uint32(e.Incarnation&3)<<epIncarnation | uint32(e.Ended&7)<<epEnded
}

// tcbOf unpacks the TCB of a packed endpoint.
func (c *codec) tcbOf(v uint32) spec.TCB {
	return spec.TCB{
		State:        spec.State(v >> epState & 15),
		Passive:      v>>epPassive&1 != 0,
		Epoch:        uint8(v >> epEpoch & epochMask),
		SameISN:      c.reuseISN,
		SndUna:       uint8(v >> epSndUna & 3),
		SndNxt:       uint8(v >> epSndNxt & 3),
		DataSent:     v>>epDataSent&1 != 0,
		DataQueued:   v>>epDataQueued&1 != 0,
		ClosePending: v>>epClosePending&1 != 0,
		IRSEpoch:     uint8(v >> epIRSEpoch & epochMask),
		RcvNxt:       uint8(v >> epRcvNxt & 3),
		Retries:      uint8(v >> epRetries & 3),
	}
}

func (c *codec) unpackEndpoint(v uint32, e *Endpoint) {
	e.TCB = c.tcbOf(v)
	e.Opened = v&bitOpened != 0
	e.Sent = v&bitSent != 0
	e.Closed = v&bitClosed != 0
	e.Aborted = v&bitAborted != 0
	e.Crashed = v&bitCrashed != 0
	e.Incarnation = uint8(v >> epIncarnation & 3)
	e.Ended = Ending(v >> epEnded & 7)
}

// packedWorld is a world as successor generation works on it: each
// endpoint's fields packed as the encoding lays them out, and the segments
// in flight as their codes, in canonical order. Slots past a channel's n
// segments hold 0.
type packedWorld struct {
	ep        [2]uint32
	lost, dup uint8
	n         [2]uint8
	seg       [2][MaxCapacity]uint16
}

// quiescent reports whether nothing is in flight.
func (p *packedWorld) quiescent() bool { return p.n[A] == 0 && p.n[B] == 0 }

// remove takes the i-th segment out of the channel from side d; the rest
// keep their order.
func (p *packedWorld) remove(d Side, i int) {
	n := int(p.n[d])
	copy(p.seg[d][i:n], p.seg[d][i+1:n])
	p.n[d]--
	p.seg[d][n-1] = 0
}

// push adds a segment to the channel from side d: at the end, or, when the
// network reorders and a channel is a multiset, at its place in code
// order, which is the canonical form.
func (p *packedWorld) push(d Side, code uint16, sorted bool) {
	j := int(p.n[d])
	p.n[d]++
	if sorted {
		for ; j > 0 && p.seg[d][j-1] > code; j-- {
			p.seg[d][j] = p.seg[d][j-1]
		}
	}
	p.seg[d][j] = code
}

// pack encodes a packed world: word 0 holds both endpoints (32 bits each);
// the fault counters (3 bits each) follow, then the channels' segments,
// segBits each, capacity slots per direction.
func (c *codec) pack(p *packedWorld, out *[maxWords]uint64) {
	*out = [maxWords]uint64{}
	out[0] = uint64(p.ep[0]) | uint64(p.ep[1])<<endpointBits
	b := bitWriter{w: out, pos: 2 * endpointBits}
	b.put(uint64(p.lost&7)|uint64(p.dup&7)<<3, faultBits)
	for d := range p.seg {
		if c.dirBits <= 64 {
			// A direction's slots fit one word: gather them, then write
			// once.
			// Unused slots hold 0, so every slot can be packed: a loop
			// of the model's fixed length, whose branch predicts well.
			var v uint64
			for i := 0; i < c.capacity; i++ {
				v |= uint64(p.seg[d][i]) << (segBits * uint(i))
			}
			b.put(v, c.dirBits)
			continue
		}
		for i := 0; i < int(p.n[d]); i++ {
			b.put(uint64(p.seg[d][i]), segBits)
		}
		b.pos += uint(c.capacity-int(p.n[d])) * segBits
	}
}

// unpack decodes a key into a packed world.
func (c *codec) unpack(in *[maxWords]uint64, p *packedWorld) {
	*p = packedWorld{}
	p.ep[0] = uint32(in[0])
	p.ep[1] = uint32(in[0] >> endpointBits)
	b := bitReader{w: in, pos: 2 * endpointBits}
	faults := b.get(faultBits)
	p.lost, p.dup = uint8(faults&7), uint8(faults>>3)
	for d := range p.seg {
		if c.dirBits <= 64 {
			v := b.get(c.dirBits)
			for ; v != 0; v >>= segBits {
				if code := uint16(v & (1<<segBits - 1)); code&7 != 0 {
					p.seg[d][p.n[d]] = code
					p.n[d]++
				}
			}
			continue
		}
		for i := 0; i < c.capacity; i++ {
			if v := b.get(segBits); v&7 != 0 {
				p.seg[d][p.n[d]] = uint16(v)
				p.n[d]++
			}
		}
	}
}

// encode packs a world in canonical form: when the network reorders, each
// channel is a multiset, and its segments are packed in code order.
func (c *codec) encode(w *World, out *[maxWords]uint64) {
	var p packedWorld
	p.ep[0], p.ep[1] = packEndpoint(&w.E[0]), packEndpoint(&w.E[1])
	p.lost, p.dup = w.Lost, w.Duplicated
	for d := range w.Net {
		for _, g := range w.Net[d].Segments() {
			p.push(Side(d), uint16(encodeSeg(g)), c.reorder)
		}
	}
	c.pack(&p, out)
}

func (c *codec) decode(in *[maxWords]uint64, w *World) {
	var p packedWorld
	c.unpack(in, &p)
	*w = World{Lost: p.lost, Duplicated: p.dup}
	for s := range w.E {
		c.unpackEndpoint(p.ep[s], &w.E[s])
	}
	for d := range w.Net {
		ch := &w.Net[d]
		for _, code := range p.seg[d][:p.n[d]] {
			ch.Seg[ch.N] = decodeSeg(uint64(code))
			ch.N++
		}
	}
}
