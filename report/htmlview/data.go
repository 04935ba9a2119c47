// Package htmlview renders tcpcheck's results as one self-contained HTML
// page: a summary of every property with filters, and each counterexample
// as an interactive message-sequence chart beside both endpoints' TCBs,
// the row taken with its RFC citation and the state diagram with the
// step's arc highlighted.
//
// As porcupine's visualisation does, the Go side computes everything the
// page shows (Compute returns it as a Page, which the tests examine) and
// draws both pictures as inline SVG; the embedded script only moves the
// highlight from step to step. The page fetches nothing: its style,
// script and data are inline, and the same input always gives the same
// bytes.
package htmlview

import (
	"strconv"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/report"
)

// Page is everything the HTML page shows, computed from a report or a
// trace.
type Page struct {
	// Title heads the page.
	Title string `json:"title"`
	// Summary has a row per property, in the report's order; it is empty
	// for a single trace (explain).
	Summary []SummaryRow `json:"summary"`
	// Stats are the report's search statistics (with --stats).
	Stats []report.ModelStats `json:"stats,omitempty"`
	// Traces are the counterexamples and witnesses, in the report's order.
	Traces []Trace `json:"traces"`
}

// SummaryRow is one property's line of the summary.
type SummaryRow struct {
	Property string `json:"property"`
	Kind     string `json:"kind"`
	Model    string `json:"model"`
	Variant  string `json:"variant"`
	Expected string `json:"expected"`
	Verdict  string `json:"verdict"`
	Status   string `json:"status"`
	Message  string `json:"message"`
	// Trace is the index in Page.Traces of the property's trace, or -1.
	Trace int `json:"trace"`
}

// Trace is one counterexample (or witness) as the page steps through it.
type Trace struct {
	Property string `json:"property"`
	Model    string `json:"model"`
	Variant  string `json:"variant"`
	Verdict  string `json:"verdict"`
	Status   string `json:"status"`
	Message  string `json:"message"`
	// LoopStart is the index in Steps of the first step of a lasso's
	// cycle, or -1 for a finite trace.
	LoopStart int `json:"loop_start"`
	// Steps starts with the initial world (N 0), then one entry per step.
	Steps []Step `json:"steps"`
	// Messages are the segments of the chart, each copy once.
	Messages []Message `json:"messages"`
	// States are the state diagram's states: those of the trace's
	// variant, in the RFC's order.
	States []string `json:"states"`
	// Arcs are the state diagram's arcs.
	Arcs []Arc `json:"arcs"`
}

// Step is what the page shows at one step.
type Step struct {
	N      int    `json:"n"`
	Actor  string `json:"actor,omitempty"`
	Action string `json:"action,omitempty"`
	Event  string `json:"event"`
	// A and B are the endpoints after the step.
	A Endpoint `json:"a"`
	B Endpoint `json:"b"`
	// InFlight lists the segments in the network after the step, as
	// "A→B <SEQ=100><CTL=SYN>".
	InFlight []string `json:"in_flight"`
	Row      string   `json:"row,omitempty"`
	Cite     string   `json:"cite,omitempty"`
	Note     string   `json:"note,omitempty"`
	Notice   string   `json:"notice,omitempty"`
	// Arc is the key of the state-diagram arc the actor took
	// ("SYN-SENT->ESTABLISHED"), or empty when its state did not change.
	Arc string `json:"arc,omitempty"`
	// Breaking marks the step that breaks a safety property.
	Breaking bool `json:"breaking,omitempty"`
	// InLoop marks a step of a lasso's cycle.
	InLoop bool `json:"in_loop,omitempty"`
}

// Endpoint is one endpoint's TCB, with the RFC's numbers.
type Endpoint struct {
	State string `json:"state"`
	// SndUna, SndNxt and RcvNxt are SND.UNA, SND.NXT and RCV.NXT as
	// concrete sequence numbers (A's first ISS is 100, B's 300), or empty
	// where the state has no such variable.
	SndUna string `json:"snd_una,omitempty"`
	SndNxt string `json:"snd_nxt,omitempty"`
	RcvNxt string `json:"rcv_nxt,omitempty"`
	// TCB is the checker's rendering of the whole TCB.
	TCB   string `json:"tcb"`
	Ended string `json:"ended,omitempty"`
}

