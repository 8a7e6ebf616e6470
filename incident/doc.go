// Package incident holds the Incident response controls of the AWS
// Well-Architected Security pillar: containment of keys, sessions and
// instances, EventBridge alerting and CloudFormation recovery.
//
// # Checks
//
// Each control is a typed Check function over a small interface that the
// aws-sdk-go-v2 client satisfies, an entry in Controls, and, where a safe
// automatic fix exists, a typed Remediate function:
//
//   - incident.security-alert-rules: CheckSecurityAlertRules (event
//     patterns compared by meaning) and RemediateSecurityAlertRules (for a
//     given SNS topic);
//   - incident.eventbridge-bus-not-public: CheckEventBusPolicyNotPublic and
//     RemediateEventBusPolicyNotPublic (removes only public statements);
//   - incident.stack-termination-protection: CheckStackTerminationProtection,
//     RemediateStackTerminationProtection and the bulk
//     RemediateAllStackTerminationProtection (guarded by MaxResources);
//   - incident.stack-notifications: CheckStackNotifications;
//   - incident.stack-no-drift: CheckStackDrift (starts detection and waits
//     with backoff under the context);
//   - incident.stack-not-failed: CheckStackNotFailed and
//     RemediateStackNotFailed (continues a failed update rollback).
//
// # Containment
//
// The containment actions follow the rules of remediations: bad input is
// rejected before any call, a dry run returns the planned changes and
// writes nothing, a second run writes nothing, every write is verified by
// a re-read, and the result's Undo says how to reverse it:
//
//   - DeactivateAccessKeys sets keys Inactive (never deletes them);
//   - DisableConsoleAccess deletes a console password (only a new password
//     undoes it);
//   - RevokeRoleSessions / RevokeRoleSessionsAt put the console's
//     AWSRevokeOlderSessions policy on a role (RevokeUserSessionsAt on a
//     user), refusing service-linked roles with *ServiceLinkedRoleError;
//   - QuarantineUser and QuarantineRole put a deny-all inline policy;
//   - IsolateInstance contains an EC2 instance, evidence first, and returns
//     what it replaced together with the tracked-connection caveat.
//
// ContainCompromisedKey composes them into a playbook for a leaked access
// key: from the key ID alone it finds the account and the owner, contains,
// and reports every step.
package incident
