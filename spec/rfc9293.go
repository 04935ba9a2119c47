package spec

// This file is the RFC 9293 transition table. Rows of one state are tried
// in order and the first whose pattern and guard match is taken, which is
// how section 3.10.7 reads: a sequence of checks, each of which may end the
// processing of a segment.

// Section citations used by many rows.
const (
	citeOpen      = "RFC 9293 3.10.1"
	citeSend      = "RFC 9293 3.10.2"
	citeClose     = "RFC 9293 3.10.4"
	citeAbort     = "RFC 9293 3.10.5"
	citeClosed    = "RFC 9293 3.10.7.1"
	citeListen    = "RFC 9293 3.10.7.2"
	citeSynSent   = "RFC 9293 3.10.7.3"
	citeOther     = "RFC 9293 3.10.7.4"
	citeTimeouts  = "RFC 9293 3.10.8"
	citeFigure5   = "RFC 9293 3.3.2 Figure 5"
	citeRFC1122SO = "RFC 1122 4.2.2.10; RFC 9293 3.5 Figure 7"
)

var (
	anySeq        SeqSet
	inWindow      = SeqsOf(SeqInOrder, SeqAhead)
	inOrder       = SeqsOf(SeqInOrder)
	ahead         = SeqsOf(SeqAhead)
	notAcceptable = SeqsOf(SeqUnchecked, SeqIRS, SeqOutside, SeqBeyond)
	okAck         = AcksOf(AckOfSYN, AckOfData, AckOfFIN, AckDuplicate, AckOld)
	notOfFIN      = AcksOf(AckOfSYN, AckOfData, AckDuplicate, AckOld)
	ofFIN         = AcksOf(AckOfFIN)
	ofSYN         = AcksOf(AckOfSYN)
	badAck        = AcksOf(AckUnacceptable)
	notOfSYN      = AcksOf(AckOfData, AckOfFIN, AckDuplicate, AckOld, AckUnacceptable)
	textOrFIN     = Data | FIN
)

func on(k EventKind) Pattern { return Pattern{Kind: k} }

func rcv(has, lacks Flags, seq SeqSet, ack AckSet) Pattern {
	return Pattern{Kind: Arrive, Has: has, Lacks: lacks, Seq: seq, Ack: ack}
}

func rcvAny(anyOf, lacks Flags, seq SeqSet, ack AckSet) Pattern {
	return Pattern{Kind: Arrive, AnyOf: anyOf, Lacks: lacks, Seq: seq, Ack: ack}
}

func outs(o ...Output) []Output { return o }

