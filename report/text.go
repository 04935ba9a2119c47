package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
)

// ANSI colours for human output.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

type painter bool

func (p painter) paint(color, s string) string {
	if !p {
		return s
	}
	return color + s + ansiReset
}

var statusLabels = map[string]struct{ label, color string }{
	StatusPass:         {"PASS", ansiGreen},
	StatusFail:         {"FAIL", ansiBold + ansiRed},
	StatusInconclusive: {"INCONCLUSIVE", ansiBold + ansiYellow},
	StatusError:        {"ERROR", ansiBold + ansiRed},
}

// verdictPhrase says what was found against what was expected.
func verdictPhrase(r *Result) string {
	switch r.Status {
	case StatusPass:
		if r.Verdict == "violated" {
			return "violated, as expected"
		}
		return r.Verdict
	case StatusFail:
		switch {
		case r.Verdict == "holds" && r.Vacuous && r.Expected == "holds" && r.Mutant != "":
			return "holds only vacuously on the mutant, which proves nothing"
		case r.Verdict == "holds" && r.Vacuous && r.Expected == "holds":
			return "holds only vacuously, which proves nothing (say vacuous: expected if that is meant)"
		case r.Verdict == "holds" && r.VacuousExpected && !r.Vacuous:
			return "holds, but not vacuously, as the property's vacuous: expected says"
		}
		return fmt.Sprintf("%s, expected %s", r.Verdict, r.Expected)
	case StatusInconclusive:
		return "not decided"
	}
	return "could not be checked"
}

// outcomeText says what was found, with the checker's message: "holds in
// all 1234 reachable states", "violated, expected holds: a state breaks it
// after 7 steps".
func outcomeText(r *Result) string {
	if r.Status == StatusPass && r.Verdict == "holds" {
		return r.Message
	}
	return verdictPhrase(r) + ": " + r.Message
}

// writeText writes the human report: a line per property with its status,
// then what was found, and the counterexample of each failure drawn as
// RFC 9293's figures draw segment exchanges.
func writeText(w io.Writer, rep *Report, o *Options) error {
	p := painter(o.Color)
	for i := range rep.Results {
		r := &rep.Results[i]
		sl := statusLabels[r.Status]
		// Pad before painting: escape codes have no width on screen.
		// Every text of the result may come from a file; it is escaped
		// (see EscapeLine), and only the painter writes escape codes.
		head := p.paint(sl.color, fmt.Sprintf("%-12s", sl.label)) + " " + p.paint(ansiBold, EscapeLine(r.Name))
		fmt.Fprintf(w, "%s (%s on %s)\n", head, EscapeLine(r.Kind), where(r))
		fmt.Fprintf(w, "%13s%s\n", "", EscapeText(outcomeText(r)))
		if r.Status != StatusPass {
			fmt.Fprintf(w, "%13s%s\n", "", p.paint(ansiDim, "at "+EscapeLine(r.Pos.String())))
		}
		if r.Trace != nil && (r.Status == StatusFail || o.Verbose) {
			what := "counterexample"
			if r.Verdict == "holds" {
				what = "witness"
			}
			n := fmt.Sprintf("%d steps", len(r.Trace.Steps))
			if len(r.Trace.Steps) == 1 {
				n = "1 step"
			}
			fmt.Fprintf(w, "%13s%s (%s):\n", "", what, n)
			var chart bytes.Buffer
			WriteTextChart(&chart, r.Trace)
			for _, line := range strings.Split(strings.TrimRight(chart.String(), "\n"), "\n") {
				fmt.Fprintf(w, "%13s%s\n", "", line)
			}
			file := r.TraceFile
			if file == "" {
				// A result made without Build: its name alone decides.
				file = TraceFileNames([]string{r.Name})[r.Name]
			}
			// explain checks a trace against its property, which it has
			// built in only for the default set.
			files := ""
			if r.Pos.File != "" && !r.Builtin() {
				files = " --files " + r.Pos.File
			}
			fmt.Fprintf(w, "%13s%s\n", "", p.paint(ansiDim, fmt.Sprintf("(tcpcheck verify --save-traces DIR, then tcpcheck explain DIR/%s%s, retells it step by step)", EscapeLine(file), EscapeLine(files))))
		}
	}
	if len(rep.Stats) > 0 {
		fmt.Fprintln(w)
		for _, s := range rep.Stats {
			// Generated equals Transitions (the search counts both
			// per batch of successors), so the line says it once.
			fmt.Fprintf(w, "stats %s (%s): %d states, %d transitions, depth %d, %s, memory %s (%.1f bytes/state), elapsed %s, %.0f states/s",
				s.Model, s.Variant, s.Distinct, s.Transitions, s.Depth, s.Strategy, byteSize(s.StoreBytes), s.BytesPerState,
				time.Duration(s.ElapsedSeconds*float64(time.Second)).Round(time.Millisecond), s.StatesPerSecond)
			if s.Bound != "" {
				fmt.Fprintf(w, ", cut by the %s bound", s.Bound)
			}
			if s.Fingerprint {
				fmt.Fprintf(w, ", omission probability below %.1e", s.OmissionBound)
			}
			fmt.Fprintln(w)
		}
	}
	writeTextCoverage(w, rep.Coverage)
	fmt.Fprintln(w)
	fmt.Fprintln(w, summaryLine(rep, p))
	return nil
}

