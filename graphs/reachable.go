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
// from are drawn dashed in red.
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
		n.Attrs("label", worldLabel(i, w), "shape", "box", "style", "rounded,filled", "fillcolor", "white",
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
	if !sg.Complete {
		n := g.Node("zz-cut")
		n.Attrs("shape", "note", "label", fmt.Sprintf("graph cut at %d states\n%d transitions lead to states not drawn", len(sg.States), sg.Omitted),
			"fontname", fontName, "fontsize", "11", "color", variantColor, "fontcolor", variantColor)
	}
	return g
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
