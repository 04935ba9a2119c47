package graphs

import (
	"fmt"
	"strings"

	"github.com/emicklei/dot"

	"github.com/tcpcheck/tcpcheck/checker"
)

// Sequence draws a trace as a message-sequence chart with three lanes:
// endpoint A on the left, the network in the middle and endpoint B on the
// right, time running down. Each row is a step: the acting endpoint's box
// names the event and the state it enters; the other endpoint's state is
// written in grey beside it, so both states can be read at every step.
//
// A segment is drawn as RFC 9293's figures write it: a line from the
// sender's box to the segment's text (flags, SEQ and ACK) in the network
// lane, and an arrow from there down to the row where it arrives. A lost
// segment has no arrow: its text says in which step it was lost, and the
// network lane says "✕ lost" at that step, in red. A duplicated segment's
// second copy leaves from a purple "duplicated" mark, its arrow dashed. A
// segment still in flight when the trace ends is followed by "...", as in
// the RFC, and the title says so. The cycle of a lasso is bracketed on
// the right. When the last step breaks the property, its box is outlined
// in red, and the segment behind it that waited longest in the network
// (following each delivery back to the step whose delivery sent it) is
// drawn in orange and marked "delayed". The title's message is wrapped.
func Sequence(v *checker.TraceView) *dot.Graph {
	g := dot.NewGraph(dot.Directed)
	g.ID("msc")
	g.Attrs("label", sequenceTitle(v), "labelloc", "t", "fontname", fontName, "fontsize", "14",
		"nodesep", "0.25", "ranksep", "0.35", "newrank", "true", "splines", "false")

	lasso := v.LoopStart >= 0 && v.LoopStart < len(v.Steps)
	lanes := []string{"a", "n", "b"}
	if lasso {
		lanes = append(lanes, "c")
	}
	// chans[d] holds the segments in flight from side d (0 is A), each
	// with the network-lane node its arrow leaves from.
	var chans [2][]*flight
	// grid[r][l] is the node of row r in lane l, and netText[r] the lines
	// of text of row r's network-lane node.
	var grid [][]dot.Node
	var netText [][]string

	addRow := func(name string) []dot.Node {
		ns := laneRow(g, name, lanes, laneWidth)
		grid = append(grid, ns)
		netText = append(netText, nil)
		return ns
	}
	laneOf := func(s string) int {
		if s == "B" {
			return 2
		}
		return 0
	}
	dirOf := func(s string) int {
		if s == "B" {
			return 1
		}
		return 0
	}
	stateNode := func(n dot.Node, label string, actor bool) {
		if actor {
			n.Attrs("shape", "box", "style", "rounded,filled", "fillcolor", "#eaf2f8", "label", label,
				"fontname", fontName, "fontsize", "11", "width", "1.4", "height", "0.5", "fixedsize", "false")
			return
		}
		n.Attrs("shape", "plaintext", "style", "solid", "label", label, "fontname", fontName, "fontsize", "10",
			"fontcolor", mutedColor, "width", "1.4", "height", "0.3", "fixedsize", "false")
	}
	netNode := func(r int, color string) {
		grid[r][1].Attrs("shape", "plaintext", "style", "solid", "fontname", fontName, "fontsize", "9",
			"fontcolor", color, "height", "0.3", "fixedsize", "false")
	}
	// send puts segments on the wire at row r: their text goes in the
	// network lane, joined to the sender by a line.
	send := func(r int, segs []checker.SegmentView, copy bool) {
		for _, seg := range segs {
			f := &flight{seg: seg, src: grid[r][1], copy: copy, row: r, line: len(netText[r]), step: r - 2}
			d := dirOf(seg.From)
			chans[d] = append(chans[d], f)
			netText[r] = append(netText[r], seg.Text)
		}
	}

	// Header: the lane titles.
	head := addRow("r0000h")
	for i, title := range []string{"A", "network", "B"} {
		head[i].Attrs("shape", "box", "style", "bold", "label", title, "width", "1.4", "height", "0.4", "fixedsize", "false",
			"fontname", fontName, "fontsize", "13")
	}

	// Row 1: the initial world.
	r0 := addRow("r0000")
	stateNode(r0[0], "0. "+v.Initial.A.State, false)
	stateNode(r0[2], "0. "+v.Initial.B.State, false)
	send(1, v.Initial.InFlight.AToB, false)
	send(1, v.Initial.InFlight.BToA, false)

	// The run breaks the property at its last step, unless it is a lasso
	// (whose cycle is the counterexample) or a witness.
	breaks := !lasso && v.Verdict == "violated" && len(v.Steps) > 0
	// delivered[i] is the segment step i+1 delivered, and arrow[i] the
	// arrow drawn for it, to mark the delayed segment behind the break.
	delivered := make([]*flight, len(v.Steps))
	arrow := make([]*dot.Edge, len(v.Steps))
	for i := range v.Steps {
		s := &v.Steps[i]
		r := len(grid)
		row := addRow(fmt.Sprintf("r%04d", i+1))
		actLane := laneOf(s.Actor)
		peer := "B"
		if s.Actor == "B" {
			peer = "A"
		}
		before := s.Before.Endpoint(s.Actor).State
		after := s.After.Endpoint(s.Actor).State
		stateNode(row[laneOf(peer)], s.After.Endpoint(peer).State, false)

		// take removes the segment the step acts on from its channel.
		take := func() *flight {
			if s.Segment == nil {
				return nil
			}
			d := dirOf(s.Segment.From)
			k := match(chans[d], s.Segment)
			if k < 0 {
				return nil
			}
			f := chans[d][k]
			chans[d] = append(chans[d][:k:k], chans[d][k+1:]...)
			return f
		}

		switch s.Action {
		case "lose":
			stateNode(row[actLane], after, false)
			netNode(r, lossColor)
			// The loss is written where it happens rather than drawn as
			// a line down the network lane, across other segments' text.
			netText[r] = append(netText[r], fmt.Sprintf("%d. ✕ lost: %s", s.N, s.Segment.Text))
			if f := take(); f != nil {
				netText[f.row][f.line] += fmt.Sprintf(" (lost in step %d)", s.N)
			}
		case "duplicate":
			stateNode(row[actLane], after, false)
			netNode(r, dupColor)
			if s.Segment != nil {
				netText[r] = append(netText[r], fmt.Sprintf("%d. duplicated:", s.N))
				send(r, []checker.SegmentView{*s.Segment}, true)
			}
		default:
			label := fmt.Sprintf("%d. %s\n%s", s.N, shortEvent(s), stateChange(before, after))
			if s.Notice != "" {
				label += "\n“" + s.Notice + "”"
			}
			if breaks && i == len(v.Steps)-1 {
				label += "\n✗ breaks " + orTrace(v.Property)
			}
			stateNode(row[actLane], label, true)
			if breaks && i == len(v.Steps)-1 {
				row[actLane].Attrs("color", lossColor, "penwidth", "3", "fontcolor", lossColor)
			}
			tip := s.Event
			if s.Row != "" {
				tip += " (row " + s.Row + ", " + s.Cite + ")"
			}
			row[actLane].Attr("tooltip", tip)
			if before != after && !(breaks && i == len(v.Steps)-1) {
				row[actLane].Attr("penwidth", "2")
			}
			if s.RowVariant != "" {
				row[actLane].Attrs("color", variantColor, "fillcolor", "#fdedec")
			}
			if s.Action == "deliver" {
				if f := take(); f != nil {
					e := g.Edge(f.src, row[actLane])
					e.Attrs("constraint", "false", "arrowsize", "0.8")
					if f.copy {
						e.Attrs("style", "dashed", "color", dupColor)
					}
					delivered[i], arrow[i] = f, &e
				}
			}
			for _, d := range s.Dropped {
				netNode(r, lossColor)
				netText[r] = append(netText[r], fmt.Sprintf("%d. ✕ dropped, channel full: %s", s.N, d.Text))
			}
			if len(s.Sent) > 0 {
				netNode(r, "black")
				send(r, s.Sent, false)
				// Flat edges run left to right, like the lanes' order; B's
				// points back, so both have their head at the network.
				if actLane == 0 {
					g.Edge(row[0], row[1]).Attr("arrowsize", "0.6")
				} else {
					g.Edge(row[1], row[2]).Attrs("dir", "back", "arrowsize", "0.6")
				}
			}
		}
	}

	if breaks {
		// The delayed segment behind the break: follow the deliveries
		// back from the last step (each step's segments were sent in
		// answer to what that step delivered) to the segment that waited
		// longest in the network while other steps ran.
		var late *flight
		lateStep := -1
		for i := len(v.Steps) - 1; i >= 0 && delivered[i] != nil; {
			f := delivered[i]
			if wait := i - f.step; wait > 1 && (late == nil || wait > lateStep-late.step) {
				late, lateStep = f, i
			}
			if f.step < 0 || f.step >= i {
				break
			}
			i = f.step
		}
		if late != nil {
			netText[late.row][late.line] += fmt.Sprintf("  ⟵ delayed until step %d", lateStep+1)
			arrow[lateStep].Attrs("color", delayColor, "penwidth", "2.5")
		}
	}

	// A segment still in flight at the end is followed by "...", as in
	// the RFC's figures.
	inFlight := false
	for d := range chans {
		for _, f := range chans[d] {
			netText[f.row][f.line] += " ..."
			inFlight = true
		}
	}
	if inFlight {
		g.Attr("label", sequenceTitle(v)+"\n(a segment followed by ... is still in the network when the run ends)")
	}
	for r := range grid {
		if len(netText[r]) > 0 {
			grid[r][1].Attr("label", strings.Join(netText[r], "\n"))
		}
	}

	// Lifelines (and the network lane's spine) hold the rows in order.
	for r := 1; r < len(grid); r++ {
		for l := range lanes {
			e := g.Edge(grid[r-1][l], grid[r][l])
			e.Attrs("arrowhead", "none", "weight", "20")
			switch {
			case lanes[l] == "a" || lanes[l] == "b":
				e.Attrs("color", "#b3b6b7", "style", "dashed")
			case lanes[l] == "c" && r-2 >= v.LoopStart+1 && r-2 < len(v.Steps):
				e.Attrs("color", cycleColor, "penwidth", "3")
			default:
				e.Attr("style", "invis")
			}
		}
	}
	if lasso {
		first, end := grid[v.LoopStart+2][3], grid[len(v.Steps)+1][3]
		first.Attrs("shape", "plaintext", "style", "solid", "label", fmt.Sprintf("cycle: steps %d–%d\nrepeat forever", v.LoopStart+1, len(v.Steps)),
			"fontname", fontName, "fontsize", "10", "fontcolor", cycleColor, "height", "0.3", "fixedsize", "false")
		if len(v.Steps)-v.LoopStart > 1 {
			end.Attrs("shape", "plaintext", "style", "solid", "label", fmt.Sprintf("back to step %d", v.LoopStart+1),
				"fontname", fontName, "fontsize", "10", "fontcolor", cycleColor, "height", "0.3", "fixedsize", "false")
		}
	}
	return g
}

