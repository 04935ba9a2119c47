package checker

import (
	"errors"
	"fmt"

	"github.com/tcpcheck/tcpcheck/spec"
)

// OpenMode is how a user opens its side of the connection.
type OpenMode uint8

// The open modes.
const (
	NoOpen      OpenMode = iota // the user never opens
	PassiveOpen                 // passive OPEN: a server listening
	ActiveOpen                  // active OPEN: a client connecting
)

var openNames = [...]string{"none", "passive", "active"}

// String names the open mode as ParseOpenMode reads it.
func (m OpenMode) String() string { return openNames[m] }

// ParseOpenMode parses "none", "passive" or "active", the inverse of
// String, for flags and configuration files.
func ParseOpenMode(s string) (OpenMode, error) {
	for i, n := range openNames {
		if n == s {
			return OpenMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown open mode %q (expected none, passive or active)", s)
}

// Role is what one endpoint's user does. Every action is optional and
// happens at most once per incarnation, at any moment the protocol accepts
// it, so the checker explores every timing.
type Role struct {
	// Open is how the user opens the connection.
	Open OpenMode
	// Send makes the user SEND one byte of text.
	Send bool
	// Close makes the user CLOSE the connection.
	Close bool
	// Abort lets the user ABORT the connection instead of closing it.
	Abort bool
	// Crash lets the host crash once: the TCB is lost and the endpoint is
	// CLOSED without telling its peer (RFC 9293 section 3.5.1).
	Crash bool
}

// Network is what the network between the endpoints may do.
type Network struct {
	// Capacity bounds the segments in flight in each direction (1 to 7).
	Capacity int
	// Reorder lets any segment in flight arrive next; otherwise each
	// direction delivers in order (FIFO).
	Reorder bool
	// Loss lets the network drop any segment in flight. LossBudget bounds
	// the drops over a whole run; 0 means unbounded.
	Loss       bool
	LossBudget int
	// Overflow makes a full channel drop what it cannot hold (tail drop)
	// instead of holding the sender back, and nothing else is ever lost.
	// A lossless channel at capacity blocks sends, which no real network
	// does; with Overflow the capacity bound no longer stalls a run. It
	// excludes Loss, and its drops are not counted against any budget.
	Overflow bool
	// Duplicates is the number of segments the network may duplicate over
	// a whole run.
	Duplicates int
}

// Model is a configuration of two endpoints, their users and the network
// between them. A (the first endpoint) and B (the second) run the same
// transition table.
type Model struct {
	Name string
	// Table is the protocol: spec.Default() or a variant.
	Table *spec.Table
	A, B  Role
	Net   Network
	// Retries is how many times a segment may be retransmitted (RFC 9293
	// section 3.8.3's R2, counted in retransmissions; 0 disables
	// retransmission).
	Retries int
	// RetryForever lets the retransmission timer fire any number of times:
	// R2 is never reached and Retries is ignored. With loss, this is the
	// model in which "a segment retransmitted again and again is eventually
	// delivered" is a fairness assumption (strong fairness of delivery)
	// rather than a bound.
	RetryForever bool
	// UserTimeout ends a connection whose retransmissions ran out (RFC 9293
	// section 3.10.8). Without it, such a connection waits forever.
	UserTimeout bool
	// UserTimeoutAfterDrain lets the user timeout fire only once none of
	// the endpoint's own segments are in flight. Timers are untimed, so
	// without it an endpoint may give up while its last retransmission is
	// still travelling; a real user timeout (minutes, RFC 9293 3.10.8 and
	// RFC 1122 4.2.3.5's R2 of at least 100 s) outlasts a segment's trip.
	// It adds no state bits: it only removes user timeouts.
	UserTimeoutAfterDrain bool
	// EarlyTimeWait lets the 2MSL timer fire at any moment in TIME-WAIT.
	// Without it, the timer fires only once nothing is in flight and the
	// peer will not retransmit: that is what 2MSL stands for in an untimed
	// model, a wait that outlasts every segment of the connection and the
	// peer's retransmissions (RFC 9293 section 3.4.2). Early, it is a
	// TIME-WAIT too short for that: a mutant for seeing why 2MSL. It adds
	// no state bits.
	EarlyTimeWait bool
	// Reopens is how many new incarnations of the connection each user may
	// open after the previous one ended.
	Reopens int
	// ReuseISN makes a new incarnation reuse the previous incarnation's
	// initial sequence number, the worst case of RFC 1337's fast or long
	// connections, so that old duplicates fall into the new window.
	ReuseISN bool
}

// Limits of the state encoding.
const (
	MaxCapacity = 7
	MaxRetries  = 3
	MaxReopens  = 3
	MaxBudget   = 7
)

// Validate checks the model's bounds against the state encoding. Check
// and Explore call it; call it first to report every error of a model
// that is built or loaded before any search runs.
func (m *Model) Validate() error {
	var errs []error
	if m.Table == nil {
		errs = append(errs, errors.New("model has no transition table"))
	}
	if m.Net.Capacity < 1 || m.Net.Capacity > MaxCapacity {
		errs = append(errs, fmt.Errorf("network capacity %d is out of range 1..%d", m.Net.Capacity, MaxCapacity))
	}
	if m.Retries < 0 || m.Retries > MaxRetries {
		errs = append(errs, fmt.Errorf("retries %d is out of range 0..%d", m.Retries, MaxRetries))
	}
	if m.Reopens < 0 || m.Reopens > MaxReopens {
		errs = append(errs, fmt.Errorf("reopens %d is out of range 0..%d", m.Reopens, MaxReopens))
	}
	if m.Net.LossBudget < 0 || m.Net.LossBudget > MaxBudget {
		errs = append(errs, fmt.Errorf("loss budget %d is out of range 0..%d", m.Net.LossBudget, MaxBudget))
	}
	if m.Net.Duplicates < 0 || m.Net.Duplicates > MaxBudget {
		errs = append(errs, fmt.Errorf("duplicate budget %d is out of range 0..%d", m.Net.Duplicates, MaxBudget))
	}
	if m.RetryForever && m.UserTimeout {
		errs = append(errs, errors.New("a user timeout needs bounded retries: with retries forever it never fires"))
	}
	if m.UserTimeoutAfterDrain && !m.UserTimeout {
		errs = append(errs, errors.New("a user timeout after drain needs a user timeout"))
	}
	if m.Net.Overflow && m.Net.Loss {
		errs = append(errs, errors.New("overflow loss excludes arbitrary loss: a network loses either what a full channel cannot hold, or any segment"))
	}
	if m.Net.LossBudget > 0 && !m.Net.Loss {
		errs = append(errs, errors.New("a loss budget needs loss enabled"))
	}
	return errors.Join(errs...)
}

// ClientServer is the basic model: A connects to a listening B, both
// users may close, and the network delivers in order without faults.
func ClientServer() Model {
	return Model{
		Name:    "client-server",
		Table:   spec.Default(),
		A:       Role{Open: ActiveOpen, Close: true},
		B:       Role{Open: PassiveOpen, Close: true},
		Net:     Network{Capacity: 2},
		Retries: 1,
	}
}

// Reference is the benchmark configuration of issue 3: client and server,
// both users close, loss and reordering, channel capacity 3, two
// retransmissions and one reopen.
func Reference() Model {
	return Model{
		Name:        "reference",
		Table:       spec.Default(),
		A:           Role{Open: ActiveOpen, Close: true},
		B:           Role{Open: PassiveOpen, Close: true},
		Net:         Network{Capacity: 3, Reorder: true, Loss: true},
		Retries:     2,
		UserTimeout: true,
		Reopens:     1,
	}
}

// larger is the second benchmark configuration of issue 3: the reference
// model in which the client may also abort, so a RST may meet the server
// in any state and the reopen may follow a reset (106,628,095 states
// before ordered ISN epochs, which make it larger). Adding a byte of text
// instead makes a space of hundreds of millions of states, too large for
// a routine benchmark.
func larger() Model {
	m := Reference()
	m.Name = "larger"
	m.A.Abort = true
	return m
}
