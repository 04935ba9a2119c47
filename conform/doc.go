// Package conform checks packet captures of real TCP connections against
// a transition table of package spec: for each connection, whether some
// run of the table's protocol produces exactly the captured segments, in
// the captured order, consistently with where the capture was taken.
//
// It is trace validation, not replay. A capture shows the segments at one
// point of the path, and much is hidden: the users' calls, the timers, the
// moment each segment reached its receiver, and which segments were lost
// before or after the capture point. Check infers them by a search over
// the model, constrained by the capture. A replay that took each segment
// to arrive when it was seen would report a false deviation on a
// simultaneous close, where both FINs are sent before either arrives.
//
// # The abstraction
//
// Each side's ISN comes from its SYN, and its numbers are counted from
// it. The model's abstraction (see package spec) has one octet of text per
// connection, so a transfer of many octets in many segments is collapsed
// onto it:
//
//   - The text as a whole is the abstract octet: offsets 1 to D (D the
//     length of the side's text, up to its FIN) are offset 1, the FIN is
//     offset 2 and the number after it 3 (without text: 1 and 2).
//   - The segment whose text ends the side's text is the abstract octet's
//     transmission (with its FIN, when it carries one, as a second
//     abstract segment). It is the table's SEND, or a retransmission.
//   - A segment whose text ends earlier stands for what its header says
//     besides the text: an ACK, which a synchronized endpoint may send at
//     any time; or, once the octet was sent, its retransmission.
//   - An acknowledgment of part of the text acknowledges no text: the
//     abstract octet counts as acknowledged once every octet is.
//
// So no number that a real transfer produces lies outside what the
// abstraction can say, and the abstraction never acknowledges or delivers
// text that the real connection had not.
//
// # What a run may do
//
//   - Users may call OPEN, SEND, CLOSE and ABORT at any point, save ABORT
//     in TIME-WAIT. RFC 9293 section 3.10.5 lets ABORT delete a TIME-WAIT
//     TCB, but MUST-13 has an actively closed connection linger there for
//     2 MSL, and the sockets API leaves the user no handle to abort with
//     after close; without this, any reuse of a 4-tuple would conform.
//   - Timers expire at any point where they run, except that a timer of a
//     fixed duration must fit the capture's clock (below). Under the linux
//     variants a tail-loss probe (tcp_send_loss_probe, RFC 8985) may also
//     resend the FIN while the text before it is unacknowledged, where
//     RFC 6298's retransmission resends the text.
//   - A segment the capture has shown may reach its receiver at any later
//     point, any number of times, or never (RFC 9293 section 3.4: the
//     network may lose, duplicate and reorder). A segment the capture has
//     not shown reaches nobody: it was lost before the capture point, or
//     is still on its way to it.
//   - Bare ACKs: RFC 9293 lets a receiver delay an ACK and let a later
//     segment carry it (section 3.8.6.3), and send window updates (section
//     3.8.6.2.2). So an ACK the table sends need not appear, and a
//     synchronized endpoint may send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
//     at any point. A missing ACK is therefore never a deviation.
//
// # Where the capture was taken
//
// Vantage Path (the default) has the capture anywhere between the hosts:
// a segment a side sends may be lost before the capture point, so an
// unseen segment never counts against the run. Client and Server put the
// capture next to one side, all of whose segments are then seen; Loopback
// next to both. Tighter vantages find more deviations, since fewer hidden
// losses can explain a missing segment.
//
// # Timers against the capture's clock
//
// The model's timers are untimed, but a capture has timestamps. A hidden
// expiry of a timer whose duration the variant fixes must fit the time
// between frames: the expiry comes before the next frame, and the timer
// started after the frame before its start. TIME-WAIT lasts 2 MSL (RFC
// 9293 section 3.4.2: MSL is 2 minutes, Options.MSL changes it), and 60 s
// under the linux variants (TCP_TIMEWAIT_LEN). Durations a stack or an
// administrator configures are checked only when given: Linux's
// tcp_fin_timeout (Options.FinTimeout) and a minimum retransmission
// timeout (Options.MinRTO; RFC 6298's 1 s is only a SHOULD, Linux uses
// 200 ms, and tail-loss probes come sooner still).
//
// # Connections and incarnations
//
// Check splits segments into connections with capture.Split. The
// incarnations of one 4-tuple are checked as one run, since a new one may
// begin while the old one lingers (a SYN that TIME-WAIT takes, or Linux's
// tcp_tw_reuse), and the k-th ISN a side shows on the 4-tuple is the
// model's epoch k for it. A run in which a side chose an ISN that no
// captured segment carries is not considered: in the rare run where such
// an ISN matters (a SYN and all its retransmissions lost before the
// capture point, then a new one), Check may report a deviation no real run
// has.
//
// # The search
//
// Between two captured segments the endpoints do not meet, so the search
// keeps the states each side can be in apart, level by level: level i
// holds each side's states once the capture has shown i segments. A step
// that sends a segment the capture must show next, in order, keeps it
// pending; one that sends something the capture never shows in that order
// must have lost it (where the vantage allows). Among the runs, Check
// reports one with the fewest unusual events (losses, aborts, user
// timeouts), and it is the same run every time.
//
// # Verdicts
//
// Conforms names the hidden events of one run. Deviates names the first
// frame no run produces, the states its sender could be in, and what the
// table let it send from there, with the rows and their citations.
// Incomplete says the capture starts mid-connection (no SYN), ends while
// the connection is open, or that the search hit its bound.
package conform
