package report

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// ghEscapeData escapes an annotation's message for GitHub Actions'
// workflow commands.
func ghEscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghEscapeProperty escapes an annotation property's value.
func ghEscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// GitHubAnnotation formats one workflow command.
func GitHubAnnotation(level, file string, line, col int, title, msg string) string {
	var props []string
	if file != "" {
		props = append(props, "file="+ghEscapeProperty(filepath.ToSlash(file)))
	}
	if file != "" && line > 0 {
		props = append(props, fmt.Sprintf("line=%d", line))
	}
	if file != "" && col > 0 {
		props = append(props, fmt.Sprintf("col=%d", col))
	}
	props = append(props, "title="+ghEscapeProperty(title))
	return fmt.Sprintf("::%s %s::%s", level, strings.Join(props, ","), ghEscapeData(msg))
}

// writeGitHub writes GitHub Actions annotations: an error at the
// property's line for each failure (with the counterexample) and each
// property that could not be checked, a warning for each inconclusive one,
// and a plain summary line for the log.
func writeGitHub(w io.Writer, rep *Report, _ *Options) error {
	for i := range rep.Results {
		r := &rep.Results[i]
		level := ""
		switch r.Status {
		case StatusFail, StatusError:
			level = "error"
		case StatusInconclusive:
			level = "warning"
		default:
			fmt.Fprintf(w, "PASS %s (%s on %s): %s\n", EscapeLine(r.Name), EscapeLine(r.Kind), EscapeLine(r.Model), EscapeLine(outcomeText(r)))
			continue
		}
		// GitHub's log obeys ANSI escapes too, so text from the files is
		// escaped (see EscapeLine).
		msg := fmt.Sprintf("%s on %s: %s", EscapeLine(r.Kind), EscapeLine(r.Model), EscapeText(outcomeText(r)))
		if r.Trace != nil && r.Status == StatusFail {
			var chart bytes.Buffer
			WriteTextChart(&chart, r.Trace)
			msg += "\n\n" + strings.TrimRight(chart.String(), "\n")
		}
		file := r.Pos.File
		if r.Builtin() {
			// A built-in property is in no file of the repository, so
			// the annotation is not attached to one.
			file = ""
			msg = fmt.Sprintf("built-in property (%s in tcpcheck's embedded default set) ", EscapeLine(r.Pos.String())) + msg
		}
		fmt.Fprintln(w, GitHubAnnotation(level, file, r.Pos.Line, r.Pos.Col, fmt.Sprintf("tcpcheck: %s %s", EscapeLine(r.Name), r.Status), msg))
	}
	fmt.Fprintln(w, summaryLine(rep, false))
	return nil
}
