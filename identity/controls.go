package identity

import "github.com/secpillar/secpillar"

// Controls returns the identity catalogue.
func Controls() []secpillar.Control {
	return nil
}
