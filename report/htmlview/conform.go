package htmlview

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"strings"

	"github.com/tcpcheck/tcpcheck/conform"
	"github.com/tcpcheck/tcpcheck/report"
)

//go:embed assets/conform.html
var conformHTML string

var conformTmpl = template.Must(template.New("conform").Parse(conformHTML))

// conformConn is one connection of the conform page.
type conformConn struct {
	ID, File, Name, Verdict, Class, Message, Explained, States string
	First, Last                                                int
	Result                                                     *conform.Result
	Chart                                                      template.HTML
}

// WriteConformance renders the result of conform as one self-contained
// HTML page: a summary table, and for each connection its verdict, a
// message-sequence chart of its captured segments with the states the
// reported run gives both endpoints, the hidden events, and for a
// deviation what the table allowed. It has no script and fetches nothing.
// The same result always gives the same bytes.
func WriteConformance(w io.Writer, c *report.Conformance) error {
	var conns []conformConn
	for _, f := range c.Files {
		for i := range f.Connections {
			cc := &f.Connections[i]
			r := &cc.Result
			class := map[conform.Verdict]string{conform.Conforms: "pass", conform.Deviates: "fail", conform.Incomplete: "inconclusive"}[r.Verdict]
			segs := r.Conn.Segments
			id := fmt.Sprintf("c%d", len(conns)+1)
			conns = append(conns, conformConn{
				ID: id, File: f.Name, Name: cc.Name(), Verdict: r.Verdict.String(), Class: class,
				Message: r.Message, Explained: strings.Join(cc.Explained, ", "), States: strings.Join(r.States, " or "),
				First: segs[0].Frame, Last: segs[len(segs)-1].Frame, Result: r, Chart: template.HTML(conformSVG(id, r)),
			})
		}
	}
	ok, dev, inc := c.Counts()
	summary := fmt.Sprintf("%d connections: %d conform, %d deviate, %d incomplete", ok+dev+inc, ok, dev, inc)
	var b bytes.Buffer
	err := conformTmpl.Execute(&b, struct {
		Summary, Vantage, VantageText, Variant string
		CSS                                    template.CSS
		Conns                                  []conformConn
	}{summary, c.Vantage.String(), report.VantageText(c.Vantage), c.Variant, template.CSS(styleCSS), conns})
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// conformSVG draws a connection's captured segments: A's lane on the
// left, B's on the right, one row per hidden event or captured segment,
// the deviating segment in red and a segment that never arrived crossed
// out.
func conformSVG(id string, r *conform.Result) string {
	const (
		width, ax, bx, rowH, top = 780, 160, 620, 26, 40
	)
	type row struct {
		event *conform.Event
		frame *conform.Frame
	}
	var rows []row
	addEvents := func(before int) {
		for i := range r.Events {
			if r.Events[i].Before == before {
				rows = append(rows, row{event: &r.Events[i]})
			}
		}
	}
	for i := range r.Frames {
		addEvents(r.Frames[i].Frame)
		rows = append(rows, row{frame: &r.Frames[i]})
	}
	if r.Verdict != conform.Deviates {
		addEvents(0)
	}
	height := top + rowH*(len(rows)+2)
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="message-sequence chart">`, width, height)
	fmt.Fprintf(&b, `<text class="lane-h" x="%d" y="16">A</text><text class="lane-h" x="%d" y="16">B</text>`, ax, bx)
	fmt.Fprintf(&b, `<text class="st" x="%d" y="30">%s</text><text class="st" x="%d" y="30">%s</text>`, ax, esc(r.Conn.Client.String()), bx, esc(r.Conn.Server.String()))
	fmt.Fprintf(&b, `<line class="lane" x1="%d" y1="%d" x2="%d" y2="%d"/><line class="lane" x1="%d" y1="%d" x2="%d" y2="%d"/>`, ax, top, ax, height, bx, top, bx, height)
	for i, rw := range rows {
		y := top + rowH*(i+1)
		if e := rw.event; e != nil {
			// From the actor's lane toward the middle, where long texts
			// have room.
			x, anchor := ax+6, "start"
			if e.Side == "B" {
				x, anchor = bx-6, "end"
			}
			fmt.Fprintf(&b, `<text class="ev" style="text-anchor:%s" x="%d" y="%d">%s</text>`, anchor, x, y, esc(e.Text))
			continue
		}
		f := rw.frame
		x1, x2 := ax, bx
		if f.Sender == "B" {
			x1, x2 = bx, ax
		}
		class := "msg"
		switch {
		case f.Deviates:
			class += " lost"
		case f.Lost:
			class += " dropped"
		}
		end := x2
		if f.Lost {
			end = (x1 + x2) / 2
		}
		fmt.Fprintf(&b, `<g class="%s"><line x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#%s-arrow)"/>`, class, x1, y, end, y, id)
		label := fmt.Sprintf("#%d %s", f.Frame, f.Segment)
		if f.Deviates {
			label += ": no run of " + r.Variant + " produces it"
		}
		if f.Lost {
			label += " ✕ lost"
		}
		fmt.Fprintf(&b, `<text class="seg" x="%d" y="%d">%s</text></g>`, (ax+bx)/2, y-4, esc(label))
		if !f.Deviates {
			fmt.Fprintf(&b, `<text class="st" x="%d" y="%d">%s</text><text class="st" x="%d" y="%d">%s</text>`, ax-80, y+4, esc(f.StateA), bx+80, y+4, esc(f.StateB))
		}
	}
	if r.EndA != "" {
		y := top + rowH*(len(rows)+1)
		fmt.Fprintf(&b, `<text class="st actor" x="%d" y="%d">end: %s</text><text class="st actor" x="%d" y="%d">end: %s</text>`, ax, y, esc(r.EndA), bx, y, esc(r.EndB))
	}
	b.WriteString(`<defs><marker id="` + id + `-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs></svg>`)
	return b.String()
}
