package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/conform"
)

// ConformSchema names the version of conform's JSON report. A change that
// removes or renames a field must change it.
const ConformSchema = "tcpcheck/conform/v1"

// ConformFormats lists the output formats of conform, in the order help
// shows them.
var ConformFormats = []string{"text", "json", "junit"}

// Conformance is the result of a run of conform: every connection of
// every capture, with its verdict.
type Conformance struct {
	// Tool is the version of tcpcheck that made it.
	Tool string
	// Variant is the --variant option ("any" to try every variant).
	Variant string
	Vantage conform.Vantage
	Files   []ConformFile
}

// ConformFile is one capture and its connections.
type ConformFile struct {
	Name            string
	Frames, Skipped int
	Connections     []ConformConnection
}

// ConformConnection is one connection's verdict. With --variant any,
// Result is the best variant's (the first that explains the connection,
// else the one whose deviation comes latest) and Explained lists every
// variant that explains it.
type ConformConnection struct {
	Result    conform.Result
	Explained []string
}

// Name names the connection: client > server, and which incarnation of
// the 4-tuple it is.
func (c *ConformConnection) Name() string {
	n := fmt.Sprintf("%s > %s", c.Result.Conn.Client, c.Result.Conn.Server)
	if c.Result.Conn.Incarnation > 0 {
		n += fmt.Sprintf(" #%d", c.Result.Conn.Incarnation+1)
	}
	return n
}

// frames is the first and last frame of the connection.
func (c *ConformConnection) frames() (int, int) {
	segs := c.Result.Conn.Segments
	return segs[0].Frame, segs[len(segs)-1].Frame
}

// ExitCode is the exit code the conformance calls for: 1 if a connection
// deviates, else 3 if one is incomplete, else 0.
func (c *Conformance) ExitCode() int {
	code := ExitOK
	for _, f := range c.Files {
		for _, cc := range f.Connections {
			switch cc.Result.Verdict {
			case conform.Deviates:
				return ExitViolated
			case conform.Incomplete:
				code = ExitInconclusive
			}
		}
	}
	return code
}

// Counts returns how many connections conform, deviate and are
// incomplete.
func (c *Conformance) Counts() (ok, dev, inc int) {
	for _, f := range c.Files {
		for _, cc := range f.Connections {
			switch cc.Result.Verdict {
			case conform.Conforms:
				ok++
			case conform.Deviates:
				dev++
			default:
				inc++
			}
		}
	}
	return
}

// vantageText says what a vantage assumes.
var vantageText = map[conform.Vantage]string{
	conform.Path:     "anywhere between the hosts",
	conform.Client:   "next to the client, which sent the first SYN",
	conform.Server:   "next to the server",
	conform.Loopback: "next to both ends, as on a loopback interface",
}

// VantageText says what a vantage assumes, in a few words.
func VantageText(v conform.Vantage) string { return vantageText[v] }

// WriteConformance writes c in format (one of ConformFormats).
func WriteConformance(w io.Writer, c *Conformance, format string, o *Options) error {
	switch format {
	case "text":
		return writeConformText(w, c, o)
	case "json":
		return writeConformJSON(w, c)
	case "junit":
		return writeConformJUnit(w, c)
	}
	return fmt.Errorf("unknown conform format %q (expected one of %s)", format, strings.Join(ConformFormats, ", "))
}

// verdictColors are the colours of the verdicts, as of the statuses of
// verify's text output.
var verdictColors = map[conform.Verdict]string{
	conform.Conforms:   statusLabels[StatusPass].color,
	conform.Deviates:   statusLabels[StatusFail].color,
	conform.Incomplete: statusLabels[StatusInconclusive].color,
}

