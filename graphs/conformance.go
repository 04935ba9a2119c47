package graphs

import (
	"fmt"
	"strings"

	"github.com/emicklei/dot"

	"github.com/tcpcheck/tcpcheck/conform"
)

// Conformance draws a captured connection as a message-sequence chart
// with conform's verdict: endpoint A (the client) on the left, B on the
// right, time running down. Each captured segment is an arrow from its
// sender to its receiver, labelled with its frame number and its
// segment in RFC 9293's notation, and each endpoint's state in the run
// conform reports is written beside it. The hidden events conform
// inferred (the users' calls, the timers, segments lost before the
// capture point) are boxes in their endpoint's lane, where they
// happened. A segment that never reached its receiver ends in "✕ lost";
// the frame no run produces is drawn in red, and the chart ends there.
func Conformance(r *conform.Result) *dot.Graph {
	g := dot.NewGraph(dot.Directed)
	g.ID("conform")
	title := fmt.Sprintf("%s > %s: %s under %s (vantage %s)\n%s", r.Conn.Client, r.Conn.Server, r.Verdict, r.Variant, r.Vantage, wrap(r.Message, titleWidth))
	g.Attrs("label", title, "labelloc", "t", "fontname", fontName, "fontsize", "14",
		"nodesep", "0.25", "ranksep", "0.3", "newrank", "true", "splines", "false")
	lanes := []string{"a", "n", "b"}
	var rows [][]dot.Node
	addRow := func() []dot.Node {
		ns := laneRow(g, fmt.Sprintf("r%04d", len(rows)), lanes, conformLaneWidth)
		if len(rows) > 0 {
			for i := range ns {
				g.Edge(rows[len(rows)-1][i], ns[i]).Attr("style", "invis")
			}
		}
		rows = append(rows, ns)
		return ns
	}
	lane := func(side string) int {
		if side == "B" {
			return 2
		}
		return 0
	}
	// text writes in a lane, keeping the lane's width so that the lanes
	// stay straight columns (fixedsize shape: a longer label may overflow
	// the node, which the layout allows for).
	text := func(n dot.Node, lane, label, color string, size int) {
		n.Attrs("shape", "plaintext", "style", "solid", "label", label, "fontname", fontName, "fontsize", fmt.Sprint(size),
			"fontcolor", color, "height", "0.3", "width", conformLaneWidth(lane), "fixedsize", "shape")
	}
	head := addRow()
	for i, t := range []string{fmt.Sprintf("A\n%s", r.Conn.Client), "capture", fmt.Sprintf("B\n%s", r.Conn.Server)} {
		head[i].Attrs("shape", "box", "style", "bold", "label", t, "width", conformLaneWidth(lanes[i]), "height", "0.5", "fixedsize", "true",
			"fontname", fontName, "fontsize", "12")
	}
	// event draws a hidden event as a box in its actor's lane.
	event := func(e conform.Event) {
		row := addRow()
		// A segment's text has no spaces; let it break between fields.
		label := wrap(strings.ReplaceAll(e.Text, "><", "> <"), 34)
		row[lane(e.Side)].Attrs("shape", "box", "style", "rounded,dashed", "label", label, "fontname", fontName,
			"fontsize", "9", "width", conformLaneWidth("a"), "height", "0.4", "fixedsize", "shape", "color", mutedColor)
	}
	before := func(frame int) {
		for _, e := range r.Events {
			if e.Before == frame {
				event(e)
			}
		}
	}
	for _, f := range r.Frames {
		before(f.Frame)
		row := addRow()
		from, to := lane(f.Sender), 2-lane(f.Sender)
		color := "black"
		label := fmt.Sprintf("#%d %s", f.Frame, f.Segment)
		switch {
		case f.Deviates:
			color = lossColor
			label += "\nno run of " + r.Variant + " produces it"
		case f.Lost:
			label += "\n✕ lost"
		}
		text(row[1], "n", label, color, 9)
		e := g.Edge(row[from], row[1])
		e.Attrs("arrowhead", "none", "color", color, "penwidth", "1.2")
		if !f.Lost {
			e2 := g.Edge(row[1], row[to])
			e2.Attrs("color", color, "penwidth", "1.2")
		}
		if !f.Deviates {
			text(row[0], "a", f.StateA, mutedColor, 10)
			text(row[2], "b", f.StateB, mutedColor, 10)
		}
	}
	if r.Verdict != conform.Deviates {
		before(0)
	}
	if r.EndA != "" {
		row := addRow()
		text(row[0], "a", "end: "+r.EndA, mutedColor, 10)
		text(row[2], "b", "end: "+r.EndB, mutedColor, 10)
	}
	return g
}

// conformLaneWidth is the width of a lane of a conformance chart, in
// inches: the capture lane holds a segment with real 32-bit numbers.
func conformLaneWidth(lane string) string {
	if lane == "n" {
		return "4.8"
	}
	return "2.2"
}
