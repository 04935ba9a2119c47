package spec

import (
	"fmt"
	"strings"
	"sync"
)

// DefaultVariant is the name of the RFC 9293 table.
const DefaultVariant = "rfc9293"

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default returns the RFC 9293 table. It is built once and shared; tables
// are immutable.
func Default() *Table {
	defaultOnce.Do(func() {
		t, err := newTable(DefaultVariant, rfc9293Rows(), [NumStates]bool{})
		if err != nil {
			// The default rows are fixed at compile time and tested; an
			// error here is a bug in this package, not in any input.
			panic("spec: the RFC 9293 table is invalid: " + err.Error())
		}
		defaultTable = t
	})
	return defaultTable
}

// Variant describes a named protocol variant.
type Variant struct {
	Name        string
	Description string
	// Overlay is the change to the default table (empty for rfc9293).
	Overlay Overlay
}

// Variants lists the built-in variants, the default first.
func Variants() []Variant {
	return []Variant{
		{Name: DefaultVariant, Description: "RFC 9293 (2022), the current TCP specification, as its text requires: RFC 5961's mitigations, which it leaves optional, are variant rfc5961."},
		{Name: "rfc793", Description: "RFC 793 (1981)'s text as published, errors included: CLOSE in CLOSE-WAIT enters CLOSING (p.61; RFC 1122 4.2.2.20 (a) corrects it).", Overlay: rfc793Overlay()},
		{Name: "rfc793-figure", Description: "RFC 793 Figure 6 exactly as drawn, arc for arc: \"snd ACK\" on a simultaneous SYN, no arc from SYN-RECEIVED back to LISTEN, and no arc from FIN-WAIT-1 straight to TIME-WAIT.", Overlay: rfc793FigureOverlay()},
		{Name: "rfc5961", Description: "RFC 9293 with every RFC 5961 mitigation it leaves optional: only a RST at RCV.NXT resets (section 3), a SYN in a synchronized state gets a challenge ACK (section 4), and an ACK below SND.UNA - MAX.SND.WND is answered and dropped (section 5, MAY-12).", Overlay: rfc5961Overlay()},
		{Name: "rfc1337", Description: "RFC 1337 fix F1: a RST in TIME-WAIT is ignored, which prevents TIME-WAIT assassination.", Overlay: rfc1337Overlay()},
		{Name: "no-time-wait", Description: "TIME-WAIT removed: the active closer goes straight to CLOSED. A mutant, for seeing why TIME-WAIT exists.", Overlay: noTimeWaitOverlay()},
		{Name: "linux", Description: "Linux's connection management where it differs from RFC 9293, each row citing the kernel function it follows: RFC 5961 as tcp_validate_incoming and tcp_ack implement it, TIME-WAIT as tcp_timewait_state_process handles it (an exact RST ends it, tcp_rfc1337 = 0; a later SYN opens a new connection on a listener), the orphaned FIN-WAIT-2 timeout (tcp_fin_timeout), and RST,ACK on ABORT.", Overlay: linuxOverlay()},
		{Name: "linux-loopback", Description: "linux on a loopback interface, where tcp_tw_reuse's default (2) applies: a client's connect() may take over its own TIME-WAIT connection, with an ISN above the old one's (tcp_twsk_unique). Linux also asks for TCP timestamps there, which the model lacks, so PAWS does not screen old duplicates.", Overlay: linuxLoopbackOverlay()},
	}
}

// VariantNames lists the names of the built-in variants.
func VariantNames() []string {
	var out []string
	for _, v := range Variants() {
		out = append(out, v.Name)
	}
	return out
}

var (
	variantMu    sync.Mutex
	variantCache = map[string]*Table{}
)

// ForVariant returns the table of a built-in variant.
func ForVariant(name string) (*Table, error) {
	if name == "" || name == DefaultVariant {
		return Default(), nil
	}
	variantMu.Lock()
	defer variantMu.Unlock()
	if t, ok := variantCache[name]; ok {
		return t, nil
	}
	for _, v := range Variants() {
		if v.Name == name {
			t, err := Default().Apply(v.Overlay)
			if err != nil {
				return nil, fmt.Errorf("variant %s: %w", name, err)
			}
			variantCache[name] = t
			return t, nil
		}
	}
	return nil, fmt.Errorf("unknown variant %q (expected one of %s)", name, strings.Join(VariantNames(), ", "))
}

