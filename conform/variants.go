package conform

import (
	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/spec"
)

// AnyVariant is the variant name that asks Check to try every variant.
const AnyVariant = "any"

// Explained is a connection's result under the variant that explains it
// best, with every variant that explains it.
type Explained struct {
	Result
	By []string
}

// CheckAny checks segs under every built-in variant (opts.Variant is
// ignored). For each connection it keeps the result of the first variant,
// in spec.Variants order, that explains it; of none does, the result
// whose deviation comes latest (the first such variant on a tie), or an
// incomplete one.
func CheckAny(segs []capture.Segment, opts Options) ([]Explained, error) {
	var out []Explained
	for _, v := range spec.Variants() {
		opts.Variant = v.Name
		rs, err := Check(segs, opts)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = make([]Explained, len(rs))
			for i, r := range rs {
				out[i].Result = r
			}
		}
		for i, r := range rs {
			best := &out[i]
			if r.Verdict == Conforms {
				best.By = append(best.By, v.Name)
			}
			if better(r, best.Result) {
				best.Result = r
			}
		}
	}
	return out, nil
}

// better reports whether r explains its connection better than old: it
// conforms where old does not, or it deviates later.
func better(r, old Result) bool {
	switch {
	case old.Verdict == Conforms:
		return false
	case r.Verdict == Conforms:
		return true
	case r.Verdict == Deviates && old.Verdict == Deviates:
		return r.Frame > old.Frame
	}
	return false
}
