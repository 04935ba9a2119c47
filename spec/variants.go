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
		{Name: DefaultVariant, Description: "RFC 9293 (2022), the current TCP specification, with RFC 5961 challenge ACKs for SYNs in synchronized states."},
		{Name: "rfc793", Description: "RFC 793 (1981) as published, errors included: CLOSE in CLOSE-WAIT enters CLOSING, the figure's \"snd ACK\" on a simultaneous SYN, and a SYN in the window resets the connection.", Overlay: rfc793Overlay()},
		{Name: "rfc1337", Description: "RFC 1337 fix F1: a RST in TIME-WAIT is ignored, which prevents TIME-WAIT assassination.", Overlay: rfc1337Overlay()},
		{Name: "no-time-wait", Description: "TIME-WAIT removed: the active closer goes straight to CLOSED. A mutant, for seeing why TIME-WAIT exists.", Overlay: noTimeWaitOverlay()},
		{Name: "linux", Description: "Linux's connection management where it differs: an orphaned FIN-WAIT-2 times out (tcp_fin_timeout), and a RST resets a synchronized connection, TIME-WAIT included (tcp_rfc1337=0), only when SEG.SEQ = RCV.NXT; elsewhere in the window it draws a challenge ACK (RFC 5961).", Overlay: linuxOverlay()},
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

	simSyn := baseRow("SYN-SENT/rcv-syn")
	simSyn.Send = outs(OutACK)
	simSyn.Cite = "RFC 793 Figure 6"
	simSyn.Note = "RFC 793's figure labels this arc \"snd ACK\"; RFC 1122 4.2.2.8 (a) corrects it to \"snd SYN,ACK\" as the text says."

	var synRows []Row
	for _, s := range []State{Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait} {
		r := baseRow(s.String() + "/rcv-syn")
		r.To, r.Send, r.Tell, r.Timer = Closed, outs(OutRST), NoticeReset, StopAll
		r.Cite = "RFC 793 p.71"
		r.Note = "RFC 793: a SYN in the window is an error; send a reset and enter CLOSED. RFC 9293 sends a challenge ACK instead (RFC 5961)."
		synRows = append(synRows, r)
	}
	return Overlay{Name: "rfc793", Description: "RFC 793 as published", Replace: append([]Row{closeWait, simSyn}, synRows...)}
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

func linuxOverlay() Overlay {
	fw2 := baseRow("FIN-WAIT-2/fin-wait-2-timeout")
	fw2.To, fw2.Tell, fw2.Timer = Closed, NoticeClosed, StopAll
	fw2.Cite = "Linux tcp(7) tcp_fin_timeout; RFC 9293 3.10.8"
	fw2.Note = "Linux ends an orphaned FIN-WAIT-2 after tcp_fin_timeout (60 s by default) instead of waiting forever for the peer's FIN."

	// Linux validates a RST as RFC 5961 section 3 does: only SEG.SEQ =
	// RCV.NXT resets; a RST elsewhere in the window draws a challenge ACK
	// (tcp_validate_incoming, and tcp_timewait_state_process for
	// TIME-WAIT, which is killed by an exact RST while tcp_rfc1337 = 0).
	var added []Row
	for _, s := range []State{Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait} {
		added = append(added, Row{ID: s.String() + "/rcv-rst-ahead", From: s, On: rcv(RST, 0, ahead, 0), To: s, Send: outs(OutACK),
			Cite: "RFC 5961 3.2; Linux tcp_validate_incoming()",
			Note: "A RST in the window but not at RCV.NXT gets a challenge ACK instead of resetting the connection."})
	}
	return Overlay{Name: "linux", Description: "Linux", Replace: []Row{fw2}, Add: added}
}