// where says which model, variant and mutant a result ran on, escaped.
func where(r *Result) string {
	s := r.Model
	if r.Variant != "" {
		s += ", variant " + r.Variant
	}
	if r.Mutant != "" {
		s += ", mutant: " + r.Mutant
	}
	return EscapeLine(s)
}

// summaryLine says in one sentence what the run established.
func summaryLine(rep *Report, p painter) string {
	n := len(rep.Results)
	counts := fmt.Sprintf("%s: %d pass, %d fail, %d inconclusive, %d error", plural(n, "property", "properties"), rep.Pass, rep.Fail, rep.Inconclusive, rep.Errors)
	// An interrupted run says so first: that is why its properties were
	// not decided, and no bound needs raising.
	interrupted := ""
	if rep.Interrupted {
		interrupted = fmt.Sprintf(" The run was interrupted (SIGINT or SIGTERM) before %s decided.", plural(rep.Inconclusive, "property was", "properties were"))
	}
	switch rep.ExitCode {
	case ExitOK:
		if n == 0 {
			return "No properties were checked."
		}
		return p.paint(ansiGreen, fmt.Sprintf("Verified: %s, every one with its expected verdict.", plural(n, "property", "properties")))
	case ExitViolated:
		return p.paint(ansiBold+ansiRed, fmt.Sprintf("%s did not have the expected verdict", plural(rep.Fail, "property", "properties"))) + " (" + counts + ")." + interrupted
	case ExitInconclusive:
		if rep.Interrupted {
			return p.paint(ansiBold+ansiYellow, fmt.Sprintf("Interrupted: %s not decided, so nothing is verified about %s", plural(rep.Inconclusive, "property was", "properties were"), themOrIt(rep.Inconclusive))) +
				" (" + counts + "). A signal (SIGINT or SIGTERM) stopped the search; run again to the end, or with --max-time, to decide " + themOrIt(rep.Inconclusive) + "."
		}
		return p.paint(ansiBold+ansiYellow, fmt.Sprintf("Inconclusive: %s not decided, so nothing is verified about %s", plural(rep.Inconclusive, "property was", "properties were"), themOrIt(rep.Inconclusive))) +
			" (" + counts + "). Each says why: a search bound (raise --max-states, --max-depth, --max-time or --max-memory) or, for liveness, --fingerprint (check without it)."
	}
	return p.paint(ansiBold+ansiRed, fmt.Sprintf("%s could not be checked", plural(rep.Errors, "property", "properties"))) + " (" + counts + ")." + interrupted
}

// byteSize renders a byte count in binary units.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// themOrIt is the pronoun for n properties.
func themOrIt(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
