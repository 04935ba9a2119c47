package spec_test

// The scenario transcripts in testdata/ replay the figures of RFC 9293
// section 3.5 and 3.6 (testdata/*.txt) and show where the variants differ
// (testdata/variants/*.txt). Regenerate the expected output after a
// deliberate change with
//
//	go test ./spec -run 'TestFigures|TestVariantTranscripts' -rewrite
//
// and read the diff against the RFC's figure, which each file quotes.
//
// # The command language
//
// Two endpoints, A and B, each a spec.TCB, and a network with one FIFO
// queue per direction.
//
//	numbering A0=100 B0=300 OLD=90   bind ISN epochs, in order, to numbers;
//	numbering Z X                    or to symbols, printed as Z, Z+1, ...
//	variant rfc1337                  use a variant's table; resets A, B and the network
//	endpoint A epoch=A0 [state=LISTEN]   set up an endpoint (CLOSED or LISTEN)
//	establish                        run the handshake silently (A active, B passive)
//	show                             both states, the TCBs and what is in flight
//	call A close [deliver]           a user call (listen, connect, send, close, abort);
//	                                 with deliver, what it sends arrives at once
//	timeout A 2msl [deliver]         a timer fires (rto, 2msl, user-timeout, fin-wait-2-timeout)
//	deliver A->B [ctl=RST]           the oldest segment in flight A->B arrives
//	                                 (or the oldest with exactly these flags)
//	depart A->B [ctl=...]            print a segment's departure; it stays in flight
//	drop A->B [ctl=...]              the segment is lost
//	inject A->B                      an old duplicate, given as input, arrives
//	  <SEQ=90><CTL=SYN>              (NAME, NAME+n, or a number just above one ISN)
//	crash A epoch=A1                 A loses its TCB and will use a new ISN
//	epoch B B1                       B's ISN clock moves on (CLOSED or LISTEN only)
//	expect A=ESTABLISHED B=CLOSED [empty]   fail the test (not the transcript) unless so
//
// Every command may carry line=N (or line=5.1), the figure's line number,
// printed in front of its first output line.
//
// # The output
//
// Lines are laid out as the RFC's figures are: A's state, an arrow, the
// segment, an arrow, B's state. "-->" and "<--" mark a departure or an
// arrival on this line; "..." a segment whose departure was printed earlier
// (or that is an old duplicate), or one still in flight. A column shows a
// state only when its endpoint acts on the line. Under each line are the
// rows taken, with the figure arc, the citation, the segments sent and what
// the user is told.

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

func TestFigures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	require.NoError(t, err)
	require.Len(t, files, 8, "one transcript per figure of RFC 9293, 6 to 13")
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			runTranscript(t, path)
		})
	}
}

func TestVariantTranscripts(t *testing.T) {
	for _, name := range spec.VariantNames() {
		if name == spec.DefaultVariant {
			continue
		}
		t.Run(name, func(t *testing.T) {
			runTranscript(t, filepath.Join("testdata", "variants", name+".txt"))
		})
	}
}

func runTranscript(t *testing.T, path string) {
	d := &driver{tbl: spec.Default()}
	d.reset()
	datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
		d.t = t
		return d.run(td)
	})
}

// base is what an epoch stands for: a concrete ISN or a symbol.
type base struct {
	name   string
	isn    uint32
	symbol bool
}

type flight struct {
	seg       spec.Segment
	announced bool // its departure has been printed
}

type driver struct {
	t     *testing.T
	tbl   *spec.Table
	bases []base
	ep    [2]spec.TCB
	q     [2][]flight // q[0]: A->B, q[1]: B->A

	lines, details []string
	lineNum        string
}

var endpointNames = [2]string{"A", "B"}

func (d *driver) reset() {
	d.ep = [2]spec.TCB{}
	d.q = [2][]flight{}
}

func (d *driver) fatalf(td *datadriven.TestData, format string, args ...any) {
	d.t.Helper()
	d.t.Fatalf("%s: %s: %s", td.Pos, td.Cmd, fmt.Sprintf(format, args...))
}