func writeConformText(w io.Writer, c *Conformance, o *Options) error {
	p := painter(o != nil && o.Color)
	fmt.Fprintf(w, "Vantage: %s (%s). Variant: %s.\n", c.Vantage, vantageText[c.Vantage], c.Variant)
	for _, f := range c.Files {
		fmt.Fprintf(w, "\n%s: %s, %d without TCP, %s\n", EscapeLine(f.Name), plural(f.Frames, "frame", "frames"), f.Skipped, plural(len(f.Connections), "connection", "connections"))
		for i := range f.Connections {
			cc := &f.Connections[i]
			r := &cc.Result
			first, last := cc.frames()
			head := p.paint(verdictColors[r.Verdict], fmt.Sprintf("%-12s", r.Verdict.String()))
			fmt.Fprintf(w, "%s %s (frames %d-%d, %d segments)\n", head, p.paint(ansiBold, cc.Name()), first, last, len(r.Conn.Segments))
			fmt.Fprintf(w, "%13s%s\n", "", r.Message)
			if c.Variant == "any" {
				if len(cc.Explained) > 0 {
					fmt.Fprintf(w, "%13sexplained by: %s\n", "", strings.Join(cc.Explained, ", "))
				} else {
					fmt.Fprintf(w, "%13sno variant explains it; shown: %s\n", "", r.Variant)
				}
			}
			if len(r.Events) > 0 {
				fmt.Fprintf(w, "%13shidden events (A is %s, B is %s):\n", "", r.Conn.Client, r.Conn.Server)
				for _, e := range r.Events {
					when := "at the end"
					if e.Before > 0 {
						when = fmt.Sprintf("before frame %d", e.Before)
					}
					fmt.Fprintf(w, "%15s%-18s %s\n", "", when, e.Text)
				}
			}
			if r.EndA != "" {
				fmt.Fprintf(w, "%13sthe run ends with A in %s and B in %s\n", "", r.EndA, r.EndB)
			}
			if r.Verdict == conform.Deviates {
				fmt.Fprintf(w, "%13s%s could be in %s, where the table lets it send:\n", "", r.Sender, strings.Join(r.States, " or "))
				for _, a := range r.Allowed {
					where := a.Row
					if a.Cite != "" {
						where += " (" + a.Cite + ")"
					}
					fmt.Fprintf(w, "%15s%s  %s\n", "", a.Segment, p.paint(ansiDim, where))
				}
			}
		}
	}
	ok, dev, inc := c.Counts()
	fmt.Fprintf(w, "\n%s: %d conform, %d deviate, %d incomplete.\n", plural(ok+dev+inc, "connection", "connections"), ok, dev, inc)
	return nil
}

// The JSON form, schema tcpcheck/conform/v1. Fields are only ever added
// within a schema version.
type jsonConformance struct {
	Schema  string             `json:"schema"`
	Tool    jsonTool           `json:"tool"`
	Variant string             `json:"variant"`
	Vantage string             `json:"vantage"`
	Summary jsonConformSummary `json:"summary"`
	Files   []jsonConformFile  `json:"files"`
}

type jsonConformSummary struct {
	Connections int `json:"connections"`
	Conform     int `json:"conform"`
	Deviate     int `json:"deviate"`
	Incomplete  int `json:"incomplete"`
	ExitCode    int `json:"exit_code"`
}

type jsonConformFile struct {
	Name        string                  `json:"name"`
	Frames      int                     `json:"frames"`
	Skipped     int                     `json:"skipped"`
	Connections []jsonConformConnection `json:"connections"`
}

type jsonConformConnection struct {
	Client      string `json:"client"`
	Server      string `json:"server"`
	Incarnation int    `json:"incarnation"`
	FirstFrame  int    `json:"first_frame"`
	LastFrame   int    `json:"last_frame"`
	Segments    int    `json:"segments"`
	// Verdict is conforms, deviates or incomplete.
	Verdict   string   `json:"verdict"`
	Variant   string   `json:"variant"`
	Explained []string `json:"explained_by,omitempty"`
	Message   string   `json:"message"`
	// Events are the hidden events of one run; before is the frame each
	// came before (absent: after the connection's last frame).
	Events []jsonConformEvent `json:"events"`
	// Frames are the captured segments as that run explains them, with
	// both endpoints' states when the capture saw each.
	Frames []jsonConformFrame `json:"frames"`
	// The deviation: the frame, its sender ("A" is the client), the
	// states the sender could be in and what the table let it send.
	Frame   int                  `json:"frame,omitempty"`
	Sender  string               `json:"sender,omitempty"`
	States  []string             `json:"states,omitempty"`
	Allowed []jsonConformAllowed `json:"allowed,omitempty"`
	// States explored by the search for the connection's 4-tuple.
	StatesExplored int `json:"states_explored"`
	// EndA and EndB are the endpoints' states at the end of the run, for
	// a connection that conforms.
	EndA string `json:"end_a,omitempty"`
	EndB string `json:"end_b,omitempty"`
}

type jsonConformEvent struct {
	Before int    `json:"before,omitempty"`
	Side   string `json:"side"`
	Text   string `json:"text"`
}

