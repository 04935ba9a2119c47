// Package didyoumean finds the name a user most likely meant, for the
// "did you mean" hints of tcpcheck's error messages.
package didyoumean

import "strings"

// Closest finds the candidate nearest to name by edit distance. A
// candidate qualifies if the distance is at most a third of its length,
// so "stat" suggests "state" and "C" suggests nothing. With fold, case
// and the difference between '-' and '_' are ignored, for names that are
// case-insensitive (states, flags, row IDs). A candidate equal to name is
// not a suggestion.
func Closest(name string, candidates []string, fold bool) (string, bool) {
	norm := func(s string) string {
		if fold {
			return strings.ToLower(strings.ReplaceAll(s, "_", "-"))
		}
		return s
	}
	n := norm(name)
	best, bestD := "", -1
	for _, c := range candidates {
		if c == name {
			continue
		}
		nc := norm(c)
		d := Distance(n, nc)
		if d > len(c)/3 {
			continue
		}
		// On a tie, a candidate with the same first letter wins: "FYN"
		// is more likely FIN than SYN.
		if bestD < 0 || d < bestD || d == bestD && n != "" && nc != "" && nc[0] == n[0] && norm(best)[0] != n[0] {
			best, bestD = c, d
		}
	}
	return best, bestD >= 0
}

// Distance is the optimal string alignment distance between a and b, in
// bytes: insertions, deletions, substitutions and transpositions of
// adjacent bytes each cost 1, so "modle" is one edit from "model". Inputs
// longer than 64 bytes are not compared (they are not typos of any name),
// which bounds the work on hostile input.
func Distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	// d[i][j] is the distance between a[:i] and b[:j]; three rows suffice.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
