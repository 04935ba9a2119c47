package main

import (
	"fmt"
	"github.com/tcpcheck/tcpcheck/report"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
)

// version is the release version. A release build may set it with
// -ldflags "-X main.version=v1.2.3"; otherwise it comes from the build
// information (see versionFrom).
var version = ""

// toolVersion returns the version string reports carry.
func toolVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(version, bi)
}

// versionFrom chooses the version of a build: the release version set at
// link time; else the module version go records (a tag, or a pseudo-version
// such as v0.0.0-20261202164500-0123456789ab+dirty, which go build in a
// checkout records since Go 1.24); else the VCS revision of the checkout,
// "+dirty" when it had uncommitted changes; and "devel" only when the build
// recorded none of these (go build -buildvcs=false, or go test).
func versionFrom(release string, bi *debug.BuildInfo) string {
	if release != "" {
		return release
	}
	if bi == nil {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	if rev := revisionFrom(bi); rev != "" {
		return rev
	}
	return "devel"
}

// revisionFrom returns the VCS revision a build recorded, shortened to 12
// digits, with "+dirty" when the work tree had uncommitted changes.
func revisionFrom(bi *debug.BuildInfo) string {
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
			bi, _ := debug.ReadBuildInfo()
			v := versionFrom(version, bi)
			fmt.Fprintf(e.stdout, "tcpcheck %s", v)
			if bi != nil {
				// A release or module version may not say which commit.
				if rev := revisionFrom(bi); rev != "" && !strings.Contains(v, strings.TrimSuffix(rev, "+dirty")) {
					fmt.Fprintf(e.stdout, " (%s)", rev)
				}
			}
			fmt.Fprintf(e.stdout, " %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			fmt.Fprintf(e.stdout, "report schema %s, trace schema %s, conform schema %s\n", report.Schema, checker.TraceSchema, report.ConformSchema)
			return nil
		},
	}
}
