package checker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tcpcheck/tcpcheck/spec"
)

// TraceSchema names the version of the JSON form of a trace. A reader
// refuses any other version, so a change that removes or renames a field
// must change it.
const TraceSchema = "tcpcheck/trace/v1"

// TraceView is a self-contained, JSON-ready view of a Trace: everything a
// reader needs to retell the run (segments with their concrete numbers,
// both endpoints' states around each step, what is in flight, the table
// row taken and its citation) without the model or the table. Saved
// counterexamples are TraceViews, and the message-sequence charts and the
// explain command render from them, so a live trace and a saved one look
// the same.
type TraceView struct {
	// Schema is TraceSchema.
	Schema string `json:"schema"`
	// Model and Variant name the model and the transition table.
	Model   string `json:"model"`
	Variant string `json:"variant"`
	// Property, Verdict and Message say, when the trace is a property's
	// counterexample or witness, which property, its verdict and why.
	Property string `json:"property,omitempty"`
	Verdict  string `json:"verdict,omitempty"`
	Message  string `json:"message,omitempty"`
	// Initial is the world the run starts from.
	Initial WorldView `json:"initial"`
	// Steps are the transitions, in order.
	Steps []StepView `json:"steps"`
	// LoopStart is the index in Steps of the first step of the cycle of a
	// lasso (a liveness counterexample repeats Steps[LoopStart:] forever),
	// or -1 for a finite trace.
	LoopStart int `json:"loop_start"`
}

// WorldView is both endpoints and what is in flight between them.
type WorldView struct {
	A        EndpointView `json:"a"`
	B        EndpointView `json:"b"`
	InFlight InFlightView `json:"in_flight"`
}

// Endpoint returns the view of side s ("A" or "B").
func (w *WorldView) Endpoint(s string) *EndpointView {
	if s == "B" {
		return &w.B
	}
	return &w.A
}

// EndpointView is one endpoint.
type EndpointView struct {
	// State is the connection state in RFC spelling ("SYN-RECEIVED").
	State string `json:"state"`
	// TCB renders the transmission control block's variables.
	TCB string `json:"tcb"`
	// Incarnation counts the connections the user opened before this one.
	Incarnation int `json:"incarnation"`
	// Ended says how the latest connection ended ("closed", "reset", ...),
	// or is empty while it has not ended.
	Ended string `json:"ended,omitempty"`
}

// InFlightView is what travels in each direction, in the network's order.
type InFlightView struct {
	AToB []SegmentView `json:"a_to_b"`
	BToA []SegmentView `json:"b_to_a"`
}

// SegmentView is a segment with the concrete numbers RFC 9293's figures
// use: A's first ISN is 100 and B's 300, and each later epoch's 400
// further on, as Trace.String prints them.
type SegmentView struct {
	// From and To are the sending and receiving sides.
	From string `json:"from"`
	To   string `json:"to"`
	// Flags are the control bits, as in "SYN,ACK", with "+DATA" for a
	// segment that carries text.
	Flags string `json:"flags"`
	// Seq is SEG.SEQ; Ack is SEG.ACK, present only when ACK is set.
	Seq uint32  `json:"seq"`
	Ack *uint32 `json:"ack,omitempty"`
	// Text is the segment in the RFC's notation, "<SEQ=100><CTL=SYN>".
	Text string `json:"text"`
}

