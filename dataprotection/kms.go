package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
	"github.com/secpillar/secpillar/internal/policy"
)

// IDs of the KMS key controls.
const (
	ControlKMSKeyRotation           = "dataprotection.kms-key-rotation"
	ControlKMSKeyNotPendingDeletion = "dataprotection.kms-key-not-pending-deletion"
	ControlKMSKeyPolicyNotPublic    = "dataprotection.kms-key-policy-not-public"
)

// KMSKeyResourceType is the resource type of key findings.
const KMSKeyResourceType = "AWS::KMS::Key"

// KMSListKeysAPI lists the keys of a Region with their metadata. Every KMS
// key check calls it. *kms.Client satisfies it.
type KMSListKeysAPI interface {
	ListKeys(ctx context.Context, in *kms.ListKeysInput, optFns ...func(*kms.Options)) (*kms.ListKeysOutput, error)
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}

var _ KMSListKeysAPI = (*kms.Client)(nil)

// KMSKeyRotationAPI is the part of the KMS API that CheckKMSKeyRotation
// calls. *kms.Client satisfies it.
type KMSKeyRotationAPI interface {
	KMSListKeysAPI
	GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput, optFns ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

var _ KMSKeyRotationAPI = (*kms.Client)(nil)

// KMSKeyRotationRemediationAPI is what RemediateKMSKeyRotation calls.
// *kms.Client satisfies it.
type KMSKeyRotationRemediationAPI interface {
	KMSKeyRotationAPI
	EnableKeyRotation(ctx context.Context, in *kms.EnableKeyRotationInput, optFns ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error)
}

var _ KMSKeyRotationRemediationAPI = (*kms.Client)(nil)

// KMSKeyDeletionRemediationAPI is what RemediateKMSKeyNotPendingDeletion
// calls. *kms.Client satisfies it.
type KMSKeyDeletionRemediationAPI interface {
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	CancelKeyDeletion(ctx context.Context, in *kms.CancelKeyDeletionInput, optFns ...func(*kms.Options)) (*kms.CancelKeyDeletionOutput, error)
}

var _ KMSKeyDeletionRemediationAPI = (*kms.Client)(nil)

// KMSKeyPolicyReadAPI reads a key policy. *kms.Client satisfies it.
type KMSKeyPolicyReadAPI interface {
	GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

var _ KMSKeyPolicyReadAPI = (*kms.Client)(nil)

// KMSKeyPolicyNotPublicAPI is the part of the KMS API that
// CheckKMSKeyPolicyNotPublic calls. *kms.Client satisfies it.
type KMSKeyPolicyNotPublicAPI interface {
	KMSListKeysAPI
	KMSKeyPolicyReadAPI
}

var _ KMSKeyPolicyNotPublicAPI = (*kms.Client)(nil)

// KMSKeyPolicyRemediationAPI is what RemediateKMSKeyPolicyNotPublic calls.
// *kms.Client satisfies it.
type KMSKeyPolicyRemediationAPI interface {
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	KMSKeyPolicyReadAPI
	PutKeyPolicy(ctx context.Context, in *kms.PutKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error)
}

var _ KMSKeyPolicyRemediationAPI = (*kms.Client)(nil)

// kmsKey is one key's metadata as the checks use it.
type kmsKey struct {
	id, arn, region, account string
	manager                  kmstypes.KeyManagerType
	state                    kmstypes.KeyState
	spec                     kmstypes.KeySpec
	origin                   kmstypes.OriginType
	deletion                 *time.Time
}

func (k kmsKey) resource() secpillar.Resource {
	return secpillar.Resource{Type: KMSKeyResourceType, ID: k.arn, Region: k.region, Account: k.account}
}

// known reports whether v is one of the values the SDK knows for its enum
// type; an empty value is not known.
func known[T ~string](v T, values []T) bool {
	return v != "" && slices.Contains(values, v)
}

// describeKey reads one key's metadata.
func describeKey(ctx context.Context, api interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
}, id string) (kmsKey, error) {
	if id == "" {
		return kmsKey{}, errors.New("dataprotection: empty KMS key ID")
	}
	out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		return kmsKey{}, fmt.Errorf("dataprotection: describe key %s: %w", id, err)
	}
	m := out.KeyMetadata
	if m == nil || aws.ToString(m.Arn) == "" {
		return kmsKey{}, fmt.Errorf("dataprotection: describe key %s: the answer has no KeyMetadata or Arn", id)
	}
	switch m.KeyManager {
	case kmstypes.KeyManagerTypeAws, kmstypes.KeyManagerTypeCustomer:
	default:
		return kmsKey{}, fmt.Errorf("dataprotection: describe key %s: unknown KeyManager %q", id, m.KeyManager)
	}
	if !known(m.KeyState, m.KeyState.Values()) {
		return kmsKey{}, fmt.Errorf("dataprotection: describe key %s: unknown KeyState %q", id, m.KeyState)
	}
	// Which customer-managed keys can rotate depends on the spec and the
	// origin; a value the SDK does not know could be either, so it is an
	// error rather than a guess. AWS-managed keys rotate by themselves.
	if m.KeyManager == kmstypes.KeyManagerTypeCustomer {
		if !known(m.KeySpec, m.KeySpec.Values()) {
			return kmsKey{}, fmt.Errorf("dataprotection: describe key %s: unknown KeySpec %q", id, m.KeySpec)
		}
		if !known(m.Origin, m.Origin.Values()) {
			return kmsKey{}, fmt.Errorf("dataprotection: describe key %s: unknown Origin %q", id, m.Origin)
		}
	}
	k := kmsKey{id: aws.ToString(m.KeyId), arn: *m.Arn, account: aws.ToString(m.AWSAccountId), manager: m.KeyManager,
		state: m.KeyState, spec: m.KeySpec, origin: m.Origin, deletion: m.DeletionDate}
	if parts := strings.SplitN(k.arn, ":", 6); len(parts) == 6 {
		k.region = parts[3]
		if k.account == "" {
			k.account = parts[4]
		}
	}
	return k, nil
}

