// Package policy reads IAM and resource policy documents and answers the
// questions secpillar's controls ask of them: does this document grant
// administrator access, which whole services does it grant, which known
// privilege-escalation paths does it open, is this resource policy public in
// AWS's sense, and which principals may assume this role.
//
// Every function is pure: it reads its arguments and never mutates them.
//
// IAM returns policy documents URL-encoded (RFC 3986); decode those with
// [DecodeIAM] or parse them with [ParseIAM]. S3, KMS, SNS, SQS, EventBridge
// and other resource policies are plain JSON: parse them with [Parse], never
// with the IAM decoder.
//
// [Parse] accepts every legal shape of a document (a single statement object
// or an array; string-or-array elements; "*" or a principal map) and
// normalises it into [Document]. Each [Statement] keeps its original bytes in
// Raw, so [RemoveStatements] and [UpsertStatement] can edit a document
// without touching the statements they did not author.
//
// The analyses evaluate one document on its own. Service control policies,
// resource control policies, permission boundaries and session policies are
// not evaluated; controls built on this package say so in their findings.
package policy