// StepView is one step of a trace.
type StepView struct {
	// N numbers the steps from 1.
	N int `json:"n"`
	// Actor is the side that acts ("A" or "B"): the caller, the timer's
	// owner, the receiver of a delivery, or the sender of a segment the
	// network loses or duplicates.
	Actor string `json:"actor"`
	// Action is "call", "timeout", "deliver", "lose", "duplicate", "crash"
	// or "reopen".
	Action string `json:"action"`
	// Event is the step in words ("B receives <SEQ=100><CTL=SYN>").
	Event string `json:"event"`
	// Call is the user call or timeout, for calls, timeouts and reopens.
	Call string `json:"call,omitempty"`
	// Classified is the event as the transition table classified it.
	Classified string `json:"classified,omitempty"`
	// Segment is the segment delivered, lost or duplicated.
	Segment *SegmentView `json:"segment,omitempty"`
	// Sent lists the segments the actor sent that entered the network.
	Sent []SegmentView `json:"sent"`
	// Dropped lists the segments the actor sent that the network dropped
	// at once because their channel was full.
	Dropped []SegmentView `json:"dropped,omitempty"`
	// Before and After are the worlds around the step.
	Before WorldView `json:"before"`
	After  WorldView `json:"after"`
	// Row is the ID of the table row taken, with its citation, its note
	// and, for a row a variant made, the variant's name and what it did
	// to the row ("added", "replaced" or "redirected").
	Row        string `json:"row,omitempty"`
	Cite       string `json:"cite,omitempty"`
	Note       string `json:"note,omitempty"`
	RowVariant string `json:"row_variant,omitempty"`
	RowOrigin  string `json:"row_origin,omitempty"`
	// Notice is what the actor's user is told, if anything.
	Notice string `json:"notice,omitempty"`
}

// NewTraceView builds the view of a trace. Use it to save a
// counterexample or to hand it to a renderer; DecodeTraceView reads a saved
// one back.
func NewTraceView(t *Trace) *TraceView {
	v := &TraceView{Schema: TraceSchema, Model: t.Model, LoopStart: t.LoopStart, Steps: []StepView{}}
	if t.table != nil {
		v.Variant = t.table.Name()
	}
	v.Initial = worldView(&t.Initial)
	for i := range t.Steps {
		v.Steps = append(v.Steps, t.stepView(&t.Steps[i], i+1))
	}
	return v
}

// stepView builds the view of step s of the trace, numbered n.
func (t *Trace) stepView(s *Step, n int) StepView {
	sv := StepView{
		N:      n,
		Actor:  s.Actor.String(),
		Action: s.Action.String(),
		Event:  t.describe(s),
		Sent:   []SegmentView{},
		Before: worldView(&s.Before),
		After:  worldView(&s.After),
		Notice: s.Notice.String(),
	}
	switch s.Action {
	case ActCall, ActTimeout, ActReopen:
		sv.Call = s.Call.String()
	case ActDeliver:
		seg := segmentView(s.Actor.Peer(), s.Seg)
		sv.Segment = &seg
	case ActLose, ActDuplicate:
		seg := segmentView(s.Actor, s.Seg)
		sv.Segment = &seg
	}
	if s.Row >= 0 {
		sv.Classified = s.Event.String()
	}
	for _, g := range s.entered() {
		sv.Sent = append(sv.Sent, segmentView(s.Actor, g))
	}
	for _, g := range s.droppedSegments() {
		sv.Dropped = append(sv.Dropped, segmentView(s.Actor, g))
	}
	if r, ok := t.Row(s); ok {
		sv.Row, sv.Cite, sv.Note = r.ID, r.Cite, r.Note
		if r.Origin != spec.Base {
			sv.RowVariant, sv.RowOrigin = r.Variant, r.Origin.String()
		}
	}
	return sv
}

func worldView(w *World) WorldView {
	v := WorldView{A: endpointView(&w.E[A]), B: endpointView(&w.E[B])}
	v.InFlight.AToB = segmentViews(A, w.Net[A].Segments())
	v.InFlight.BToA = segmentViews(B, w.Net[B].Segments())
	return v
}

func endpointView(e *Endpoint) EndpointView {
	v := EndpointView{State: e.TCB.State.String(), TCB: e.TCB.String(), Incarnation: int(e.Incarnation)}
	if e.Ended != EndNone {
		v.Ended = e.Ended.String()
	}
	return v
}

func segmentViews(from Side, segs []spec.Segment) []SegmentView {
	out := []SegmentView{}
	for _, g := range segs {
		out = append(out, segmentView(from, g))
	}
	return out
}

func segmentView(from Side, g spec.Segment) SegmentView {
	to := from.Peer()
	v := SegmentView{From: from.String(), To: to.String(), Flags: g.Flags.String(), Text: formatSegment(from, g)}
	if !g.IsResetReply() {
		// A TCB-less endpoint's <SEQ=0><CTL=RST,ACK> has no sequence
		// space to count in; spec.FormatBetween prints it as 0 too.
		v.Seq = numbering(from).Number(g.Seq)
	}
	if g.Flags.Has(spec.ACK) {
		a := numbering(to).Number(g.Ack)
		v.Ack = &a
	}
	return v
}