// rfc9293Rows returns the default table's rows.
func rfc9293Rows() []Row {
	var rows []Row
	add := func(r ...Row) { rows = append(rows, r...) }

	// CLOSED: no TCB exists.
	add(
		Row{ID: "CLOSED/listen", From: Closed, On: on(OpenPassive), To: Listen, Cite: citeOpen, Arc: 1},
		Row{ID: "CLOSED/connect", From: Closed, On: on(OpenActive), To: SynSent, Send: outs(OutSYN), Timer: StartRetransmission, Cite: citeOpen, Arc: 2},
		Row{ID: "CLOSED/send", From: Closed, On: on(Send), To: Closed, Tell: NoticeNoConnection, Cite: citeSend},
		Row{ID: "CLOSED/close", From: Closed, On: on(Close), To: Closed, Tell: NoticeNoConnection, Cite: citeClose},
		Row{ID: "CLOSED/abort", From: Closed, On: on(Abort), To: Closed, Tell: NoticeNoConnection, Cite: citeAbort},
		Row{ID: "CLOSED/rcv-rst", From: Closed, On: rcv(RST, 0, anySeq, 0), To: Closed, Cite: citeClosed,
			Note: "An incoming segment containing a RST is discarded: a reset is never answered with a reset."},
		Row{ID: "CLOSED/rcv-ack", From: Closed, On: rcv(ACK, RST, anySeq, 0), To: Closed, Send: outs(OutRSTForACK), Cite: citeClosed},
		Row{ID: "CLOSED/rcv-other", From: Closed, On: rcv(0, RST|ACK, anySeq, 0), To: Closed, Send: outs(OutRSTACKForSeg), Cite: citeClosed},
	)
	add(idleTimeouts(Closed)...)

	// LISTEN.
	add(
		Row{ID: "LISTEN/listen", From: Listen, On: on(OpenPassive), To: Listen, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "LISTEN/connect", From: Listen, On: on(OpenActive), To: SynSent, Send: outs(OutSYN), Timer: StartRetransmission, Cite: citeOpen,
			Note: "An active OPEN changes the connection from passive to active."},
		Row{ID: "LISTEN/send", From: Listen, On: on(Send), To: SynSent, Send: outs(OutSYN), Do: OpQueueData, Timer: StartRetransmission, Cite: citeSend, Arc: 5},
		Row{ID: "LISTEN/close", From: Listen, On: on(Close), To: Closed, Cite: citeClose, Arc: 3},
		Row{ID: "LISTEN/abort", From: Listen, On: on(Abort), To: Closed, Cite: citeAbort},
		Row{ID: "LISTEN/rcv-rst", From: Listen, On: rcv(RST, 0, anySeq, 0), To: Listen, Cite: citeListen,
			Note: "An incoming RST is ignored."},
		Row{ID: "LISTEN/rcv-ack", From: Listen, On: rcv(ACK, RST, anySeq, 0), To: Listen, Send: outs(OutRSTForACK), Cite: citeListen,
			Note: "Any acknowledgment is bad in LISTEN: answer <SEQ=SEG.ACK><CTL=RST>."},
		Row{ID: "LISTEN/rcv-syn", From: Listen, On: rcv(SYN, RST|ACK, anySeq, 0), To: SynReceived, Send: outs(OutSYNACK),
			Do: OpRecordIRS | OpSetPassive, Timer: StartRetransmission, Cite: citeListen, Arc: 4,
			Note: "Text or FIN on a SYN is not processed here; the peer sends it again once synchronized."},
		Row{ID: "LISTEN/rcv-other", From: Listen, On: rcv(0, SYN|RST|ACK, anySeq, 0), To: Listen, Cite: citeListen,
			Note: "Any other control or text-bearing segment (not containing SYN) must have an ACK and would have been discarded by the ACK processing; drop it."},
	)
	add(idleTimeouts(Listen)...)

	// SYN-SENT.
	add(
		Row{ID: "SYN-SENT/listen", From: SynSent, On: on(OpenPassive), To: SynSent, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "SYN-SENT/connect", From: SynSent, On: on(OpenActive), To: SynSent, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "SYN-SENT/send", From: SynSent, On: on(Send), To: SynSent, Do: OpQueueData, Cite: citeSend,
			Note: "Queue the text for transmission after entering ESTABLISHED."},
		Row{ID: "SYN-SENT/close", From: SynSent, On: on(Close), To: Closed, Timer: StopAll, Cite: citeClose, Arc: 6,
			Note: "Delete the TCB; no RST is sent (packetdrill close-on-syn-sent.pkt)."},
		Row{ID: "SYN-SENT/abort", From: SynSent, On: on(Abort), To: Closed, Timer: StopAll, Tell: NoticeReset, Cite: citeAbort,
			Note: "Queued SENDs and RECEIVEs are given reset notification; no RST is sent."},
		Row{ID: "SYN-SENT/rcv-bad-ack-rst", From: SynSent, On: rcv(ACK|RST, 0, anySeq, notOfSYN), To: SynSent, Cite: citeSynSent,
			Note: "An unacceptable ACK on a RST: discard the segment."},
		Row{ID: "SYN-SENT/rcv-bad-ack", From: SynSent, On: rcv(ACK, RST, anySeq, notOfSYN), To: SynSent, Send: outs(OutRSTForACK), Cite: citeSynSent,
			Note: "SEG.ACK =< ISS or SEG.ACK > SND.NXT: send <SEQ=SEG.ACK><CTL=RST>. This is how an old duplicate SYN,ACK is refused."},
		Row{ID: "SYN-SENT/rcv-rst", From: SynSent, On: rcv(RST|ACK, 0, anySeq, ofSYN), To: Closed, Timer: StopAll, Tell: NoticeReset, Cite: citeSynSent,
			Note: "A RST is acceptable only if its ACK acknowledges our SYN: \"error: connection reset\"."},
		Row{ID: "SYN-SENT/rcv-rst-no-ack", From: SynSent, On: rcv(RST, ACK, anySeq, 0), To: SynSent, Cite: citeSynSent,
			Note: "A RST without ACK cannot be validated in SYN-SENT: drop it."},
		Row{ID: "SYN-SENT/rcv-syn-ack", From: SynSent, On: rcv(SYN|ACK, RST, anySeq, ofSYN), To: Established, Send: outs(OutACK, OutQueued),
			Do: OpRecordIRS | OpAckUpdate, Timer: StopRetransmission, Tell: NoticeEstablished, Cite: citeSynSent, Arc: 8},
		Row{ID: "SYN-SENT/rcv-syn", From: SynSent, On: rcv(SYN, RST|ACK, anySeq, 0), To: SynReceived, Send: outs(OutSYNACK),
			Do: OpRecordIRS | OpSetActive, Cite: "RFC 9293 3.10.7.3; RFC 1122 4.2.2.8 (a)", Arc: 7,
			Note: "Simultaneous open: send SYN,ACK (RFC 793's figure wrongly said ACK)."},
		Row{ID: "SYN-SENT/rcv-other", From: SynSent, On: rcv(0, SYN|RST, anySeq, 0), To: SynSent, Cite: citeSynSent,
			Note: "If neither SYN nor RST is set, drop the segment: a FIN here cannot be validated."},
		Row{ID: "SYN-SENT/rto", From: SynSent, On: on(RetransmissionTimeout), To: SynSent, Send: outs(OutRetransmit), Timer: StartRetransmission, Cite: citeTimeouts},
		Row{ID: "SYN-SENT/user-timeout", From: SynSent, On: on(UserTimeout), To: Closed, Timer: StopAll, Tell: NoticeUserTimeout, Cite: citeTimeouts},
		Row{ID: "SYN-SENT/2msl", From: SynSent, On: on(TimeWaitTimeout), To: SynSent, Cite: citeTimeouts, Note: "No 2MSL timer runs here."},
		Row{ID: "SYN-SENT/fin-wait-2-timeout", From: SynSent, On: on(FinWait2Timeout), To: SynSent, Cite: citeTimeouts, Note: "No FIN-WAIT-2 timer runs here."},
	)

	// SYN-RECEIVED.
	add(
		Row{ID: "SYN-RECEIVED/listen", From: SynReceived, On: on(OpenPassive), To: SynReceived, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "SYN-RECEIVED/connect", From: SynReceived, On: on(OpenActive), To: SynReceived, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "SYN-RECEIVED/send", From: SynReceived, On: on(Send), To: SynReceived, Do: OpQueueData, Cite: citeSend,
			Note: "Queue the text for transmission after entering ESTABLISHED."},
		Row{ID: "SYN-RECEIVED/close", From: SynReceived, On: on(Close), Guard: IfNoDataQueued, To: FinWait1, Send: outs(OutFIN), Timer: StartRetransmission, Cite: citeClose, Arc: 10},
		Row{ID: "SYN-RECEIVED/close-queued", From: SynReceived, On: on(Close), Guard: IfDataQueued, To: SynReceived, Do: OpQueueClose, Cite: citeClose,
			Note: "With text queued, the CLOSE is queued for processing after entering ESTABLISHED."},
		Row{ID: "SYN-RECEIVED/abort", From: SynReceived, On: on(Abort), To: Closed, Send: outs(OutRST), Timer: StopAll, Cite: citeAbort},
		Row{ID: "SYN-RECEIVED/rcv-syn-ack", From: SynReceived, On: rcv(SYN|ACK, RST, SeqsOf(SeqIRS), ofSYN), Guard: IfNoClosePending, To: Established,
			Send: outs(OutQueued), Do: OpAckUpdate, Timer: StopRetransmission, Tell: NoticeEstablished, Cite: citeRFC1122SO,
			Note: "Simultaneous open: the peer's SYN,ACK repeats its SYN (SEG.SEQ = IRS) and acknowledges ours; Figure 7 line 6 enters ESTABLISHED."},
		Row{ID: "SYN-RECEIVED/rcv-syn-ack-close", From: SynReceived, On: rcv(SYN|ACK, RST, SeqsOf(SeqIRS), ofSYN), Guard: IfClosePending, To: FinWait1,
			Send: outs(OutQueued), Do: OpAckUpdate, Timer: StartRetransmission, Cite: citeRFC1122SO + "; RFC 9293 3.10.4",
			Note: "As above, then the queued CLOSE sends its FIN."},
	)
	add(synchronizedChecks(SynReceived)...)
	add(
		Row{ID: "SYN-RECEIVED/rcv-rst-passive", From: SynReceived, On: rcv(RST, 0, inWindow, 0), Guard: IfPassive, To: Listen, Timer: StopAll, Cite: citeOther + "; RFC 1122 4.2.2.20 (e)", Arc: 11,
			Note: "Figure 5 note 1: a connection that came from a passive OPEN returns to LISTEN."},
		Row{ID: "SYN-RECEIVED/rcv-rst-active", From: SynReceived, On: rcv(RST, 0, inWindow, 0), Guard: IfActive, To: Closed, Timer: StopAll, Tell: NoticeRefused, Cite: citeOther,
			Note: "From an active OPEN: \"connection refused\"."},
		Row{ID: "SYN-RECEIVED/rcv-syn-passive", From: SynReceived, On: rcv(SYN, RST, inWindow, 0), Guard: IfPassive, To: Listen, Timer: StopAll, Cite: citeOther,
			Note: "A SYN in the window, from a passive OPEN: return to LISTEN."},
		Row{ID: "SYN-RECEIVED/rcv-syn-active", From: SynReceived, On: rcv(SYN, RST, inWindow, 0), Guard: IfActive, To: Closed, Send: outs(OutRST),
			Timer: StopAll, Tell: NoticeReset, Cite: citeOther + " (fourth check, without RFC 5961)",
			Note: "From an active OPEN, a SYN is handled as in the synchronized states: in the window it is an error; send a reset and delete the TCB."},
	)
	add(aheadCheck(SynReceived))
	add(
		Row{ID: "SYN-RECEIVED/rcv-no-ack", From: SynReceived, On: rcv(0, RST|SYN|ACK, inWindow, 0), To: SynReceived, Cite: citeOther,
			Note: "If the ACK bit is off, drop the segment."},
		Row{ID: "SYN-RECEIVED/rcv-bad-ack", From: SynReceived, On: rcv(ACK, RST|SYN, inWindow, notOfSYN), To: SynReceived, Send: outs(OutRSTForACK), Cite: citeOther,
			Note: "The ACK is not acceptable (SND.UNA < SEG.ACK =< SND.NXT fails): send <SEQ=SEG.ACK><CTL=RST>."},
		Row{ID: "SYN-RECEIVED/rcv-ack-fin", From: SynReceived, On: rcv(ACK|FIN, RST|SYN, inOrder, ofSYN), Guard: IfNoClosePending, To: CloseWait,
			Send: outs(OutACK, OutQueued), Do: OpAckUpdate | OpConsume, Timer: StopRetransmission, Tell: NoticeRemoteClose, Cite: citeOther,
			Note: "The ACK completes the handshake (ESTABLISHED) and the FIN in the same segment moves on to CLOSE-WAIT."},
		Row{ID: "SYN-RECEIVED/rcv-ack-fin-close", From: SynReceived, On: rcv(ACK|FIN, RST|SYN, inOrder, ofSYN), Guard: IfClosePending, To: Closing,
			Send: outs(OutACK, OutQueued), Do: OpAckUpdate | OpConsume, Tell: NoticeRemoteClose, Cite: citeOther + "; RFC 9293 3.10.4",
			Note: "The handshake completes, the queued CLOSE sends our FIN (FIN-WAIT-1), and the peer's FIN moves on to CLOSING."},
		Row{ID: "SYN-RECEIVED/rcv-ack-close", From: SynReceived, On: rcv(ACK, RST|SYN|FIN, inWindow, ofSYN), Guard: IfClosePending, To: FinWait1,
			Send: outs(OutQueued), Do: OpAckUpdate | OpConsume, Timer: StartRetransmission, Cite: citeOther + "; RFC 9293 3.10.4",
			Note: "The handshake completes and the queued CLOSE sends its FIN."},
		Row{ID: "SYN-RECEIVED/rcv-ack", From: SynReceived, On: rcv(ACK, RST|SYN|FIN, inWindow, ofSYN), To: Established,
			Send: outs(OutQueued), Do: OpAckUpdate | OpConsume, Timer: StopRetransmission, Tell: NoticeEstablished, Cite: citeOther, Arc: 9,
			Note: "SND.UNA < SEG.ACK =< SND.NXT: enter ESTABLISHED and continue processing (text in the segment is taken)."},
	)
	add(liveTimeouts(SynReceived)...)

	// ESTABLISHED.
	add(
		Row{ID: "ESTABLISHED/listen", From: Established, On: on(OpenPassive), To: Established, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "ESTABLISHED/connect", From: Established, On: on(OpenActive), To: Established, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "ESTABLISHED/send", From: Established, On: on(Send), To: Established, Send: outs(OutData), Timer: StartRetransmission, Cite: citeSend},
		Row{ID: "ESTABLISHED/close", From: Established, On: on(Close), To: FinWait1, Send: outs(OutFIN), Timer: StartRetransmission, Cite: citeClose, Arc: 12},
		Row{ID: "ESTABLISHED/abort", From: Established, On: on(Abort), To: Closed, Send: outs(OutRST), Timer: StopAll, Cite: citeAbort},
	)
	add(synchronizedChecks(Established)...)
	add(resetAndSYN(Established)...)
	add(aheadCheck(Established))
	add(ackChecks(Established)...)
	add(
		Row{ID: "ESTABLISHED/rcv-fin", From: Established, On: rcv(FIN|ACK, RST|SYN, inOrder, okAck), To: CloseWait, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Tell: NoticeRemoteClose, Cite: citeOther, Arc: 13,
			Note: "Eighth check: advance RCV.NXT over the FIN, acknowledge it, signal \"connection closing\"."},
		Row{ID: "ESTABLISHED/rcv-data", From: Established, On: rcv(ACK|Data, RST|SYN|FIN, inOrder, okAck), To: Established, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Cite: citeOther, Note: "Seventh check: take the text and acknowledge it."},
		Row{ID: "ESTABLISHED/rcv-ack", From: Established, On: rcv(ACK, RST|SYN|FIN|Data, inWindow, okAck), To: Established,
			Do: OpAckUpdate, Cite: citeOther, Note: "Fifth check: SND.UNA advances if the ACK is new; a duplicate is ignored."},
	)
	add(liveTimeouts(Established)...)

	// FIN-WAIT-1.
	add(closingCalls(FinWait1, true)...)
	add(synchronizedChecks(FinWait1)...)
	add(resetAndSYN(FinWait1)...)
	add(aheadCheck(FinWait1))
	add(ackChecks(FinWait1)...)
	add(
		Row{ID: "FIN-WAIT-1/rcv-fin-acked", From: FinWait1, On: rcv(FIN|ACK, RST|SYN, inOrder, ofFIN), To: TimeWait, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Timer: Start2MSL | StopRetransmission, Tell: NoticeRemoteClose, Cite: citeOther + "; " + citeFigure5 + " note 2; RFC 1122 4.2.2.8 (c)",
			Note: "Our FIN is acknowledged in this very segment: enter TIME-WAIT directly."},
		Row{ID: "FIN-WAIT-1/rcv-fin", From: FinWait1, On: rcv(FIN|ACK, RST|SYN, inOrder, notOfFIN), To: Closing, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Tell: NoticeRemoteClose, Cite: citeOther, Arc: 15, Note: "Simultaneous close."},
		Row{ID: "FIN-WAIT-1/rcv-ack-of-fin-data", From: FinWait1, On: rcv(ACK|Data, RST|SYN|FIN, inOrder, ofFIN), To: FinWait2, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Timer: StopRetransmission, Cite: citeOther, Note: "Our FIN is acknowledged; the text is taken and acknowledged."},
		Row{ID: "FIN-WAIT-1/rcv-ack-of-fin", From: FinWait1, On: rcv(ACK, RST|SYN|FIN|Data, inWindow, ofFIN), To: FinWait2,
			Do: OpAckUpdate, Timer: StopRetransmission, Cite: citeOther, Arc: 14},
		Row{ID: "FIN-WAIT-1/rcv-data", From: FinWait1, On: rcv(ACK|Data, RST|SYN|FIN, inOrder, notOfFIN), To: FinWait1, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Cite: citeOther, Note: "The peer may still send: take the text."},
		Row{ID: "FIN-WAIT-1/rcv-ack", From: FinWait1, On: rcv(ACK, RST|SYN|FIN|Data, inWindow, notOfFIN), To: FinWait1,
			Do: OpAckUpdate, Cite: citeOther},
	)
	add(liveTimeouts(FinWait1)...)

	// FIN-WAIT-2.
	add(closingCalls(FinWait2, true)...)
	add(synchronizedChecks(FinWait2)...)
	add(resetAndSYN(FinWait2)...)
	add(aheadCheck(FinWait2))
	add(ackChecks(FinWait2)...)
	add(
		Row{ID: "FIN-WAIT-2/rcv-fin", From: FinWait2, On: rcv(FIN|ACK, RST|SYN, inOrder, okAck), To: TimeWait, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Timer: Start2MSL, Tell: NoticeRemoteClose, Cite: citeOther, Arc: 16},
		Row{ID: "FIN-WAIT-2/rcv-data", From: FinWait2, On: rcv(ACK|Data, RST|SYN|FIN, inOrder, okAck), To: FinWait2, Send: outs(OutACK),
			Do: OpAckUpdate | OpConsume, Cite: citeOther, Note: "Half-closed: the peer may still send text."},
		Row{ID: "FIN-WAIT-2/rcv-ack", From: FinWait2, On: rcv(ACK, RST|SYN|FIN|Data, inWindow, okAck), To: FinWait2, Do: OpAckUpdate, Cite: citeOther},
	)
	add(liveTimeouts(FinWait2)...)

	// CLOSE-WAIT.
	add(
		Row{ID: "CLOSE-WAIT/listen", From: CloseWait, On: on(OpenPassive), To: CloseWait, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "CLOSE-WAIT/connect", From: CloseWait, On: on(OpenActive), To: CloseWait, Tell: NoticeExists, Cite: citeOpen},
		Row{ID: "CLOSE-WAIT/send", From: CloseWait, On: on(Send), To: CloseWait, Send: outs(OutData), Timer: StartRetransmission, Cite: citeSend,
			Note: "Half-closed: we may still send."},
		Row{ID: "CLOSE-WAIT/close", From: CloseWait, On: on(Close), To: LastAck, Send: outs(OutFIN), Timer: StartRetransmission, Cite: citeClose + "; RFC 1122 4.2.2.20 (a)", Arc: 18},
		Row{ID: "CLOSE-WAIT/abort", From: CloseWait, On: on(Abort), To: Closed, Send: outs(OutRST), Timer: StopAll, Cite: citeAbort},
	)
	add(synchronizedChecks(CloseWait)...)
	add(resetAndSYN(CloseWait)...)
	add(aheadCheck(CloseWait))
	add(ackChecks(CloseWait)...)
	add(
		Row{ID: "CLOSE-WAIT/rcv-segment", From: CloseWait, On: rcv(ACK, RST|SYN, inWindow, okAck), To: CloseWait, Do: OpAckUpdate, Cite: citeOther,
			Note: "Text or a FIN cannot arrive in order after the peer's FIN; ignore them and remain in CLOSE-WAIT."},
	)
	add(liveTimeouts(CloseWait)...)

	// CLOSING.
	add(closingCalls(Closing, false)...)
	add(synchronizedChecks(Closing)...)
	add(resetAndSYN(Closing)...)
	add(aheadCheck(Closing))
	add(ackChecks(Closing)...)
	add(
		Row{ID: "CLOSING/rcv-ack-of-fin", From: Closing, On: rcv(ACK, RST|SYN, inWindow, ofFIN), To: TimeWait, Do: OpAckUpdate, Timer: Start2MSL | StopRetransmission, Cite: citeOther, Arc: 17},
		Row{ID: "CLOSING/rcv-segment", From: Closing, On: rcv(ACK, RST|SYN, inWindow, notOfFIN), To: Closing, Do: OpAckUpdate, Cite: citeOther,
			Note: "If the ACK does not acknowledge our FIN, ignore the segment."},
	)
	add(liveTimeouts(Closing)...)

	// LAST-ACK.
	add(closingCalls(LastAck, false)...)
	add(synchronizedChecks(LastAck)...)
	add(resetAndSYN(LastAck)...)
	add(aheadCheck(LastAck))
	add(ackChecks(LastAck)...)
	add(
		Row{ID: "LAST-ACK/rcv-ack-of-fin", From: LastAck, On: rcv(ACK, RST|SYN, inWindow, ofFIN), To: Closed, Timer: StopAll, Tell: NoticeClosed, Cite: citeOther, Arc: 19,
			Note: "The only thing that can arrive is the acknowledgment of our FIN: delete the TCB."},
		Row{ID: "LAST-ACK/rcv-segment", From: LastAck, On: rcv(ACK, RST|SYN, inWindow, notOfFIN), To: LastAck, Do: OpAckUpdate, Cite: citeOther},
	)
	add(liveTimeouts(LastAck)...)

	// TIME-WAIT.
	add(closingCalls(TimeWait, false)...)
	add(
		Row{ID: "TIME-WAIT/rcv-fin-again", From: TimeWait, On: rcv(FIN, RST|SYN, notAcceptable, 0), To: TimeWait, Send: outs(OutACK), Timer: Restart2MSL,
			Cite: citeOther + " (first and eighth checks)",
			Note: "A retransmission of the remote FIN: acknowledge it and restart the 2MSL timeout. This is what TIME-WAIT is for."},
	)
	add(synchronizedChecks(TimeWait)...)
	add(resetAndSYN(TimeWait)...)
	add(aheadCheck(TimeWait))
	add(ackChecks(TimeWait)...)
	add(
		Row{ID: "TIME-WAIT/rcv-fin", From: TimeWait, On: rcv(FIN|ACK, RST|SYN, inOrder, okAck), To: TimeWait, Send: outs(OutACK), Timer: Restart2MSL, Cite: citeOther,
			Note: "Remain in TIME-WAIT and restart the 2MSL timeout."},
		Row{ID: "TIME-WAIT/rcv-segment", From: TimeWait, On: rcv(ACK, RST|SYN, inWindow, okAck), To: TimeWait, Cite: citeOther},
		Row{ID: "TIME-WAIT/rto", From: TimeWait, On: on(RetransmissionTimeout), To: TimeWait, Cite: citeTimeouts, Note: "Everything is acknowledged; no retransmission timer runs."},
		Row{ID: "TIME-WAIT/user-timeout", From: TimeWait, On: on(UserTimeout), To: Closed, Tell: NoticeUserTimeout, Cite: citeTimeouts},
		Row{ID: "TIME-WAIT/2msl", From: TimeWait, On: on(TimeWaitTimeout), To: Closed, Timer: StopAll, Tell: NoticeClosed, Cite: citeTimeouts, Arc: 20},
		Row{ID: "TIME-WAIT/fin-wait-2-timeout", From: TimeWait, On: on(FinWait2Timeout), To: TimeWait, Cite: citeTimeouts, Note: "No FIN-WAIT-2 timer runs here."},
	)
	return rows
}

