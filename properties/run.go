package properties

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// Run checks the suite's properties. It explores each model once, with
// all of that model's properties together (checker.Check), checks each
// necessity claim on its own (checker.CheckNecessity), and returns one
// Result per property in suite order. The error is for options that name
// nothing (an unknown model, property or variant); a property the checker
// cannot decide has Result.Err set instead.
func (s *Suite) Run(opt RunOptions) ([]Result, error) {
	sel, err := s.selectProperties(opt)
	if err != nil {
		return nil, err
	}
	var table *spec.Table
	if opt.Variant != "" {
		if table, err = spec.ForVariant(opt.Variant); err != nil {
			return nil, err
		}
	}

	// What each result checks: the property, or its mutant.
	jobs := make([]job, len(sel))
	results := make([]Result, len(sel))
	for i, p := range sel {
		results[i].Property = p
		jobs[i] = job{check: p.Check, nec: p.Necessity, cov: p.Coverage, model: p.model}
		if opt.Mutants {
			results[i].Mutant = p.Mutant
			jobs[i].check, jobs[i].nec, jobs[i].model = p.Mutant.check, p.Mutant.necessity, p.Mutant.Model
		}
	}

	// Group the properties by the model they run on, in order of first
	// appearance.
	type group struct {
		model *Model
		jobs  []int
	}
	var groups []*group
	byModel := map[checker.Model]*group{}
	for i := range jobs {
		m := jobs[i].model
		if m == nil {
			results[i].Err = fmt.Errorf("property %s has no model (it was not loaded by this package)", sel[i].Name)
			continue
		}
		// Mutants with the same settings are explored once, whatever
		// they are called (mutants of different properties often
		// coincide).
		key := m.Model
		if opt.Mutants {
			key.Name = ""
		}
		g, ok := byModel[key]
		if !ok {
			g = &group{model: m}
			byModel[key] = g
			groups = append(groups, g)
		}
		g.jobs = append(g.jobs, i)
	}

	for _, g := range groups {
		m := g.model.Model
		if table != nil {
			m.Table = table
		}
		var explore []int // jobs decided by one exploration of m
		for _, i := range g.jobs {
			if jobs[i].nec != nil {
				runNecessity(m, sel[i].Name, jobs[i].nec, &results[i], opt.Search)
			} else {
				explore = append(explore, i)
			}
		}
		if len(explore) > 0 {
			runChecks(m, jobs, explore, results, opt.Search)
		}
	}
	for i := range results {
		r := &results[i]
		if r.Err != nil {
			continue
		}
		want := sel[i].Expect
		if r.Mutant != nil {
			want = r.Mutant.Expect
		}
		// A vacuous pass says nothing about the protocol, so it matches
		// only a property that says it is meant, and never on a mutant,
		// which cannot say so.
		vacuousMeant := sel[i].VacuousExpected && r.Mutant == nil
		r.Matches = r.Outcome.Verdict == want && (r.Outcome.Verdict != checker.Holds || r.Outcome.Vacuous == vacuousMeant)
	}
	return results, nil
}

// job is one property to decide: a compiled property, a necessity claim
// or a coverage claim, and the model to decide it on.
type job struct {
	check checker.Property
	nec   *checker.Necessity
	cov   *Coverage
	model *Model
}

