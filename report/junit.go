package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// The JUnit XML format, as CI systems read it: one test suite per model,
// one test case per property.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr,omitempty"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes JUnit XML. A property with its expected verdict
// passes; one with another verdict fails, with the counterexample as the
// failure's text; an inconclusive one is skipped, so it never reads as
// passed; one that could not be checked is an error. Times appear only
// with --stats.
func writeJUnit(w io.Writer, rep *Report, _ *Options) error {
	out := junitSuites{Name: "tcpcheck"}
	index := map[string]int{}
	elapsed := map[string]float64{}
	for _, s := range rep.Stats {
		elapsed[s.Model] += s.ElapsedSeconds
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		si, ok := index[r.Model]
		if !ok {
			si = len(out.Suites)
			index[r.Model] = si
			s := junitSuite{Name: r.Model}
			if t, ok := elapsed[r.Model]; ok {
				s.Time = fmt.Sprintf("%.3f", t)
			}
			out.Suites = append(out.Suites, s)
		}
		s := &out.Suites[si]
		c := junitCase{Name: r.Name, Classname: "tcpcheck." + r.Model, File: r.Pos.File, Line: r.Pos.Line,
			SystemOut: fmt.Sprintf("%s on %s: %s", r.Kind, r.Model, outcomeText(r))}
		msg := outcomeText(r)
		switch r.Status {
		case StatusFail:
			c.Failure = &junitProblem{Message: msg, Type: r.Verdict, Text: junitTrace(r)}
			s.Failures++
		case StatusInconclusive:
			c.Skipped = &junitProblem{Message: "inconclusive: " + r.Message}
			s.Skipped++
		case StatusError:
			c.Error = &junitProblem{Message: r.Message, Type: "error"}
			s.Errors++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	total := 0.0
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	for _, st := range rep.Stats {
		total += st.ElapsedSeconds
	}
	if len(rep.Stats) > 0 {
		out.Time = fmt.Sprintf("%.3f", total)
	}
	return writeJUnitXML(w, out)
}

// writeJUnitXML writes test suites as an indented XML document.
func writeJUnitXML(w io.Writer, out junitSuites) error {
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// junitTrace renders a failure's counterexample as text.
func junitTrace(r *Result) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s at %s\n", r.Name, r.Pos)
	if r.Trace != nil {
		b.WriteString("\n")
		WriteTextChart(&b, r.Trace)
	}
	return b.String()
}
