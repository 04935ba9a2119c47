package main

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/tcpcheck/tcpcheck/report"
	"io"
	"math"
	"math/bits"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/report/htmlview"
	"github.com/tcpcheck/tcpcheck/spec"
)

type verifyFlags struct {
	model      string
	properties []string
	variant    string
	mutants    bool

	maxStates   int
	maxDepth    int
	maxTime     time.Duration
	maxMemory   string
	strategy    string
	fingerprint bool

	format     string
	output     string
	jsonOut    string
	junitOut   string
	sarifOut   string
	htmlOut    string
	saveTraces string
	stats      bool
	verbose    bool
	noProgress bool
	progress   progressFlags
	coverage   bool
}

func newVerifyCmd(e *env) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify [property files or directories...]",
		Short: "Check properties of TCP connection management (the built-in set by default)",
		Long: `Check properties against every reachable state of their models. With no file,
check the default models and properties embedded in tcpcheck; otherwise load
the given YAML files (a directory stands for the .yaml files in it) together
with the default models.

Each property passes when it has the verdict its file expects (holds, by
default). A failure prints a counterexample: the shortest run that breaks the
property, segment by segment. A search cut short by a bound (--max-states,
--max-depth, --max-time, --max-memory) leaves its properties inconclusive,
never verified.

Output formats (--format): text for people (coloured on a terminal unless
NO_COLOR is set), json (schema ` + report.Schema + `, counterexamples
included, readable by tcpcheck explain), junit (one test case per property),
sarif (SARIF 2.1.0, each result at its property's line in the YAML file,
and, with --save-traces, each step of its counterexample at the step's line
in the saved trace) and github (GitHub Actions annotations). --json, --junit and --sarif write more
formats into files in the same run. --html FILE writes one self-contained
HTML page (nothing fetched when it is opened): a summary with filters by
verdict and status, and each counterexample as an interactive
message-sequence chart to step through with the arrow keys, beside both
endpoints' TCBs, the row taken with its RFC citation and the state diagram.
While a search runs, progress is shown on standard error (--progress): on
a terminal a live line; elsewhere, as in CI logs, or with --progress
always, a line every --progress-interval (10s) with the model and its
properties, distinct states, queue, the rate over the last interval,
memory, elapsed time and, under --max-states, --max-time or --max-memory,
the percentage of the nearest bound and an ETA.

--coverage adds, for each model run, the rows of its transition table that
fired (with how often) and those that never did, to the text and JSON
reports: a row that never fired is protocol the model does not exercise.

Output files are checked before the search starts: each must be in a
directory that exists and takes new files, and no two outputs may name the
same file. They are written all or none: each goes into a temporary file
first, and only when every one is written are they renamed into place, so a
run that cannot write one output leaves no file claiming its result.

Interrupting verify (Ctrl-C, SIGINT, or SIGTERM) stops the search as a
bound does: every property not yet decided is inconclusive, "search
interrupted", every requested output (-o, --json, --junit, --sarif, --html,
--save-traces) is written, and the exit code is 3 (or 1 if a property
already failed, or an error's code). A second signal exits at once,
writing nothing, with code 130 after SIGINT and 143 after SIGTERM.

--save-traces DIR saves each counterexample (or witness) as DIR/NAME.json,
NAME being the property's name with any character other than a letter, digit,
'.', '_' or '-' replaced by '_'. If two properties would share a file (also
when their names differ only in case), the first (names that needed no
change first, then in byte order) keeps NAME.json and the others take the
first free of NAME-2.json, NAME-3.json and so on; the text report names each
property's file.

` + exitCodesHelp,
		Example: `  tcpcheck verify
  tcpcheck verify --variant rfc1337 --property time-wait-assassination
  tcpcheck verify my-properties.yaml --property never-both-in-time-wait --max-time 5m
  tcpcheck verify --format github --sarif tcpcheck.sarif --junit tcpcheck.xml
  tcpcheck verify --format json --save-traces traces > report.json`,
		Args: argsUsage(cobra.ArbitraryArgs),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(e, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "check only the properties of this model")
	fl.StringSliceVar(&f.properties, "property", nil, "check only these properties (repeatable, or comma-separated)")
	fl.StringVar(&f.variant, "variant", "", "run every model on this protocol variant: "+strings.Join(spec.VariantNames(), ", "))
	fl.BoolVar(&f.mutants, "mutants", false, "check each property's mutant instead, against the mutant's expected verdict")
	fl.IntVar(&f.maxStates, "max-states", 0, "stop a search after this many distinct states (0: no bound)")
	fl.IntVar(&f.maxDepth, "max-depth", 0, "do not explore beyond this many steps from the initial state (0: no bound)")
	fl.DurationVar(&f.maxTime, "max-time", 0, "stop a search after this long, such as 30s or 10m (0: no bound)")
	fl.StringVar(&f.maxMemory, "max-memory", "", "stop a search when its visited set holds this much, such as 512MiB or 4GiB")
	fl.StringVar(&f.strategy, "strategy", "bfs", "search strategy: bfs (shortest counterexamples) or dfs")
	fl.BoolVar(&f.fingerprint, "fingerprint", false, "store 64-bit hashes of states instead of states: less memory, a tiny chance of missing a state")
	fl.StringVar(&f.format, "format", "text", "output format: "+strings.Join(report.FormatNames, ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the --format output into this file instead of standard output")
	fl.StringVar(&f.jsonOut, "json", "", "also write the JSON report into this file")
	fl.StringVar(&f.junitOut, "junit", "", "also write JUnit XML into this file")
	fl.StringVar(&f.sarifOut, "sarif", "", "also write SARIF 2.1.0 into this file")
	fl.StringVar(&f.htmlOut, "html", "", "also write a self-contained HTML report into this file")
	fl.StringVar(&f.saveTraces, "save-traces", "", "write each counterexample as DIR/<property>.json (unique names: see above), for tcpcheck explain")
	fl.BoolVar(&f.stats, "stats", false, "report each search's size, memory and timings")
	fl.BoolVar(&f.coverage, "coverage", false, "list, for each model, the table rows that fired (and how often) and those that never did")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "text: print every counterexample and witness, not only those of failures")
	fl.BoolVar(&f.noProgress, "no-progress", false, "do not show progress on standard error (the same as --progress never)")
	addProgressFlags(fl, &f.progress)
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(report.FormatNames...))
	_ = cmd.RegisterFlagCompletionFunc("variant", fixedCompletion(spec.VariantNames()...))
	_ = cmd.RegisterFlagCompletionFunc("strategy", fixedCompletion("bfs", "dfs"))
	_ = cmd.RegisterFlagCompletionFunc("model", suiteModelCompletion)
	_ = cmd.RegisterFlagCompletionFunc("property", propertyCompletion)
	return cmd
}

