package htmlview

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// arcs lists the state diagram's arcs for a trace: one per pair of
// states some row of the trace's table connects, then any change of
// state of the trace that no row makes (a crash), in a fixed order.
func arcs(v *checker.TraceView) []Arc {
	labels := map[string][]string{}
	var keys []string
	seen := map[string]bool{}
	addKey := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if t, err := spec.ForVariant(v.Variant); err == nil {
		for _, r := range t.Rows() {
			if r.From == r.To {
				continue
			}
			k := ArcKey(r.From.String(), r.To.String())
			addKey(k)
			if l := r.Label(); !contains(labels[k], l) {
				labels[k] = append(labels[k], l)
			}
		}
	}
	extra := map[string]bool{}
	for _, s := range v.Steps {
		b, a := s.Before.Endpoint(s.Actor).State, s.After.Endpoint(s.Actor).State
		if k := ArcKey(b, a); b != a && !seen[k] {
			addKey(k)
			extra[k] = true
		}
	}
	sort.Strings(keys)
	out := []Arc{}
	for _, k := range keys {
		from, to, _ := strings.Cut(k, "->")
		out = append(out, Arc{Key: k, From: from, To: to, Label: strings.Join(labels[k], "; "), Extra: extra[k]})
	}
	return out
}

// states lists the states of the trace's variant (all of RFC 9293's for
// a variant tcpcheck does not know), and any other state the trace visits.
func states(v *checker.TraceView) []string {
	all := spec.AllStates()
	if t, err := spec.ForVariant(v.Variant); err == nil {
		all = t.States()
	}
	var out []string
	for _, s := range all {
		out = append(out, s.String())
	}
	for _, st := range v.Steps {
		for _, e := range []*checker.EndpointView{&st.After.A, &st.After.B} {
			if !contains(out, e.State) {
				out = append(out, e.State)
			}
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// statePos places the states as RFC 9293 Figure 5 does.
var statePos = map[string][2]float64{
	"CLOSED":       {290, 24},
	"LISTEN":       {290, 96},
	"SYN-RECEIVED": {110, 168},
	"SYN-SENT":     {470, 168},
	"ESTABLISHED":  {290, 240},
	"FIN-WAIT-1":   {110, 312},
	"CLOSE-WAIT":   {470, 312},
	"FIN-WAIT-2":   {110, 400},
	"CLOSING":      {290, 400},
	"LAST-ACK":     {470, 400},
	"TIME-WAIT":    {290, 476},
}

const nodeW, nodeH = 112.0, 24.0

// diagramSVG draws the state diagram of trace i with an id on every arc
// and state, for the script to highlight.
func diagramSVG(i int, t *Trace) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="diagram" viewBox="0 0 580 500" role="img" aria-label="state diagram"><defs><marker id="t%d-ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>`, i)
	for _, a := range t.Arcs {
		p, ok1 := statePos[a.From]
		q, ok2 := statePos[a.To]
		if !ok1 || !ok2 || !contains(t.States, a.From) || !contains(t.States, a.To) {
			continue
		}
		cls := "arc"
		if a.Extra {
			cls += " extra"
		}
		// A quadratic curve bowed to the right of its direction, so
		// that the arcs of a pair of states in both directions part.
		dx, dy := q[0]-p[0], q[1]-p[1]
		l := math.Hypot(dx, dy)
		cx, cy := (p[0]+q[0])/2-dy/l*22, (p[1]+q[1])/2+dx/l*22
		x1, y1 := clip(p, cx, cy)
		x2, y2 := clip(q, cx, cy)
		fmt.Fprintf(&b, `<path id="t%d-arc-%s" class="%s" data-arc="%s" d="M%.1f,%.1fQ%.1f,%.1f %.1f,%.1f" marker-end="url(#t%d-ah)"><title>%s</title></path>`,
			i, slug(a.Key), cls, esc(a.Key), x1, y1, cx, cy, x2, y2, i, esc(a.Key+": "+a.Label))
	}
	for _, name := range t.States {
		p, ok := statePos[name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, `<g id="t%d-st-%s" class="state" data-state="%s"><rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" rx="5"/><text x="%.1f" y="%.1f">%s</text></g>`,
			i, slug(name), name, p[0]-nodeW/2, p[1]-nodeH/2, nodeW, nodeH, p[0], p[1]+4, name)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// clip moves from a state's centre towards (x, y) to the border of its box.
func clip(c [2]float64, x, y float64) (float64, float64) {
	dx, dy := x-c[0], y-c[1]
	s := math.Inf(1)
	if dx != 0 {
		s = math.Min(s, (nodeW/2+2)/math.Abs(dx))
	}
	if dy != 0 {
		s = math.Min(s, (nodeH/2+2)/math.Abs(dy))
	}
	return c[0] + dx*s, c[1] + dy*s
}

// slug makes an arc key or state name fit an id: "SYN-SENT->CLOSED"
// becomes "SYN-SENT--CLOSED".
func slug(s string) string { return strings.ReplaceAll(s, "->", "--") }

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

// esc escapes text for HTML and SVG, in text and in attributes.
func esc(s string) string { return escaper.Replace(s) }
