// Package identity holds the Identity controls of the AWS Well-Architected
// Security pillar: IAM, STS, Organizations, MFA and account settings.
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function.
//
// # Data gathering
//
// The IAM controls read two bulk sources instead of calling IAM per user,
// role or policy:
//
//   - the credential report (GenerateCredentialReport, then
//     GetCredentialReport, polled with backoff within the context's
//     deadline), for the root user and every user's password, MFA and
//     access keys; findings carry the report's generation time, since IAM
//     rebuilds it at most every four hours;
//   - one paginated walk of GetAccountAuthorizationDetails, for users,
//     groups, roles, trust policies and every policy document.
//
// Each check calls the gathering it needs on its own, so it can be used
// alone; inside secpillar.Run identical reads are shared, so the whole
// catalogue costs one walk and one report (tens of IAM calls for an
// account of thousands of users and roles).
//
// # Root without credentials
//
// Under centralised root management a member account's root user may have
// no password, keys or certificates. The root MFA checks then pass with that
// reason; a root user that still has credentials is evaluated normally.
//
// # Policy analysis
//
// "Administrator access", service wildcards, privilege-escalation paths and
// public or cross-account trust are evaluated per document (per principal
// for escalation: its inline and attached policies together). Service
// control policies and permission boundaries are not evaluated; findings
// say so.
//
// # Remediation
//
// Remediations read, change only what differs and re-read to verify; a dry
// run (secpillar.DryRun) writes nothing and returns the planned changes.
// Access keys are deactivated, never deleted, and bulk key changes above
// RemediateOptions.MaxResources are refused before the first write. The
// password policy is only ever raised, carrying every other setting
// forward. Remediations that need a target from the caller (the principal a
// support role trusts, the security contact) have no catalogue adapter.
package identity