func (d *driver) run(td *datadriven.TestData) string {
	d.lines, d.details, d.lineNum = nil, nil, ""
	if td.HasArg("line") {
		td.ScanArgs(d.t, "line", &d.lineNum)
		if !strings.Contains(d.lineNum, ".") {
			d.lineNum += "." // "2." as in the figures; "5.1" as in RFC 1337's
		}
	}
	switch td.Cmd {
	case "numbering":
		d.bases = nil
		for _, a := range td.CmdArgs {
			b := base{name: a.Key}
			switch len(a.Vals) {
			case 0:
				b.symbol = true
			case 1:
				n, err := strconv.ParseUint(a.Vals[0], 10, 32)
				if err != nil {
					d.fatalf(td, "ISN %s=%s: %v", a.Key, a.Vals[0], err)
				}
				b.isn = uint32(n)
			default:
				d.fatalf(td, "one ISN per epoch")
			}
			d.bases = append(d.bases, b)
		}
		var parts []string
		for i, b := range d.bases {
			if b.symbol {
				parts = append(parts, fmt.Sprintf("e%d=%s", i, b.name))
			} else {
				parts = append(parts, fmt.Sprintf("e%d=%s=%d", i, b.name, b.isn))
			}
		}
		return strings.Join(parts, " ")

	case "variant":
		name := d.onlyArg(td)
		tbl, err := spec.ForVariant(name)
		if err != nil {
			d.fatalf(td, "%v", err)
		}
		d.tbl = tbl
		d.reset()
		for _, v := range spec.Variants() {
			if v.Name == name {
				return fmt.Sprintf("table %s (%d rows): %s", name, tbl.NumRows(), v.Description)
			}
		}
		return "table " + name

	case "endpoint":
		i := d.endpoint(td, td.CmdArgs[0].Key)
		x := spec.ClosedTCB(d.epochArg(td, "epoch"))
		if td.HasArg("state") {
			var name string
			td.ScanArgs(d.t, "state", &name)
			s, err := spec.ParseState(name)
			if err != nil {
				d.fatalf(td, "%v", err)
			}
			switch s {
			case spec.Closed:
			case spec.Listen:
				x.State = spec.Listen
			default:
				d.fatalf(td, "set up %s by running the protocol (establish, call), not directly", s)
			}
		}
		d.ep[i] = x
		d.stateLine(i)
		d.details = append(d.details, "      "+endpointNames[i]+": "+d.describe(x))

	case "establish":
		d.establish(td)
		d.details = append(d.details, "      A: "+d.describe(d.ep[0]), "      B: "+d.describe(d.ep[1]))

	case "show":
		d.lines = append(d.lines, d.figLine(d.ep[0].State.String(), "", "", "", d.ep[1].State.String()))
		for i := range d.ep {
			d.details = append(d.details, "      "+endpointNames[i]+": "+d.describe(d.ep[i]))
		}
		for dir := range d.q {
			for _, f := range d.q[dir] {
				d.details = append(d.details, fmt.Sprintf("      in flight %s->%s: %s", endpointNames[dir], endpointNames[1-dir], d.format(f.seg)))
			}
		}

	case "call", "timeout":
		i := d.endpoint(td, td.CmdArgs[0].Key)
		if len(td.CmdArgs) < 2 {
			d.fatalf(td, "usage: %s A <event> [deliver]", td.Cmd)
		}
		k, err := spec.ParseEventKind(td.CmdArgs[1].Key)
		if err != nil {
			d.fatalf(td, "%v", err)
		}
		if k.IsUserCall() != (td.Cmd == "call") || k == spec.Arrive {
			d.fatalf(td, "%s is not a %s", k, map[bool]string{true: "user call", false: "timeout"}[td.Cmd == "call"])
		}
		if k.IsTimeout() && !d.ep[i].TimerRunning(k) {
			d.stateLine(i)
			d.details = append(d.details, fmt.Sprintf("      %s: no %s can occur in %s", endpointNames[i], k, d.ep[i].State))
			break
		}
		d.act(i, spec.Call(k), td.HasArg("deliver"))

	case "deliver", "depart", "drop":
		from, to := d.direction(td)
		j := d.pick(td, from)
		f := d.q[from][j]
		switch td.Cmd {
		case "deliver":
			d.q[from] = append(d.q[from][:j:j], d.q[from][j+1:]...)
			d.arrive(from, to, f.seg, senderColumn(f.announced, d.ep[from].State))
		case "depart":
			d.q[from][j].announced = true
			d.departLine(from, f.seg)
		case "drop":
			d.q[from] = append(d.q[from][:j:j], d.q[from][j+1:]...)
			d.transitLine(from, senderColumn(f.announced, d.ep[from].State), f.seg, "(lost)")
		}

	case "inject":
		from, to := d.direction(td)
		seg := d.parseSegment(td, td.Input)
		d.arrive(from, to, seg, "(duplicate)")

	case "crash":
		i := d.endpoint(td, td.CmdArgs[0].Key)
		d.ep[i] = spec.ClosedTCB(d.epochArg(td, "epoch"))
		d.column(i, "(REBOOT)")
		d.details = append(d.details, "      "+endpointNames[i]+": "+d.describe(d.ep[i]))

	case "epoch":
		if len(td.CmdArgs) != 2 {
			d.fatalf(td, "usage: epoch B B1")
		}
		i := d.endpoint(td, td.CmdArgs[0].Key)
		if s := d.ep[i].State; s != spec.Closed && s != spec.Listen {
			d.fatalf(td, "%s is %s: only a CLOSED or LISTEN endpoint picks its next ISN", endpointNames[i], s)
		}
		d.ep[i].Epoch = d.epochNamed(td, td.CmdArgs[1].Key)
		d.details = append(d.details, "      "+endpointNames[i]+": "+d.describe(d.ep[i]))

	case "expect":
		for _, a := range td.CmdArgs {
			switch a.Key {
			case "A", "B":
				want, err := spec.ParseState(a.Vals[0])
				if err != nil {
					d.fatalf(td, "%v", err)
				}
				if got := d.ep[d.endpoint(td, a.Key)].State; got != want {
					d.t.Errorf("%s: %s is %s, want %s", td.Pos, a.Key, got, want)
				}
			case "empty":
				if n := len(d.q[0]) + len(d.q[1]); n != 0 {
					d.t.Errorf("%s: %d segments in flight, want none", td.Pos, n)
				}
			case "line":
			default:
				d.fatalf(td, "unknown expectation %s", a.Key)
			}
		}
		return "ok"

	default:
		d.fatalf(td, "unknown command")
	}
	return strings.Join(append(d.lines, d.details...), "\n")
}

