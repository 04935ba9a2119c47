package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
)

// defaultProgressInterval is how often verify prints a progress line off a
// terminal: often enough that a CI job is never silent for long, seldom
// enough that a long run's log stays readable.
const defaultProgressInterval = 10 * time.Second

// progressFlags are verify's --progress and --progress-interval.
type progressFlags struct {
	mode     string
	interval time.Duration
}

func addProgressFlags(fl *pflag.FlagSet, p *progressFlags) {
	fl.StringVar(&p.mode, "progress", "auto", "progress on standard error: auto (a live line on a terminal, else a line every --progress-interval), always (lines every --progress-interval) or never")
	fl.DurationVar(&p.interval, "progress-interval", defaultProgressInterval, "with periodic progress lines, print one this often, such as 10s or 1m")
}

// setupProgress sets opt.Progress and opt.ProgressEvery as the progress
// flags ask. noProgress is the older --no-progress, which means never.
func setupProgress(e *env, p *progressFlags, noProgress bool, s *properties.Suite, only []string, opt *checker.Options) error {
	switch p.mode {
	case "auto", "always", "never":
	default:
		return usageErrf("--progress is %q: expected auto, always or never", p.mode)
	}
	if p.interval <= 0 {
		return usageErrf("--progress-interval is %s: expected a positive duration such as 10s", p.interval)
	}
	if noProgress && p.mode == "always" {
		return usageErrf("--no-progress and --progress always contradict each other: give one")
	}
	switch {
	case noProgress || p.mode == "never":
	case p.mode == "auto" && e.stderrTTY:
		opt.Progress = progressPrinter(e)
	default:
		lp := &progressLines{w: e.stderr, props: propertiesByModel(s, only), opt: *opt}
		opt.Progress = lp.report
		opt.ProgressEvery = p.interval
	}
	return nil
}

// propertiesByModel lists, for each model, the names of the properties
// that will run on it (those named in only, if any), in suite order.
func propertiesByModel(s *properties.Suite, only []string) map[string][]string {
	m := map[string][]string{}
	for _, p := range s.Properties {
		if len(only) > 0 && !contains(only, p.Name) {
			continue
		}
		m[p.ModelName] = append(m[p.ModelName], p.Name)
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// progressLines prints a search's progress as a line now and then, for
// logs (a CI job's, or a file's), where a line rewritten in place would
// be noise. Each line says which model and properties are being checked,
// how many distinct states were found and are queued, the rate over the
// last interval, the memory of the visited set, the time elapsed, and,
// when a bound (--max-states, --max-time, --max-memory) makes them
// meaningful, how much of the nearest bound is used and an estimate of
// when it is reached.
type progressLines struct {
	w     io.Writer
	props map[string][]string
	opt   checker.Options // the bounds
	// last is the previous report of the current search; printed counts
	// the lines printed for it.
	last    checker.Progress
	printed int
}

// maxPropertiesShown is how many property names a progress line lists.
const maxPropertiesShown = 3

// report is the checker.Options.Progress of periodic lines.
func (l *progressLines) report(p checker.Progress) {
	if p.Done {
		if l.printed > 0 {
			fmt.Fprintf(l.w, "tcpcheck: progress: model %s%s: done, %d distinct states, elapsed %s\n",
				p.Model, l.propertyList(p.Model), p.Distinct, roundDuration(p.Elapsed))
		}
		l.last, l.printed = checker.Progress{}, 0
		return
	}
	if p.Model != l.last.Model || p.Elapsed < l.last.Elapsed {
		// A new search (the previous one ended without a Done report).
		l.last, l.printed = checker.Progress{Model: p.Model}, 0
	}
	fmt.Fprintln(l.w, l.line(p))
	l.last = p
	l.printed++
}

// line renders one progress line.
func (l *progressLines) line(p checker.Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tcpcheck: progress: model %s%s: %d distinct states, %d queued, %s states/s, memory %s, elapsed %s",
		p.Model, l.propertyList(p.Model), p.Distinct, p.Queue, rateString(l.rate(p)), byteSize(p.StoreBytes), roundDuration(p.Elapsed))
	if pct, eta, ok := l.estimate(p); ok {
		fmt.Fprintf(&b, ", %d%% of %s", int(pct), eta.bound)
		if eta.known {
			fmt.Fprintf(&b, ", ETA %s", roundDuration(eta.d))
		}
	}
	return b.String()
}

// rate is the rate of new distinct states since the last report of the
// same search: the current rate, not the average since the start.
func (l *progressLines) rate(p checker.Progress) float64 {
	dt := (p.Elapsed - l.last.Elapsed).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(p.Distinct-l.last.Distinct) / dt
}

func rateString(r float64) string { return fmt.Sprintf("%.0f", r) }

type etaEstimate struct {
	bound string
	d     time.Duration
	known bool
}

// estimate says how far the search is towards its nearest bound, in
// percent, and when it will reach it at the current rate. ok is false
// when no bound applies.
func (l *progressLines) estimate(p checker.Progress) (pct float64, eta etaEstimate, ok bool) {
	dt := (p.Elapsed - l.last.Elapsed).Seconds()
	consider := func(name string, frac float64, remaining time.Duration, known bool) {
		frac = min(frac*100, 100)
		if !ok || frac > pct {
			pct, eta, ok = frac, etaEstimate{bound: name, d: remaining, known: known}, true
		}
	}
	if n := l.opt.MaxStates; n > 0 {
		r := l.rate(p)
		var rem time.Duration
		if r > 0 {
			rem = time.Duration(float64(max(n-p.Distinct, 0)) / r * float64(time.Second))
		}
		consider("--max-states", float64(p.Distinct)/float64(n), rem, r > 0)
	}
	if t := l.opt.MaxTime; t > 0 {
		consider("--max-time", p.Elapsed.Seconds()/t.Seconds(), max(t-p.Elapsed, 0), true)
	}
	if m := l.opt.MaxMemory; m > 0 {
		var rem time.Duration
		grow := float64(p.StoreBytes-l.last.StoreBytes) / max(dt, 1e-9)
		if dt > 0 && grow > 0 {
			rem = time.Duration(float64(max(m-p.StoreBytes, 0)) / grow * float64(time.Second))
		}
		consider("--max-memory", float64(p.StoreBytes)/float64(m), rem, dt > 0 && grow > 0)
	}
	return pct, eta, ok
}

// propertyList renders the properties of a model for a progress line:
// " (a, b, c and 4 more)", or nothing when none are known.
func (l *progressLines) propertyList(model string) string {
	names := l.props[model]
	if len(names) == 0 {
		return ""
	}
	shown := names
	if len(shown) > maxPropertiesShown {
		shown = shown[:maxPropertiesShown]
	}
	s := strings.Join(shown, ", ")
	if more := len(names) - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return " (" + s + ")"
}

// byteSize renders a size in binary units: 512B, 12.0KiB, 3.4MiB, 1.2GiB.
func byteSize(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return fmt.Sprintf("%dB", n)
	}
	f := float64(n) / 1024
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.1f%s", f, units[i])
}

// roundDuration rounds a duration for a progress line: to a tenth of a
// second under ten seconds, else to the second.
func roundDuration(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}