// MarshalIndent renders the view as indented JSON with a final newline.
// The same view always gives the same bytes.
func (v *TraceView) MarshalIndent() ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// DecodeTraceView reads a TraceView from JSON and checks that it is one:
// the schema version, the sides, the actions, the state names and the
// loop start. The error names what was found and what was expected.
func DecodeTraceView(r io.Reader) (*TraceView, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var v TraceView
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not a JSON trace: %w", err)
	}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	return &v, nil
}

var actionSet = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range actionNames {
		m[n] = true
	}
	return m
}()

// Validate checks a decoded view for what the renderers rely on.
// DecodeTraceView calls it; call it on a view that was built or edited by
// other means before rendering it.
func (v *TraceView) Validate() error {
	if v.Schema != TraceSchema {
		if v.Schema == "" {
			return fmt.Errorf("no \"schema\" field: expected %q (is this a tcpcheck trace?)", TraceSchema)
		}
		return fmt.Errorf("unsupported schema %q: expected %q", v.Schema, TraceSchema)
	}
	var errs []error
	if v.LoopStart < -1 || v.LoopStart >= len(v.Steps) {
		errs = append(errs, fmt.Errorf("loop_start is %d: expected -1 or a step index from 0 to %d", v.LoopStart, len(v.Steps)-1))
	}
	checkWorld := func(where string, w *WorldView) {
		for _, e := range []struct {
			side string
			ep   *EndpointView
		}{{"a", &w.A}, {"b", &w.B}} {
			if _, err := spec.ParseState(e.ep.State); err != nil {
				errs = append(errs, fmt.Errorf("%s.%s.state: %w", where, e.side, err))
			}
		}
		for _, segs := range [][]SegmentView{w.InFlight.AToB, w.InFlight.BToA} {
			for i := range segs {
				checkSegment(&errs, fmt.Sprintf("%s.in_flight[%d]", where, i), &segs[i])
			}
		}
	}
	checkWorld("initial", &v.Initial)
	for i := range v.Steps {
		s := &v.Steps[i]
		where := fmt.Sprintf("steps[%d]", i)
		if s.Actor != "A" && s.Actor != "B" {
			errs = append(errs, fmt.Errorf("%s.actor is %q: expected \"A\" or \"B\"", where, s.Actor))
		}
		if !actionSet[s.Action] {
			errs = append(errs, fmt.Errorf("%s.action is %q: expected one of %s", where, s.Action, strings.Join(actionNames[:], ", ")))
		}
		switch s.Action {
		case "deliver", "lose", "duplicate":
			if s.Segment == nil {
				errs = append(errs, fmt.Errorf("%s: a %s step needs a segment", where, s.Action))
			} else {
				checkSegment(&errs, where+".segment", s.Segment)
			}
		}
		for j := range s.Sent {
			checkSegment(&errs, fmt.Sprintf("%s.sent[%d]", where, j), &s.Sent[j])
		}
		checkWorld(where+".before", &s.Before)
		checkWorld(where+".after", &s.After)
		if len(errs) > 10 {
			break
		}
	}
	return errors.Join(errs...)
}

func checkSegment(errs *[]error, where string, s *SegmentView) {
	if (s.From != "A" && s.From != "B") || (s.To != "A" && s.To != "B") || s.From == s.To {
		*errs = append(*errs, fmt.Errorf("%s goes from %q to %q: expected from \"A\" to \"B\" or from \"B\" to \"A\"", where, s.From, s.To))
	}
	if _, err := spec.ParseFlags(s.Flags); err != nil && s.Flags != "none" {
		*errs = append(*errs, fmt.Errorf("%s.flags: %w", where, err))
	}
	if s.Text == "" {
		*errs = append(*errs, fmt.Errorf("%s has no text: expected the segment in RFC notation, such as \"<SEQ=100><CTL=SYN>\"", where))
	}
}
