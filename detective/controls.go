package detective

import "github.com/secpillar/secpillar"

// Controls returns the detective catalogue.
func Controls() []secpillar.Control {
	return nil
}