func (d *driver) onlyArg(td *datadriven.TestData) string {
	if len(td.CmdArgs) != 1 {
		d.fatalf(td, "expected one argument")
	}
	return td.CmdArgs[0].Key
}

func (d *driver) endpoint(td *datadriven.TestData, name string) int {
	for i, n := range endpointNames {
		if n == name {
			return i
		}
	}
	d.fatalf(td, "no endpoint %q (A or B)", name)
	return 0
}

func (d *driver) direction(td *datadriven.TestData) (from, to int) {
	if len(td.CmdArgs) == 0 {
		d.fatalf(td, "usage: %s A->B", td.Cmd)
	}
	switch td.CmdArgs[0].Key {
	case "A->B":
		return 0, 1
	case "B->A":
		return 1, 0
	}
	d.fatalf(td, "direction %q: A->B or B->A", td.CmdArgs[0].Key)
	return 0, 0
}

// pick returns the index of the segment in flight from endpoint from that
// the command names: the oldest, or the oldest with exactly flags ctl.
func (d *driver) pick(td *datadriven.TestData, from int) int {
	q := d.q[from]
	if !td.HasArg("ctl") {
		if len(q) == 0 {
			d.fatalf(td, "nothing in flight from %s", endpointNames[from])
		}
		return 0
	}
	var ctl string
	td.ScanArgs(d.t, "ctl", &ctl)
	f, err := spec.ParseFlags(ctl)
	if err != nil {
		d.fatalf(td, "%v", err)
	}
	for j, fl := range q {
		if fl.seg.Flags == f {
			return j
		}
	}
	d.fatalf(td, "no %s segment in flight from %s", f, endpointNames[from])
	return 0
}