// idleTimeouts are the timeout rows of CLOSED and LISTEN, where no timer runs.
func idleTimeouts(s State) []Row {
	var rows []Row
	for _, k := range []EventKind{RetransmissionTimeout, TimeWaitTimeout, UserTimeout, FinWait2Timeout} {
		rows = append(rows, Row{ID: s.String() + "/" + k.Key(), From: s, On: on(k), To: s, Cite: citeTimeouts,
			Note: "No timer runs in this state."})
	}
	return rows
}

// liveTimeouts are the timeout rows of a state that may have something to
// retransmit.
func liveTimeouts(s State) []Row {
	return []Row{
		{ID: s.String() + "/rto", From: s, On: on(RetransmissionTimeout), To: s, Send: outs(OutRetransmit), Timer: StartRetransmission, Cite: citeTimeouts,
			Note: "Send the segment at the front of the retransmission queue again."},
		{ID: s.String() + "/user-timeout", From: s, On: on(UserTimeout), To: Closed, Timer: StopAll, Tell: NoticeUserTimeout, Cite: citeTimeouts,
			Note: "Flush all queues, signal the user, delete the TCB."},
		{ID: s.String() + "/2msl", From: s, On: on(TimeWaitTimeout), To: s, Cite: citeTimeouts, Note: "No 2MSL timer runs here."},
		{ID: s.String() + "/fin-wait-2-timeout", From: s, On: on(FinWait2Timeout), To: s, Cite: citeTimeouts, Note: "No FIN-WAIT-2 timer runs in RFC 9293."},
	}
}

