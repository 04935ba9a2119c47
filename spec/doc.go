// Package spec is the TCP connection state machine of RFC 9293 as a
// transition table, with the variants that let a user mutate it.
//
// # The table
//
// A Table holds one Row per transition: from a State, on an Event (a user
// call, a segment arrival or a timeout) and under an optional Guard, the
// endpoint enters a state, sends segments, changes its timers and tells the
// user something. Every row cites the RFC section it encodes; rows that are
// arcs of RFC 9293 Figure 5 carry the arc's number. Within a state, rows are
// tried in order and the first match is taken, which mirrors the sequence of
// checks in RFC 9293 section 3.10.7.
//
// The table is total: for every state, every event of the finite universe
// that AllEvents enumerates, and every combination of guard conditions, some
// row applies (a transition, a reply, a silent drop, or an error for the
// user). Construction fails on a table that is not total, so a variant
// cannot silently leave an event unhandled.
//
// Step is the transition function. It is pure and allocation-free: it takes
// a TCB and an Input and returns the next TCB, the segments sent, the row
// taken and the notice to the user. An event the table refuses (a user call
// the state forbids) is an ordinary Result with an error Notice.
//
// # Events
//
// Arriving segments are classified as section 3.10.7 processes them: the
// control bits (SYN, ACK, FIN, RST, and Data for a segment with text), the
// sequence number's relation to the receive window (SeqClass: in order,
// ahead, the peer's ISN again, outside) and the acknowledgment's meaning to
// the receiver (AckClass: of our SYN, of our text, of our FIN, a duplicate,
// unacceptable). TCB.Classify computes the classes; the rows are written
// against them, so they read like the RFC's text.
//
// # The sequence-number abstraction
//
// Real sequence numbers are 32-bit and would make the state space
// infinite for every practical purpose. Connection management needs far
// less: it compares numbers only to tell whether a segment acknowledges our
// SYN or our FIN, whether it is the next one expected, and whether it
// belongs to this connection at all. A Seq is therefore an Epoch and an Off:
//
//   - The epoch names an initial sequence number: it is a reading of the
//     sending endpoint's ISN clock (RFC 9293 section 3.4.1). Every ISN
//     selection takes a fresh epoch, the next one: an active OPEN, a SYN
//     answered from LISTEN, and again after a reset sent SYN-RECEIVED back
//     to LISTEN. Step advances TCB.Epoch when a TCB that selected an ISN is
//     deleted or returns to LISTEN, so a CLOSED or LISTEN TCB's epoch names
//     its next ISN; TCB.SameISN stops the clock (every connection reuses
//     one ISN, the worst case RFC 1337 studies).
//   - The offset counts from the ISN. The SYN occupies offset 0; SEND
//     transmits one abstract byte of text at offset 1 (DataOff); the FIN
//     occupies the next offset. SND.UNA, SND.NXT and RCV.NXT are offsets.
//
// Epochs are ordered as the clock orders them. The assumption, RFC 9293's
// own (sections 3.4.1 to 3.4.3): within a segment's lifetime, a later ISN
// of an endpoint lies above every number an earlier connection of that
// endpoint used, and further above it than the receive window. The
// comparisons of section 3.10.7 then have these outcomes, which TCB.Classify
// computes:
//
//   - A SEG.SEQ of an earlier epoch than RCV.NXT's lies below the window
//     (SeqOutside), one of a later epoch above it (SeqBeyond).
//   - A SEG.ACK of an earlier epoch than ISS lies at or below SND.UNA, and
//     more than MAX.SND.WND below it (AckOld): RFC 9293 files it with the
//     duplicates, which "can be ignored" while the segment's text and FIN
//     are still processed; RFC 5961 section 5 (variant rfc5961) answers it
//     with an ACK and drops the segment. One of a later epoch lies above
//     SND.NXT (AckUnacceptable). In SYN-SENT either is unacceptable
//     (SEG.ACK =< ISS or SEG.ACK > SND.NXT).
//   - Within an epoch every comparison (SEG.ACK =< ISS, SND.UNA < SEG.ACK
//     =< SND.NXT, SEG.SEQ = RCV.NXT, the window test) is computed exactly
//     on the offsets.
//
// Why this is faithful for connection management: every decision of the
// state machine depends on SEG.SEQ and SEG.ACK only through those
// comparisons with ISS, SND.UNA, SND.NXT, IRS and RCV.NXT, and an
// endpoint's numbers are only ever compared with numbers of the same
// endpoint's clock (SEG.SEQ with RCV.NXT, both the sender's; SEG.ACK with
// SND.UNA, both the receiver's). So each comparison has the outcome it has
// on concrete numbers drawn from ISNs that respect the order; a test draws
// a million such ISN sets, wraps at 2^32 included, and checks every class.
// Text is one byte because connection management only asks whether text
// is outstanding or acknowledged; more bytes would multiply states without
// adding a decision. The receive window (four offsets) covers everything
// one incarnation sends, so only old duplicates and other incarnations'
// segments are unacceptable, exactly the segments the RFC's window test
// exists to reject. The same four offsets are the peer's MAX.SND.WND, the
// largest window it was offered, so an earlier epoch's acknowledgment is
// below SND.UNA - MAX.SND.WND and a duplicate of this epoch is not.
//
// When real stacks break the order: a connection that sends more than
// about 2^31 octets, or one that outlives a wrap of the ISN clock (4.55
// hours at RFC 793's 4-microsecond tick; 34 seconds of sequence space at 1
// Gbit/s, RFC 9293 section 3.4.3), can hand its successor numbers that lie
// below its own, and a host that crashed and lost its clock can reuse
// numbers. Those are RFC 1337's hazards: TCB.SameISN (a model's reuse-isn)
// is their worst case. Timestamps and PAWS (RFC 7323), which real stacks
// use against them, are not modelled.
//
// The checker gives an endpoint's epochs a fixed width (checker.MaxEpochs):
// a transition that would take one further is cut, and the search is
// inconclusive, never wrapped round to an epoch that would compare
// differently.
//
// What the abstraction leaves out on purpose: window sizes and flow
// control, urgent data, and options. A Numbering maps epochs to concrete
// numbers, increasing with the epoch, so that a trace can be printed
// exactly as the RFC's figures print it.
//
// # Old segments and new incarnations
//
// Most segments of an earlier incarnation fail the first check, their SEQ
// below the window. The exception is a new incarnation synchronized by a
// second copy of a SYN (a retransmission or an old duplicate) that an
// earlier incarnation already answered: its RCV.NXT lies in the sequence
// space of the peer's connection with that earlier incarnation, so the
// peer's segments of that connection pass the SEQ check, and their
// acknowledgments, of the earlier incarnation's numbers, are AckOld, which
// RFC 9293 treats as duplicates. The new incarnation then takes text or a
// FIN from a connection it never belonged to. The checker finds this on
// the default client-server model (property old-ack-moves-nothing, 14
// steps); RFC 5961's ACK check (variants rfc5961 and linux) closes it, and
// RFC 1337's fix does not.
//
// # Variants
//
// An Overlay adds, removes or replaces rows, or removes a state and
// redirects what entered it. Diff shows what a variant changes, and each
// changed row cites its source. Variants lists the built-in ones:
//
//   - rfc9293, the default: RFC 9293 as its text requires. RFC 5961's
//     mitigations are optional there ("for stacks implementing RFC 5961";
//     the ACK check is MAY-12), so they stay out: any RST in the window
//     resets, and a SYN in the window of a synchronized state is RFC 793's
//     error, a reset, which RFC 9293 keeps for stacks without RFC 5961. In
//     this abstraction a SYN never lies in the window (its offset 0 is
//     below RCV.NXT, and another epoch's lies outside it), so that rule
//     shows only under mutation; a SYN outside the window draws the ACK
//     of the first check.
//   - rfc5961: every RFC 5961 mitigation. A RST in the window but not at
//     RCV.NXT gets a challenge ACK (section 3); a SYN in a synchronized
//     state gets a challenge ACK (section 4); an ACK below SND.UNA -
//     MAX.SND.WND, which here is an earlier epoch's (AckOld), is answered
//     with an ACK and dropped (section 5). That check closes the old-ACK
//     hazard (see "Old segments and new incarnations"), at a price the
//     checker also finds: two incarnations out of step can answer each
//     other's segments with ACKs forever, until a timer ends one of them.
//     RFC 5961 asks for challenge ACKs to be throttled, which the model
//     leaves out.
//   - rfc793: RFC 793's text as published, errors included: CLOSE in
//     CLOSE-WAIT enters CLOSING (p.61; RFC 1122 4.2.2.20 (a)).
//   - rfc793-figure: RFC 793 Figure 6 exactly as drawn, which disagrees
//     with the text (RFC 1122 4.2.2.8): "snd ACK" on a simultaneous SYN,
//     no arc from SYN-RECEIVED back to LISTEN, no arc from FIN-WAIT-1
//     straight to TIME-WAIT.
//   - rfc1337: RFC 1337's fix F1, a RST in TIME-WAIT is ignored.
//   - no-time-wait: TIME-WAIT removed, the active closer goes straight to
//     CLOSED (a mutant, to see why TIME-WAIT exists).
//   - linux: Linux's connection management where it differs, each row
//     citing the kernel function it follows. RFC 5961 as
//     tcp_validate_incoming and tcp_ack implement it (challenge ACKs for a
//     RST ahead of RCV.NXT and for a SYN; a too-old ACK answered and
//     dropped), but a passive SYN-RECEIVED is a request socket
//     (tcp_check_req): any RST in the window resets it, a SYN in the window
//     draws a RST, and a retransmitted SYN draws the SYN,ACK again. An ACK
//     above SND.NXT in ESTABLISHED is dropped without an ACK
//     (tcp_rcv_established). ABORT sends RST,ACK (tcp_send_active_reset).
//     An orphaned FIN-WAIT-2 times out (tcp_fin_timeout). TIME-WAIT is
//     tcp_timewait_state_process's: only a RST at RCV.NXT ends it
//     (tcp_rfc1337 = 0), any other RST is dropped without an answer, and a
//     SYN above RCV.NXT opens a new connection on the listener of a side
//     that opened passively (OpNewTCB, with an ISN above the old
//     connection's); if that SYN was an old duplicate, the new connection
//     is reset back to LISTEN and TIME-WAIT is not restored, against RFC
//     9293 MAY-2's condition (2).
//   - linux-loopback: linux where tcp_tw_reuse is in force, as its default
//     (2) makes it on a loopback interface: a client's connect() on the
//     4-tuple of its own TIME-WAIT connection takes it over, with an ISN
//     above the old connection's (tcp_twsk_unique). Linux allows that only
//     with TCP timestamps, whose PAWS check then screens old duplicates;
//     the model has no timestamps, so this variant shows what the takeover
//     risks without them.
package spec