func (d *driver) epochArg(td *datadriven.TestData, key string) uint8 {
	if !td.HasArg(key) {
		return 0
	}
	var name string
	td.ScanArgs(d.t, key, &name)
	return d.epochNamed(td, name)
}

func (d *driver) epochNamed(td *datadriven.TestData, name string) uint8 {
	for i, b := range d.bases {
		if b.name == name {
			return uint8(i)
		}
	}
	d.fatalf(td, "no epoch named %q in the numbering", name)
	return 0
}

// step runs the table on endpoint i and records the row taken.
func (d *driver) step(i int, in spec.Input) spec.Result {
	res := d.tbl.Step(d.ep[i], in)
	who := "      " + endpointNames[i] + ": "
	if res.Err != nil {
		d.details = append(d.details, who+"error: "+res.Err.Error())
		return res
	}
	row := d.tbl.Row(res.Row)
	s := who + row.ID
	if row.Arc != 0 {
		s += fmt.Sprintf(" [arc %d]", row.Arc)
	}
	s += " " + row.Cite
	if row.Origin != spec.Base {
		s += fmt.Sprintf(" (%s by %s)", row.Origin, row.Variant)
	}
	if res.NOut > 0 {
		var segs []string
		for _, o := range res.Sent() {
			segs = append(segs, d.format(o))
		}
		s += "; sends " + strings.Join(segs, " ")
	}
	if res.Notice != spec.NoticeNone {
		s += fmt.Sprintf("; tells %q", res.Notice.String())
	}
	d.details = append(d.details, s)
	d.ep[i] = res.Next
	return res
}

// act runs a user call or timeout at endpoint i. What it sends departs;
// with deliver it also arrives at once.
func (d *driver) act(i int, in spec.Input, deliver bool) {
	res := d.step(i, in)
	if res.NOut == 0 {
		d.stateLine(i)
		return
	}
	for _, seg := range res.Sent() {
		if deliver {
			d.arrive(i, 1-i, seg, d.ep[i].State.String())
			continue
		}
		d.q[i] = append(d.q[i], flight{seg: seg, announced: true})
		d.departLine(i, seg)
	}
}

// arrive delivers seg from endpoint from to endpoint to; what the receiver
// sends goes in flight, its departure not yet printed.
func (d *driver) arrive(from, to int, seg spec.Segment, sender string) {
	res := d.step(to, spec.Arrival(seg))
	for _, o := range res.Sent() {
		d.q[to] = append(d.q[to], flight{seg: o})
	}
	d.transitLine(from, sender, seg, d.ep[to].State.String())
}

// senderColumn is what the sender's column shows for an arrival: its state
// if the departure is on this line, nothing if it was printed before.
func senderColumn(announced bool, s spec.State) string {
	if announced {
		return ""
	}
	return s.String()
}

// transitLine prints a segment going from endpoint from to the other: the
// sender's column (empty for "..."), the segment, the receiver's column.
func (d *driver) transitLine(from int, sender string, seg spec.Segment, receiver string) {
	fromArrow := "..."
	if sender != "" && sender != "(duplicate)" {
		fromArrow = arrow(from)
	}
	if receiver == "(lost)" {
		if from == 0 {
			d.lines = append(d.lines, d.figLine(sender, fromArrow, d.format(seg), "...", receiver))
		} else {
			d.lines = append(d.lines, d.figLine(receiver, "...", d.format(seg), fromArrow, sender))
		}
		return
	}
	if from == 0 {
		d.lines = append(d.lines, d.figLine(sender, fromArrow, d.format(seg), arrow(0), receiver))
	} else {
		d.lines = append(d.lines, d.figLine(receiver, arrow(1), d.format(seg), fromArrow, sender))
	}
}