// closingCalls are the user calls of the states after a local CLOSE.
func closingCalls(s State, resetOnAbort bool) []Row {
	rows := []Row{
		{ID: s.String() + "/listen", From: s, On: on(OpenPassive), To: s, Tell: NoticeExists, Cite: citeOpen},
		{ID: s.String() + "/connect", From: s, On: on(OpenActive), To: s, Tell: NoticeExists, Cite: citeOpen},
		{ID: s.String() + "/send", From: s, On: on(Send), To: s, Tell: NoticeClosing, Cite: citeSend},
		{ID: s.String() + "/close", From: s, On: on(Close), To: s, Tell: NoticeClosing, Cite: citeClose,
			Note: "A second CLOSE is an error; no second FIN is sent."},
	}
	if resetOnAbort {
		rows = append(rows, Row{ID: s.String() + "/abort", From: s, On: on(Abort), To: Closed, Send: outs(OutRST), Timer: StopAll, Cite: citeAbort})
	} else {
		rows = append(rows, Row{ID: s.String() + "/abort", From: s, On: on(Abort), To: Closed, Timer: StopAll, Cite: citeAbort,
			Note: "Respond \"ok\" and delete the TCB; no RST is sent."})
	}
	return rows
}

// synchronizedChecks is the first check of RFC 9293 section 3.10.7.4 in
// state s: an unacceptable segment is answered with an ACK unless it is a
// RST, and dropped.
func synchronizedChecks(s State) []Row {
	return []Row{
		{ID: s.String() + "/rcv-unacceptable-rst", From: s, On: rcv(RST, 0, notAcceptable, 0), To: s, Cite: citeOther,
			Note: "A RST outside the window is not valid: drop it."},
		{ID: s.String() + "/rcv-unacceptable", From: s, On: rcv(0, RST, notAcceptable, 0), To: s, Send: outs(OutACK), Cite: citeOther + "; RFC 9293 3.5.2",
			Note: "Not acceptable: send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and drop it. This ACK is how half-open connections are discovered."},
	}
}