func runVerify(e *env, f *verifyFlags, files []string) error {
	if !report.IsFormat(f.format) {
		return usageErrf("--format is %q: expected one of %s", f.format, strings.Join(report.FormatNames, ", "))
	}
	opt, err := f.searchOptions()
	if err != nil {
		return err
	}
	if f.variant != "" {
		if _, err := spec.ForVariant(f.variant); err != nil {
			return usageErr(err)
		}
	}
	outs := f.outputFiles()
	if err := checkOutputs(outs, "--save-traces", f.saveTraces); err != nil {
		return err
	}
	s, err := loadSuite(files)
	if err != nil {
		var le *loadError
		if f.format == "github" && errors.As(err, &le) {
			shown, more := le.list.Head(maxLoadErrors)
			for _, pe := range shown {
				fmt.Fprintln(e.stdout, report.GitHubAnnotation("error", pe.Pos.File, pe.Pos.Line, pe.Pos.Col, "tcpcheck: invalid property file", report.EscapeText(pe.Msg)))
			}
			if more > 0 {
				fmt.Fprintf(e.stdout, "tcpcheck: and %d more problems in the property files (only the first %d are annotated)\n", more, maxLoadErrors)
			}
		}
		return err
	}
	if f.saveTraces != "" {
		var names []string
		for _, p := range s.Properties {
			names = append(names, p.Name)
		}
		if err := checkTraceNames(outs, "--save-traces", f.saveTraces, report.TraceFileNames(names)); err != nil {
			return err
		}
	}
	if err := setupProgress(e, &f.progress, f.noProgress, s, f.properties, &opt); err != nil {
		return err
	}
	stop, release := onSignals(e.stderr)
	defer release()
	opt.Stop = stop
	if _, ok := builtinModels()[f.model]; ok && !hasModel(s, f.model) {
		return usageErrf("no model %q in the property files: %s is built in for graph --kind reachable, and has no properties to verify (docs/reference-model.yaml defines it with one)", f.model, f.model)
	}
	results, err := s.Run(properties.RunOptions{Search: opt, Variant: f.variant, Model: f.model, Properties: f.properties, Mutants: f.mutants})
	if err != nil {
		return usageErr(err)
	}
	skipped := skippedForMutants(s, f)
	if len(skipped) > 0 && len(results) > 0 {
		fmt.Fprintf(e.stderr, "tcpcheck: --mutants: skipped %s with no mutant: %s\n", plural(len(skipped), "property", "properties"), report.EscapeText(strings.Join(skipped, ", ")))
	}
	if len(results) == 0 {
		if len(skipped) > 0 {
			return usageErrf("nothing to check: --mutants runs each property's mutant, and %s selected %s none: %s", plural(len(skipped), "property", "properties"), map[bool]string{true: "has", false: "have"}[len(skipped) == 1], strings.Join(skipped, ", "))
		}
		what := "the default set"
		if len(files) > 0 {
			what = strings.Join(files, ", ")
		}
		if f.model != "" || f.mutants {
			what += " with these filters (--model, --mutants)"
		}
		return usageErrf("nothing to check: no properties in %s", what)
	}
	rep := report.Build(s, results, f.variant, f.stats)
	rep.Tool = toolVersion()
	if f.coverage {
		if err := rep.AddCoverage(s, results); err != nil {
			return internalErr(err)
		}
	}
	fo := &report.Options{Color: e.useColor() && f.output == "", Verbose: f.verbose}

	if err := writeOutputs(e, f, rep, fo); err != nil {
		return err
	}
	e.code = rep.ExitCode
	return nil
}

