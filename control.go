package secpillar

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Domain is one of the five domains of the AWS Well-Architected Security
// pillar; each has a package of its own.
type Domain string

// The domains.
const (
	DomainIdentity       Domain = "identity"
	DomainDetective      Domain = "detective"
	DomainInfrastructure Domain = "infrastructure"
	DomainDataProtection Domain = "dataprotection"
	DomainIncident       Domain = "incident"
)

// Scope says where a control is evaluated.
type Scope string

// The scopes. An account-wide control runs once per account; a regional one
// once in every Region the run covers.
const (
	ScopeAccount  Scope = "account"
	ScopeRegional Scope = "regional"
)

// Reference ties a control to a framework's requirement, for example
// {Framework: "cis-aws-foundations-3.0.0", ID: "1.5"} or
// {Framework: "aws-fsbp", ID: "IAM.9"}.
type Reference struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
}

// Control is one catalogue entry: its metadata and two adapters that build
// SDK clients from an aws.Config and call the typed functions of its
// package. The adapters hold no logic of their own.
//
// ID is "<package>.<kebab-slug>" naming the compliant state, and never
// changes. Permissions lists the IAM actions Check calls;
// RemediationPermissions those Remediate adds.
type Control struct {
	ID                     string      `json:"id"`
	Title                  string      `json:"title"`
	Domain                 Domain      `json:"domain"`
	Severity               Severity    `json:"severity"`
	References             []Reference `json:"references,omitempty"`
	Scope                  Scope       `json:"scope"`
	Permissions            []string    `json:"permissions"`
	RemediationPermissions []string    `json:"remediation_permissions,omitempty"`

	// Check evaluates the control with clients built from cfg. For a
	// regional control cfg.Region names the Region to evaluate.
	Check func(ctx context.Context, cfg aws.Config) ([]Finding, error) `json:"-"`

	// Remediate fixes the resource of a failed finding, or is nil when no
	// safe automatic fix exists.
	Remediate func(ctx context.Context, cfg aws.Config, f Finding, opts RemediateOptions) (Remediation, error) `json:"-"`
}
