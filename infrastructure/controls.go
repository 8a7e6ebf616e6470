package infrastructure

import "github.com/secpillar/secpillar"

// Controls returns the infrastructure catalogue.
func Controls() []secpillar.Control {
	return nil
}