// Message is one copy of a segment on the chart.
type Message struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Flags string `json:"flags"`
	Text  string `json:"text"`
	// Sent is the step that put the copy in the network (0: it was there
	// from the start); End the step that delivered, lost or dropped it,
	// or -1 when it is still in flight when the trace ends.
	Sent int `json:"sent"`
	End  int `json:"end"`
	// Fate is "delivered", "lost", "dropped" or "in-flight".
	Fate string `json:"fate"`
	// Duplicate marks a copy the network made; Delayed a copy that a
	// segment sent after it in the same direction overtook.
	Duplicate bool `json:"duplicate,omitempty"`
	Delayed   bool `json:"delayed,omitempty"`
}

// Arc is an arc of the state diagram.
type Arc struct {
	Key  string `json:"key"`
	From string `json:"from"`
	To   string `json:"to"`
	// Label names the rows behind the arc ("rcv SYN / snd SYN,ACK").
	Label string `json:"label"`
	// Extra marks a change of state no row of the table makes (a crash).
	Extra bool `json:"extra,omitempty"`
}

// ArcKey names the arc from one state to another.
func ArcKey(from, to string) string { return from + "->" + to }

// Compute computes the page of a report of verify.
func Compute(r *report.Report) *Page {
	p := &Page{Title: "tcpcheck verify", Summary: []SummaryRow{}, Traces: []Trace{}, Stats: r.Stats}
	for i := range r.Results {
		res := &r.Results[i]
		row := SummaryRow{Property: res.Name, Kind: res.Kind, Model: res.Model, Variant: res.Variant,
			Expected: res.Expected, Verdict: res.Verdict, Status: res.Status, Message: res.Message, Trace: -1}
		if res.Mutant != "" {
			row.Property += " (mutant: " + res.Mutant + ")"
		}
		if res.Trace != nil {
			row.Trace = len(p.Traces)
			t := computeTrace(res.Trace)
			t.Status = res.Status
			p.Traces = append(p.Traces, t)
		}
		p.Summary = append(p.Summary, row)
	}
	return p
}

// ComputeTrace computes the page of one trace (explain).
func ComputeTrace(v *checker.TraceView) *Page {
	title := "tcpcheck explain"
	if v.Property != "" {
		title += ": " + v.Property
	}
	return &Page{Title: title, Summary: []SummaryRow{}, Traces: []Trace{computeTrace(v)}}
}

func computeTrace(v *checker.TraceView) Trace {
	t := Trace{Property: v.Property, Model: v.Model, Variant: v.Variant, Verdict: v.Verdict,
		Message: v.Message, LoopStart: v.LoopStart}
	ep := epochs{}
	ep.see(&v.Initial)
	t.Steps = append(t.Steps, Step{N: 0, Event: "initial state",
		A: endpoint(&v.Initial.A, "A", ep), B: endpoint(&v.Initial.B, "B", ep), InFlight: inFlight(&v.Initial)})
	for i := range v.Steps {
		s := &v.Steps[i]
		for _, g := range s.Sent {
			ep.seeSeg(g)
		}
		ep.see(&s.After)
		st := Step{N: s.N, Actor: s.Actor, Action: s.Action, Event: s.Event,
			A: endpoint(&s.After.A, "A", ep), B: endpoint(&s.After.B, "B", ep), InFlight: inFlight(&s.After),
			Row: s.Row, Cite: s.Cite, Note: s.Note, Notice: s.Notice,
			InLoop: v.LoopStart >= 0 && i >= v.LoopStart}
		before, after := s.Before.Endpoint(s.Actor).State, s.After.Endpoint(s.Actor).State
		if before != after {
			st.Arc = ArcKey(before, after)
		}
		t.Steps = append(t.Steps, st)
	}
	if n := len(t.Steps); n > 1 && v.Verdict == "violated" && v.LoopStart < 0 {
		t.Steps[n-1].Breaking = true
	}
	t.Messages = messages(v)
	t.Arcs = arcs(v)
	t.States = states(v)
	return t
}

// epochs tracks each side's epoch, which names its ISS: a CLOSED TCB
// names the epoch of its next connection ("CLOSED e1"), and a segment a
// side sends shows it in its SEQ (A's epoch e starts at 100+400e, B's at
// 300+400e).
type epochs map[string]int

func (ep epochs) see(w *checker.WorldView) {
	for _, side := range []string{"A", "B"} {
		e := w.Endpoint(side)
		if n, ok := strings.CutPrefix(e.TCB, "CLOSED e"); ok {
			if k, err := strconv.Atoi(n); err == nil {
				ep[side] = k
			}
		}
	}
}