// baseRow returns a copy of a default row, for overlays that change it.
func baseRow(id string) Row {
	i, ok := Default().RowIndex(id)
	if !ok {
		panic("spec: no default row " + id)
	}
	return Default().Row(i)
}

func rfc793Overlay() Overlay {
	closeWait := baseRow("CLOSE-WAIT/close")
	closeWait.To = Closing
	closeWait.Arc = 0 // no longer Figure 5's arc 18, which enters LAST-ACK
	closeWait.Cite = "RFC 793 p.61"
	closeWait.Note = "RFC 793's text: \"send a FIN segment, enter CLOSING state\". RFC 1122 4.2.2.20 (a) corrects this to LAST-ACK."
	return Overlay{Name: "rfc793", Description: "RFC 793 as published", Replace: []Row{closeWait}}
}

// rfc793FigureOverlay is RFC 793's Figure 6 as drawn. Where the figure has
// no arc for an event that RFC 9293 Figure 5 gives one, the row does what
// the figure's other arcs imply.
func rfc793FigureOverlay() Overlay {
	simSyn := baseRow("SYN-SENT/rcv-syn")
	simSyn.Send = outs(OutACK)
	simSyn.Cite = "RFC 793 Figure 6"
	simSyn.Note = "The figure labels this arc \"rcv SYN / snd ACK\"; the text (p.68) and RFC 1122 4.2.2.8 (a) say \"snd SYN,ACK\"."

	rst := baseRow("SYN-RECEIVED/rcv-rst-passive")
	rst.To, rst.Tell, rst.Arc = Closed, NoticeRefused, 0
	rst.Cite = "RFC 793 Figure 6"
	rst.Note = "The figure has no arc from SYN-RECEIVED back to LISTEN (RFC 1122 4.2.2.8 (b) adds it; RFC 9293 Figure 5 draws it as arc 11), so a reset ends the connection."

	finAcked := baseRow("FIN-WAIT-1/rcv-fin-acked")
	finAcked.To, finAcked.Timer = Closing, 0
	finAcked.Cite = "RFC 793 Figure 6"
	finAcked.Note = "The figure goes from FIN-WAIT-1 to TIME-WAIT only through FIN-WAIT-2 or CLOSING, so a FIN that also acknowledges ours enters CLOSING, where the acknowledgment it already carried will never come again. RFC 1122 4.2.2.8 (c) adds the direct arc (RFC 9293 Figure 5 note 2)."
	return Overlay{Name: "rfc793-figure", Description: "RFC 793 Figure 6 as drawn", Replace: []Row{simSyn, rst, finAcked}}
}

// synchronizedStates are the states RFC 5961's checks apply to, SYN-RECEIVED
// aside.
var synchronizedStates = []State{Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait}

// challengeACK is an added row that answers a segment with
// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and drops it.
func challengeACK(id string, s State, on Pattern, g Guard, cite, note string) Row {
	return Row{ID: s.String() + "/" + id, From: s, On: on, Guard: g, To: s, Send: outs(OutACK), Cite: cite, Note: note}
}

func rfc5961Overlay() Overlay {
	const (
		citeRST = "RFC 5961 3.2; RFC 9293 3.10.7.4 (second check)"
		citeSYN = "RFC 5961 4.2; RFC 9293 3.10.7.4 (fourth check)"
		citeACK = "RFC 5961 5.2; RFC 9293 3.10.7.4 (fifth check, MAY-12)"
	)
	var add, replace []Row
	for _, s := range append([]State{SynReceived}, synchronizedStates...) {
		add = append(add, challengeACK("rcv-rst-ahead", s, rcv(RST, 0, ahead, 0), Always, citeRST,
			"A RST in the window but not at RCV.NXT may be blind: send a challenge ACK and drop it. Only SEG.SEQ = RCV.NXT resets."))
	}
	for _, s := range synchronizedStates {
		r := challengeACK("rcv-syn", s, rcv(SYN, RST, inWindow, 0), Always, citeSYN,
			"A SYN in a synchronized state, whatever its sequence number, gets a challenge ACK and is dropped (outside the window the first check already sent that ACK).")
		replace = append(replace, r)
		if s != TimeWait {
			add = append(add, challengeACK("rcv-old-ack", s, rcv(ACK, RST|SYN, inWindow, AcksOf(AckOld)), Always, citeACK,
				"SEG.ACK < SND.UNA - MAX.SND.WND: an acknowledgment of an earlier incarnation's numbers. Send an ACK and drop the segment, text and FIN included."))
		}
	}
	synAct := baseRow("SYN-RECEIVED/rcv-syn-active")
	synAct.To, synAct.Send, synAct.Timer, synAct.Tell = SynReceived, outs(OutACK), 0, NoticeNone
	synAct.Cite = citeSYN
	synAct.Note = "From an active OPEN, a SYN is handled as in the synchronized states: send a challenge ACK."
	replace = append(replace, synAct)
	return Overlay{Name: "rfc5961", Description: "RFC 5961", Replace: replace, Add: add}
}

