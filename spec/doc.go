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
//   - The epoch names an initial sequence number. Each incarnation of a
//     connection selects a new ISN, and the epoch stands for it. RFC 9293
//     section 3.4.1 chooses ISNs from a clock so that, within a maximum
//     segment lifetime, a new incarnation's numbers do not overlap an old
//     one's; the abstraction makes that assumption exact: numbers of
//     different epochs are never in each other's window, and an
//     acknowledgment of another epoch acknowledges nothing we sent.
//   - The offset counts from the ISN. The SYN occupies offset 0; SEND
//     transmits one abstract byte of text at offset 1 (DataOff); the FIN
//     occupies the next offset. SND.UNA, SND.NXT and RCV.NXT are offsets, so
//     every comparison in section 3.10.7 (SEG.ACK =< ISS, SND.UNA < SEG.ACK
//     =< SND.NXT, SEG.SEQ = RCV.NXT, the window test) is computed exactly
//     on them.
//
// Why this is faithful for connection management: every decision of the
// state machine depends on SEG.SEQ and SEG.ACK only through those
// comparisons with ISS, SND.UNA, SND.NXT, IRS and RCV.NXT. Within one
// incarnation the abstraction keeps the exact offsets, so each comparison
// has the same outcome as with concrete numbers chosen from the epochs'
// ISNs. Across incarnations, concrete numbers chosen as section 3.4.1
// requires fall outside each other's windows, which is what different
// epochs mean. Text is one byte because connection management only asks
// whether text is outstanding or acknowledged; more bytes would multiply
// states without adding a decision. The receive window (four offsets)
// covers everything one incarnation sends, so only old duplicates and
// other incarnations' segments are unacceptable, exactly the segments the
// RFC's window test exists to reject.
//
// What the abstraction leaves out on purpose: sequence-number wraparound
// and ISN collisions (RFC 1337's hazards need them; a model can provoke
// them by reusing an epoch for a new incarnation, which is the worst case
// of a fast or long connection), window sizes and flow control, urgent
// data, and options. A Numbering maps epochs to concrete numbers so that a
// trace can be printed exactly as the RFC's figures print it.
//
// # Variants
//
// An Overlay adds, removes or replaces rows, or removes a state and
// redirects what entered it. Variants lists the built-in ones: rfc9293
// (the default), rfc793 (as published, errors included), rfc1337 (RST
// ignored in TIME-WAIT), no-time-wait (the active closer goes straight to
// CLOSED) and linux. Diff shows what a variant changes.
package spec