func (ep epochs) seeSeg(g checker.SegmentView) {
	if _, ok := ep[g.From]; ok || strings.Contains(g.Flags, "RST") {
		return
	}
	if g.Seq >= base(g.From) {
		ep[g.From] = int((g.Seq - base(g.From)) / 400)
	}
}

func base(side string) uint32 {
	if side == "B" {
		return 300
	}
	return 100
}

// endpoint reads SND.UNA, SND.NXT and RCV.NXT out of the TCB's rendering
// ("ESTABLISHED una=1 nxt=1 rcv=e0+1": offsets from the side's ISS, and
// RCV.NXT as the peer's epoch and offset).
func endpoint(e *checker.EndpointView, side string, ep epochs) Endpoint {
	out := Endpoint{State: e.State, TCB: e.TCB, Ended: e.Ended}
	peer := "B"
	if side == "B" {
		peer = "A"
	}
	iss := base(side) + 400*uint32(ep[side])
	for _, f := range strings.Fields(e.TCB) {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch k {
		case "una", "nxt":
			off, err := strconv.ParseUint(val, 10, 32)
			if err != nil {
				continue
			}
			n := strconv.FormatUint(uint64(iss)+off, 10)
			if k == "una" {
				out.SndUna = n
			} else {
				out.SndNxt = n
			}
		case "rcv":
			es, offs, ok := strings.Cut(strings.TrimPrefix(val, "e"), "+")
			e, err1 := strconv.Atoi(es)
			off, err2 := strconv.Atoi(offs)
			if ok && err1 == nil && err2 == nil {
				out.RcvNxt = strconv.Itoa(int(base(peer)) + 400*e + off)
			}
		}
	}
	return out
}

func inFlight(w *checker.WorldView) []string {
	out := []string{}
	for _, g := range w.InFlight.AToB {
		out = append(out, "A→B "+g.Text)
	}
	for _, g := range w.InFlight.BToA {
		out = append(out, "B→A "+g.Text)
	}
	return out
}

// messages follows every copy of every segment from the step that put it
// in the network to the step that delivered or lost it. A delivery takes
// the oldest live copy with the same text in its direction.
func messages(v *checker.TraceView) []Message {
	var ms []Message
	live := map[string][]int{} // direction → indexes of live copies
	add := func(g checker.SegmentView, step int, dup bool) {
		ms = append(ms, Message{From: g.From, To: g.To, Flags: g.Flags, Text: g.Text, Sent: step, End: -1, Fate: "in-flight", Duplicate: dup})
		live[g.From] = append(live[g.From], len(ms)-1)
	}
	take := func(g checker.SegmentView, step int) int {
		l := live[g.From]
		for j, k := range l {
			if ms[k].Text == g.Text {
				live[g.From] = append(l[:j:j], l[j+1:]...)
				return k
			}
		}
		// Not seen sent: it was in the network before the trace began.
		ms = append(ms, Message{From: g.From, To: g.To, Flags: g.Flags, Text: g.Text, Sent: 0, End: -1})
		return len(ms) - 1
	}
	for _, g := range v.Initial.InFlight.AToB {
		add(g, 0, false)
	}
	for _, g := range v.Initial.InFlight.BToA {
		add(g, 0, false)
	}
	for _, s := range v.Steps {
		if s.Segment != nil {
			switch s.Action {
			case "deliver":
				k := take(*s.Segment, s.N)
				ms[k].End, ms[k].Fate = s.N, "delivered"
			case "lose":
				k := take(*s.Segment, s.N)
				ms[k].End, ms[k].Fate = s.N, "lost"
			case "duplicate":
				add(*s.Segment, s.N, true)
			}
		}
		for _, g := range s.Sent {
			add(g, s.N, false)
		}
		for _, g := range s.Dropped {
			ms = append(ms, Message{From: g.From, To: g.To, Flags: g.Flags, Text: g.Text, Sent: s.N, End: s.N, Fate: "dropped"})
		}
	}
	for i := range ms {
		m := &ms[i]
		if m.Fate != "delivered" {
			continue
		}
		for j := i + 1; j < len(ms); j++ {
			o := &ms[j]
			if o.From == m.From && o.Fate == "delivered" && o.Sent >= m.Sent && o.End < m.End {
				m.Delayed = true
				break
			}
		}
	}
	if ms == nil {
		ms = []Message{}
	}
	return ms
}
