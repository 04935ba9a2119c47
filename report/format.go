package report

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Options are what formats need besides the report.
type Options struct {
	// Color paints the text format with ANSI colours.
	Color bool
	// Verbose prints every property's counterexample or witness in text
	// output, not only those of failures.
	Verbose bool
	// TraceDir is the directory verify --save-traces saved the traces
	// in. SARIF then points each step of a counterexample's code flow at
	// that step's line in its saved trace, where a reader can see the
	// whole step; otherwise every step can only point at the property.
	TraceDir string
}

// writers write a report in each output format.
var writers = map[string]func(w io.Writer, rep *Report, o *Options) error{
	"text":   writeText,
	"json":   writeJSON,
	"junit":  writeJUnit,
	"sarif":  writeSARIF,
	"github": writeGitHub,
}

// FormatNames lists the output formats, in the order help shows them.
var FormatNames = []string{"text", "json", "junit", "sarif", "github"}

// IsFormat reports whether name is an output format.
func IsFormat(name string) bool { return writers[name] != nil }

// Write renders the report in the named format. The same report always
// gives the same bytes.
func Write(w io.Writer, rep *Report, format string, o *Options) error {
	write := writers[format]
	if write == nil {
		return fmt.Errorf("unknown output format %q (expected one of %s)", format, strings.Join(FormatNames, ", "))
	}
	if o == nil {
		o = &Options{}
	}
	return write(w, rep, o)
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// TraceFileNames decides the file in which verify --save-traces saves
// each property's trace, given the names of all the properties of a run.
// A property's file is its name with ".json" appended, and with every run
// of characters other than letters, digits, '.', '_' and '-' replaced by
// one '_'. Where two names would share a file, also on a file system that
// ignores case ("Foo" and "foo"), the names are taken in order (names
// that need no replacing first, then byte order): the first keeps
// NAME.json and the others take the first of NAME-2.json, NAME-3.json
// and so on that no other property has. So no trace is ever written over
// another, and the mapping depends only on the set of names, not on which
// properties fail.
func TraceFileNames(names []string) map[string]string {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	sorted = slices.Compact(sorted)
	// Names that are already safe keep their own file when they can: a
	// name that had to be changed is the one that moves.
	sort.SliceStable(sorted, func(i, j int) bool {
		return isSafeFileName(sorted[i]) && !isSafeFileName(sorted[j])
	})
	taken := map[string]bool{} // lower-cased file names in use
	out := make(map[string]string, len(sorted))
	// First every name that can have its own file takes it, so that a
	// suffix never takes the file of a property that is named so
	// ("foo-2"); then the others take the first suffix that is free.
	var rest []string
	for _, name := range sorted {
		file := unsafeFileChars.ReplaceAllString(name, "_") + ".json"
		if taken[strings.ToLower(file)] {
			rest = append(rest, name)
			continue
		}
		taken[strings.ToLower(file)] = true
		out[name] = file
	}
	for _, name := range rest {
		base := unsafeFileChars.ReplaceAllString(name, "_")
		file := ""
		for n := 2; file == "" || taken[strings.ToLower(file)]; n++ {
			file = fmt.Sprintf("%s-%d.json", base, n)
		}
		taken[strings.ToLower(file)] = true
		out[name] = file
	}
	return out
}

func isSafeFileName(name string) bool { return !unsafeFileChars.MatchString(name) }

// plural says "1 property" or "2 properties".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
