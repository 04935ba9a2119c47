package htmlview

import (
	"fmt"
	"strings"
)

// The chart's geometry: three lanes (A, the network, B) and a row per
// step, time running down.
const (
	laneA, laneNet, laneB = 100.0, 330.0, 560.0
	chartW                = 680.0
	rowH                  = 30.0
	top                   = 44.0
)

func rowY(step int) float64 { return top + rowH*float64(step) + rowH/2 }

// chartSVG draws trace i as a message-sequence chart. Each step's row
// carries data-step for the script to highlight; a segment runs from the
// sender's lane at the step that sent it to the receiver's lane at the
// step that delivered it, labelled as RFC 9293's figures label it.
func chartSVG(i int, t *Trace) string {
	n := len(t.Steps)
	h := top + rowH*float64(n) + 16
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="message-sequence chart"><defs><marker id="t%d-mh" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>`, chartW, h, i)
	fmt.Fprintf(&b, `<text class="lane-h" x="%.0f" y="18">TCP A</text><text class="lane-h" x="%.0f" y="18">network</text><text class="lane-h" x="%.0f" y="18">TCP B</text>`, laneA, laneNet, laneB)
	for _, x := range []float64{laneA, laneNet, laneB} {
		fmt.Fprintf(&b, `<line class="lane" x1="%.0f" y1="26" x2="%.0f" y2="%.0f"/>`, x, x, h-8)
	}
	for k, s := range t.Steps {
		y := rowY(k)
		cls := "row"
		if s.Breaking {
			cls += " breaking"
		}
		if s.InLoop {
			cls += " loop"
		}
		fmt.Fprintf(&b, `<g class="%s" data-step="%d"><rect class="band" x="0" y="%.1f" width="%.0f" height="%.0f"/>`, cls, k, y-rowH/2, chartW, rowH)
		fmt.Fprintf(&b, `<text class="num" x="4" y="%.1f">%s</text>`, y+4, stepNum(s.N))
		fmt.Fprintf(&b, `<text class="st%s" x="%.0f" y="%.1f">%s</text>`, actorCls(s, "A"), laneA, y+4, esc(s.A.State))
		fmt.Fprintf(&b, `<text class="st%s" x="%.0f" y="%.1f">%s</text>`, actorCls(s, "B"), laneB, y+4, esc(s.B.State))
		switch s.Action {
		case "lose", "duplicate", "crash", "reopen", "timeout":
			fmt.Fprintf(&b, `<text class="ev %s" x="%.0f" y="%.1f">%s</text>`, s.Action, laneNet, y-6, esc(eventMark(s)))
		}
		b.WriteString(`<title>` + esc(fmt.Sprintf("%s: %s", stepNum(s.N), s.Event)) + `</title></g>`)
	}
	for _, m := range t.Messages {
		b.WriteString(messageSVG(i, m))
	}
	if t.LoopStart >= 0 && t.LoopStart+1 < n {
		y1, y2 := rowY(t.LoopStart+1)-rowH/2+3, rowY(n-1)+rowH/2-3
		fmt.Fprintf(&b, `<path class="lasso" d="M%.0f,%.1fh8V%.1fh-8"/><text class="lasso-l" x="%.0f" y="%.1f" transform="rotate(90 %.0f %.1f)">repeats forever</text>`,
			chartW-34, y1, y2, chartW-14, (y1+y2)/2, chartW-14, (y1+y2)/2)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func stepNum(n int) string {
	if n == 0 {
		return "init"
	}
	return fmt.Sprintf("%d.", n)
}

func actorCls(s Step, side string) string {
	if s.Actor == side {
		return " actor"
	}
	return ""
}

func eventMark(s Step) string {
	switch s.Action {
	case "lose":
		return "✕ lost"
	case "duplicate":
		return "duplicated"
	case "crash":
		return s.Actor + " crashes"
	case "reopen":
		return s.Actor + " reopens"
	}
	return s.Actor + ": " + s.Event[strings.Index(s.Event, ":")+1:]
}

func laneX(side string) float64 {
	if side == "B" {
		return laneB
	}
	return laneA
}

// messageSVG draws one copy of a segment. A delivered copy is an arrow
// from sender to receiver; a lost or dropped one stops at the network
// with a cross; one still in flight stops at the network with "...".
// A duplicate leaves from the network where it was made.
func messageSVG(i int, m Message) string {
	x1, y1 := laneX(m.From)+36, rowY(m.Sent)
	if m.From == "B" {
		x1 = laneX(m.From) - 36
	}
	if m.Duplicate {
		x1 = laneNet
	}
	dir := 1.0
	if m.From == "B" {
		dir = -1
	}
	cls := "msg " + m.Fate
	if m.Duplicate {
		cls += " dup"
	}
	if m.Delayed {
		cls += " delayed"
	}
	var x2, y2 float64
	var tail string
	label := m.Text
	switch m.Fate {
	case "delivered":
		x2, y2 = laneX(m.To)-36*dir, rowY(m.End)
	case "lost", "dropped":
		x2, y2 = laneNet-10*dir, rowY(m.End)
		tail = fmt.Sprintf(`<text class="x" x="%.1f" y="%.1f">✕</text>`, x2+4*dir, y2+4)
		label += " (" + m.Fate + ")"
	default:
		x2, y2 = laneNet+40*dir, rowY(m.Sent)+rowH*0.6
		tail = fmt.Sprintf(`<text class="dots" x="%.1f" y="%.1f">...</text>`, x2+12*dir, y2+4)
	}
	if m.Delayed {
		label += " (delayed)"
	}
	if m.Duplicate {
		label += " (duplicate)"
	}
	marker := ""
	if m.Fate == "delivered" {
		marker = fmt.Sprintf(` marker-end="url(#t%d-mh)"`, i)
	}
	// The label sits on the network lane, where RFC 9293's figures write
	// the segment, at the height the line crosses it.
	ly := y1 + (y2-y1)*((laneNet-x1)/(x2-x1+1e-9))
	if m.Duplicate || m.Fate != "delivered" {
		ly = (y1+y2)/2 - 3
	}
	return fmt.Sprintf(`<g class="%s" data-sent="%d" data-end="%d"><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"%s/>%s<text class="seg" x="%.0f" y="%.1f">%s</text></g>`,
		cls, m.Sent, m.End, x1, y1, x2, y2, marker, tail, laneNet, ly-3, esc(label))
}