func rfc1337Overlay() Overlay {
	r := baseRow("TIME-WAIT/rcv-rst")
	r.To, r.Tell, r.Timer = TimeWait, NoticeNone, 0
	r.Cite = "RFC 1337 4.2 (F1)"
	r.Note = "Ignore RST segments in TIME-WAIT, so an old duplicate's reset cannot assassinate it."
	return Overlay{Name: "rfc1337", Description: "RFC 1337 F1", Replace: []Row{r}}
}

func noTimeWaitOverlay() Overlay {
	return Overlay{Name: "no-time-wait", Description: "TIME-WAIT removed",
		RemoveStates: []StateRedirect{{State: TimeWait, To: Closed}}}
}

// The Linux sources the linux variant's rows follow.
const (
	srcValidate = "Linux net/ipv4/tcp_input.c tcp_validate_incoming"
	srcAck      = "Linux net/ipv4/tcp_input.c tcp_ack"
	srcTW       = "Linux net/ipv4/tcp_minisocks.c tcp_timewait_state_process"
	srcTWSyn    = srcTW + " (TCP_TW_SYN); net/ipv4/tcp_ipv4.c tcp_v4_rcv"
	srcReset    = "Linux net/ipv4/tcp.c tcp_disconnect; net/ipv4/tcp_output.c tcp_send_active_reset"
	srcCheckReq = "Linux net/ipv4/tcp_minisocks.c tcp_check_req"
	srcFinWait2 = "Linux net/ipv4/tcp.c tcp_close; net/ipv4/tcp_timer.c tcp_keepalive_timer (tcp_fin_timeout)"
)

