package checker

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/spec"
)

// handshakeTrace is the shortest run to both ends ESTABLISHED.
func handshakeTrace(t *testing.T) *Trace {
	t.Helper()
	prop := Property{Name: "established", Kind: Reachable, Pred: func(w *World) bool {
		return w.E[A].TCB.State == spec.Established && w.E[B].TCB.State == spec.Established
	}}
	rep, err := Check(ClientServer(), []Property{prop}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcomes[0].Trace == nil {
		t.Fatalf("no witness: %s", rep.Outcomes[0].Message)
	}
	return rep.Outcomes[0].Trace
}

func TestTraceViewTellsTheHandshake(t *testing.T) {
	v := NewTraceView(handshakeTrace(t))
	if v.Schema != TraceSchema || v.Model != "client-server" || v.Variant != spec.DefaultVariant || v.LoopStart != -1 {
		t.Fatalf("header: %+v", v)
	}
	var texts []string
	for _, s := range v.Steps {
		for _, g := range s.Sent {
			texts = append(texts, g.Text)
		}
	}
	want := []string{"<SEQ=100><CTL=SYN>", "<SEQ=300><ACK=101><CTL=SYN,ACK>", "<SEQ=101><ACK=301><CTL=ACK>"}
	if strings.Join(texts, " ") != strings.Join(want, " ") {
		t.Errorf("segments sent: %v, want RFC 9293 Figure 6's %v", texts, want)
	}
	syn := v.Steps[0].Sent[0]
	if syn.From != "A" || syn.To != "B" || syn.Flags != "SYN" || syn.Seq != 100 || syn.Ack != nil {
		t.Errorf("the SYN: %+v", syn)
	}
	last := v.Steps[len(v.Steps)-1]
	if last.Action != "deliver" || last.Segment == nil || last.Row == "" || !strings.HasPrefix(last.Cite, "RFC 9293") ||
		last.After.A.State != "ESTABLISHED" || last.After.B.State != "ESTABLISHED" {
		t.Errorf("the last step: %+v", last)
	}
	if len(v.Steps[0].After.InFlight.AToB) != 1 || len(v.Steps[0].Before.InFlight.AToB) != 0 {
		t.Errorf("in flight around step 1: %+v / %+v", v.Steps[0].Before.InFlight, v.Steps[0].After.InFlight)
	}
}

func TestTraceViewRoundTrip(t *testing.T) {
	v := NewTraceView(handshakeTrace(t))
	data, err := v.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewTraceView(handshakeTrace(t)).MarshalIndent()
	if err != nil || !bytes.Equal(data, again) {
		t.Fatal("the same trace gave different JSON")
	}
	back, err := DecodeTraceView(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	round, _ := back.MarshalIndent()
	if !bytes.Equal(round, data) {
		t.Error("decoding and encoding again changed the JSON")
	}
}

func TestDecodeTraceViewErrors(t *testing.T) {
	ok := `"initial": {"a": {"state": "CLOSED"}, "b": {"state": "CLOSED"}}`
	for _, tc := range []struct{ in, want string }{
		{`[1, 2]`, "not a JSON trace"},
		{`{}`, `no "schema" field: expected "tcpcheck/trace/v1"`},
		{`{"schema": "tcpcheck/trace/v2"}`, `unsupported schema "tcpcheck/trace/v2": expected "tcpcheck/trace/v1"`},
		{`{"schema": "tcpcheck/trace/v1", "loop_start": 0, ` + ok + `}`, "loop_start is 0: expected -1 or a step index from 0 to -1"},
		{`{"schema": "tcpcheck/trace/v1", "loop_start": -1, "initial": {"a": {"state": "SYN_RCVD2"}, "b": {"state": "CLOSED"}}}`, `initial.a.state: unknown TCP state "SYN_RCVD2"`},
		{`{"schema": "tcpcheck/trace/v1", "loop_start": -1, ` + ok + `, "steps": [{"actor": "A", "action": "lose", "before": ` + ok[10:] + `, "after": ` + ok[10:] + `}]}`, "steps[0]: a lose step needs a segment"},
		{`{"schema": "tcpcheck/trace/v1", "loop_start": -1, ` + ok + `, "steps": [{"actor": "A", "action": "call", "sent": [{"from": "A", "to": "A", "flags": "SYN", "text": "x"}], "before": ` + ok[10:] + `, "after": ` + ok[10:] + `}]}`, `steps[0].sent[0] goes from "A" to "A"`},
		{`{"schema": "tcpcheck/trace/v1", "loop_start": -1, ` + ok + `, "steps": [{"actor": "A", "action": "call", "sent": [{"from": "A", "to": "B", "flags": "PSH", "text": "x"}], "before": ` + ok[10:] + `, "after": ` + ok[10:] + `}]}`, `steps[0].sent[0].flags: unknown flag "PSH"`},
	} {
		_, err := DecodeTraceView(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %q", tc.in, err, tc.want)
		}
	}
}

func TestExploreCapAndEdges(t *testing.T) {
	full, err := Explore(ClientServer(), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if !full.Complete || full.Omitted != 0 || len(full.States) == 0 {
		t.Fatalf("complete=%v omitted=%d states=%d", full.Complete, full.Omitted, len(full.States))
	}
	rep, err := Check(ClientServer(), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.States) != rep.Stats.Distinct || len(full.Edges) != rep.Stats.Transitions {
		t.Errorf("Explore found %d states and %d edges; Check found %d and %d", len(full.States), len(full.Edges), rep.Stats.Distinct, rep.Stats.Transitions)
	}
	cut, err := Explore(ClientServer(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if cut.Complete || len(cut.States) != 10 || cut.Omitted == 0 {
		t.Errorf("cap 10: complete=%v states=%d omitted=%d", cut.Complete, len(cut.States), cut.Omitted)
	}
	partial := false
	for i, e := range cut.Edges {
		if e.From >= 10 || e.To >= 10 {
			t.Fatalf("edge %d leaves the kept states: %+v", i, e)
		}
	}
	for _, p := range cut.Partial {
		partial = partial || p
	}
	if !partial {
		t.Error("no state of a cut graph is marked partial")
	}
	if _, err := Explore(ClientServer(), 0); err == nil {
		t.Error("a cap of 0 states is accepted")
	}
	bad := ClientServer()
	bad.Net.Capacity = 0
	if _, err := Explore(bad, 10); err == nil {
		t.Error("an invalid model is accepted")
	}
}
