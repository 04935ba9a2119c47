// Package checker is an explicit-state model checker for two TCP endpoints,
// driven by the transition table of package spec, and the network between
// them.
//
// # The world
//
// A World holds two endpoints, A and B, each a spec.TCB plus what its user
// has done, and one Channel per direction. A Model says what may happen:
// each user's Role (open passively or actively, send one byte, close,
// abort, crash; reopen a new incarnation up to Reopens times), the Network
// (capacity per direction, FIFO or reordering, loss with an optional
// budget, a duplication budget), the retransmission bound and whether a
// user timeout ends a connection whose retries ran out.
//
// The modelling choices a verdict depends on:
//
//   - User calls happen at any moment the protocol accepts them, each at
//     most once per incarnation. A call the table refuses (an error notice)
//     changes nothing and is not explored.
//   - Timers are not clocks: a timer may fire whenever it runs, which covers
//     every timing, premature timeouts included. The retransmission timer
//     runs while something is unacknowledged and fires at most Retries
//     times between acknowledgments; then the user timeout, if modelled,
//     ends the connection (RFC 9293 section 3.8.3's R2). With RetryForever
//     it fires any number of times.
//   - The 2MSL timer fires only once nothing is in flight in either
//     direction and the peer will not retransmit any more. 2MSL (four
//     minutes) outlasts every segment of the connection in the network and
//     the peer's retransmission timeouts; modelling it this way is exact
//     for that assumption and needs no clock.
//   - A channel holds at most Capacity segments. When the network may lose
//     segments, what a full channel cannot hold is dropped (tail drop,
//     counted against the loss budget and shown in traces as
//     Transition.Dropped). With Network.Overflow, that tail drop is the only
//     loss there is, uncounted. A lossless network holds the sender back:
//     the transition is not taken, and Stats.CapacityBlocked counts how
//     often.
//     Capacity is a bound of the model, like Retries, so verdicts are
//     relative to it. A stall that only the bound causes is not TCP's: a
//     deadlock-free property whose only dead ends have a send the bound
//     blocked, and a liveness counterexample that stalls (in its cycle, or
//     where it stops) where the bound blocks a transition, are
//     Inconclusive, with that reason and the advice to raise the capacity
//     or let the network drop what it cannot hold (Overflow).
//   - With reordering, a channel is a multiset: any segment may arrive next,
//     and the canonical form sorts it, so orders that carry no information
//     are one state.
//   - A crash deletes the TCB without telling the peer (RFC 9293 section
//     3.5.1); a reopen starts a new incarnation. Every ISN an endpoint
//     selects takes the next epoch of its ISN clock (see package spec), and
//     the clock survives a crash; with Model.ReuseISN it never moves, the
//     worst case of RFC 1337. An endpoint's epoch is kept in the state,
//     with room for MaxEpochs of them: a transition that would need one
//     more is cut, never wrapped, and the search is inconclusive with the
//     "epochs" bound (a state whose only transitions were cut is not taken
//     for a deadlock). The default models use at most five epochs per
//     endpoint.
//   - A row that replaces a connection by a new one (spec.OpNewTCB: the
//     linux variants' SYN in TIME-WAIT, and linux-loopback's connect in
//     TIME-WAIT) starts a new incarnation, counted against the user's
//     reopens; a passive side's listener takes a SYN in TIME-WAIT only
//     while its user may still reopen, and is closed after that.
//
// # The search
//
// Check explores the reachable worlds breadth-first (the default: shortest
// counterexamples, identical from run to run) or depth-first. States are
// packed into 64-bit words (three for the reference model: 32 bits per
// endpoint, 3 bits per fault budget, 13 bits per segment slot) and kept in
// discovery order in fixed-size chunks, with a parent index and the number
// of the transition that produced each. The visited set is an open-
// addressing table of 32-bit slots holding an index and a hash tag; in
// fingerprint mode it holds 64-bit hashes instead, and Stats.OmissionBound
// bounds the probability that a collision hid a state. Counterexamples are
// rebuilt by replaying the recorded transition numbers from the initial
// state, so a trace is always a real run of the model.
//
// Bounds on states, depth, time and memory end the search early, and the
// depth and epochs bounds cut transitions; a property the search did not
// decide is then Inconclusive, never Holds.
//
// # Properties
//
// Safety properties (Invariant, QuiescentInvariant, DeadlockFree,
// Reachable, StepInvariant) are decided during the search. A Reachable
// property that no state satisfies is Violated, which catches vacuous
// properties. Liveness properties (Eventually, LeadsTo) are decided on the
// reachable graph under explicit fairness assumptions (weak or strong, per
// class of action and side; delivery fairness is the fair lossy channel,
// per direction and kind of segment); CheckNecessity
// checks that an element of the protocol is needed for a property by
// mutating the table.
//
// # Liveness
//
// Liveness properties are decided on the whole reachable graph after the
// safety search, in time linear in its size times the number of strong
// fairness assumptions, as TLC and SPIN decide them: strongly connected
// components of the part of the graph where the awaited predicate is false.
// They need the exact visited set and a complete search; in fingerprint
// mode, or after a bound cut the search, they are Inconclusive.
//
// A run starts in the initial state and takes transitions for as long as it
// likes; it may also stop in any state and stay there forever. A user who
// may CLOSE need not, a timer that may fire need not, a segment in flight
// need not arrive. This is how TLA+ reads a specification, and it is why
// fairness has to be stated: without an assumption, the run where nothing
// more happens is a legitimate run, and the checker reports it. A run that
// stops is the degenerate lasso whose cycle is a single stuttering step; a
// state without successors (a deadlock) is one where every run stops.
//
// For LeadsTo(P, Q), a violation is a reachable state where P holds and Q
// does not, from which a run avoiding Q forever is fair; Eventually(Pred)
// is LeadsTo(initial state, Pred). The counterexample is a lasso: a
// shortest path from the initial state to the nearest violating P state,
// a shortest Q-avoiding path from there to the nearest place where the run
// can stay, and, unless the run stops there, a cycle through that place
// that repeats forever (Trace.LoopStart), checked to be fair before it is
// reported.
//
// # Fairness
//
// An assumption (Fairness) names a class of actions (timers, users,
// delivery, all) and applies to each side separately: "weak fairness of
// users" is two assumptions, one about A's user and one about B's. The unit
// of fairness is the pair (class, actor), where the actor is the endpoint
// whose user calls or whose timer fires. Delivery is finer: its unit is the
// pair (receiving side, kind of segment), the fair lossy channel of the
// literature made finite: a kind of segment sent towards a side again and
// again is delivered there again and again. For delivery, a kind counts as
// enabled in a state where a segment of that kind is in flight towards a
// side that some delivery can reach, or is sent there and dropped at once
// by a full channel: on a FIFO channel a segment behind the head is not yet
// deliverable, and counting only deliverable segments would let the network
// lose every ACK before it reaches the head and still call the run fair.
// Per side, because the two endpoints are independent agents: a fair
// scheduler must not starve B's timer just because A's fire; per class
// rather than per individual transition, because what a user or a timer of
// one endpoint does next is one decision (close or abort; retransmit or
// give up), and a finer unit would force every optional alternative to
// happen.
//
//   - Weak fairness of (C, s): a run that from some point on always has a
//     C-transition of s enabled takes one infinitely often. On a cycle: the
//     cycle is unfair if every state of it enables such a transition and
//     no step of it is one. A run that stops is unfair if the state it
//     stops in enables one.
//   - Strong fairness of (C, s): a run on which such a transition is
//     enabled infinitely often takes one infinitely often. On a cycle: the
//     cycle is unfair if some state of it enables one and no step of it is
//     one. Strong fairness of delivery is what makes "a segment
//     retransmitted again and again is eventually delivered" true despite
//     loss, since loss disables the delivery between retransmissions.
package checker