func linuxOverlay() Overlay {
	fw2 := baseRow("FIN-WAIT-2/fin-wait-2-timeout")
	fw2.To, fw2.Tell, fw2.Timer = Closed, NoticeClosed, StopAll
	fw2.Cite = srcFinWait2
	fw2.Note = "Linux ends an orphaned FIN-WAIT-2 after tcp_fin_timeout (60 s by default) instead of waiting forever for the peer's FIN."
	replace := []Row{fw2}

	// ABORT: tcp_send_active_reset sends <SEQ=SND.NXT><CTL=RST,ACK>, so a
	// peer in SYN-SENT can validate it (RFC 9293 sends a bare RST).
	for _, id := range []string{"SYN-RECEIVED/abort", "ESTABLISHED/abort", "FIN-WAIT-1/abort", "FIN-WAIT-2/abort", "CLOSE-WAIT/abort"} {
		r := baseRow(id)
		r.Send = outs(OutRSTACK)
		r.Cite = srcReset
		r.Note = "Linux's reset carries the ACK bit: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>."
		replace = append(replace, r)
	}

	var add []Row
	// RFC 5961 as tcp_validate_incoming implements it, for full sockets. A
	// passive SYN-RECEIVED is a request socket (tcp_check_req), which any
	// RST in the window resets, as RFC 9293 does.
	add = append(add, challengeACK("rcv-rst-ahead", SynReceived, rcv(RST, 0, ahead, 0), IfActive, srcValidate+" (RFC 5961 3.2)",
		"A RST in the window but not at RCV.NXT gets a challenge ACK; only SEG.SEQ = RCV.NXT resets."))
	for _, s := range synchronizedStates {
		if s == TimeWait {
			continue
		}
		add = append(add, challengeACK("rcv-rst-ahead", s, rcv(RST, 0, ahead, 0), Always, srcValidate+" (RFC 5961 3.2)",
			"A RST in the window but not at RCV.NXT gets a challenge ACK; only SEG.SEQ = RCV.NXT resets."))
		add = append(add, challengeACK("rcv-old-ack", s, rcv(ACK, RST|SYN, inWindow, AcksOf(AckOld)), Always, srcAck+" (RFC 5961 5.2)",
			"An ACK below SND.UNA - max_window is too old: send a challenge ACK and drop the segment."))
		replace = append(replace, challengeACK("rcv-syn", s, rcv(SYN, RST, inWindow, 0), Always, srcValidate+" (RFC 5961 4.2)",
			"A SYN in a synchronized state gets a challenge ACK and is dropped."))
	}
	synAct := baseRow("SYN-RECEIVED/rcv-syn-active")
	synAct.To, synAct.Send, synAct.Timer, synAct.Tell = SynReceived, outs(OutACK), 0, NoticeNone
	synAct.Cite = srcValidate + " (RFC 5961 4.2)"
	synAct.Note = "A full socket in SYN-RECEIVED (simultaneous open) answers a SYN with a challenge ACK."
	replace = append(replace, synAct)

	// A passive SYN-RECEIVED is a request socket (tcp_check_req).
	synPas := baseRow("SYN-RECEIVED/rcv-syn-passive")
	synPas.Send = outs(OutRSTACKForSeg)
	synPas.Cite = srcCheckReq
	synPas.Note = "A SYN in the window removes the request and draws a reset; the listener stays."
	replace = append(replace, synPas)
	add = append(add, Row{ID: "SYN-RECEIVED/rcv-syn-again", From: SynReceived, On: rcv(SYN, RST|ACK|FIN|Data, SeqsOf(SeqIRS), 0), Guard: IfPassive,
		To: SynReceived, Send: outs(OutSYNACK), Cite: srcCheckReq,
		Note: "A retransmission of the SYN that made the request is answered with the SYN,ACK again, not with an ACK."})

	// An ACK of something not yet sent: ESTABLISHED drops it in silence
	// (tcp_ack returns an error and tcp_rcv_established discards the
	// segment); the other states send a challenge ACK, as RFC 9293 does.
	badAck := baseRow("ESTABLISHED/rcv-bad-ack")
	badAck.Send = nil
	badAck.Cite = srcAck + "; net/ipv4/tcp_input.c tcp_rcv_established"
	badAck.Note = "SEG.ACK > SND.NXT in ESTABLISHED: Linux drops the segment without the ACK RFC 9293 asks for."
	replace = append(replace, badAck)

	// TIME-WAIT, as tcp_timewait_state_process handles it.
	add = append(add,
		Row{ID: "TIME-WAIT/rcv-rst-ahead", From: TimeWait, On: rcv(RST, 0, ahead, 0), To: TimeWait, Cite: srcTW,
			Note: "Only a RST with SEG.SEQ = RCV.NXT ends TIME-WAIT (tcp_rfc1337 = 0, the default); any other RST is dropped, without a challenge ACK."},
		Row{ID: "TIME-WAIT/rcv-syn-new", From: TimeWait, On: rcv(SYN, RST|ACK, SeqsOf(SeqBeyond), 0), Guard: IfPassive, To: SynReceived,
			Send: outs(OutSYNACK), Do: OpNewTCB | OpRecordIRS | OpSetPassive, Timer: StartRetransmission, Cite: srcTWSyn,
			Note: "A SYN above RCV.NXT may open a new connection: the TIME-WAIT socket is deleted and the listener (kept by the side that opened passively) answers with an ISS above every number the old connection used (tw_snd_nxt + 65537). If the SYN was an old duplicate, the new connection is reset back to LISTEN and TIME-WAIT is not restored, against RFC 9293 MAY-2's condition (2)."},
	)
	return Overlay{Name: "linux", Description: "Linux", Replace: replace, Add: add}
}

// linuxLoopbackOverlay is linux with tcp_tw_reuse in force, as it is by
// default on loopback (net.ipv4.tcp_tw_reuse = 2).
func linuxLoopbackOverlay() Overlay {
	o := linuxOverlay()
	o.Name, o.Description = "linux-loopback", "Linux on loopback"
	reuse := baseRow("TIME-WAIT/connect")
	reuse.To, reuse.Tell = SynSent, NoticeNone
	reuse.Send, reuse.Do, reuse.Timer = outs(OutSYN), OpNewTCB|OpSetActive, StartRetransmission
	reuse.Cite = "Linux net/ipv4/tcp_ipv4.c tcp_twsk_unique (tcp_tw_reuse)"
	reuse.Note = "connect() on the 4-tuple of our own TIME-WAIT connection takes it over: the TIME-WAIT socket goes, and the new connection's ISN is tw_snd_nxt + 65537, above every number the old one used."
	o.Replace = append(o.Replace, reuse)
	return o
}
