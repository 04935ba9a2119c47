package spec

import (
	"fmt"
	"strings"
)

// State is one of the eleven connection states of RFC 9293 section 3.3.2.
// CLOSED is "fictional": it stands for the absence of a TCB.
type State uint8

// The connection states, in the order RFC 9293 section 3.3.2 lists them.
const (
	Closed State = iota
	Listen
	SynSent
	SynReceived
	Established
	FinWait1
	FinWait2
	CloseWait
	Closing
	LastAck
	TimeWait
	numStates
)

// NumStates is the number of connection states.
const NumStates = int(numStates)

var stateNames = [...]string{
	Closed:      "CLOSED",
	Listen:      "LISTEN",
	SynSent:     "SYN-SENT",
	SynReceived: "SYN-RECEIVED",
	Established: "ESTABLISHED",
	FinWait1:    "FIN-WAIT-1",
	FinWait2:    "FIN-WAIT-2",
	CloseWait:   "CLOSE-WAIT",
	Closing:     "CLOSING",
	LastAck:     "LAST-ACK",
	TimeWait:    "TIME-WAIT",
}

// String returns the RFC 9293 spelling of the state, such as "SYN-RECEIVED".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// AllStates returns the eleven states in RFC order.
func AllStates() []State {
	out := make([]State, NumStates)
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// stateAliases maps normalised spellings people type (netstat, textbooks,
// Linux's tcp_states.h) to states. Keys are upper case with '_' and ' '
// folded to '-'.
var stateAliases = map[string]State{
	"SYN-RCVD":  SynReceived,
	"SYN-RECV":  SynReceived,
	"FIN-WAIT1": FinWait1,
	"FIN-WAIT2": FinWait2,
	"TIMEWAIT":  TimeWait,
	"LASTACK":   LastAck,
}

// ParseState parses a state name case-insensitively. It accepts the RFC
// spelling (SYN-RECEIVED), the underscore spellings of netstat and
// textbooks (SYN_RCVD, TIME_WAIT) and Linux's SYN_RECV.
func ParseState(name string) (State, error) {
	norm := strings.ToUpper(strings.TrimSpace(name))
	norm = strings.NewReplacer("_", "-", " ", "-").Replace(norm)
	for i, n := range stateNames {
		if n == norm {
			return State(i), nil
		}
	}
	if s, ok := stateAliases[norm]; ok {
		return s, nil
	}
	return 0, fmt.Errorf("unknown TCP state %q (expected one of %s)", name, strings.Join(stateNames[:], ", "))
}

// Synchronized reports whether the state is one of the synchronized states
// of RFC 9293 section 3.5.2 (ESTABLISHED and every later state), where
// sequence numbers of both sides are known and every segment is validated.
func (s State) Synchronized() bool { return s >= Established && s < numStates }

// HasTCB reports whether a TCB exists in this state (every state but CLOSED).
func (s State) HasTCB() bool { return s != Closed }

// KnowsIRS reports whether the peer's initial sequence number is known, so
// that arriving segments can be checked against RCV.NXT (RFC 9293 section
// 3.10.7.4 applies from SYN-RECEIVED on).
func (s State) KnowsIRS() bool { return s >= SynReceived && s < numStates }

// FinSent reports whether our FIN has been sent in this state: the states
// reached by a local CLOSE after synchronization.
func (s State) FinSent() bool {
	switch s {
	case FinWait1, FinWait2, Closing, LastAck, TimeWait:
		return true
	}
	return false
}

// Open reports whether an endpoint in this state believes the connection is
// open in the sense of RFC 9293 section 3.5.1's half-open discussion: it is
// synchronized and has not finished closing.
func (s State) Open() bool {
	switch s {
	case Established, FinWait1, FinWait2, CloseWait, Closing, LastAck:
		return true
	}
	return false
}
