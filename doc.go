// Package secpillar is an embeddable library of AWS security controls,
// organised by the five domains of the AWS Well-Architected Security
// pillar: identity, detective, infrastructure, dataprotection and incident.
//
// Every control is a typed Check function over a small interface that an
// aws-sdk-go-v2 client satisfies, so it can be called with a real client,
// faked in a unit test, or composed into an in-house scanner:
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	if err != nil { ... }
//	f, err := identity.CheckRootMFA(ctx, iam.NewFromConfig(cfg))
//	if err != nil { ... } // could not evaluate: access denied, throttled, ...
//	fmt.Println(f.Status, f.Reason)
//
// A non-compliant resource is a Finding with Status FAIL, never an error;
// an error means the control could not be evaluated and is never turned
// into PASS.
//
// Each domain package exports Controls, its catalogue of Control values
// (metadata plus adapters over an aws.Config). Run evaluates a catalogue
// across Regions with bounded concurrency, shares identical read calls
// between controls, and turns each check's error into an ERROR finding for
// that control and Region only:
//
//	controls := slices.Concat(identity.Controls(), detective.Controls(),
//		infrastructure.Controls(), dataprotection.Controls(), incident.Controls())
//	rep, err := secpillar.Run(ctx, cfg, controls)
//
// Remediate functions read the current state, write only what differs,
// verify by re-reading, never delete what they did not author, and make no
// write in a dry run (secpillar.DryRun).
package secpillar