// departLine prints a segment leaving endpoint from, still in flight.
func (d *driver) departLine(from int, seg spec.Segment) {
	if from == 0 {
		d.lines = append(d.lines, d.figLine(d.ep[0].State.String(), arrow(0), d.format(seg), "...", ""))
	} else {
		d.lines = append(d.lines, d.figLine("", "...", d.format(seg), arrow(1), d.ep[1].State.String()))
	}
}

func arrow(from int) string {
	if from == 0 {
		return "-->"
	}
	return "<--"
}

// stateLine prints endpoint i's state alone in its column.
func (d *driver) stateLine(i int) { d.column(i, d.ep[i].State.String()) }

func (d *driver) column(i int, s string) {
	if i == 0 {
		d.lines = append(d.lines, d.figLine(s, "", "", "", ""))
	} else {
		d.lines = append(d.lines, d.figLine("", "", "", "", s))
	}
}

// figLine lays a line out as the RFC's figures do.
func (d *driver) figLine(left, la, seg, ra, right string) string {
	num := ""
	if len(d.lines) == 0 {
		num = d.lineNum
	}
	return strings.TrimRight(fmt.Sprintf("%-4s%-12s %-3s %-34s %-3s %s", num, left, la, seg, ra, right), " ")
}

// number renders a sequence number through the numbering.
func (d *driver) number(q spec.Seq) string {
	if int(q.Epoch) >= len(d.bases) {
		return q.String()
	}
	b := d.bases[q.Epoch]
	if !b.symbol {
		return strconv.FormatUint(uint64(b.isn)+uint64(q.Off), 10)
	}
	if q.Off == 0 {
		return b.name
	}
	return fmt.Sprintf("%s+%d", b.name, q.Off)
}

// format renders a segment in the notation of RFC 9293 section 3.5. With a
// numeric numbering it is spec.Numbering.Format, which it checks; but the
// SEQ of a CLOSED endpoint's RST,ACK is the literal 0 of
// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, which belongs to no epoch.
func (d *driver) format(s spec.Segment) string {
	var b strings.Builder
	if s.IsResetReply() {
		b.WriteString("<SEQ=0>")
	} else {
		fmt.Fprintf(&b, "<SEQ=%s>", d.number(s.Seq))
	}
	if s.Flags.Has(spec.ACK) {
		fmt.Fprintf(&b, "<ACK=%s>", d.number(s.Ack))
	}
	if ctl := s.Flags &^ spec.Data; ctl != 0 {
		fmt.Fprintf(&b, "<CTL=%s>", ctl)
	}
	if s.Flags.Has(spec.Data) {
		b.WriteString("<DATA>")
	}
	out := b.String()
	if n, ok := d.numbering(); ok && !s.IsResetReply() {
		require.Equal(d.t, n.Format(s), out)
	}
	return out
}

// numbering returns the numbering as a spec.Numbering, if it is numeric.
func (d *driver) numbering() (spec.Numbering, bool) {
	n := spec.Numbering{}
	for i, b := range d.bases {
		if b.symbol {
			return nil, false
		}
		n[uint8(i)] = b.isn
	}
	return n, true
}

// describe renders a TCB with concrete numbers.
func (d *driver) describe(x spec.TCB) string {
	iss := d.number(x.ISS())
	var s string
	switch x.State {
	case spec.Closed:
		return "CLOSED, next ISS " + iss
	case spec.Listen:
		return "LISTEN, ISS " + iss
	default:
		s = fmt.Sprintf("%s ISS=%s SND.UNA=%s SND.NXT=%s", x.State, iss,
			d.number(spec.Seq{Epoch: x.Epoch, Off: x.SndUna}), d.number(x.SndNxtSeq()))
	}
	if x.State.KnowsIRS() {
		s += fmt.Sprintf(" IRS=%s RCV.NXT=%s", d.number(spec.Seq{Epoch: x.IRSEpoch}), d.number(x.RcvNxtSeq()))
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{x.Passive && x.State == spec.SynReceived, "passive"}, {x.DataSent, "text sent"}, {x.DataQueued, "text queued"}, {x.ClosePending, "CLOSE queued"}} {
		if f.on {
			s += ", " + f.name
		}
	}
	return s
}

