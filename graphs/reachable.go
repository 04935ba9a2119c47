package graphs

import (
	"fmt"
	"strings"

	"github.com/emicklei/dot"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// Reachable draws the reachable graph of a model's joint states. Each node
// is a world: both endpoints' states and the segments in flight. Worlds
// with the same pair of connection states are grouped in a cluster, so the
// picture reads as the product of two copies of Figure 5. The initial
// world is drawn bold, and worlds without successors double-bordered. When
// the graph was cut at its size cap, the title says so, a note counts the
// transitions that lead out of the drawn part, and the worlds they leave
// from are drawn dashed in red. A legend says what the marks mean, and
// worlds that would read alike list what tells them apart (worldLabels).
func Reachable(sg *checker.StateGraph) *dot.Graph {
	g := dot.NewGraph(dot.Directed)
	g.ID("reachable")
	variant := ""
	if sg.Table != nil {
		variant = ", variant " + sg.Table.Name()
	}
	title := fmt.Sprintf("reachable joint states of model %s%s: %d states, %d transitions", sg.Model, variant, len(sg.States), len(sg.Edges))
	if !sg.Complete {
		title += fmt.Sprintf("\nCUT at %d states: the model has more; %d transitions leading beyond the cap are not drawn", len(sg.States), sg.Omitted)
	}
	g.Attrs("label", title, "labelloc", "t", "fontname", fontName, "fontsize", "14", "rankdir", "TB",
		"newrank", "true", "nodesep", "0.3", "ranksep", "0.5")

	out := make([]int, len(sg.States))
	for _, e := range sg.Edges {
		out[e.From]++
	}

	labels := worldLabels(sg.States)
	clusters := map[[2]spec.State]*dot.Graph{}
	nodes := make([]dot.Node, len(sg.States))
	for i := range sg.States {
		w := &sg.States[i]
		key := [2]spec.State{w.E[checker.A].TCB.State, w.E[checker.B].TCB.State}
		c, ok := clusters[key]
		if !ok {
			c = g.Subgraph(fmt.Sprintf("%02d-%02d", key[0], key[1]), dot.ClusterOption{})
			c.Attrs("label", fmt.Sprintf("A %s · B %s", key[0], key[1]), "fontname", fontName, "fontsize", "11",
				"style", "rounded,filled", "fillcolor", "#f4f6f7", "color", "#aab7b8")
			clusters[key] = c
		}
		n := c.Node(fmt.Sprintf("w%06d", i))
		n.Attrs("label", labels[i], "shape", "box", "style", "rounded,filled", "fillcolor", "white",
			"fontname", fontName, "fontsize", "9")
		if i == 0 {
			n.Attrs("penwidth", "2.5", "fillcolor", "#eaf2f8")
		}
		switch {
		case sg.Partial[i]:
			// Some successors lie beyond the cap.
			n.Attrs("style", "rounded,filled,dashed", "color", variantColor)
		case out[i] == 0:
			n.Attr("peripheries", "2")
		}
		nodes[i] = n
	}
	for i := range sg.Edges {
		e := &sg.Edges[i]
		ed := g.Edge(nodes[e.From], nodes[e.To])
		ed.Attrs("label", edgeLabel(&e.Transition), "fontname", fontName, "fontsize", "8")
		if r, ok := sg.Row(e); ok {
			ed.Attr("tooltip", r.ID+" ("+r.Cite+")")
			if r.Origin != spec.Base {
				ed.Attrs("color", variantColor, "fontcolor", variantColor, "style", "dashed")
			}
		}
		switch e.Transition.Action {
		case checker.ActLose:
			ed.Attrs("color", lossColor, "fontcolor", lossColor)
		case checker.ActDuplicate:
			ed.Attrs("color", dupColor, "fontcolor", dupColor)
		}
	}
	legend := g.Node("zz-legend")
	legend.Attrs("shape", "note", "fontname", fontName, "fontsize", "10", "label", reachableLegend)
	if !sg.Complete {
		n := g.Node("zz-cut")
		n.Attrs("shape", "note", "label", fmt.Sprintf("graph cut at %d states\n%d transitions lead to states not drawn", len(sg.States), sg.Omitted),
			"fontname", fontName, "fontsize", "11", "color", variantColor, "fontcolor", variantColor)
	}
	return g
}

// reachableLegend says what the marks of a reachable graph mean.
const reachableLegend = `legend
bold border: the initial state
double border: no successor (every run that gets there ends)
dashed red border: successors beyond the cap, not drawn
red edge: a segment lost; dashed red: a variant's row
purple edge: a segment duplicated
A→B: segments in flight from A to B
lines below a "·": what tells apart states that look alike`

// worldLabels labels every world: worldLabel, and, for worlds whose
// labels would be the same, the details in which they differ (the TCBs'
// epochs, sequence numbers, retries and flags, the segments' numbers, the
// user's calls, the incarnation, how the last connection ended, the
// faults used), so that no two boxes read alike.
func worldLabels(ws []checker.World) []string {
	out := make([]string, len(ws))
	same := map[string][]int{}
	for i := range ws {
		base := worldLabel(i, &ws[i])
		out[i] = base
		// The number on the first line is unique; group by the rest.
		_, rest, _ := strings.Cut(base, "\n")
		same[rest] = append(same[rest], i)
	}
	for _, group := range same {
		if len(group) < 2 {
			continue
		}
		details := make([][]string, len(group))
		for k, i := range group {
			details[k] = worldDetails(&ws[i])
		}
		for k, i := range group {
			var differ []string
			for j, d := range details[k] {
				for _, other := range details {
					if j >= len(other) || other[j] != d {
						differ = append(differ, d)
						break
					}
				}
			}
			if len(differ) > 0 {
				out[i] += "\n·\n" + strings.Join(differ, "\n")
			}
		}
	}
	return out
}

// worldDetails lists a world's details in a fixed order, one per line.
func worldDetails(w *checker.World) []string {
	var d []string
	for _, s := range []checker.Side{checker.A, checker.B} {
		e := &w.E[s]
		t := &e.TCB
		d = append(d, fmt.Sprintf("%s ISS epoch %d", s, t.Epoch),
			fmt.Sprintf("%s SND.UNA=%d SND.NXT=%d", s, t.SndUna, t.SndNxt),
			fmt.Sprintf("%s IRS epoch %d, RCV.NXT=%d", s, t.IRSEpoch, t.RcvNxt),
			fmt.Sprintf("%s retries %d", s, t.Retries))
		var marks []string
		for _, m := range []struct {
			on   bool
			name string
		}{{t.Passive, "passive"}, {t.DataSent, "data sent"}, {t.DataQueued, "data queued"}, {t.ClosePending, "close pending"}, {t.SameISN, "same ISN"}} {
			if m.on {
				marks = append(marks, m.name)
			}
		}
		if len(marks) == 0 {
			marks = []string{"none"}
		}
		d = append(d, fmt.Sprintf("%s TCB flags: %s", s, strings.Join(marks, ", ")))
		var calls []string
		for _, c := range []struct {
			on   bool
			name string
		}{{e.Opened, "opened"}, {e.Sent, "sent"}, {e.Closed, "closed"}, {e.Aborted, "aborted"}, {e.Crashed, "crashed"}} {
			if c.on {
				calls = append(calls, c.name)
			}
		}
		if len(calls) == 0 {
			calls = []string{"no calls"}
		}
		d = append(d, fmt.Sprintf("%s user: %s", s, strings.Join(calls, ", ")))
		d = append(d, fmt.Sprintf("%s incarnation %d, ended %s", s, e.Incarnation, e.Ended))
	}
	for _, s := range []checker.Side{checker.A, checker.B} {
		var segs []string
		for _, g := range w.Net[s].Segments() {
			segs = append(segs, g.String())
		}
		d = append(d, fmt.Sprintf("%s→%s [%s]", s, s.Peer(), strings.Join(segs, " ")))
	}
	d = append(d, fmt.Sprintf("lost %d, duplicated %d", w.Lost, w.Duplicated))
	return d
}

// worldLabel renders a world compactly: its number, the two states, and
// the flags of the segments in flight each way.
func worldLabel(i int, w *checker.World) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d\nA %s\nB %s", i, w.E[checker.A].TCB.State, w.E[checker.B].TCB.State)
	for _, d := range []checker.Side{checker.A, checker.B} {
		segs := w.Net[d].Segments()
		if len(segs) == 0 {
			continue
		}
		var fl []string
		for _, s := range segs {
			fl = append(fl, s.Flags.String())
		}
		fmt.Fprintf(&b, "\n%s→%s: %s", d, d.Peer(), strings.Join(fl, " "))
	}
	return b.String()
}

// edgeLabel names a transition in a few words: "A CLOSE", "B rcv SYN",
// "lose A→B SYN".
func edgeLabel(t *checker.Transition) string {
	switch t.Action {
	case checker.ActCall, checker.ActTimeout:
		return fmt.Sprintf("%s %s", t.Actor, t.Call)
	case checker.ActReopen:
		return fmt.Sprintf("%s reopen", t.Actor)
	case checker.ActDeliver:
		return fmt.Sprintf("%s rcv %s", t.Actor, t.Seg.Flags)
	case checker.ActLose:
		return fmt.Sprintf("lose %s→%s %s", t.Actor, t.Actor.Peer(), t.Seg.Flags)
	case checker.ActDuplicate:
		return fmt.Sprintf("dup %s→%s %s", t.Actor, t.Actor.Peer(), t.Seg.Flags)
	case checker.ActCrash:
		return fmt.Sprintf("%s crash", t.Actor)
	}
	return t.Action.String()
}
