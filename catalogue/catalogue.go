// Package catalogue assembles the whole secpillar catalogue: every control
// of the five domain packages, in a stable order.
package catalogue

import (
	"slices"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/dataprotection"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/identity"
	"github.com/secpillar/secpillar/incident"
	"github.com/secpillar/secpillar/infrastructure"
)

// All returns every control: identity, detective, infrastructure,
// dataprotection, then incident.
func All() []secpillar.Control {
	return slices.Concat(identity.Controls(), detective.Controls(), infrastructure.Controls(),
		dataprotection.Controls(), incident.Controls())
}
