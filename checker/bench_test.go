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

// BenchmarkReference is the full reference model of issue 3 (215,242,871
// states with ordered ISN epochs; about four minutes and 8 GB).
func BenchmarkReference(b *testing.B) {
	benchModel(b, Reference(), Options{})
}

// BenchmarkReferenceFingerprint is the reference model with the
// fingerprint visited set.
func BenchmarkReferenceFingerprint(b *testing.B) {
	benchModel(b, Reference(), Options{Fingerprint: true})
}

// BenchmarkLarger is the larger model: the reference model in which the
// client may also abort (106,628,095 states before ordered ISN epochs,
// which make it larger; not measured since).
func BenchmarkLarger(b *testing.B) {
	benchModel(b, larger(), Options{})
}
