package checker

import (
	"fmt"
	"strings"
)

// label is a set of fairness labels. Bits 0 to 7 are the (class, side)
// pairs; bits 8 to 23 are the delivery of each segment kind to each side,
// which is the granularity delivery fairness uses: a fair lossy channel
// delivers a segment sent again and again, not merely some segment of
// that direction (otherwise every ACK may be lost for ever while
// retransmitted FINs get through).
type label = uint32

const (
	labelBits = 24
	allLabels = label(1)<<labelBits - 1
	// kindBits is the number of segment kinds (see segKinds).
	kindBits = 8
)

// fairBit is the label bit of the pair (class c, side s).
func fairBit(c ActionClass, s Side) label { return 1 << (2*uint(c) + uint(s)) }

// deliveryBit is the label bit of delivering a segment of kind k to side s.
func deliveryBit(s Side, k uint8) label { return 1 << (8 + kindBits*uint(s) + uint(k)) }

// deliveryBits are all the per-kind delivery labels.
const deliveryBits = label(0xffff) << 8

// inFlightKinds returns the delivery labels a state enables besides its
// deliveries: the kinds of segment in flight towards a side, and the kinds
// sent there from this state but dropped at once by a full channel (sent,
// a bit of the kinds dropped so).
//
// Delivery fairness encodes the fair lossy channel: a kind of segment sent
// again and again is delivered again and again. On a FIFO channel only the
// head may arrive, and the network may lose a segment before it gets
// there, or drop it when it is sent into a full channel; counting only
// deliveries as enabled would let a run lose every ACK for ever and still
// be fair. Only a direction that is delivering (en has its delivery bit)
// gets these labels, so no state is excused from stopping for a delivery
// that cannot happen.
func inFlightKinds(w *World, en, sent label) label {
	var l label
	for from := A; from <= B; from++ {
		to := from.Peer()
		if en&fairBit(ClassDelivery, to) == 0 {
			continue
		}
		for _, g := range w.Net[from].Segments() {
			if k := kindOf[g.Flags&31]; k != 0xff {
				l |= deliveryBit(to, k)
			}
		}
		l |= sent & ((label(1)<<kindBits - 1) << (8 + kindBits*uint(to)))
	}
	return l
}

// transitionLabel is the set of labels a transition carries: (all, actor),
// (timers|users|delivery, actor) for its class, and, for a delivery, the
// kind of segment delivered to the actor.
func transitionLabel(t *Transition) label {
	l := fairBit(ClassAll, t.Actor)
	for _, c := range [...]ActionClass{ClassTimers, ClassUsers, ClassDelivery} {
		if c.Contains(t) {
			l |= fairBit(c, t.Actor)
		}
	}
	if t.Action == ActDeliver {
		if k := kindOf[t.Seg.Flags&31]; k != 0xff {
			l |= deliveryBit(t.Actor, k)
		}
	}
	return l
}

// moveLabel is transitionLabel of the transition mv describes.
func moveLabel(mv *move) label {
	t := Transition{Action: mv.action, Actor: mv.actor}
	if mv.action == ActDeliver {
		t.Seg = decodeSeg(uint64(mv.seg))
	}
	return transitionLabel(&t)
}

// fairnessMasks turns assumptions into label masks. A pair under strong
// fairness is dropped from the weak mask, since strong fairness implies
// weak fairness.
func fairnessMasks(fs []Fairness) (wf, sf label, err error) {
	for _, f := range fs {
		if f.Class > ClassAll {
			return 0, 0, fmt.Errorf("unknown action class %d in a fairness assumption", f.Class)
		}
		m := classMask(f.Class)
		if f.Strong {
			sf |= m
		} else {
			wf |= m
		}
	}
	return wf &^ sf, sf, nil
}

// classMask is the labels a fairness assumption on class c constrains.
func classMask(c ActionClass) label {
	if c == ClassDelivery {
		return deliveryBits
	}
	return fairBit(c, A) | fairBit(c, B)
}

// describeFairness renders fairness assumptions in words, in a fixed order:
// "weak fairness of timers and users; strong fairness of delivery".
func describeFairness(fs []Fairness) string {
	var weak, strong []string
	wf, sf, _ := fairnessMasks(fs)
	for c := ClassTimers; c <= ClassAll; c++ {
		m := classMask(c)
		switch {
		case sf&m != 0:
			strong = append(strong, c.String())
		case wf&m != 0:
			weak = append(weak, c.String())
		}
	}
	var parts []string
	if len(weak) > 0 {
		parts = append(parts, "weak fairness of "+andList(weak))
	}
	if len(strong) > 0 {
		parts = append(parts, "strong fairness of "+andList(strong))
	}
	if len(parts) == 0 {
		return "no fairness assumption"
	}
	return strings.Join(parts, "; ")
}

// labelNames names the pairs of a label mask, in bit order.
func labelNames(m label) string {
	var out []string
	for b := 0; b < labelBits; b++ {
		if m&(1<<b) == 0 {
			continue
		}
		if b >= 8 {
			s, k := Side((b-8)/kindBits), (b-8)%kindBits
			out = append(out, fmt.Sprintf("delivery of %s to %s", segKinds[k], s))
			continue
		}
		c, s := ActionClass(b/2), Side(b%2)
		switch c {
		case ClassTimers:
			out = append(out, s.String()+"'s timers")
		case ClassUsers:
			out = append(out, s.String()+"'s user")
		case ClassDelivery:
			out = append(out, "delivery to "+s.String())
		default:
			out = append(out, "every action of "+s.String())
		}
	}
	return andList(out)
}

func andList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
