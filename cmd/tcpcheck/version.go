package main

import (
	"fmt"
	"github.com/tcpcheck/tcpcheck/report"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
)

// version is the release version. A release build may set it with
// -ldflags "-X main.version=v1.2.3"; otherwise it comes from the module
// version that go install records, or "devel".
var version = ""

// toolVersion returns the version string reports carry.
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// buildRevision returns the VCS revision the binary was built from, if
// the build recorded one.
func buildRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && dirty {
		rev += "+dirty"
	}
	return rev
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of tcpcheck and of its report formats",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(e.stdout, "tcpcheck %s", toolVersion())
			if rev := buildRevision(); rev != "" {
				fmt.Fprintf(e.stdout, " (%s)", rev)
			}
			fmt.Fprintf(e.stdout, " %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			fmt.Fprintf(e.stdout, "report schema %s, trace schema %s\n", report.Schema, checker.TraceSchema)
			return nil
		},
	}
}
