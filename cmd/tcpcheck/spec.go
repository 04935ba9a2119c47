package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/spec"
)

type specFlags struct {
	variant string
	format  string
	diff    bool
	states  []string
	notes   bool
}

func newSpecCmd(e *env) *cobra.Command {
	var f specFlags
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Print the transition table, or what a variant changes in it",
		Long: `Print the transition table of RFC 9293, or of a variant, one row per
transition: the state, the event and guard, the next state, what the endpoint
sends and does, what the user is told, and the RFC section the row encodes.
Rows are grouped by state and listed in the order they are tried.

With --diff, print only what the variant changes compared with the default
table (rfc9293): rows added, removed and changed, field by field.`,
		Example: `  tcpcheck spec
  tcpcheck spec --state TIME-WAIT --notes
  tcpcheck spec --variant rfc793 --diff
  tcpcheck spec --format markdown > table.md`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := spec.ForVariant(f.variant)
			if err != nil {
				return usageErr(err)
			}
			md := false
			switch f.format {
			case "text":
			case "markdown", "md":
				md = true
			default:
				return usageErrf("--format is %q: expected text or markdown", f.format)
			}
			var only []spec.State
			for _, name := range f.states {
				s, err := spec.ParseState(name)
				if err != nil {
					return usageErr(err)
				}
				only = append(only, s)
			}
			if f.diff {
				return writeSpecDiff(e.stdout, t, md)
			}
			return writeSpecTable(e.stdout, t, only, f.notes, md)
		},
	}
	cmd.Flags().StringVar(&f.variant, "variant", spec.DefaultVariant, "the variant to print: "+strings.Join(spec.VariantNames(), ", "))
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or markdown")
	cmd.Flags().BoolVar(&f.diff, "diff", false, "print only the rows the variant changes compared with rfc9293")
	cmd.Flags().StringSliceVar(&f.states, "state", nil, "print only the rows of these states (repeatable, or comma-separated)")
	cmd.Flags().BoolVar(&f.notes, "notes", false, "print each row's note, where the RFC text is subtle")
	_ = cmd.RegisterFlagCompletionFunc("variant", fixedCompletion(spec.VariantNames()...))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("text", "markdown"))
	_ = cmd.RegisterFlagCompletionFunc("state", stateCompletion)
	return cmd
}

func stateCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, s := range spec.AllStates() {
		out = append(out, s.String())
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func variantDescription(name string) string {
	for _, v := range spec.Variants() {
		if v.Name == name {
			return v.Description
		}
	}
	return ""
}

// rowEvent renders a row's event with its guard.
func rowEvent(r *spec.Row) string {
	s := r.On.String()
	if r.Guard != spec.Always {
		s += " (if " + r.Guard.String() + ")"
	}
	return s
}

// rowActions renders what a row does besides changing state.
func rowActions(r *spec.Row) string {
	var parts []string
	for _, o := range r.Send {
		parts = append(parts, "snd "+o.String())
	}
	if r.Do != 0 {
		parts = append(parts, r.Do.String())
	}
	if r.Timer != 0 {
		parts = append(parts, r.Timer.String())
	}
	return strings.Join(parts, "; ")
}

// rowTell renders what the user is told, quoted.
func rowTell(r *spec.Row) string {
	if r.Tell == spec.NoticeNone {
		return ""
	}
	return fmt.Sprintf("%q", r.Tell.String())
}

// rowSource renders a row's Figure 5 arc and its variant origin.
func rowSource(r *spec.Row) string {
	var parts []string
	if r.Arc > 0 {
		parts = append(parts, fmt.Sprintf("arc %d", r.Arc))
	}
	if r.Origin != spec.Base {
		parts = append(parts, r.Variant+": "+r.Origin.String())
	}
	return strings.Join(parts, ", ")
}

func writeSpecTable(w io.Writer, t *spec.Table, only []spec.State, notes, md bool) error {
	rows := t.Rows()
	keep := func(s spec.State) bool {
		if len(only) == 0 {
			return true
		}
		for _, o := range only {
			if o == s {
				return true
			}
		}
		return false
	}
	title := fmt.Sprintf("Transition table %s: %d rows, %d states", t.Name(), len(rows), len(t.States()))
	if md {
		fmt.Fprintf(w, "# %s\n\n%s\n\nRows of a state are tried in order; the first whose event and guard match is taken.\n", title, variantDescription(t.Name()))
	} else {
		fmt.Fprintf(w, "%s\n%s\nRows of a state are tried in order; the first whose event and guard match is taken.\n", title, variantDescription(t.Name()))
	}
	for _, s := range t.States() {
		if !keep(s) {
			continue
		}
		var mine []spec.Row
		for _, r := range rows {
			if r.From == s {
				mine = append(mine, r)
			}
		}
		if md {
			fmt.Fprintf(w, "\n## %s\n\n| Row | Event | Next state | Actions | User is told | Cite | Figure 5 / variant |\n|---|---|---|---|---|---|---|\n", s)
			for i := range mine {
				r := &mine[i]
				fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r.ID, mdCell(rowEvent(r)), r.To, mdCell(rowActions(r)),
					mdCell(rowTell(r)), mdCell(r.Cite), mdCell(rowSource(r)))
				if notes && r.Note != "" {
					fmt.Fprintf(w, "| | %s | | | | | |\n", mdCell("*"+r.Note+"*"))
				}
			}
			continue
		}
		fmt.Fprintf(w, "\n%s (%d rows)\n", s, len(mine))
		var buf bytes.Buffer
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		for i := range mine {
			r := &mine[i]
			fmt.Fprintf(tw, "  %s\t%s\t-> %s\t%s\t%s\t%s\t%s\n", r.ID, rowEvent(r), r.To, rowActions(r), rowTell(r), r.Cite, rowSource(r))
			if notes && r.Note != "" {
				fmt.Fprintf(tw, "  \t  %s\t\t\t\t\t\n", r.Note)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		writeTrimmed(w, buf.Bytes())
	}
	return nil
}

// writeTrimmed writes text without the spaces tabwriter leaves at the end
// of lines whose last cells are empty.
func writeTrimmed(w io.Writer, text []byte) {
	for _, line := range strings.SplitAfter(string(text), "\n") {
		if line == "" {
			continue
		}
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// rowFields lists a row's fields by name, for comparing two rows.
func rowFields(r *spec.Row) [][2]string {
	arc := ""
	if r.Arc > 0 {
		arc = fmt.Sprint(r.Arc)
	}
	return [][2]string{
		{"event", rowEvent(r)},
		{"next state", r.To.String()},
		{"actions", rowActions(r)},
		{"user is told", rowTell(r)},
		{"cite", r.Cite},
		{"Figure 5 arc", arc},
	}
}

func writeSpecDiff(w io.Writer, t *spec.Table, md bool) error {
	base := spec.Default()
	diffs := spec.Diff(base, t)
	var removedStates []string
	for _, s := range base.States() {
		if !t.HasState(s) {
			removedStates = append(removedStates, s.String())
		}
	}
	head := fmt.Sprintf("Variant %s compared with %s: %s", t.Name(), base.Name(), plural(len(diffs), "row differs", "rows differ"))
	if len(removedStates) > 0 {
		head += fmt.Sprintf("; states removed: %s", strings.Join(removedStates, ", "))
	}
	if md {
		fmt.Fprintf(w, "# %s\n\n%s\n", head, variantDescription(t.Name()))
		if len(diffs) > 0 {
			fmt.Fprint(w, "\n| Change | Row | Field | rfc9293 | "+mdCell(t.Name())+" |\n|---|---|---|---|---|\n")
		}
	} else {
		fmt.Fprintf(w, "%s\n%s\n", head, variantDescription(t.Name()))
	}
	for _, d := range diffs {
		switch d.Change {
		case "added":
			if md {
				fmt.Fprintf(w, "| added | `%s` | | | %s |\n", d.ID, mdCell(rowSummary(d.New)))
				continue
			}
			fmt.Fprintf(w, "\n+ %s (added)\n    %s\n", d.ID, rowSummary(d.New))
		case "removed":
			if md {
				fmt.Fprintf(w, "| removed | `%s` | | %s | |\n", d.ID, mdCell(rowSummary(d.Old)))
				continue
			}
			fmt.Fprintf(w, "\n- %s (removed)\n    was: %s\n", d.ID, rowSummary(d.Old))
		default:
			if !md {
				fmt.Fprintf(w, "\n~ %s (%s)\n", d.ID, d.New.Origin)
			}
			of, nf := rowFields(d.Old), rowFields(d.New)
			for i := range of {
				if of[i][1] == nf[i][1] {
					continue
				}
				if md {
					fmt.Fprintf(w, "| changed | `%s` | %s | %s | %s |\n", d.ID, of[i][0], mdCell(orNone(of[i][1])), mdCell(orNone(nf[i][1])))
					continue
				}
				if o, n := orNone(of[i][1]), orNone(nf[i][1]); len(of[i][0])+len(o)+len(n) < 70 {
					fmt.Fprintf(w, "    %s: %s -> %s\n", of[i][0], o, n)
				} else {
					fmt.Fprintf(w, "    %s: %s\n      now: %s\n", of[i][0], o, n)
				}
			}
			if d.New.Note != "" && d.New.Note != d.Old.Note && !md {
				fmt.Fprintf(w, "    why: %s\n", d.New.Note)
			}
		}
	}
	return nil
}

// plural renders a count with the singular or plural phrase after it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// rowSummary renders a row on one line.
func rowSummary(r *spec.Row) string {
	s := fmt.Sprintf("%s on %s -> %s", r.From, rowEvent(r), r.To)
	if a := rowActions(r); a != "" {
		s += "; " + a
	}
	if t := rowTell(r); t != "" {
		s += "; tell " + t
	}
	return s + " (" + r.Cite + ")"
}
