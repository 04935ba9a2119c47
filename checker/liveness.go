package checker

import "errors"

// checkLiveness decides the liveness properties of a report. It is written
// in liveness work (issue 4); until then, liveness properties are refused.
func checkLiveness(e *explorer, rep *Report) error {
	return errors.New("liveness properties are not supported yet")
}