// establish runs the three-way handshake without printing it: A opens
// actively, B passively.
func (d *driver) establish(td *datadriven.TestData) {
	if d.ep[0].State != spec.Closed || d.ep[1].State != spec.Closed {
		d.fatalf(td, "establish needs A and B CLOSED")
	}
	if len(d.q[0])+len(d.q[1]) != 0 {
		d.fatalf(td, "establish needs an empty network")
	}
	must := func(i int, in spec.Input) []spec.Segment {
		res := d.tbl.Step(d.ep[i], in)
		if res.Err != nil {
			d.fatalf(td, "%v", res.Err)
		}
		d.ep[i] = res.Next
		return append([]spec.Segment(nil), res.Sent()...)
	}
	must(1, spec.Call(spec.OpenPassive))
	syn := must(0, spec.Call(spec.OpenActive))
	synAck := must(1, spec.Arrival(syn[0]))
	ack := must(0, spec.Arrival(synAck[0]))
	must(1, spec.Arrival(ack[0]))
	if d.ep[0].State != spec.Established || d.ep[1].State != spec.Established {
		d.fatalf(td, "the handshake ended in %s and %s", d.ep[0].State, d.ep[1].State)
	}
	d.lines = append(d.lines, d.figLine(d.ep[0].State.String(), "", "", "", d.ep[1].State.String()))
}

var segField = regexp.MustCompile(`<([A-Z]+)(?:=([^>]*))?>`)

// parseSegment reads "<SEQ=90><ACK=301><CTL=SYN,ACK><DATA>". A number is
// NAME, NAME+n, or a decimal within a few numbers above exactly one
// epoch's ISN.
func (d *driver) parseSegment(td *datadriven.TestData, text string) spec.Segment {
	var seg spec.Segment
	rest := segField.ReplaceAllStringFunc(strings.TrimSpace(text), func(m string) string {
		f := segField.FindStringSubmatch(m)
		switch f[1] {
		case "SEQ":
			seg.Seq = d.parseNumber(td, f[2])
		case "ACK":
			seg.Ack = d.parseNumber(td, f[2])
		case "CTL":
			fl, err := spec.ParseFlags(f[2])
			if err != nil {
				d.fatalf(td, "%v", err)
			}
			seg.Flags |= fl
		case "DATA":
			seg.Flags |= spec.Data
		default:
			d.fatalf(td, "unknown field %s", m)
		}
		return ""
	})
	if rest != "" {
		d.fatalf(td, "cannot read %q in segment %q", rest, text)
	}
	return seg
}

func (d *driver) parseNumber(td *datadriven.TestData, s string) spec.Seq {
	name, off, _ := strings.Cut(s, "+")
	o := 0
	if off != "" {
		var err error
		if o, err = strconv.Atoi(off); err != nil || o > 255 {
			d.fatalf(td, "offset %q", off)
		}
	}
	if n, err := strconv.ParseUint(name, 10, 32); err == nil {
		// An incarnation uses its ISN and the next few numbers; a number
		// must fall in exactly one epoch's.
		const span = 8
		var hits []int
		for i, b := range d.bases {
			if !b.symbol && uint64(b.isn) <= n && n+uint64(o) < uint64(b.isn)+span {
				hits = append(hits, i)
			}
		}
		if len(hits) != 1 {
			d.fatalf(td, "%s is in %d epochs of the numbering; write it as NAME+n", s, len(hits))
		}
		b := d.bases[hits[0]]
		return spec.Seq{Epoch: uint8(hits[0]), Off: uint8(n + uint64(o) - uint64(b.isn))}
	}
	return spec.Seq{Epoch: d.epochNamed(td, name), Off: uint8(o)}
}