// laneRow adds a row of a chart: one invisible node per lane, named
// name_LANE, of the lane's width, ranked together and chained left to
// right so that the lanes keep their order.
func laneRow(g *dot.Graph, name string, lanes []string, width func(string) string) []dot.Node {
	sub := g.Subgraph(name)
	sub.Delete("label")
	sub.Attr("rank", "same")
	var ns []dot.Node
	for _, l := range lanes {
		n := sub.Node(name + "_" + l)
		n.Attrs("shape", "box", "style", "invis", "label", dot.Literal(`""`), "height", "0.02", "width", width(l), "fixedsize", "true")
		ns = append(ns, n)
	}
	for i := 1; i < len(ns); i++ {
		sub.Edge(ns[i-1], ns[i]).Attr("style", "invis")
	}
	return ns
}

// laneWidth is the width of a lane's column, in inches: the network lane
// is wide so that segment labels fit between the endpoints.
func laneWidth(lane string) string {
	switch lane {
	case "n":
		return "3.2"
	case "c":
		return "1.2"
	}
	return "2.0"
}

// flight is a segment in flight in a chart: where its arrow starts, and
// whether it is a duplicate's second copy.
type flight struct {
	seg  checker.SegmentView
	src  dot.Node
	copy bool
	// row and line place the segment's text in the network lane.
	row, line int
	// step is the index of the step that sent it, -1 for the initial
	// world's segments.
	step int
}