// listKeys lists the Region's keys and describes each.
func listKeys(ctx context.Context, api KMSListKeysAPI) ([]kmsKey, error) {
	p := kms.NewListKeysPaginator(api, &kms.ListKeysInput{})
	var out []kmsKey
	guard := pagetoken.New("dataprotection: list keys")
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("dataprotection: list keys: %w", err)
		}
		if err := guard.Check(page.Truncated, page.NextMarker); err != nil {
			return nil, err
		}
		for _, e := range page.Keys {
			id := aws.ToString(e.KeyArn)
			if id == "" {
				id = aws.ToString(e.KeyId)
			}
			k, err := describeKey(ctx, api, id)
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
	}
	return out, nil
}

const awsManagedReason = "AWS managed keys are rotated, and their policies managed, by AWS; nothing to check."

// CheckKMSKeyRotation reports, for every key in the client's Region,
// whether customer-managed symmetric encryption keys with key material from
// KMS rotate automatically (CIS 3.6, KMS.4). AWS managed keys are
// NOT_APPLICABLE from DescribeKey alone, as are keys KMS cannot rotate
// (asymmetric, HMAC, imported material, custom key stores) and keys
// pending deletion.
func CheckKMSKeyRotation(ctx context.Context, api KMSKeyRotationAPI) ([]secpillar.Finding, error) {
	keys, err := listKeys(ctx, api)
	if err != nil {
		return nil, err
	}
	const c, sev = ControlKMSKeyRotation, secpillar.SeverityMedium
	out := make([]secpillar.Finding, 0, len(keys))
	for _, k := range keys {
		ev := map[string]string{"key_manager": string(k.manager), "key_state": string(k.state), "key_spec": string(k.spec), "origin": string(k.origin)}
		switch {
		case k.manager == kmstypes.KeyManagerTypeAws:
			out = append(out, notApplicable(c, sev, k.resource(), awsManagedReason, ev))
			continue
		case k.spec != kmstypes.KeySpecSymmetricDefault || k.origin != kmstypes.OriginTypeAwsKms:
			out = append(out, notApplicable(c, sev, k.resource(), "KMS cannot rotate this key automatically (not a symmetric key with KMS key material).", ev))
			continue
		case k.state == kmstypes.KeyStatePendingDeletion || k.state == kmstypes.KeyStatePendingReplicaDeletion:
			out = append(out, notApplicable(c, sev, k.resource(), "The key is pending deletion.", ev))
			continue
		}
		on, period, err := rotationStatus(ctx, api, k.arn)
		if err != nil {
			return nil, err
		}
		ev["rotation_enabled"] = bstr(on)
		if period > 0 {
			ev["rotation_period_days"] = fmt.Sprint(period)
		}
		out = append(out, verdict(on, c, sev, k.resource(), "Automatic key rotation is on.", "Automatic key rotation is off; enable it.", ev))
	}
	return out, nil
}

type rotationReader interface {
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

// rotationStatus returns whether automatic rotation is on and its period
// in days (0 when the answer has none).
func rotationStatus(ctx context.Context, api rotationReader, arn string) (bool, int32, error) {
	out, err := api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(arn)})
	if err != nil {
		return false, 0, fmt.Errorf("dataprotection: read rotation status of %s: %w", arn, err)
	}
	return out.KeyRotationEnabled, aws.ToInt32(out.RotationPeriodInDays), nil
}

func rotationEnabled(ctx context.Context, api rotationReader, arn string) (bool, error) {
	on, _, err := rotationStatus(ctx, api, arn)
	return on, err
}

