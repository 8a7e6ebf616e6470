package incident

import "github.com/secpillar/secpillar"

// Controls returns the incident catalogue.
func Controls() []secpillar.Control {
	return nil
}
