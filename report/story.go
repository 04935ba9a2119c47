package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/internal/lang"
)

// The telling of a counterexample: a paragraph per step in plain words
// (WriteStory), and a chart in the notation of RFC 9293's figures
// (WriteTextChart). Every command that tells a step tells it this way.

// itoa writes a number plainly: a printer would group its digits.
func itoa(n int) string { return strconv.Itoa(n) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// inState phrases a state after a verb: "CLOSED", "in LISTEN".
func inState(p *message.Printer, s string) string {
	if s == "CLOSED" {
		return "CLOSED"
	}
	return p.Sprintf("in %s", s)
}

func segList(p *message.Printer, segs []checker.SegmentView) string {
	var parts []string
	for _, s := range segs {
		parts = append(parts, s.Text)
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return p.Sprintf("%s and %s", strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}

func inFlightSentence(p *message.Printer, w *checker.WorldView) string {
	var parts []string
	if s := segList(p, w.InFlight.AToB); s != "" {
		parts = append(parts, "A→B "+s)
	}
	if s := segList(p, w.InFlight.BToA); s != "" {
		parts = append(parts, "B→A "+s)
	}
	if len(parts) == 0 {
		return p.Sprintf("Nothing is in flight.")
	}
	return p.Sprintf("In flight: %s.", strings.Join(parts, "; "))
}

// WriteStory retells a trace in plain words, a paragraph per step, in
// English. Text from the trace, which may come from a file, is escaped
// (see EscapeLine).
func WriteStory(w io.Writer, v *checker.TraceView) { WriteStoryIn(w, v, lang.English) }

// WriteStoryIn retells a trace in the language tag (see package
// internal/lang). State names, flags, segments, rows and citations stay
// as RFC 9293 writes them, and so do the rows' notes, which the table
// gives in English.
func WriteStoryIn(w io.Writer, v *checker.TraceView, tag language.Tag) {
	p := lang.Printer(tag)
	v = escapedTrace(v)
	switch {
	case v.Property != "" && v.Verdict != "":
		p.Fprintf(w, "Property %s is %s on model %s (variant %s)", v.Property, p.Sprintf(v.Verdict), v.Model, v.Variant)
	case v.Property != "":
		p.Fprintf(w, "A run for property %s on model %s (variant %s)", v.Property, v.Model, v.Variant)
	default:
		p.Fprintf(w, "A run of model %s (variant %s)", v.Model, v.Variant)
	}
	if v.Message != "" {
		fmt.Fprintf(w, ": %s", v.Message)
	}
	fmt.Fprintln(w, p.Sprintf("."))
	fmt.Fprintln(w, p.Sprintf("Segments are numbered as in RFC 9293's figures: A's first sequence number is 100, B's is 300."))
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprintf("At the start, A is %s and B is %s. %s", inState(p, v.Initial.A.State), inState(p, v.Initial.B.State), inFlightSentence(p, &v.Initial)))
	for i := range v.Steps {
		s := &v.Steps[i]
		if i == v.LoopStart {
			fmt.Fprintln(w)
			fmt.Fprintln(w, p.Sprintf("From here on the run repeats forever (steps %s to %s, then back to step %s):", itoa(i+1), itoa(len(v.Steps)), itoa(i+1)))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, p.Sprintf("Step %s. %s", itoa(s.N), stepSentences(p, s)))
	}
	if v.LoopStart >= 0 && v.LoopStart < len(v.Steps) {
		fmt.Fprintln(w)
		fmt.Fprintln(w, p.Sprintf("Then back to step %s, forever.", itoa(v.LoopStart+1)))
	}
	final := &v.Initial
	if n := len(v.Steps); n > 0 {
		final = &v.Steps[n-1].After
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, p.Sprintf("In the end, A is %s and B is %s. %s", inState(p, final.A.State), inState(p, final.B.State), inFlightSentence(p, final)))
}

// stepSentences retells one step: what happened, what the actor did and
// why, what its user was told, and what is in flight afterwards.
func stepSentences(p *message.Printer, s *checker.StepView) string {
	var b strings.Builder
	actor, peer := s.Actor, "B"
	if actor == "B" {
		peer = "A"
	}
	before := s.Before.Endpoint(actor).State
	after := s.After.Endpoint(actor).State
	seg := ""
	if s.Segment != nil {
		seg = s.Segment.Text
	}
	switch s.Action {
	case "call":
		b.WriteString(p.Sprintf("%s's user calls %s.", actor, s.Call))
	case "reopen":
		b.WriteString(p.Sprintf("%s's user opens a new connection (%s).", actor, s.Call))
	case "timeout":
		b.WriteString(p.Sprintf("%s's %s fires.", actor, p.Sprintf(strings.TrimSuffix(s.Call, " timeout")+" timer")))
	case "deliver":
		b.WriteString(p.Sprintf("%s receives %s's %s.", actor, peer, seg))
		if s.Classified != "" {
			b.WriteString(p.Sprintf(" The table reads it as %s.", s.Classified))
		}
	case "lose":
		b.WriteString(p.Sprintf("The network loses %s's %s on its way to %s. %s stays %s, %s %s. %s",
			actor, seg, peer, actor, inState(p, after), peer, inState(p, s.After.Endpoint(peer).State), inFlightSentence(p, &s.After)))
		return b.String()
	case "duplicate":
		b.WriteString(p.Sprintf("The network duplicates %s's %s: a second copy is now on its way to %s. %s",
			actor, seg, peer, inFlightSentence(p, &s.After)))
		return b.String()
	case "crash":
		b.WriteString(p.Sprintf("%s's host crashes. Its TCB is lost and %s is CLOSED, without a word to %s (RFC 9293 3.5.1: a half-open connection). %s",
			actor, actor, peer, inFlightSentence(p, &s.After)))
		return b.String()
	default:
		fmt.Fprintf(&b, "%s: %s.", actor, s.Event)
	}
	b.WriteString("\n  ")
	var acts []string
	if sent := append(append([]checker.SegmentView(nil), s.Sent...), s.Dropped...); len(sent) > 0 {
		acts = append(acts, p.Sprintf("sends %s", segList(p, sent)))
	}
	if before != after {
		acts = append(acts, p.Sprintf("enters %s", after))
	} else {
		acts = append(acts, p.Sprintf("stays %s", inState(p, after)))
	}
	if len(acts) == 2 {
		b.WriteString(p.Sprintf("%s was %s; it %s and %s.", actor, inState(p, before), acts[0], acts[1]))
	} else {
		b.WriteString(p.Sprintf("%s was %s; it %s.", actor, inState(p, before), acts[0]))
	}
	if len(s.Dropped) > 0 {
		b.WriteString(p.Sprintf(" The network drops %s at once: that direction is full, and a network that can lose segments loses what it has no room for.", segList(p, s.Dropped)))
	}
	if s.Row != "" {
		b.WriteString("\n  ")
		b.WriteString(p.Sprintf("Why: row %s (%s)", s.Row, s.Cite))
		switch {
		case s.RowOrigin == "redirected":
			// The note describes the row before the variant redirected it.
			b.WriteString(p.Sprintf(", which variant %s redirected into %s.", s.RowVariant, after))
		case s.RowVariant != "":
			b.WriteString(p.Sprintf(", a row variant %s %s", s.RowVariant, p.Sprintf(orDefault(s.RowOrigin, "made"))))
			if s.Note != "" {
				fmt.Fprintf(&b, ": %s", s.Note)
			} else {
				b.WriteString(p.Sprintf("."))
			}
		case s.Note != "":
			fmt.Fprintf(&b, ": %s", s.Note)
		default:
			b.WriteString(p.Sprintf("."))
		}
	}
	if s.Notice != "" {
		// The notice is escaped already; quoting it again would double
		// its backslashes.
		b.WriteString("\n  ")
		b.WriteString(p.Sprintf("%s's user is told \"%s\".", actor, s.Notice))
	}
	b.WriteString("\n  ")
	b.WriteString(inFlightSentence(p, &s.After))
	return b.String()
}

// WriteTextChart draws a trace as RFC 9293's figures do: a numbered line
// per event, A's state on the left, B's on the right, and each segment in
// the middle with arrows: "-->  <SEQ=100><CTL=SYN>  ..." when A sends it
// and "...  <SEQ=100><CTL=SYN>  -->" when it reaches B. Text from the
// trace is escaped (see EscapeLine) before the columns are laid out.
func WriteTextChart(w io.Writer, v *checker.TraceView) {
	v = escapedTrace(v)
	width := 20
	each := func(f func(seg *checker.SegmentView)) {
		for _, s := range v.Initial.InFlight.AToB {
			f(&s)
		}
		for i := range v.Steps {
			s := &v.Steps[i]
			if s.Segment != nil {
				f(s.Segment)
			}
			for j := range s.Sent {
				f(&s.Sent[j])
			}
		}
	}
	each(func(seg *checker.SegmentView) { width = max(width, len(seg.Text)+len(" (duplicated)")) })
	type line struct{ n, a, left, mid, right, b, note string }
	var lines []line
	add := func(l line) { lines = append(lines, l) }
	add(line{n: "0.", a: v.Initial.A.State, b: v.Initial.B.State})
	for i := range v.Steps {
		s := &v.Steps[i]
		if i == v.LoopStart {
			add(line{mid: "(the steps below repeat forever)"})
		}
		a, b := s.After.A.State, s.After.B.State
		num := fmt.Sprintf("%d.", s.N)
		note := ""
		switch s.Action {
		case "call", "timeout", "reopen":
			note = fmt.Sprintf("(%s: %s)", s.Actor, s.Call)
		case "crash":
			note = fmt.Sprintf("(%s crashes)", s.Actor)
		}
		if s.Notice != "" {
			note = strings.TrimSpace(note + fmt.Sprintf(" (%s: \"%s\")", s.Actor, s.Notice))
		}
		switch s.Action {
		case "deliver":
			if s.Segment.From == "A" {
				add(line{n: num, a: a, left: "...", mid: s.Segment.Text, right: "-->", b: b, note: note})
			} else {
				add(line{n: num, a: a, left: "<--", mid: s.Segment.Text, right: "...", b: b, note: note})
			}
			note, num = "", ""
		case "lose", "duplicate":
			what := " (lost)"
			if s.Action == "duplicate" {
				what = " (duplicated)"
			}
			if s.Segment.From == "A" {
				add(line{n: num, a: a, left: "-x-", mid: s.Segment.Text + what, right: "", b: b})
			} else {
				add(line{n: num, a: a, left: "", mid: s.Segment.Text + what, right: "-x-", b: b})
			}
			if s.Action == "duplicate" {
				lines[len(lines)-1].left = strings.ReplaceAll(lines[len(lines)-1].left, "-x-", "-2-")
				lines[len(lines)-1].right = strings.ReplaceAll(lines[len(lines)-1].right, "-x-", "-2-")
			}
			continue
		}
		for j := range s.Sent {
			seg := &s.Sent[j]
			if seg.From == "A" {
				add(line{n: num, a: a, left: "-->", mid: seg.Text, right: "...", b: b, note: note})
			} else {
				add(line{n: num, a: a, left: "...", mid: seg.Text, right: "<--", b: b, note: note})
			}
			note, num = "", ""
		}
		if num != "" {
			add(line{n: num, a: a, b: b, note: note})
		}
	}
	if v.LoopStart >= 0 && v.LoopStart < len(v.Steps) {
		add(line{mid: fmt.Sprintf("(back to step %d)", v.LoopStart+1)})
	}
	numW := len(fmt.Sprintf("%d.", len(v.Steps)))
	fmt.Fprintf(w, "%*s %-12s %3s %-*s %3s %s\n", numW, "", "TCP A", "", width, "", "", "TCP B")
	for _, l := range lines {
		out := fmt.Sprintf("%*s %-12s %3s %-*s %3s %-12s %s", numW, l.n, l.a, l.left, width, l.mid, l.right, l.b, l.note)
		fmt.Fprintln(w, strings.TrimRight(out, " "))
	}
}