// RemediateKMSKeyRotation turns on automatic rotation (yearly) of the key
// keyID (ID or ARN, in the client's Region) and re-reads. AWS managed keys
// and keys KMS cannot rotate are an error.
func RemediateKMSKeyRotation(ctx context.Context, api KMSKeyRotationRemediationAPI, keyID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	k, err := describeKey(ctx, api, keyID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if k.manager != kmstypes.KeyManagerTypeCustomer || k.spec != kmstypes.KeySpecSymmetricDefault || k.origin != kmstypes.OriginTypeAwsKms {
		return secpillar.Remediation{}, fmt.Errorf("dataprotection: key %s cannot be rotated by its owner (manager %s, spec %s, origin %s)", k.arn, k.manager, k.spec, k.origin)
	}
	on, err := rotationEnabled(ctx, api, k.arn)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlKMSKeyRotation, Resource: k.resource()}
	if on {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if k.state != kmstypes.KeyStateEnabled {
		return rem, fmt.Errorf("dataprotection: key %s is %s: KMS turns rotation on only for enabled keys; enable the key first if it is still needed", k.arn, k.state)
	}
	rem.Changes = []secpillar.Change{{Resource: k.resource(), Action: "kms:EnableKeyRotation", Field: "KeyRotationEnabled", Before: "false", After: "true"}}
	rem.Undo = "Turn rotation off with kms DisableKeyRotation; earlier key material is always kept, so nothing encrypted becomes unreadable."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(k.arn)}); err != nil {
		return rem, fmt.Errorf("dataprotection: enable rotation of %s: %w", k.arn, err)
	}
	on, err = rotationEnabled(ctx, api, k.arn)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(on)
	return rem, nil
}

// CheckKMSKeyNotPendingDeletion reports, for every customer managed key in
// the client's Region, whether it is scheduled for deletion (KMS.3). Data
// encrypted under a deleted key is lost for good; the finding carries the
// deletion date.
func CheckKMSKeyNotPendingDeletion(ctx context.Context, api KMSListKeysAPI) ([]secpillar.Finding, error) {
	keys, err := listKeys(ctx, api)
	if err != nil {
		return nil, err
	}
	const c, sev = ControlKMSKeyNotPendingDeletion, secpillar.SeverityHigh
	out := make([]secpillar.Finding, 0, len(keys))
	for _, k := range keys {
		ev := map[string]string{"key_manager": string(k.manager), "key_state": string(k.state)}
		if k.manager == kmstypes.KeyManagerTypeAws {
			out = append(out, notApplicable(c, sev, k.resource(), "AWS managed keys cannot be scheduled for deletion.", ev))
			continue
		}
		if k.state == kmstypes.KeyStatePendingDeletion || k.state == kmstypes.KeyStatePendingReplicaDeletion {
			reason := "The key is scheduled for deletion"
			if k.deletion != nil {
				ev["deletion_date"] = k.deletion.UTC().Format(time.RFC3339)
				reason += " on " + ev["deletion_date"]
			}
			out = append(out, fail(c, sev, k.resource(), reason+"; cancel the deletion unless you are sure nothing still needs it.", ev))
			continue
		}
		out = append(out, pass(c, sev, k.resource(), "The key is not scheduled for deletion.", ev))
	}
	return out, nil
}

// RemediateKMSKeyNotPendingDeletion cancels the scheduled deletion of keyID
// (ID or ARN, in the client's Region) and re-reads. The key comes back
// Disabled: enable it with kms EnableKey if it is still in use.
func RemediateKMSKeyNotPendingDeletion(ctx context.Context, api KMSKeyDeletionRemediationAPI, keyID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	k, err := describeKey(ctx, api, keyID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlKMSKeyNotPendingDeletion, Resource: k.resource()}
	if k.state != kmstypes.KeyStatePendingDeletion {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	rem.Changes = []secpillar.Change{{Resource: k.resource(), Action: "kms:CancelKeyDeletion", Field: "KeyState", Before: string(k.state), After: string(kmstypes.KeyStateDisabled)}}
	rem.Undo = "Schedule the deletion again with kms ScheduleKeyDeletion (7 to 30 days)."
	rem.Notes = []string{"The key is Disabled after the cancellation; enable it with kms EnableKey if workloads still use it."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: aws.String(k.arn)}); err != nil {
		return rem, fmt.Errorf("dataprotection: cancel deletion of %s: %w", k.arn, err)
	}
	got, err := describeKey(ctx, api, k.arn)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(got.state != kmstypes.KeyStatePendingDeletion)
	return rem, nil
}