// resetAndSYN is the second and fourth checks for a synchronized state.
func resetAndSYN(s State) []Row {
	rst := Row{ID: s.String() + "/rcv-rst", From: s, On: rcv(RST, 0, inWindow, 0), To: Closed, Timer: StopAll, Tell: NoticeReset, Cite: citeOther,
		Note: "A RST in the window is valid: the connection is reset and the TCB deleted."}
	switch s {
	case Closing, LastAck, TimeWait:
		rst.Note = "A valid RST: enter CLOSED and delete the TCB. RFC 9293 does not adopt RFC 1337's fix for TIME-WAIT."
	}
	return []Row{
		rst,
		{ID: s.String() + "/rcv-syn", From: s, On: rcv(SYN, RST, inWindow, 0), To: Closed, Send: outs(OutRST), Timer: StopAll, Tell: NoticeReset,
			Cite: citeOther + " (fourth check, without RFC 5961)",
			Note: "RFC 9293 keeps RFC 793's rule for stacks without RFC 5961 (whose challenge ACK is variant rfc5961): a SYN in the window is an error; send a reset, tell the user \"connection reset\", delete the TCB. A SYN outside the window got an ACK at the first check."},
	}
}

// aheadCheck drops text or a FIN that lies beyond RCV.NXT: RFC 9293 section
// 3.10.7.4 lets it be held for later processing, and this model does not
// hold it; it acknowledges RCV.NXT so the peer retransmits.
func aheadCheck(s State) Row {
	return Row{ID: s.String() + "/rcv-ahead", From: s, On: rcvAny(textOrFIN, RST|SYN, ahead, 0), To: s, Send: outs(OutACK), Cite: citeOther,
		Note: "Text or FIN beyond RCV.NXT is not held for later processing (the RFC allows either): acknowledge RCV.NXT and drop it."}
}

// ackChecks is the fifth check for a synchronized state: no ACK bit, or an
// ACK of something not yet sent.
func ackChecks(s State) []Row {
	return []Row{
		{ID: s.String() + "/rcv-no-ack", From: s, On: rcv(0, RST|SYN|ACK, inWindow, 0), To: s, Cite: citeOther,
			Note: "If the ACK bit is off, drop the segment."},
		{ID: s.String() + "/rcv-bad-ack", From: s, On: rcv(ACK, RST|SYN, inWindow, badAck), To: s, Send: outs(OutACK), Cite: citeOther,
			Note: "The ACK acknowledges something not yet sent (SEG.ACK > SND.NXT): send an ACK and drop the segment."},
	}
}
