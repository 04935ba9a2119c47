package checker

import (
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Side names an endpoint: A or B.
type Side uint8

// The two endpoints.
const (
	A Side = iota
	B
)

// String returns "A" or "B".
func (s Side) String() string { return string(rune('A' + s)) }

// Peer returns the other side.
func (s Side) Peer() Side { return 1 - s }

// Ending says how an endpoint's latest connection ended.
type Ending uint8

// The endings.
const (
	EndNone        Ending = iota // not ended (or never opened)
	EndClosed                    // closed normally: LAST-ACK acknowledged or 2MSL expired
	EndReset                     // reset by the peer
	EndRefused                   // refused by the peer
	EndUserTimeout               // retransmissions ran out
	EndAborted                   // the user aborted
	EndCrashed                   // the host crashed
	EndOther                     // deleted by another row (for example LISTEN closed)
	numEndings
)

var endingNames = [...]string{"none", "closed", "reset", "refused", "user-timeout", "aborted", "crashed", "other"}

// String names the ending.
func (e Ending) String() string { return endingNames[e] }

// Endings lists the ending names, for the property language.
func Endings() []string { return append([]string(nil), endingNames[:]...) }

// Endpoint is one side: its TCB and what its user has done in the current
// incarnation.
type Endpoint struct {
	TCB spec.TCB
	// Opened, Sent, Closed and Aborted record the user's calls in this
	// incarnation; Crashed records the host's one crash.
	Opened, Sent, Closed, Aborted, Crashed bool
	// Incarnation counts the reopens so far.
	Incarnation uint8
	// Ended says how the latest connection ended.
	Ended Ending
}

// Channel is one direction of the network: the segments in flight, in
// sending order (or sorted, when the network reorders, since order then
// carries no information).
type Channel struct {
	N   uint8
	Seg [MaxCapacity]spec.Segment
}

// Segments returns the segments in flight.
func (c *Channel) Segments() []spec.Segment { return c.Seg[:c.N] }

// Count returns how many segments in flight have all the flags f.
func (c *Channel) Count(f spec.Flags) int {
	n := 0
	for _, s := range c.Seg[:c.N] {
		if s.Flags.Has(f) {
			n++
		}
	}
	return n
}

// World is the global state: both endpoints and both directions of the
// network. Net[A] carries segments from A to B, Net[B] from B to A.
type World struct {
	E   [2]Endpoint
	Net [2]Channel
	// Lost and Duplicated count the faults used from their budgets.
	Lost, Duplicated uint8
}

// Quiescent reports whether nothing is in flight: all that can still
// happen is timers and user calls.
func (w *World) Quiescent() bool { return w.Net[A].N == 0 && w.Net[B].N == 0 }

// String renders the world on one line, for diagnostics.
func (w *World) String() string {
	var b strings.Builder
	for s := A; s <= B; s++ {
		fmt.Fprintf(&b, "%s:%s ", s, w.E[s].TCB.State)
	}
	for s := A; s <= B; s++ {
		var segs []string
		for _, g := range w.Net[s].Segments() {
			segs = append(segs, g.String())
		}
		fmt.Fprintf(&b, "%s->%s:[%s] ", s, s.Peer(), strings.Join(segs, " "))
	}
	return strings.TrimSpace(b.String())
}
