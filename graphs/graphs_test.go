package graphs_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emicklei/dot"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/spec"
)

var update = flag.Bool("update", false, "rewrite the golden DOT files in testdata")

// requireDot skips a test when Graphviz is not installed, except in CI,
// where .ci/run installs it and its absence is a failure.
func requireDot(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Graphviz's dot is not installed; CI must install the graphviz package")
		}
		t.Skip("Graphviz's dot is not installed; install the graphviz package to run this test")
	}
}

// checkGraph builds a graph twice, requires the same bytes both times and
// the bytes of the golden file, and renders it with the real dot, failing
// on any warning or error.
func checkGraph(t *testing.T, name string, build func() *dot.Graph) {
	t.Helper()
	first := graphs.DOT(build())
	if second := graphs.DOT(build()); !bytes.Equal(first, second) {
		t.Fatalf("%s: two builds gave different DOT", name)
	}
	golden := filepath.Join("testdata", name+".dot")
	if *update {
		if err := os.WriteFile(golden, first, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./graphs -update to create it)", err)
	}
	if !bytes.Equal(first, want) {
		t.Errorf("%s: DOT differs from %s (run go test ./graphs -update if the change is intended)", name, golden)
	}
	requireDot(t)
	for _, format := range graphs.Formats {
		img, err := graphs.Render(context.Background(), first, format)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(img) == 0 {
			t.Fatalf("%s: dot produced an empty %s", name, format)
		}
	}
}

func TestSpecDiagram(t *testing.T) {
	for _, v := range spec.VariantNames() {
		t.Run(v, func(t *testing.T) {
			tb, err := spec.ForVariant(v)
			if err != nil {
				t.Fatal(err)
			}
			checkGraph(t, "spec-"+v, func() *dot.Graph { return graphs.Spec(tb, graphs.SpecOptions{}) })
		})
	}
	t.Run("all-rows", func(t *testing.T) {
		checkGraph(t, "spec-rfc9293-all", func() *dot.Graph { return graphs.Spec(spec.Default(), graphs.SpecOptions{All: true}) })
	})
}

func TestSpecDiagramShowsEveryFigureArc(t *testing.T) {
	src := string(graphs.DOT(graphs.Spec(spec.Default(), graphs.SpecOptions{})))
	for _, want := range []string{
		"passive OPEN / create TCB", "active OPEN / create TCB, snd SYN", "rcv SYN / snd SYN,ACK",
		"SEND / snd SYN", "rcv SYN,ACK / snd ACK", "rcv ACK of SYN / x", "CLOSE / snd FIN",
		"rcv FIN / snd ACK", "rcv ACK of FIN / x", "rcv ACK of FIN / delete TCB", "2MSL timeout / delete TCB",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the diagram has no arc labelled %q", want)
		}
	}
	if n := strings.Count(src, "->") - strings.Count(src, "invis"); n != 20 {
		t.Errorf("the diagram has %d arcs, want Figure 5's 20", n)
	}
}

func TestSpecDiagramMarksVariantRows(t *testing.T) {
	tb, err := spec.ForVariant("rfc1337")
	if err != nil {
		t.Fatal(err)
	}
	src := string(graphs.DOT(graphs.Spec(tb, graphs.SpecOptions{})))
	if !strings.Contains(src, "[rfc1337: replaced]") || !strings.Contains(src, `style="dashed"`) {
		t.Errorf("the rfc1337 diagram does not mark the variant's row:\n%s", src)
	}
}