// hasModel reports whether the suite defines the model name.
func hasModel(s *properties.Suite, name string) bool {
	for _, m := range s.Models {
		if m.Name == name {
			return true
		}
	}
	return false
}

// skippedForMutants lists the properties that --mutants skips: those the
// other filters select that have no mutant.
func skippedForMutants(s *properties.Suite, f *verifyFlags) []string {
	if !f.mutants {
		return nil
	}
	want := map[string]bool{}
	for _, n := range f.properties {
		want[n] = true
	}
	var out []string
	for _, p := range s.Properties {
		if p.Mutant == nil && (f.model == "" || p.ModelName == f.model) && (len(want) == 0 || want[p.Name]) {
			out = append(out, p.Name)
		}
	}
	return out
}

// onSignals makes SIGINT and SIGTERM stop the search: the first closes
// the returned channel (checker.Options.Stop), so that the search ends
// inconclusive and the report is written; a second exits at once with
// 128 plus the signal's number, 130 for SIGINT and 143 for SIGTERM, as a
// shell reports a process the signal killed. release undoes it.
func onSignals(stderr io.Writer) (stop <-chan struct{}, release func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stopped, done := make(chan struct{}), make(chan struct{})
	go func() {
		var sig os.Signal
		select {
		case sig = <-sigs:
		case <-done:
			return
		}
		fmt.Fprintf(stderr, "\ntcpcheck: %s: stopping the search and writing the report; a second signal exits at once\n", sig)
		close(stopped)
		select {
		case sig = <-sigs:
			code := 130
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return stopped, func() {
		signal.Stop(sigs)
		close(done)
	}
}

// searchOptions turns the bound and strategy flags into checker options.
func (f *verifyFlags) searchOptions() (checker.Options, error) {
	var opt checker.Options
	st, err := checker.ParseStrategy(f.strategy)
	if err != nil {
		return opt, usageErrf("--strategy: %v", err)
	}
	opt.Strategy = st
	opt.Fingerprint = f.fingerprint
	for _, b := range []struct {
		name string
		v    int
	}{{"--max-states", f.maxStates}, {"--max-depth", f.maxDepth}} {
		if b.v < 0 {
			return opt, usageErrf("%s is %d: expected 0 (no bound) or a positive number", b.name, b.v)
		}
	}
	if f.maxTime < 0 {
		return opt, usageErrf("--max-time is %s: expected 0 (no bound) or a positive duration such as 30s", f.maxTime)
	}
	opt.MaxStates, opt.MaxDepth, opt.MaxTime = f.maxStates, f.maxDepth, f.maxTime
	if f.maxMemory != "" {
		n, err := parseBytes(f.maxMemory)
		if err != nil {
			return opt, usageErrf("--max-memory: %v", err)
		}
		opt.MaxMemory = n
	}
	return opt, nil
}

var byteSizeRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?I?B?)\s*$`)

// parseBytes parses a size such as "4096", "512MiB", "2GB" or "1.5G".
// Units are binary (1K = 1024) whichever way they are written. A size of
// more than math.MaxInt64 bytes is an overflow, said as such.
func parseBytes(s string) (int64, error) {
	m := byteSizeRE.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not a size: expected bytes, or a number with K, M, G or T (such as 512MiB or 4G)", s)
	}
	mult := uint64(1)
	if unit := strings.TrimSuffix(strings.TrimSuffix(m[2], "B"), "I"); unit != "" {
		mult = uint64(1) << (10 * (strings.Index("KMGT", unit) + 1))
	}
	tooLarge := fmt.Errorf("%q is too large: the largest size accepted is %d bytes (8 EiB less one byte)", s, int64(math.MaxInt64))
	var n int64
	if !strings.Contains(m[1], ".") {
		// Whole numbers are exact, up to the last byte.
		v, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return 0, tooLarge // the expression admits digits only
		}
		hi, lo := bits.Mul64(v, mult)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, tooLarge
		}
		n = int64(lo)
	} else {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, tooLarge // ParseFloat fails only out of range here
		}
		f := v * float64(mult)
		if f >= math.MaxInt64 { // 2^63 as a float64: one past the largest
			return 0, tooLarge
		}
		n = int64(f)
	}
	if n <= 0 {
		return 0, fmt.Errorf("%q is not a positive size", s)
	}
	return n, nil
}

// outputFiles lists the files the flags ask verify to write, in the
// order of the flags in --help; standard output is not among them.
func (f *verifyFlags) outputFiles() []outputFile {
	var out []outputFile
	for _, o := range []outputFile{{"-o", f.output}, {"--json", f.jsonOut}, {"--junit", f.junitOut}, {"--sarif", f.sarifOut}, {"--html", f.htmlOut}} {
		if o.path != "" && (o.flag != "-o" || o.path != "-") {
			out = append(out, o)
		}
	}
	return out
}

// writeOutputs writes every output of a run of verify: the --format output
// (to -o or standard output), the extra formats and the saved traces. The
// files are renamed into place only once all are written, and after
// standard output, so that a run that fails to deliver one output leaves
// no file claiming its result.
func writeOutputs(e *env, f *verifyFlags, rep *report.Report, fo *report.Options) error {
	var st staged
	defer st.discard()
	// SARIF points each step of a counterexample at the trace saved here.
	withTraces := *fo
	withTraces.TraceDir = f.saveTraces
	fo = &withTraces
	for _, o := range f.outputFiles() {
		format, opt := f.format, fo
		switch o.flag {
		case "--json", "--junit", "--sarif":
			format, opt = strings.TrimPrefix(o.flag, "--"), &report.Options{TraceDir: f.saveTraces}
		}
		var b bytes.Buffer
		if o.flag == "--html" {
			if err := htmlview.Write(&b, rep); err != nil {
				return internalErr(err)
			}
		} else if err := report.Write(&b, rep, format, opt); err != nil {
			return internalErr(err)
		}
		if err := st.add(o.flag, o.path, b.Bytes()); err != nil {
			return err
		}
	}
	if f.saveTraces != "" {
		if err := stageTraces(&st, f.saveTraces, rep); err != nil {
			return err
		}
	}
	if f.output == "" || f.output == "-" {
		if err := report.Write(e.stdout, rep, f.format, fo); err != nil {
			return err
		}
	}
	return st.commit()
}

// stageTraces stages every counterexample and witness as DIR/<file>, the
// file report.TraceFileNames chose for its property.
func stageTraces(st *staged, dir string, rep *report.Report) error {
	if err := st.mkdir("--save-traces", dir); err != nil {
		return err
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Trace == nil {
			continue
		}
		data, err := r.Trace.MarshalIndent()
		if err != nil {
			return internalErr(err)
		}
		if err := st.add("--save-traces", filepath.Join(dir, r.TraceFile), data); err != nil {
			return err
		}
	}
	return nil
}

// progressPrinter shows a search's progress on one line of standard
// error, rewritten in place, and clears it when the search ends.
func progressPrinter(e *env) func(checker.Progress) {
	return func(p checker.Progress) {
		if p.Done {
			fmt.Fprint(e.stderr, "\r\x1b[K")
			return
		}
		fmt.Fprintf(e.stderr, "\r\x1b[Ksearching: %s generated, %s distinct, %s queued, %s states/s, depth %d, %s elapsed",
			count(p.Generated), count(p.Distinct), count(p.Queue), count(int(p.StatesPerSecond)), p.Depth, p.Elapsed.Round(100*time.Millisecond))
	}
}

// count renders a count compactly: 950, 12.3k, 4.56M.
func count(n int) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return strconv.Itoa(n)
}
