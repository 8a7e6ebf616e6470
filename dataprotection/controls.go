package dataprotection

import "github.com/secpillar/secpillar"

// Controls returns the dataprotection catalogue.
func Controls() []secpillar.Control {
	return nil
}
