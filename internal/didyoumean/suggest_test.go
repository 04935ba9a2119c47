package didyoumean

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	assert.Equal(t, 1, Distance("modle", "model"), "a transposition is one edit")
	assert.Equal(t, 1, Distance("formla", "formula"))
	assert.Equal(t, 3, Distance("kitten", "sitting"))
	assert.Equal(t, 0, Distance("", ""))
	assert.Equal(t, 1<<20, Distance(strings.Repeat("x", 65), "x"), "long input is not compared")
}

func TestClosest(t *testing.T) {
	got, ok := Closest("modle", []string{"name", "model", "kind"}, false)
	assert.True(t, ok)
	assert.Equal(t, "model", got)
	got, _ = Closest("FYN", []string{"SYN", "FIN", "RST"}, true)
	assert.Equal(t, "FIN", got, "a tie goes to the same first letter")
	got, _ = Closest("time_wiat", []string{"CLOSED", "TIME-WAIT"}, true)
	assert.Equal(t, "TIME-WAIT", got)
	_, ok = Closest("C", []string{"A", "B"}, false)
	assert.False(t, ok, "one-letter names suggest nothing")
	_, ok = Closest("model", []string{"model"}, false)
	assert.False(t, ok, "the name itself is not a suggestion")
}
