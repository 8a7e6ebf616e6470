// Package unittesting shows how code that uses secpillar is unit-tested:
// it depends on the small interface of one check (identity.RootMFAAPI),
// so its test fakes a single SDK method instead of an AWS account.
package unittesting

import (
	"context"
	"fmt"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/identity"
)

// DeployGate refuses a deployment to an account whose root user could be
// signed in to without MFA. In production api is an *iam.Client.
func DeployGate(ctx context.Context, api identity.RootMFAAPI) error {
	f, err := identity.CheckRootMFA(ctx, api)
	if err != nil {
		// Could not tell: a gate must not let the deployment through.
		return fmt.Errorf("deploy gate: %w", err)
	}
	if f.Status != secpillar.StatusPass {
		return fmt.Errorf("deploy gate: %s", f.Reason)
	}
	return nil
}
