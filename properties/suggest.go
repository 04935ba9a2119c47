package properties

import (
	"fmt"

	"github.com/tcpcheck/tcpcheck/internal/didyoumean"
)

// suggest returns ` (did you mean "x"?)` for the candidate closest to
// name, or "" when none is close enough to be a plausible typo.
func suggest(name string, candidates []string) string {
	if best, ok := didyoumean.Closest(name, candidates, false); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// suggestFold is suggest ignoring case and the difference between '-' and
// '_', for names that are case-insensitive (states, flags, endings).
func suggestFold(name string, candidates []string) string {
	if best, ok := didyoumean.Closest(name, candidates, true); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
