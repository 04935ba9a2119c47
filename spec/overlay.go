package spec

import (
	"errors"
	"fmt"
	"sort"

	"github.com/tcpcheck/tcpcheck/internal/didyoumean"
)

// Overlay is a change to a table: rows removed, replaced or added, and
// states removed. It is how variants are written, and how users mutate the
// protocol to see what breaks.
type Overlay struct {
	// Name names the resulting variant.
	Name string
	// Description says what the variant is, in a sentence.
	Description string
	// Remove lists IDs of rows to delete.
	Remove []string
	// Replace lists rows that take the place (and the priority) of the
	// existing row with the same ID.
	Replace []Row
	// Add lists new rows. An added row takes priority over every row of
	// its state that the overlay did not add, so it can override them.
	Add []Row
	// RemoveStates removes states: their rows are deleted and every row
	// that entered one enters the redirect target instead.
	RemoveStates []StateRedirect
}

// StateRedirect removes State, sending what entered it to To.
type StateRedirect struct {
	State State
	To    State
}

// Apply returns the table with the overlay applied, or an error that lists
// every problem: unknown row IDs, duplicate IDs, a removed state that is
// still used, or a result that is no longer total.
func (t *Table) Apply(o Overlay) (*Table, error) {
	var errs []error
	removed := t.removed
	redirect := map[State]State{}
	for _, r := range o.RemoveStates {
		switch {
		case !t.HasState(r.State):
			errs = append(errs, fmt.Errorf("cannot remove state %s: the table has no such state", r.State))
		case r.State == Closed:
			errs = append(errs, errors.New("cannot remove CLOSED: it stands for the absence of a TCB"))
		case r.State == r.To:
			errs = append(errs, fmt.Errorf("cannot redirect %s to itself", r.State))
		}
		removed[r.State] = true
		redirect[r.State] = r.To
	}
	for _, r := range o.RemoveStates {
		if removed[r.To] {
			errs = append(errs, fmt.Errorf("state %s is redirected to %s, which is removed too", r.State, r.To))
		}
	}

	index := map[string]int{}
	for i, r := range t.rows {
		index[r.ID] = i
	}
	drop := map[string]bool{}
	for _, id := range o.Remove {
		if _, ok := index[id]; !ok {
			errs = append(errs, fmt.Errorf("cannot remove row %q: %s", id, t.noRow(id)))
		}
		drop[id] = true
	}
	replace := map[string]Row{}
	for _, r := range o.Replace {
		if _, ok := index[r.ID]; !ok {
			errs = append(errs, fmt.Errorf("cannot replace row %q: %s", r.ID, t.noRow(r.ID)))
		}
		r.Origin, r.Variant = Replaced, o.Name
		replace[r.ID] = r
	}
	for _, r := range o.Add {
		if _, ok := index[r.ID]; ok {
			errs = append(errs, fmt.Errorf("cannot add row %q: the table already has a row with that ID (use replace)", r.ID))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	var rows []Row
	added := map[State]bool{}
	emitAdded := func(s State) {
		if added[s] {
			return
		}
		added[s] = true
		for _, r := range o.Add {
			if r.From == s {
				r.Origin, r.Variant = Added, o.Name
				rows = append(rows, r)
			}
		}
	}
	for _, r := range t.rows {
		if drop[r.ID] || removed[r.From] {
			continue
		}
		emitAdded(r.From)
		if rep, ok := replace[r.ID]; ok {
			r = rep
		}
		if to, ok := redirect[r.To]; ok {
			r.To = to
			r.Origin, r.Variant = Redirected, o.Name
			if to == Closed {
				// Entering CLOSED deletes the TCB and every timer with it;
				// a row that ended the connection without error now
				// completes a normal close.
				r.Timer = StopAll
				if !r.Tell.Abnormal() {
					r.Tell = NoticeClosed
				}
			}
		}
		rows = append(rows, r)
	}
	for _, s := range AllStates() {
		emitAdded(s)
	}
	name := o.Name
	if name == "" {
		name = t.name + "+overlay"
	}
	return newTable(name, rows, removed)
}

// noRow explains a missing row ID, suggesting the closest existing one.
func (t *Table) noRow(id string) string {
	ids := make([]string, len(t.rows))
	for i, r := range t.rows {
		ids[i] = r.ID
	}
	if best, ok := didyoumean.Closest(id, ids, true); ok {
		return fmt.Sprintf("no such row (did you mean %q?)", best)
	}
	return "no such row"
}

// RowDiff is one difference between two tables.
type RowDiff struct {
	// Change is "added", "removed" or "changed".
	Change string
	ID     string
	Old    *Row // nil when added
	New    *Row // nil when removed
}

// Diff lists the rows that differ between t and u, ordered by ID, so a
// variant can be read as what it changes.
func Diff(t, u *Table) []RowDiff {
	old := map[string]*Row{}
	for i := range t.rows {
		old[t.rows[i].ID] = &t.rows[i]
	}
	seen := map[string]bool{}
	var out []RowDiff
	for i := range u.rows {
		r := &u.rows[i]
		seen[r.ID] = true
		o, ok := old[r.ID]
		switch {
		case !ok:
			out = append(out, RowDiff{Change: "added", ID: r.ID, New: r})
		case !sameBehaviour(*o, *r):
			out = append(out, RowDiff{Change: "changed", ID: r.ID, Old: o, New: r})
		}
	}
	for i := range t.rows {
		if !seen[t.rows[i].ID] {
			out = append(out, RowDiff{Change: "removed", ID: t.rows[i].ID, Old: &t.rows[i]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// sameBehaviour compares what two rows do, ignoring their provenance.
func sameBehaviour(a, b Row) bool {
	a.Origin, a.Variant, b.Origin, b.Variant = 0, "", 0, ""
	a.Note, b.Note, a.Cite, b.Cite = "", "", "", ""
	return fmt.Sprint(a) == fmt.Sprint(b)
}