// jsonConformFrame is a captured segment as the reported run explains it.
type jsonConformFrame struct {
	Frame    int    `json:"frame"`
	Sender   string `json:"sender"`
	Segment  string `json:"segment"`
	StateA   string `json:"state_a,omitempty"`
	StateB   string `json:"state_b,omitempty"`
	Lost     bool   `json:"lost,omitempty"`
	Deviates bool   `json:"deviates,omitempty"`
}

type jsonConformAllowed struct {
	Segment string `json:"segment"`
	Row     string `json:"row"`
	Cite    string `json:"cite,omitempty"`
}

func writeConformJSON(w io.Writer, c *Conformance) error {
	ok, dev, inc := c.Counts()
	out := jsonConformance{Schema: ConformSchema, Tool: jsonTool{Name: "tcpcheck", Version: c.Tool}, Variant: c.Variant, Vantage: c.Vantage.String(),
		Summary: jsonConformSummary{Connections: ok + dev + inc, Conform: ok, Deviate: dev, Incomplete: inc, ExitCode: c.ExitCode()}, Files: []jsonConformFile{}}
	for _, f := range c.Files {
		jf := jsonConformFile{Name: f.Name, Frames: f.Frames, Skipped: f.Skipped, Connections: []jsonConformConnection{}}
		for i := range f.Connections {
			cc := &f.Connections[i]
			r := &cc.Result
			first, last := cc.frames()
			jc := jsonConformConnection{Client: r.Conn.Client.String(), Server: r.Conn.Server.String(), Incarnation: r.Conn.Incarnation,
				FirstFrame: first, LastFrame: last, Segments: len(r.Conn.Segments), Verdict: r.Verdict.String(), Variant: r.Variant,
				Explained: cc.Explained, Message: r.Message, Events: []jsonConformEvent{}, Frames: []jsonConformFrame{}, Frame: r.Frame, Sender: r.Sender, States: r.States,
				StatesExplored: r.StatesExplored, EndA: r.EndA, EndB: r.EndB}
			for _, e := range r.Events {
				jc.Events = append(jc.Events, jsonConformEvent(e))
			}
			for _, a := range r.Allowed {
				jc.Allowed = append(jc.Allowed, jsonConformAllowed(a))
			}
			for _, f := range r.Frames {
				jc.Frames = append(jc.Frames, jsonConformFrame{Frame: f.Frame, Sender: f.Sender, Segment: f.Segment, StateA: f.StateA, StateB: f.StateB, Lost: f.Lost, Deviates: f.Deviates})
			}
			jf.Connections = append(jf.Connections, jc)
		}
		out.Files = append(out.Files, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Segments are written as RFC 9293 writes them, <SEQ=...>: kept
	// readable, which JSON allows (the HTML page does not embed this).
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// writeConformJUnit writes one test suite per capture and one test case
// per connection: a deviation fails, an incomplete connection is skipped
// (so it never reads as passed).
func writeConformJUnit(w io.Writer, c *Conformance) error {
	out := junitSuites{Name: "tcpcheck conform"}
	for _, f := range c.Files {
		s := junitSuite{Name: f.Name}
		for i := range f.Connections {
			cc := &f.Connections[i]
			r := &cc.Result
			tc := junitCase{Name: cc.Name(), Classname: "tcpcheck.conform." + r.Variant, SystemOut: r.Message}
			switch r.Verdict {
			case conform.Deviates:
				var b strings.Builder
				fmt.Fprintf(&b, "%s could be in %s, where the table lets it send:\n", r.Sender, strings.Join(r.States, " or "))
				for _, a := range r.Allowed {
					fmt.Fprintf(&b, "  %s  %s", a.Segment, a.Row)
					if a.Cite != "" {
						fmt.Fprintf(&b, " (%s)", a.Cite)
					}
					b.WriteString("\n")
				}
				tc.Failure = &junitProblem{Message: r.Message, Type: "deviates", Text: b.String()}
				s.Failures++
			case conform.Incomplete:
				tc.Skipped = &junitProblem{Message: "incomplete: " + r.Message}
				s.Skipped++
			}
			s.Tests++
			s.Cases = append(s.Cases, tc)
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	return writeJUnitXML(w, out)
}

// NewConformFile returns the file entry for a capture.
func NewConformFile(c *capture.Capture) ConformFile {
	return ConformFile{Name: c.Name, Frames: c.Frames, Skipped: c.Skipped}
}
