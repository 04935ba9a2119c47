package checker

import (
	"testing"
)

// benchModel explores m once per iteration and reports distinct states per
// second and bytes per stored state, the figures issue 3 sets targets for.
func benchModel(b *testing.B, m Model, opt Options) {
	b.ReportAllocs()
	var st Stats
	for i := 0; i < b.N; i++ {
		r, err := Check(m, nil, opt)
		if err != nil {
			b.Fatal(err)
		}
		st = r.Stats
	}
	b.ReportMetric(float64(st.Distinct), "states")
	b.ReportMetric(st.StatesPerSecond, "states/s")
	b.ReportMetric(st.BytesPerState, "bytes/state")
	b.ReportMetric(float64(st.Transitions)/st.Elapsed.Seconds(), "transitions/s")
}

// BenchmarkReference3M is the reference model of issue 3 cut at three
// million states, short enough to profile.
func BenchmarkReference3M(b *testing.B) {
	benchModel(b, Reference(), Options{MaxStates: 3_000_000})
}
