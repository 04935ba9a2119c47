package main

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/report"
	"github.com/tcpcheck/tcpcheck/spec"
)

type modelsFlags struct {
	files []string
	as    string
}

func newModelsCmd(e *env) *cobra.Command {
	var f modelsFlags
	cmd := &cobra.Command{
		Use:   "models [NAME]",
		Short: "List the models, or print one fully resolved as YAML",
		Long: `With no NAME, list the models a property can run on: the default models, the
models of the files given with --files, and the checker's built-in reference
model, each with where it is defined and the first sentence of its
description.

With a NAME, print that model as a model file in YAML, fully resolved: what
it inherits (extends) is folded in, and every setting is shown, defaults
included (variant, the roles a and b, network capacity, reorder, loss and
duplicates, retries, user-timeout, reopens and reuse-isn). The output loads
back as a model with the same states; since a default model's name is taken,
give it a new one with --as to load it beside the defaults. A model whose
table has an overlay of its own is printed with its table's name in a
comment, since the overlay is not shown.`,
		Example: `  tcpcheck models
  tcpcheck models client-server
  tcpcheck models client-server --as my-model > my-model.yaml
  tcpcheck models --files my-properties.yaml`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return modelNames(nil), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				if f.as != "" {
					return usageErrf("--as renames the model printed: give a model NAME with it")
				}
				return listModels(e, f.files)
			}
			return printModel(e, f.files, args[0], f.as)
		},
	}
	cmd.Flags().StringSliceVar(&f.files, "files", nil, "property and model files whose models to include besides the defaults; repeat or separate with commas")
	cmd.Flags().StringVar(&f.as, "as", "", "with NAME: print the model under this name instead (to load it beside the default models)")
	return cmd
}

// modelSuite loads the default models, and those of files.
func modelSuite(files []string) (*properties.Suite, error) { return loadSuite(files) }

func listModels(e *env, files []string) error {
	s, err := modelSuite(files)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDEFINED AT\tDESCRIPTION")
	for _, m := range s.Models {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", escapeCell(m.Name), escapeCell(m.Pos.String()), escapeCell(firstSentence(m.Description)))
	}
	for _, name := range sortedNames(builtinModels()) {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, "built in", "The checker's benchmark model (checker.Reference), larger than the defaults.")
	}
	return tw.Flush()
}

// escapeCell makes text from a file safe to print in a table cell.
func escapeCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(report.EscapeLine(s), "\t", " "), "\n", " ")
}

func sortedNames(m map[string]checker.Model) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// firstSentence is a description's first sentence, or all of it.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// yamlModel is a model file's model with every setting, in the order of
// docs/properties.md.
type yamlModel struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description,omitempty"`
	Variant     string      `yaml:"variant"`
	A           yamlRole    `yaml:"a,flow"`
	B           yamlRole    `yaml:"b,flow"`
	Network     yamlNetwork `yaml:"network,flow"`
	Retries     any         `yaml:"retries"`
	UserTimeout any         `yaml:"user-timeout"`
	Reopens     int         `yaml:"reopens"`
	ReuseISN    bool        `yaml:"reuse-isn"`
	TimeWait    string      `yaml:"time-wait"`
}

type yamlRole struct {
	Open  string `yaml:"open"`
	Send  bool   `yaml:"send"`
	Close bool   `yaml:"close"`
	Abort bool   `yaml:"abort"`
	Crash bool   `yaml:"crash"`
}

type yamlNetwork struct {
	Capacity   int  `yaml:"capacity"`
	Reorder    bool `yaml:"reorder"`
	Loss       any  `yaml:"loss"`
	Duplicates int  `yaml:"duplicates"`
}

func toYAMLRole(r checker.Role) yamlRole {
	return yamlRole{Open: r.Open.String(), Send: r.Send, Close: r.Close, Abort: r.Abort, Crash: r.Crash}
}

// modelYAML renders a resolved model as a model file.
func modelYAML(name, description, where string, m checker.Model) ([]byte, error) {
	y := yamlModel{Name: name, Description: description, A: toYAMLRole(m.A), B: toYAMLRole(m.B),
		Retries: m.Retries, UserTimeout: m.UserTimeout, Reopens: m.Reopens, ReuseISN: m.ReuseISN, TimeWait: "2msl"}
	if m.EarlyTimeWait {
		y.TimeWait = "early"
	}
	if m.RetryForever {
		y.Retries = "forever"
	}
	if m.UserTimeoutAfterDrain {
		y.UserTimeout = "after-drain"
	}
	y.Network = yamlNetwork{Capacity: m.Net.Capacity, Reorder: m.Net.Reorder, Loss: 0, Duplicates: m.Net.Duplicates}
	if m.Net.Loss {
		y.Network.Loss = m.Net.LossBudget
		if m.Net.LossBudget == 0 {
			y.Network.Loss = "unbounded"
		}
	}
	if m.Net.Overflow {
		y.Network.Loss = "overflow"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Model %s, defined at %s, fully resolved: every setting is shown,\n# inherited ones and defaults included.\n", name, where)
	table := spec.Default()
	if m.Table != nil {
		table = m.Table
	}
	y.Variant = table.Name()
	if _, err := spec.ForVariant(table.Name()); err != nil {
		// An overlay of the model's own: its table is not a variant.
		fmt.Fprintf(&b, "# Its table %s has an overlay, which is not shown: the variant below\n# is the default, and loading this file gives another model.\n", table.Name())
		y.Variant = spec.Default().Name()
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(map[string][]yamlModel{"models": {y}}); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

func printModel(e *env, files []string, name, as string) error {
	s, err := modelSuite(files)
	if err != nil {
		return err
	}
	for _, m := range s.Models {
		if m.Name == name {
			if as == "" {
				as = name
			}
			out, err := modelYAML(as, m.Description, m.Pos.String(), m.Model)
			if err != nil {
				return internalErr(err)
			}
			_, err = e.stdout.Write(out)
			return err
		}
	}
	if m, ok := builtinModels()[name]; ok {
		if as == "" {
			as = name
		}
		out, err := modelYAML(as, "The checker's benchmark model (checker.Reference).", "built in", m)
		if err != nil {
			return internalErr(err)
		}
		_, err = e.stdout.Write(out)
		return err
	}
	return usageErrf("unknown model %q (expected one of %s; tcpcheck models lists them)", name, strings.Join(modelNames(files), ", "))
}