func readKeyPolicy(ctx context.Context, api KMSKeyPolicyReadAPI, arn string) (string, *policy.Document, error) {
	out, err := api.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(arn), PolicyName: aws.String("default")})
	if err != nil {
		return "", nil, fmt.Errorf("dataprotection: read key policy of %s: %w", arn, err)
	}
	if out.Policy == nil {
		return "", nil, fmt.Errorf("dataprotection: read key policy of %s: the answer has no Policy", arn)
	}
	d, err := policy.Parse(*out.Policy) // KMS policies are plain JSON
	if err != nil {
		return "", nil, fmt.Errorf("dataprotection: key policy of %s: %w", arn, err)
	}
	return *out.Policy, d, nil
}

// CheckKMSKeyPolicyNotPublic reports, for every customer managed key in the
// client's Region, whether its key policy is public in AWS's sense (KMS.5):
// an Allow to anyone that no condition (kms:CallerAccount,
// aws:PrincipalOrgID, aws:SourceVpce, ...) restricts. The default statement
// for the account's root is never public.
func CheckKMSKeyPolicyNotPublic(ctx context.Context, api KMSKeyPolicyNotPublicAPI) ([]secpillar.Finding, error) {
	keys, err := listKeys(ctx, api)
	if err != nil {
		return nil, err
	}
	const c, sev = ControlKMSKeyPolicyNotPublic, secpillar.SeverityCritical
	out := make([]secpillar.Finding, 0, len(keys))
	for _, k := range keys {
		if k.manager == kmstypes.KeyManagerTypeAws {
			out = append(out, notApplicable(c, sev, k.resource(), awsManagedReason, map[string]string{"key_manager": string(k.manager)}))
			continue
		}
		_, d, err := readKeyPolicy(ctx, api, k.arn)
		if err != nil {
			return nil, err
		}
		pub := policy.PublicStatements(d, policy.PublicOptions{KMS: true, Account: k.account})
		if len(pub) == 0 {
			out = append(out, pass(c, sev, k.resource(), "The key policy is not public.", map[string]string{"statements": fmt.Sprint(len(d.Statements))}))
			continue
		}
		var labels, reasons []string
		for _, p := range pub {
			labels = append(labels, statementLabel(p.Index, p.Sid))
			reasons = append(reasons, p.Reason)
		}
		out = append(out, fail(c, sev, k.resource(), "The key policy lets anyone use the key through "+strings.Join(labels, ", ")+"; remove those statements or restrict them to your accounts.",
			map[string]string{"public_statements": strings.Join(reasons, "; ")}))
	}
	return out, nil
}

// RemediateKMSKeyPolicyNotPublic removes exactly the public statements from
// the policy of keyID (ID or ARN, in the client's Region); every other
// statement is kept byte for byte. It refuses when nothing would be left.
func RemediateKMSKeyPolicyNotPublic(ctx context.Context, api KMSKeyPolicyRemediationAPI, keyID string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	ctx = secpillar.FreshReads(ctx) // act on current state, never on a shared read
	k, err := describeKey(ctx, api, keyID)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if k.manager != kmstypes.KeyManagerTypeCustomer {
		return secpillar.Remediation{}, fmt.Errorf("dataprotection: key %s is AWS managed; its policy cannot be changed", k.arn)
	}
	doc, d, err := readKeyPolicy(ctx, api, k.arn)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: ControlKMSKeyPolicyNotPublic, Resource: k.resource()}
	pub := policy.PublicStatements(d, policy.PublicOptions{KMS: true, Account: k.account})
	if len(pub) == 0 {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	if len(pub) == len(d.Statements) {
		return rem, fmt.Errorf("dataprotection: every statement of the policy of %s is public; removing them would lock the key, fix it by hand", k.arn)
	}
	var drop []int
	var labels []string
	for _, p := range pub {
		drop = append(drop, p.Index)
		labels = append(labels, statementLabel(p.Index, p.Sid))
	}
	next, err := policy.RemoveStatements(doc, drop)
	if err != nil {
		return rem, fmt.Errorf("dataprotection: remove public statements of %s: %w", k.arn, err)
	}
	rem.Changes = []secpillar.Change{{Resource: k.resource(), Action: "kms:PutKeyPolicy", Field: "Statement[" + strings.Join(labels, ",") + "]", Before: doc, After: next}}
	rem.Undo = "Put the previous key policy back with kms PutKeyPolicy (the Before value of the change)."
	rem.Notes = []string{"Callers outside the account that relied on the removed statements lose access to the key."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(k.arn), PolicyName: aws.String("default"), Policy: aws.String(next)}); err != nil {
		return rem, fmt.Errorf("dataprotection: put key policy of %s: %w", k.arn, err)
	}
	_, got, err := readKeyPolicy(ctx, api, k.arn)
	if err != nil {
		return rem, err
	}
	rem.Outcome = outcome(!policy.IsPublic(got, policy.PublicOptions{KMS: true, Account: k.account}))
	return rem, nil
}