// orTrace names a property, or says "the property".
func orTrace(name string) string {
	if name == "" {
		return "the property"
	}
	return name
}

// match finds the in-flight segment a delivery, loss or duplication takes:
// the first one equal to seg (equal segments cannot be told apart), or -1.
func match(ch []*flight, seg *checker.SegmentView) int {
	if seg == nil {
		return -1
	}
	for i := range ch {
		if ch[i].seg.Text == seg.Text && ch[i].seg.Flags == seg.Flags {
			return i
		}
	}
	return -1
}

func sequenceTitle(v *checker.TraceView) string {
	var b strings.Builder
	switch {
	case v.Property != "" && v.Verdict != "":
		fmt.Fprintf(&b, "%s: %s", v.Property, v.Verdict)
	case v.Property != "":
		b.WriteString(v.Property)
	default:
		b.WriteString("trace")
	}
	fmt.Fprintf(&b, "\nmodel %s, variant %s", v.Model, v.Variant)
	if v.Message != "" {
		b.WriteString("\n" + wrap(v.Message, titleWidth))
	}
	return b.String()
}

// titleWidth is the length a chart's title lines are wrapped at: a
// necessity's message runs to hundreds of characters, which on one line
// made the chart thousands of points wide.
const titleWidth = 90

// wrap breaks text into lines of at most width bytes, at spaces (a word
// longer than width gets a line of its own).
func wrap(text string, width int) string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > width {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// shortEvent names what happened to the actor in a few words.
func shortEvent(s *checker.StepView) string {
	switch s.Action {
	case "call":
		return "user: " + s.Call
	case "reopen":
		return "user reopens: " + s.Call
	case "timeout":
		return s.Call
	case "deliver":
		if s.Segment != nil {
			return "rcv " + s.Segment.Flags
		}
		return "rcv"
	case "crash":
		return "host crashes, TCB lost"
	}
	return s.Action
}

func stateChange(before, after string) string {
	if before == after {
		return after
	}
	return before + " → " + after
}
