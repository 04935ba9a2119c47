package main

import (
	"errors"
	"fmt"
	"github.com/tcpcheck/tcpcheck/report"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/spec"
)

// builtinModels are models tcpcheck knows besides those of the property
// files: the checker's benchmark configuration.
func builtinModels() map[string]checker.Model {
	return map[string]checker.Model{"reference": checker.Reference()}
}

// loadSuite loads property files, or the embedded default set when there
// are none. Problems in the files are a usage error listing every one.
func loadSuite(files []string) (*properties.Suite, error) {
	var s *properties.Suite
	var err error
	if len(files) == 0 {
		s, err = properties.LoadDefault()
	} else {
		s, err = properties.Load(files)
	}
	if err == nil {
		return s, nil
	}
	var list properties.ErrorList
	if errors.As(err, &list) {
		var b strings.Builder
		fmt.Fprintf(&b, "%s in the property files:", plural(len(list), "problem", "problems"))
		shown, more := list.Head(maxLoadErrors)
		for _, e := range shown {
			b.WriteString("\n  " + e.Error())
		}
		if more > 0 {
			fmt.Fprintf(&b, "\n  and %d more (only the first %d are shown)", more, maxLoadErrors)
		}
		return nil, &codeError{ExitUsage, &loadError{msg: b.String(), list: list}}
	}
	return nil, usageErr(err)
}

// maxLoadErrors is how many problems of the property files are printed:
// one mistake repeated can make thousands, and the first few say what
// to fix.
const maxLoadErrors = 20

// loadError keeps the positions of load problems for annotations.
type loadError struct {
	msg  string
	list properties.ErrorList
}

func (e *loadError) Error() string { return e.msg }

// modelNames lists the models a command can name.
func modelNames(files []string) []string {
	var names []string
	if s, err := loadSuite(files); err == nil {
		for _, m := range s.Models {
			names = append(names, m.Name)
		}
	}
	for n := range builtinModels() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lookupModel finds a model by name ("" for the default model) in the
// property files (or the default set) and applies a variant to it (""
// keeps the model's own table).
func lookupModel(files []string, name, variant string) (checker.Model, error) {
	if name == "" {
		name = properties.DefaultModel
	}
	s, err := loadSuite(files)
	if err != nil {
		return checker.Model{}, err
	}
	var m checker.Model
	found := false
	for _, sm := range s.Models {
		if sm.Name == name {
			m, found = sm.Model, true
		}
	}
	if !found {
		m, found = builtinModels()[name]
	}
	if !found {
		return checker.Model{}, usageErrf("unknown model %q (expected one of %s)", name, strings.Join(modelNames(files), ", "))
	}
	if variant != "" {
		t, err := spec.ForVariant(variant)
		if err != nil {
			return checker.Model{}, usageErr(err)
		}
		m.Table = t
	}
	return m, nil
}

func modelCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return modelNames(nil), cobra.ShellCompDirectiveNoFileComp
}

// suiteModelCompletion completes verify's --model: the models of the
// property files named so far (or the default set), which are the ones
// with properties to check; the built-in models are for graph only.
func suiteModelCompletion(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	var names []string
	if s, err := loadSuite(args); err == nil {
		for _, m := range s.Models {
			names = append(names, m.Name)
		}
	}
	sort.Strings(names)
	return names, cobra.ShellCompDirectiveNoFileComp
}

func propertyCompletion(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	var names []string
	if s, err := loadSuite(args); err == nil {
		for _, p := range s.Properties {
			names = append(names, p.Name)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// graphTrace finds the trace a graph --kind trace draws: from a saved
// file, or by checking a property now.
func graphTrace(e *env, f *graphFlags) (*checker.TraceView, error) {
	if f.trace != "" {
		return loadTrace(e, f.trace, f.property, f.files)
	}
	if f.property == "" {
		return nil, usageErrf("--kind trace needs --trace FILE (a trace saved by verify --save-traces, or a report written by verify --format json) or --property NAME")
	}
	s, err := loadSuite(f.files)
	if err != nil {
		return nil, err
	}
	results, err := s.Run(properties.RunOptions{Variant: f.variant, Properties: []string{f.property}})
	if err != nil {
		return nil, usageErr(err)
	}
	rep := report.Build(s, results, f.variant, false)
	r := &rep.Results[0]
	if r.Status == report.StatusError {
		return nil, &codeError{r.ExitCode, fmt.Errorf("property %s could not be checked: %s", r.Name, r.Message)}
	}
	if r.Trace == nil {
		// The message of a property that holds says so: "holds in all
		// 38125 reachable states".
		what := "it " + r.Message
		if !strings.HasPrefix(r.Message, r.Verdict) {
			what = fmt.Sprintf("it is %s (%s)", r.Verdict, r.Message)
		}
		return nil, usageErrf("property %s has no trace to draw: %s", r.Name, what)
	}
	return r.Trace, nil
}
