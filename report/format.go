package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Options are what formats need besides the report.
type Options struct {
	// Color paints the text format with ANSI colours.
	Color bool
	// Verbose prints every property's counterexample or witness in text
	// output, not only those of failures.
	Verbose bool
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

// TraceFileName turns a property's name into the name of the file its
// saved trace goes in.
func TraceFileName(name string) string {
	return unsafeFileChars.ReplaceAllString(name, "_")
}

// plural says "1 property" or "2 properties".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