func TestReachableGraph(t *testing.T) {
	t.Run("complete", func(t *testing.T) {
		m := checker.ClientServer()
		m.Net.Capacity = 1
		m.B.Close = false
		sg, err := checker.Explore(m, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if !sg.Complete {
			t.Fatalf("a 1000-state cap cut a model of %d states", len(sg.States))
		}
		checkGraph(t, "reachable-complete", func() *dot.Graph { return graphs.Reachable(sg) })
	})
	t.Run("cut", func(t *testing.T) {
		sg, err := checker.Explore(checker.ClientServer(), 40)
		if err != nil {
			t.Fatal(err)
		}
		if sg.Complete || sg.Omitted == 0 || len(sg.States) != 40 {
			t.Fatalf("cap 40: complete=%v omitted=%d states=%d", sg.Complete, sg.Omitted, len(sg.States))
		}
		src := string(graphs.DOT(graphs.Reachable(sg)))
		if !strings.Contains(src, "CUT at 40 states") {
			t.Errorf("a cut graph does not say it was cut")
		}
		checkGraph(t, "reachable-cut", func() *dot.Graph { return graphs.Reachable(sg) })
	})
}

// faultTrace is a counterexample with a loss, a duplicate and segments
// still in flight at the end, on the no-time-wait variant.
func faultTrace(t *testing.T) *checker.TraceView {
	t.Helper()
	m := checker.ClientServer()
	m.Net = checker.Network{Capacity: 4, Reorder: true, Loss: true, LossBudget: 1, Duplicates: 1}
	tb, err := spec.ForVariant("no-time-wait")
	if err != nil {
		t.Fatal(err)
	}
	m.Table = tb
	prop := checker.Property{Name: "no-fault-scenario", Kind: checker.Invariant, Pred: func(w *checker.World) bool {
		return !(w.Lost > 0 && w.Duplicated > 0 && w.E[checker.A].TCB.State == spec.Closed && w.E[checker.A].Closed &&
			w.E[checker.B].TCB.State == spec.LastAck)
	}}
	rep, err := checker.Check(m, []checker.Property{prop}, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := rep.Outcomes[0]
	if o.Trace == nil {
		t.Fatalf("no counterexample: %s", o.Message)
	}
	v := checker.NewTraceView(o.Trace)
	v.Property, v.Verdict, v.Message = o.Property, o.Verdict.String(), o.Message
	return v
}

func TestSequenceChart(t *testing.T) {
	v := faultTrace(t)
	t.Run("faults", func(t *testing.T) {
		checkGraph(t, "msc-faults", func() *dot.Graph { return graphs.Sequence(v) })
		src := string(graphs.DOT(graphs.Sequence(v)))
		for _, want := range []string{"✕ lost", "duplicated", " ...", "<SEQ=100><CTL=SYN>", "SYN-SENT → ESTABLISHED"} {
			if !strings.Contains(src, want) {
				t.Errorf("the chart lacks %q", want)
			}
		}
	})
	t.Run("lasso", func(t *testing.T) {
		lasso := *v
		lasso.LoopStart = 3
		checkGraph(t, "msc-lasso", func() *dot.Graph { return graphs.Sequence(&lasso) })
		src := string(graphs.DOT(graphs.Sequence(&lasso)))
		if !strings.Contains(src, "repeat forever") || !strings.Contains(src, "back to step 4") {
			t.Errorf("the lasso's cycle is not bracketed")
		}
	})
	t.Run("saved-equals-live", func(t *testing.T) {
		data, err := v.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		saved, err := checker.DecodeTraceView(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(graphs.DOT(graphs.Sequence(saved)), graphs.DOT(graphs.Sequence(v))) {
			t.Error("a saved trace draws differently from the live one")
		}
	})
	t.Run("empty", func(t *testing.T) {
		empty := &checker.TraceView{Schema: checker.TraceSchema, Model: "m", Variant: "rfc9293", LoopStart: -1,
			Initial: checker.WorldView{A: checker.EndpointView{State: "CLOSED"}, B: checker.EndpointView{State: "CLOSED"}}}
		checkGraph(t, "msc-empty", func() *dot.Graph { return graphs.Sequence(empty) })
	})
}

func TestRenderRejectsUnknownFormat(t *testing.T) {
	_, err := graphs.Render(context.Background(), []byte("digraph{}"), "gif")
	if err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("err = %v, want one naming the format", err)
	}
}

func TestRenderWithoutGraphviz(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := graphs.Render(context.Background(), []byte("digraph{}"), "svg")
	if !errors.Is(err, graphs.ErrNoGraphviz) || !strings.Contains(err.Error(), "graphviz") {
		t.Errorf("err = %v, want ErrNoGraphviz naming the package", err)
	}
}

func TestRenderReportsWarnings(t *testing.T) {
	requireDot(t)
	// An undefined port draws a warning from dot.
	_, err := graphs.Render(context.Background(), []byte("digraph { a:nosuchport -> b }"), "svg")
	var w *graphs.WarningError
	if !errors.As(err, &w) {
		t.Errorf("err = %v, want a WarningError", err)
	}
}

// TestSequenceChartTailDrop checks that a segment the network drops
// because its channel is full is marked where it is sent: the checker
// finds a run where A's retransmissions fill a one-segment channel.
func TestSequenceChartTailDrop(t *testing.T) {
	m := checker.ClientServer()
	m.Net = checker.Network{Capacity: 1, Loss: true}
	m.RetryForever = true
	prop := checker.Property{Name: "no-drop", Kind: checker.StepInvariant,
		Step: func(_ *checker.World, tr *checker.Transition, _ *checker.World) bool { return tr.Dropped == 0 }}
	rep, err := checker.Check(m, []checker.Property{prop}, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := rep.Outcomes[0]
	if o.Trace == nil {
		t.Fatalf("no tail drop found: %s", o.Message)
	}
	v := checker.NewTraceView(o.Trace)
	v.Property, v.Verdict, v.Message = o.Property, o.Verdict.String(), o.Message
	checkGraph(t, "msc-tail-drop", func() *dot.Graph { return graphs.Sequence(v) })
	if src := string(graphs.DOT(graphs.Sequence(v))); !strings.Contains(src, "dropped, channel full") {
		t.Errorf("the chart does not mark the tail drop")
	}
}
