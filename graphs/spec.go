package graphs

import (
	"fmt"
	"html"
	"strings"

	"github.com/emicklei/dot"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Colours and fonts shared by the diagrams.
const (
	fontName     = "Helvetica"
	variantColor = "#c0392b"
	mutedColor   = "#7f8c8d"
	lossColor    = "#c0392b"
	dupColor     = "#8e44ad"
	cycleColor   = "#2471a3"
	delayColor   = "#d35400"
)

// SpecOptions choose what the state diagram shows.
type SpecOptions struct {
	// All draws every row that changes state, not only the arcs of RFC
	// 9293 Figure 5 and the variant's rows.
	All bool
}

// figureRanks places the states as RFC 9293 Figure 5 does: row by row,
// left to right. CLOSED appears twice, at the top and at the bottom right,
// as in the figure; closedEnd names the second box.
var figureRanks = [][]string{
	{"CLOSED"},
	{"LISTEN"},
	{"SYN-RECEIVED", "SYN-SENT"},
	{"ESTABLISHED"},
	{"FIN-WAIT-1", "CLOSE-WAIT"},
	{"FIN-WAIT-2", "CLOSING", "LAST-ACK"},
	{"TIME-WAIT", closedEnd},
}

const closedEnd = "CLOSED (end)"

// Spec draws a transition table as a state diagram laid out like RFC 9293
// Figure 5. Each arc is labelled "event / action" ("x" for no action, as
// in the figure). It shows the figure's arcs (rows with an arc number),
// every row a variant added, replaced or redirected, drawn dashed in red
// and tagged with the variant's name, and, with All, every other row that
// changes state. States a variant removed are left out.
func Spec(t *spec.Table, opt SpecOptions) *dot.Graph {
	g := dot.NewGraph(dot.Directed)
	g.ID("tcp")
	title := "TCP connection states (RFC 9293 Figure 5)"
	if t.Name() != spec.DefaultVariant {
		title = fmt.Sprintf("TCP connection states, variant %s (dashed red arcs are the variant's rows)", t.Name())
	}
	if opt.All {
		title += "\nwith every row that changes state, not only the figure's arcs"
		// Dot spreads the many arcs of a row sideways; stretching the
		// drawing upright keeps it near square and pulls the labels apart.
		g.Attr("ratio", "1.0")
	}
	g.Attrs("label", title+"\nx: no action", "labelloc", "t", "fontname", fontName, "fontsize", "14",
		"nodesep", "0.6", "ranksep", "0.7", "newrank", "true")

	rows := t.Rows()
	var drawn []spec.Row
	usesEnd := false
	for _, r := range rows {
		if !(r.Arc > 0 || r.Origin != spec.Base || (opt.All && r.From != r.To)) {
			continue
		}
		drawn = append(drawn, r)
		if r.To == spec.Closed && lowerHalf(r.From) {
			usesEnd = true
		}
	}

	nodes := map[string]dot.Node{}
	for i, rank := range figureRanks {
		sub := g.Subgraph(fmt.Sprintf("rank%d", i))
		sub.Attr("rank", "same")
		sub.Delete("label")
		var prev *dot.Node
		for _, name := range rank {
			if name == closedEnd {
				if !usesEnd {
					continue
				}
			} else if s, err := spec.ParseState(name); err != nil || !t.HasState(s) {
				continue
			}
			label := name
			if name == closedEnd {
				label = "CLOSED"
			}
			n := sub.Node(name).Label(label)
			n.Attrs("shape", "box", "fontname", fontName, "fontsize", "12",
				"style", "filled", "fillcolor", "#f4f6f7", "width", "1.3")
			nodes[name] = n
			if prev != nil {
				// Keep the figure's left-to-right order within the row.
				sub.Edge(*prev, n).Attr("style", "invis")
			}
			prev = &n
		}
	}

	// A state's self-loops are drawn as one loop labelled with every row,
	// a variant's rows in red: dot stacks separate loops' labels on one
	// another.
	loops := map[spec.State][]spec.Row{}
	for _, r := range drawn {
		if r.From == r.To {
			loops[r.From] = append(loops[r.From], r)
		}
	}
	for _, r := range drawn {
		if rs := loops[r.From]; r.From == r.To && len(rs) > 1 {
			if rs[0].ID == r.ID {
				selfLoops(g, nodes[r.From.String()], rs)
			}
			continue
		}
		from, ok1 := nodes[r.From.String()]
		toName := r.To.String()
		if r.To == spec.Closed && lowerHalf(r.From) {
			toName = closedEnd
		}
		to, ok2 := nodes[toName]
		if !ok1 || !ok2 {
			continue
		}
		label := ArcLabel(r)
		e := g.Edge(from, to)
		e.Attrs("fontname", fontName, "fontsize", "10", "tooltip", r.ID+" ("+r.Cite+")")
		if r.Origin != spec.Base {
			label += fmt.Sprintf("\n[%s: %s]", r.Variant, r.Origin)
			e.Attrs("style", "dashed", "color", variantColor, "fontcolor", variantColor)
		}
		e.Attr("label", label)
		if opt.All && rankOf(r.From.String())-rankOf(toName) > 2 {
			// A long arc back up the figure (Linux's TIME-WAIT reuse to
			// SYN-SENT) would otherwise pull the ranks it crosses apart
			// and land its label on the self-loops between.
			e.Attrs("constraint", "false")
		}
		if side := loopSide(r.From.String()); r.From == r.To && side != "" {
			e.Attrs("headport", side, "tailport", side)
		}
	}
	return g
}

// selfLoops draws the rows rs, self-loops of the state drawn as n, as
// one loop whose label has a line (or two) per row.
func selfLoops(g *dot.Graph, n dot.Node, rs []spec.Row) {
	var lines, tips []string
	variant := false
	for _, r := range rs {
		text := html.EscapeString(ArcLabel(r))
		text = strings.ReplaceAll(text, "\n", "<br/>")
		if r.Origin != spec.Base {
			variant = true
			text = fmt.Sprintf(`<font color="%s">%s<br/>[%s: %s]</font>`, variantColor, text, html.EscapeString(r.Variant), r.Origin)
		}
		lines = append(lines, text)
		tips = append(tips, r.ID+" ("+r.Cite+")")
	}
	e := g.Edge(n, n)
	e.Attrs("fontname", fontName, "fontsize", "10", "tooltip", strings.Join(tips, "; "))
	e.Attr("label", dot.HTML(strings.Join(lines, "<br/>")))
	if variant {
		e.Attrs("style", "dashed", "color", variantColor)
	}
	if side := loopSide(rs[0].From.String()); side != "" {
		e.Attrs("headport", side, "tailport", side)
	}
}

// loopSide is the side of a state's box its self-loops go on: away from
// its row's other states, between which the flat arcs of the row and
// their labels run (TIME-WAIT's 2MSL arc, SYN-SENT's arc to
// SYN-RECEIVED). It is "" for a state alone in its row or in the middle
// of one, where dot's own placement is best.
func loopSide(state string) string {
	for _, rank := range figureRanks {
		if len(rank) < 2 {
			continue
		}
		switch state {
		case rank[0]:
			return "w"
		case rank[len(rank)-1]:
			return "e"
		}
	}
	return ""
}

// rankOf is the row of Figure 5 the state drawn as name is in.
func rankOf(name string) int {
	for i, rank := range figureRanks {
		for _, n := range rank {
			if n == name {
				return i
			}
		}
	}
	return -1
}

// lowerHalf reports whether arcs from s to CLOSED go to the bottom CLOSED
// box, as LAST-ACK's and TIME-WAIT's do in Figure 5.
func lowerHalf(s spec.State) bool { return s >= spec.Established }

// ArcLabel renders a row as a Figure 5 arc label: the event, then "/",
// then the actions: "rcv SYN / snd SYN,ACK", "rcv ACK of FIN / x",
// "CLOSE / snd FIN", "2MSL timeout / delete TCB".
func ArcLabel(r spec.Row) string {
	ev := eventLabel(r)
	if r.Guard != spec.Always {
		ev += " (" + r.Guard.String() + ")"
	}
	var acts []string
	if r.From == spec.Closed && r.To != spec.Closed {
		acts = append(acts, "create TCB")
	}
	for _, o := range r.Send {
		switch o {
		case spec.OutQueued:
			// The queued text and FIN go out only if a SEND or a CLOSE
			// was queued; Figure 5 does not show them.
			continue
		case spec.OutRetransmit:
			acts = append(acts, "retransmit")
		case spec.OutRSTForACK, spec.OutRSTACKForSeg:
			acts = append(acts, "snd RST")
		default:
			acts = append(acts, "snd "+o.String())
		}
	}
	if r.To == spec.Closed && r.From != spec.Closed {
		acts = append(acts, "delete TCB")
	}
	act := "x"
	if len(acts) > 0 {
		act = strings.Join(acts, ", ")
	}
	if len(ev)+len(act) > 30 {
		return ev + " /\n" + act
	}
	return ev + " / " + act
}

func eventLabel(r spec.Row) string {
	p := r.On
	switch p.Kind {
	case spec.OpenPassive, spec.OpenActive, spec.Send, spec.Close, spec.Abort:
		return p.Kind.String()
	case spec.Arrive:
	default:
		return p.Kind.String()
	}
	has := p.Has
	switch {
	case has.Has(spec.FIN):
		// Every FIN of a synchronized connection carries an ACK; Figure 5
		// writes "rcv FIN".
		has &^= spec.ACK
	case has == spec.ACK && p.Ack == spec.AcksOf(spec.AckOfSYN):
		return "rcv ACK of SYN"
	case has == spec.ACK && p.Ack == spec.AcksOf(spec.AckOfFIN):
		return "rcv ACK of FIN"
	}
	s := "rcv " + has.String()
	if has == 0 {
		s = "rcv segment"
	}
	if p.Seq == spec.SeqsOf(spec.SeqAhead) {
		s += " (ahead of RCV.NXT)"
	}
	return s
}
