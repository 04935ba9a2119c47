package conform

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/spec"
)

// The abstraction against concrete numbers: random runs of a variant's
// table, between two endpoints over a network that loses, duplicates and
// reorders, are recorded as captures with real 32-bit numbers (ISNs
// anywhere in the space, wrapping included, and 100 octets of text for the
// abstract octet), seen as they are sent, as on loopback. conform must
// find every such capture allowed by the variant that made it: a
// deviation would be one the abstraction or the search invented.

// sent is a segment a simulated run sent, before it gets numbers.
type sent struct {
	side int
	seg  spec.Segment
	at   time.Time
}

// lifecycle is the users' calls a simulated run mostly follows: A
// connects, sends, closes and connects again; B listens, sends and
// closes. Now and then a run takes any call instead.
var lifecycle = [2][]spec.EventKind{
	{spec.OpenActive, spec.Send, spec.Close, spec.OpenActive, spec.Send, spec.Close},
	{spec.OpenPassive, spec.Send, spec.Close, spec.OpenPassive, spec.Send, spec.Close},
}

// simulate runs table for up to steps random events and returns what was
// sent, in order.
func simulate(rng *rand.Rand, table *spec.Table, steps int) []sent {
	var next [2]int
	var tcb [2]spec.TCB
	var net [2][]spec.Segment // in flight to side i
	var out []sent
	at := t0
	send := func(x int, res *spec.Result) {
		for _, g := range res.Sent() {
			at = at.Add(time.Duration(1+rng.IntN(5)) * time.Millisecond)
			out = append(out, sent{x, g, at})
			if rng.IntN(6) > 0 { // else lost
				net[1-x] = append(net[1-x], g)
			}
		}
	}
	for i := 0; i < steps; i++ {
		x := rng.IntN(2)
		var in spec.Input
		switch r := rng.IntN(10); {
		case r < 6 && len(net[x]) > 0:
			k := rng.IntN(len(net[x]))
			in = spec.Arrival(net[x][k])
			if rng.IntN(4) > 0 { // else a duplicate stays
				net[x] = append(net[x][:k], net[x][k+1:]...)
			}
		case r < 9:
			call := []spec.EventKind{spec.OpenPassive, spec.OpenActive, spec.Send, spec.Close, spec.Abort}[rng.IntN(5)]
			if next[x] < len(lifecycle[x]) && rng.IntN(8) > 0 {
				call = lifecycle[x][next[x]]
				next[x]++
			}
			if call == spec.Abort && tcb[x].State == spec.TimeWait {
				continue
			}
			in = spec.Call(call)
		default:
			k := []spec.EventKind{spec.RetransmissionTimeout, spec.TimeWaitTimeout, spec.UserTimeout, spec.FinWait2Timeout}[rng.IntN(4)]
			if !tcb[x].TimerRunning(k) {
				continue
			}
			if k == spec.TimeWaitTimeout || k == spec.FinWait2Timeout {
				at = at.Add(5 * time.Minute)
			}
			in = spec.Call(k)
		}
		res := table.Step(tcb[x], in)
		if res.Err != nil {
			continue
		}
		tcb[x] = res.Next
		tcb[x].Retries = 0
		send(x, &res)
	}
	return out
}

// concrete numbers what a simulated run sent: side x's epoch e has ISN
// base[x] + e*99991 (so a run may wrap the 32-bit space), and the
// abstract octet is 100 octets of text.
func concrete(run []sent, base [2]uint32) []capture.Segment {
	hasText := map[[2]int]bool{}
	for _, s := range run {
		if s.seg.Flags.Has(spec.Data) {
			hasText[[2]int{s.side, int(s.seg.Seq.Epoch)}] = true
		}
	}
	num := func(side int, q spec.Seq) uint32 {
		isn := base[side] + uint32(q.Epoch)*99991
		off := uint32(q.Off)
		if hasText[[2]int{side, int(q.Epoch)}] && off >= 2 {
			off += 99
		}
		return isn + off
	}
	var segs []capture.Segment
	for i, s := range run {
		g := capture.Segment{Frame: i + 1, Time: s.at, Src: hostA, Dst: hostB}
		if s.side == 1 {
			g.Src, g.Dst = hostB, hostA
		}
		for _, m := range []struct {
			s spec.Flags
			c capture.Flags
		}{{spec.SYN, capture.SYN}, {spec.ACK, capture.ACK}, {spec.FIN, capture.FIN}, {spec.RST, capture.RST}} {
			if s.seg.Flags.Has(m.s) {
				g.Flags |= m.c
			}
		}
		if !s.seg.IsResetReply() {
			g.Seq = num(s.side, s.seg.Seq)
		}
		if s.seg.Flags.Has(spec.ACK) {
			g.Ack = num(1-s.side, s.seg.Ack)
		}
		if s.seg.Flags.Has(spec.Data) {
			g.Len = 100
		}
		segs = append(segs, g)
	}
	return segs
}

func TestRandomRunsConform(t *testing.T) {
	runs := 150
	if testing.Short() {
		runs = 50
	}
	for _, variant := range []string{"rfc9293", "rfc5961", "rfc1337", "linux", "no-time-wait", "rfc793"} {
		table, err := spec.ForVariant(variant)
		require.NoError(t, err)
		checked := 0
		for seed := 0; seed < runs; seed++ {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			run := simulate(rng, table, 40)
			if len(run) == 0 {
				continue
			}
			base := [2]uint32{rng.Uint32(), rng.Uint32()}
			segs := concrete(run, base)
			for _, v := range []Vantage{Loopback, Path} {
				rs, err := Check(segs, Options{Variant: variant, Vantage: v})
				require.NoError(t, err)
				for _, r := range rs {
					if r.Verdict == Deviates || r.Verdict == Incomplete && strings.HasPrefix(r.Message, "inconclusive") {
						var trace string
						for _, g := range segs {
							trace += fmt.Sprintf("  %s\n", g.String())
						}
						t.Fatalf("%s, seed %d, vantage %s: %s\n%s", variant, seed, v, r.Message, trace)
					}
				}
			}
			checked++
		}
		require.Greater(t, checked, runs/2)
	}
}

// The other way round: runs of a mutant without TIME-WAIT, checked
// against RFC 9293, must sometimes deviate (an active closer that opens
// again at once, or answers the peer's retransmitted FIN with a RST).
func TestRandomMutantRunsDeviate(t *testing.T) {
	table, err := spec.ForVariant("no-time-wait")
	require.NoError(t, err)
	deviations := 0
	for seed := 0; seed < 300; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		run := simulate(rng, table, 40)
		if len(run) == 0 {
			continue
		}
		rs, err := Check(concrete(run, [2]uint32{rng.Uint32(), rng.Uint32()}), Options{Vantage: Loopback})
		require.NoError(t, err)
		for _, r := range rs {
			if r.Verdict == Deviates {
				deviations++
			}
		}
	}
	require.Positive(t, deviations)
	t.Logf("%d deviations from rfc9293 in 300 runs of no-time-wait", deviations)
}
