package htmlview

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/report"
)

// defaultReport checks the default set, as tcpcheck verify does.
func defaultReport(t *testing.T) *report.Report {
	t.Helper()
	s, err := properties.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	results, err := s.Run(properties.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return report.Build(s, results, "", false)
}

func traceOf(t *testing.T, p *Page, property string) *Trace {
	t.Helper()
	for i := range p.Traces {
		if p.Traces[i].Property == property {
			return &p.Traces[i]
		}
	}
	t.Fatalf("no trace of %s", property)
	return nil
}

// TestComputeFollowsTheTrace checks the data every step of every trace
// hands the page against the report's traces: the step number, both
// states after the step, and the arc highlighted, which is the actor's
// change of state and an arc of the diagram.
func TestComputeFollowsTheTrace(t *testing.T) {
	rep := defaultReport(t)
	p := Compute(rep)
	if len(p.Summary) != len(rep.Results) {
		t.Fatalf("%d summary rows for %d results", len(p.Summary), len(rep.Results))
	}
	n := 0
	for i := range rep.Results {
		r := &rep.Results[i]
		row := p.Summary[i]
		if row.Property != r.Name || row.Verdict != r.Verdict || row.Status != r.Status || row.Model != r.Model || row.Variant != r.Variant {
			t.Errorf("summary row %d = %+v, want the result of %s", i, row, r.Name)
		}
		if r.Trace == nil {
			if row.Trace != -1 {
				t.Errorf("%s: no trace, but the row points at %d", r.Name, row.Trace)
			}
			continue
		}
		tr := &p.Traces[row.Trace]
		n++
		if len(tr.Steps) != len(r.Trace.Steps)+1 || tr.Steps[0].N != 0 {
			t.Fatalf("%s: %d steps for a trace of %d", r.Name, len(tr.Steps), len(r.Trace.Steps))
		}
		arcs := map[string]bool{}
		for _, a := range tr.Arcs {
			arcs[a.Key] = true
		}
		for k, s := range r.Trace.Steps {
			got := tr.Steps[k+1]
			if !contains(tr.States, got.A.State) || !contains(tr.States, got.B.State) {
				t.Errorf("%s step %d: the diagram lacks %s or %s", r.Name, s.N, got.A.State, got.B.State)
			}
			if got.N != s.N || got.A.State != s.After.A.State || got.B.State != s.After.B.State {
				t.Errorf("%s step %d: got n=%d A=%s B=%s, want n=%d A=%s B=%s", r.Name, k+1, got.N, got.A.State, got.B.State, s.N, s.After.A.State, s.After.B.State)
			}
			before, after := s.Before.Endpoint(s.Actor).State, s.After.Endpoint(s.Actor).State
			want := ""
			if before != after {
				want = before + "->" + after
			}
			if got.Arc != want {
				t.Errorf("%s step %d: arc %q, want %q", r.Name, s.N, got.Arc, want)
			}
			if want != "" && !arcs[want] {
				t.Errorf("%s step %d: arc %q is not in the diagram", r.Name, s.N, want)
			}
			if got.InLoop != (r.Trace.LoopStart >= 0 && k >= r.Trace.LoopStart) {
				t.Errorf("%s step %d: in_loop %v, loop start %d", r.Name, s.N, got.InLoop, r.Trace.LoopStart)
			}
			if s.Action == "deliver" || s.Action == "lose" {
				found := false
				for _, m := range tr.Messages {
					found = found || (m.End == s.N && m.Text == s.Segment.Text && (m.Fate == "delivered") == (s.Action == "deliver"))
				}
				if !found {
					t.Errorf("%s step %d: no message ends with %s", r.Name, s.N, s.Event)
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d traces in the default set", n)
	}

	// TIME-WAIT assassination: step 12, the RST that ends A's TIME-WAIT,
	// breaks the property; its arc is TIME-WAIT to CLOSED.
	tw := traceOf(t, p, "time-wait-assassination")
	last := tw.Steps[len(tw.Steps)-1]
	if last.N != 12 || !last.Breaking || last.Arc != "TIME-WAIT->CLOSED" || last.A.State != "CLOSED" {
		t.Errorf("time-wait-assassination ends with %+v", last)
	}
	delayed := false
	for _, m := range tw.Messages {
		delayed = delayed || m.Delayed
	}
	if !delayed {
		t.Error("time-wait-assassination: no segment is marked delayed")
	}
	// A variant's diagram has its states only.
	if nt := traceOf(t, p, "time-wait-necessary"); nt.Variant != "no-time-wait" || contains(nt.States, "TIME-WAIT") {
		t.Errorf("time-wait-necessary runs on %s with states %v", nt.Variant, nt.States)
	}
	// A lasso is bracketed: its cycle is marked.
	lasso := traceOf(t, p, "eventually-closed-without-fair-network")
	if lasso.LoopStart < 0 || !lasso.Steps[len(lasso.Steps)-1].InLoop || lasso.Steps[len(lasso.Steps)-1].Breaking {
		t.Errorf("eventually-closed-without-fair-network: loop start %d, last step %+v", lasso.LoopStart, lasso.Steps[len(lasso.Steps)-1])
	}
}

// TestEndpointNumbers checks the RFC numbers read out of a TCB.
func TestEndpointNumbers(t *testing.T) {
	ep := epochs{"A": 0, "B": 1}
	got := endpoint(&checker.EndpointView{State: "ESTABLISHED", TCB: "ESTABLISHED una=1 nxt=2 rcv=e1+1"}, "A", ep)
	if got.SndUna != "101" || got.SndNxt != "102" || got.RcvNxt != "701" {
		t.Errorf("A: %+v", got)
	}
	got = endpoint(&checker.EndpointView{State: "LISTEN", TCB: "LISTEN una=0 nxt=0"}, "B", ep)
	if got.SndUna != "700" || got.RcvNxt != "" {
		t.Errorf("B: %+v", got)
	}
}

var (
	urlRE  = regexp.MustCompile(`(?i)https?:`)
	linkRE = regexp.MustCompile(`(?i)\b(?:src|href|xlink:href)\s*=\s*"([^"]*)"`)
)

// TestSelfContained checks that the page of the default set fetches
// nothing, is deterministic and stays under 1 MB.
func TestSelfContained(t *testing.T) {
	rep := defaultReport(t)
	var a, b bytes.Buffer
	if err := Write(&a, rep); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, defaultReport(t)); err != nil {
		t.Fatal(err)
	}
	page := a.String()
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the default set differ")
	}
	if a.Len() >= 1<<20 {
		t.Errorf("the page of the default set is %d bytes, over 1 MB", a.Len())
	}
	t.Logf("the page of the default set is %d bytes", a.Len())
	if loc := urlRE.FindStringIndex(page); loc != nil {
		t.Errorf("the page names a URL: %q", page[max(0, loc[0]-40):min(len(page), loc[1]+40)])
	}
	for _, m := range linkRE.FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("the page links outside itself: %s", m[0])
		}
	}
	for _, tag := range []string{"<link", "@import", "<iframe", "<img"} {
		if strings.Contains(page, tag) {
			t.Errorf("the page contains %s", tag)
		}
	}
	// Every arc a step highlights is drawn, with its key.
	p := Compute(rep)
	for i, tr := range p.Traces {
		for _, s := range tr.Steps {
			if s.Arc != "" && !strings.Contains(page, `id="t`+strconv.Itoa(i)+`-arc-`+slug(s.Arc)+`"`) {
				t.Errorf("trace %d step %d: arc %s is not drawn", i, s.N, s.Arc)
			}
		}
	}
}
