package graphs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/emicklei/dot"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/spec"
)

// box is a rectangle of a Graphviz layout, in points.
type box struct {
	x0, y0, x1, y1 float64
	what           string
}

func (a box) overlaps(b box) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

// layout is what dot made of a graph: its size, and the boxes of the
// edge labels and nodes, and the curves of the edges, as dot -Tjson
// reports them.
type layout struct {
	width, height float64
	labels        []box       // edge labels, one box per line
	labelEdge     []int       // the edge of each label box
	nodes         []box       // nodes with a shape
	curves        [][]float64 // per edge, points sampled on its curve (x, y pairs)
}

type xdotOp struct {
	Op     string      `json:"op"`
	Pt     []float64   `json:"pt"`
	Points [][]float64 `json:"points"`
	Width  float64     `json:"width"`
	Align  string      `json:"align"`
	Size   float64     `json:"size"`
	Text   string      `json:"text"`
}

// measure lays a graph out with the real dot and measures it.
func measure(t *testing.T, g *dot.Graph) layout {
	t.Helper()
	requireDot(t)
	out, err := graphs.Render(context.Background(), graphs.DOT(g), "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		BB      string `json:"bb"`
		Objects []struct {
			Name   string   `json:"name"`
			Shape  string   `json:"shape"`
			Draw   []xdotOp `json:"_draw_"`
			LDraw  []xdotOp `json:"_ldraw_"`
			Width  string   `json:"width"`
			Height string   `json:"height"`
			Pos    string   `json:"pos"`
		} `json:"objects"`
		Edges []struct {
			ID    int      `json:"_gvid"`
			Draw  []xdotOp `json:"_draw_"`
			LDraw []xdotOp `json:"_ldraw_"`
			Style string   `json:"style"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var l layout
	var x0, y0 float64
	fmt.Sscanf(doc.BB, "%g,%g,%g,%g", &x0, &y0, &l.width, &l.height)
	for _, o := range doc.Objects {
		if o.Pos == "" || o.Shape == "" || o.Shape == "point" || o.Shape == "none" || o.Shape == "plaintext" {
			continue
		}
		var x, y, w, h float64
		fmt.Sscanf(o.Pos, "%g,%g", &x, &y)
		fmt.Sscanf(o.Width, "%g", &w)
		fmt.Sscanf(o.Height, "%g", &h)
		w, h = w*72, h*72
		l.nodes = append(l.nodes, box{x - w/2, y - h/2, x + w/2, y + h/2, o.Name})
	}
	for i, e := range doc.Edges {
		if e.Style == "invis" {
			l.curves = append(l.curves, nil)
			continue
		}
		for _, b := range textBoxes(e.LDraw) {
			l.labels = append(l.labels, b)
			l.labelEdge = append(l.labelEdge, i)
		}
		var pts []float64
		for _, op := range e.Draw {
			if op.Op != "b" {
				continue
			}
			for k := 0; k+3 < len(op.Points); k += 3 {
				p0, p1, p2, p3 := op.Points[k], op.Points[k+1], op.Points[k+2], op.Points[k+3]
				for s := 0; s <= 10; s++ {
					u := float64(s) / 10
					a, b, c, d := (1-u)*(1-u)*(1-u), 3*u*(1-u)*(1-u), 3*u*u*(1-u), u*u*u
					pts = append(pts, a*p0[0]+b*p1[0]+c*p2[0]+d*p3[0], a*p0[1]+b*p1[1]+c*p2[1]+d*p3[1])
				}
			}
		}
		l.curves = append(l.curves, pts)
	}
	return l
}

// textBoxes turns xdot text operations into boxes, one per line.
func textBoxes(ops []xdotOp) []box {
	var out []box
	size := 14.0
	for _, op := range ops {
		switch op.Op {
		case "F":
			size = op.Size
		case "T":
			x, y, w := op.Pt[0], op.Pt[1], op.Width
			x0 := x - w/2
			switch op.Align {
			case "l":
				x0 = x
			case "r":
				x0 = x - w
			}
			// The baseline is at y; descenders go a little below it.
			out = append(out, box{x0, y - size*0.2, x0 + w, y + size*0.75, op.Text})
		}
	}
	return out
}

// overlaps lists edge labels that overlap another edge's label or a
// node.
func (l layout) overlaps() []string {
	var out []string
	for i, a := range l.labels {
		for j := i + 1; j < len(l.labels); j++ {
			if l.labelEdge[i] != l.labelEdge[j] && a.overlaps(l.labels[j]) {
				out = append(out, fmt.Sprintf("label %q overlaps label %q", a.what, l.labels[j].what))
			}
		}
		for _, n := range l.nodes {
			if a.overlaps(n) {
				out = append(out, fmt.Sprintf("label %q overlaps node %s", a.what, n.what))
			}
		}
	}
	return out
}

// TestSpecDiagramLayout lays every state diagram out with dot and
// measures it: no arc's label overlaps another's or a state's box (a
// variant's self-loop at TIME-WAIT used to sit on the 2MSL arc's label),
// and the --all diagrams are no wider than twice their height (they were
// about 4:1).
func TestSpecDiagramLayout(t *testing.T) {
	for _, v := range spec.VariantNames() {
		for _, all := range []bool{false, true} {
			tb, err := spec.ForVariant(v)
			if err != nil {
				t.Fatal(err)
			}
			l := measure(t, graphs.Spec(tb, graphs.SpecOptions{All: all}))
			if len(l.labels) < 20 || len(l.nodes) < 11 {
				t.Fatalf("%s: measured %d labels and %d boxes; the diagram has more", v, len(l.labels), len(l.nodes))
			}
			for _, o := range l.overlaps() {
				t.Errorf("%s (all=%v): %s", v, all, o)
			}
			if r := l.width / l.height; all && (r > 2 || r < 0.5) {
				t.Errorf("%s --all: %.0f x %.0f points, aspect %.1f:1; want between 1:2 and 2:1", v, l.width, l.height, r)
			}
		}
	}
}

// TestSequenceChartLayout: a long message (a necessity's runs to
// hundreds of characters) is wrapped, so the chart stays as wide as its
// lanes (it was 7635 points wide), and the lanes' labels do not overlap.
func TestSequenceChartLayout(t *testing.T) {
	v := faultTrace(t)
	long := *v
	long.Message = strings.Repeat("the property holds on the model, and the mutation that removes the element breaks it; ", 8)
	l := measure(t, graphs.Sequence(&long))
	if l.width > 1000 {
		t.Errorf("a chart with a %d-character message is %.0f points wide; want at most 1000", len(long.Message), l.width)
	}
	src := string(graphs.DOT(graphs.Sequence(v)))
	if !strings.Contains(src, "(a segment followed by ... is still in the network when the run ends)") {
		t.Error("the chart does not explain the ... after a segment in flight")
	}
	if !strings.Contains(src, `dir="back"`) || strings.Contains(src, `[arrowhead="none"];`) {
		t.Error("B's sends should have an arrowhead pointing at the network")
	}
}

// TestReachableGraphReads: the boxes of a reachable graph all read
// differently (worlds with the same states and segments list what tells
// them apart), a legend says what the marks mean, and dot lays the
// clusters out without overlap.
func TestReachableGraphReads(t *testing.T) {
	m := checker.ClientServer()
	m.Net.Capacity = 1
	m.B.Close = false
	sg, err := checker.Explore(m, 1000)
	if err != nil {
		t.Fatal(err)
	}
	g := graphs.Reachable(sg)
	src := string(graphs.DOT(g))
	labels := regexp.MustCompile(`label="(#[0-9]+\\n[^"]*)"`).FindAllStringSubmatch(src, -1)
	if len(labels) != len(sg.States) {
		t.Fatalf("found %d state labels, want %d", len(labels), len(sg.States))
	}
	seen := map[string]string{}
	alike := 0
	for _, l := range labels {
		num, rest, _ := strings.Cut(l[1], `\n`)
		if prev, ok := seen[rest]; ok {
			t.Errorf("states %s and %s read alike:\n%s", prev, num, rest)
		}
		seen[rest] = num
		if strings.Contains(rest, `\n·\n`) {
			alike++
		}
	}
	if alike == 0 {
		t.Error("no state lists what tells it apart; this model has states that look alike")
	}
	for _, want := range []string{"double border: no successor", "red edge: a segment lost", "bold border: the initial state"} {
		if !strings.Contains(src, want) {
			t.Errorf("the legend lacks %q", want)
		}
	}
	requireDot(t)
	out, err := graphs.Render(context.Background(), graphs.DOT(g), "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Objects []struct {
			Name string `json:"name"`
			BB   string `json:"bb"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var clusters []box
	for _, o := range doc.Objects {
		if strings.HasPrefix(o.Name, "cluster") {
			var b box
			fmt.Sscanf(o.BB, "%g,%g,%g,%g", &b.x0, &b.y0, &b.x1, &b.y1)
			b.what = o.Name
			clusters = append(clusters, b)
		}
	}
	if len(clusters) < 5 {
		t.Fatalf("measured %d clusters", len(clusters))
	}
	for i := range clusters {
		for j := i + 1; j < len(clusters); j++ {
			if clusters[i].overlaps(clusters[j]) {
				t.Errorf("clusters %s and %s overlap", clusters[i].what, clusters[j].what)
			}
		}
	}
}