// selectProperties applies the options' filters.
func (s *Suite) selectProperties(opt RunOptions) ([]*Property, error) {
	if opt.Model != "" {
		found := false
		var names []string
		for _, m := range s.Models {
			names = append(names, m.Name)
			found = found || m.Name == opt.Model
		}
		if !found {
			return nil, fmt.Errorf("no model %q%s", opt.Model, suggest(opt.Model, names))
		}
	}
	want := map[string]bool{}
	for _, n := range opt.Properties {
		want[n] = true
	}
	var names []string
	for _, p := range s.Properties {
		names = append(names, p.Name)
	}
	for _, n := range opt.Properties {
		found := false
		for _, p := range s.Properties {
			found = found || p.Name == n
		}
		if !found {
			return nil, fmt.Errorf("no property %q%s", n, suggest(n, names))
		}
	}
	var out []*Property
	for _, p := range s.Properties {
		if opt.Model != "" && p.ModelName != opt.Model {
			continue
		}
		if len(want) > 0 && !want[p.Name] {
			continue
		}
		if opt.Mutants && p.Mutant == nil {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// neverReached keeps a search going to the end: the checker stops once
// every safety property is decided, but coverage needs every transition.
var neverReached = checker.Property{Name: "(complete search)", Kind: checker.Reachable, Pred: func(*checker.World) bool { return false }}

// runChecks explores one model once to decide the jobs explore (indexes
// into jobs and results).
func runChecks(m checker.Model, jobs []job, explore []int, results []Result, opt checker.Options) {
	var props []checker.Property
	coverage := false
	for _, i := range explore {
		if jobs[i].cov != nil {
			coverage = true
		} else {
			props = append(props, jobs[i].check)
		}
	}
	if coverage {
		props = append(props, neverReached)
	}
	rep, err := checker.Check(m, props, opt)
	var livenessErr error
	if err != nil && !errors.Is(err, checker.ErrModel) && hasLiveness(props) {
		// The checker refused the liveness properties: decide the rest
		// without them, and report why the liveness ones were not.
		livenessErr = err
		var safety []checker.Property
		for _, p := range props {
			if p.Kind.Safety() {
				safety = append(safety, p)
			}
		}
		rep, err = checker.Check(m, safety, opt)
	}
	outcomes := map[string]checker.Outcome{}
	if rep != nil {
		for _, o := range rep.Outcomes {
			outcomes[o.Property] = o
		}
	}
	for _, i := range explore {
		j := &jobs[i]
		r := &results[i]
		switch {
		case err != nil:
			r.Err = err
		case j.cov != nil:
			r.Report = rep
			r.Outcome = coverageOutcome(r.Property.Name, j.cov, m.Table, rep)
		case !j.check.Kind.Safety() && livenessErr != nil:
			r.Err = livenessErr
		default:
			r.Report = rep
			o, ok := outcomes[j.check.Name]
			if !ok {
				r.Err = fmt.Errorf("the checker returned no outcome for %s", r.Property.Name)
				continue
			}
			r.Outcome = o
		}
	}
}

func hasLiveness(props []checker.Property) bool {
	for _, p := range props {
		if !p.Kind.Safety() {
			return true
		}
	}
	return false
}

// runNecessity checks one necessity claim.
func runNecessity(m checker.Model, name string, nec *checker.Necessity, r *Result, opt checker.Options) {
	no, err := checker.CheckNecessity(m, *nec, opt)
	if err != nil && !(errors.Is(err, checker.ErrBaseline) && no != nil) {
		r.Err = err
		return
	}
	// A claim whose property already fails on the unmodified protocol
	// proves nothing: the checker says so with an inconclusive verdict
	// and the baseline's counterexample, which is reported as the outcome.
	r.Necessity = no
	r.Report = no.Baseline
	msg := no.Message
	if no.Mechanism != "" && !strings.Contains(msg, no.Mechanism) {
		msg += " (" + no.Mechanism + ")"
	}
	r.Outcome = checker.Outcome{Property: name, Kind: nec.Property.Kind, Verdict: no.Verdict, Message: msg, Trace: no.Trace}
	if no.Verdict == checker.Holds && no.Baseline != nil && no.Baseline.Outcomes[0].Vacuous {
		// The element is "necessary" for a property that held only
		// vacuously without the mutation: the claim is as empty as its
		// baseline, and is reported so.
		r.Outcome.Vacuous = true
		r.Outcome.Message += "; but on the unmodified protocol it holds only vacuously: " + no.Baseline.Outcomes[0].Message
	}
}

// coverageOutcome decides a coverage property from a complete search's
// per-row fire counts.
func coverageOutcome(name string, cov *Coverage, t *spec.Table, rep *checker.Report) checker.Outcome {
	o := checker.Outcome{Property: name, Kind: checker.Reachable}
	fired := map[int]bool{}
	var missing []string
	for _, a := range cov.Arcs {
		carried := false
		for i := 0; i < t.NumRows(); i++ {
			if t.Row(i).Arc == a {
				carried = true
				fired[a] = fired[a] || (i < len(rep.Coverage) && rep.Coverage[i] > 0)
			}
		}
		switch {
		case !carried:
			// A variant without the arc (rfc793-figure has no arc 11).
			missing = append(missing, fmt.Sprintf("arc %d (%s; not in table %s)", a, arcLabel(a), t.Name()))
		case !fired[a]:
			missing = append(missing, fmt.Sprintf("arc %d (%s)", a, arcLabel(a)))
		}
	}
	for _, id := range cov.Rows {
		i, ok := t.RowIndex(id)
		if !ok {
			missing = append(missing, fmt.Sprintf("row %s (not in table %s)", id, t.Name()))
			continue
		}
		if i >= len(rep.Coverage) || rep.Coverage[i] == 0 {
			missing = append(missing, "row "+id)
		}
	}
	n := len(cov.Arcs) + len(cov.Rows)
	switch {
	case len(missing) == 0:
		o.Verdict = checker.Holds
		o.Message = fmt.Sprintf("all %d fire in the %d reachable states", n, rep.Stats.Distinct)
	case rep.Stats.Bound != "":
		o.Verdict = checker.Inconclusive
		cut := fmt.Sprintf("search cut short by the %s bound", rep.Stats.Bound)
		if rep.Stats.Bound == "interrupted" {
			cut = "search interrupted"
		}
		o.Message = fmt.Sprintf("%s; not yet seen to fire: %s", cut, strings.Join(missing, ", "))
	default:
		o.Verdict = checker.Violated
		o.Message = fmt.Sprintf("%d of %d never fire in the %d reachable states: %s", len(missing), n, rep.Stats.Distinct, strings.Join(missing, ", "))
	}
	return o
}

// arcLabels are the arcs of RFC 9293 Figure 5, numbered as Row.Arc is.
var arcLabels = [...]string{
	1:  "CLOSED -> LISTEN on passive OPEN",
	2:  "CLOSED -> SYN-SENT on active OPEN",
	3:  "LISTEN -> CLOSED on CLOSE",
	4:  "LISTEN -> SYN-RECEIVED on rcv SYN",
	5:  "LISTEN -> SYN-SENT on SEND",
	6:  "SYN-SENT -> CLOSED on CLOSE",
	7:  "SYN-SENT -> SYN-RECEIVED on rcv SYN",
	8:  "SYN-SENT -> ESTABLISHED on rcv SYN,ACK",
	9:  "SYN-RECEIVED -> ESTABLISHED on rcv ACK of SYN",
	10: "SYN-RECEIVED -> FIN-WAIT-1 on CLOSE",
	11: "SYN-RECEIVED -> LISTEN on rcv RST",
	12: "ESTABLISHED -> FIN-WAIT-1 on CLOSE",
	13: "ESTABLISHED -> CLOSE-WAIT on rcv FIN",
	14: "FIN-WAIT-1 -> FIN-WAIT-2 on rcv ACK of FIN",
	15: "FIN-WAIT-1 -> CLOSING on rcv FIN",
	16: "FIN-WAIT-2 -> TIME-WAIT on rcv FIN",
	17: "CLOSING -> TIME-WAIT on rcv ACK of FIN",
	18: "CLOSE-WAIT -> LAST-ACK on CLOSE",
	19: "LAST-ACK -> CLOSED on rcv ACK of FIN",
	20: "TIME-WAIT -> CLOSED on 2MSL timeout",
}

func arcLabel(a int) string {
	if a > 0 && a < len(arcLabels) {
		return arcLabels[a]
	}
	return "?"
}
