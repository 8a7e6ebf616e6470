package fakeaws

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMS fakes AWS Key Management Service, per Region.
type KMS struct {
	acct    *Account
	regions map[string]*KMSRegion
}

// KMSRegion is the KMS state of one Region.
type KMSRegion struct {
	Keys []*KMSKey
}

// KMSKey is one key: its metadata as DescribeKey returns it, its key
// policy (plain JSON; KMS policies are not URL-encoded) and its rotation.
type KMSKey struct {
	Metadata        kmstypes.KeyMetadata
	Policy          string
	RotationEnabled bool
	RotationPeriod  int32
}

// Region returns the state of one Region, creating it empty.
func (f *KMS) Region(name string) *KMSRegion {
	if f.regions == nil {
		f.regions = map[string]*KMSRegion{}
	}
	r := f.regions[name]
	if r == nil {
		r = &KMSRegion{}
		f.regions[name] = r
	}
	return r
}

// AddKey adds a symmetric encryption key with the given ID, manager
// ("CUSTOMER" or "AWS") and state to region, with the default key policy
// (the account's root may do everything), and returns it. The caller must
// not use it concurrently with calls to the fake.
func (f *KMS) AddKey(region, id string, manager kmstypes.KeyManagerType, state kmstypes.KeyState) *KMSKey {
	created := f.acct.now().Add(-30 * 24 * time.Hour)
	k := &KMSKey{
		Metadata: kmstypes.KeyMetadata{
			KeyId: aws.String(id), Arn: aws.String("arn:aws:kms:" + region + ":" + f.acct.ID + ":key/" + id),
			AWSAccountId: aws.String(f.acct.ID), KeyManager: manager, KeyState: state, Enabled: state == kmstypes.KeyStateEnabled,
			KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt,
			Origin: kmstypes.OriginTypeAwsKms, CreationDate: &created, MultiRegion: aws.Bool(false),
		},
		Policy: DefaultKeyPolicy(f.acct.ID),
	}
	if state == kmstypes.KeyStatePendingDeletion {
		d := f.acct.now().Add(7 * 24 * time.Hour)
		k.Metadata.DeletionDate = &d
		k.Metadata.PendingDeletionWindowInDays = aws.Int32(7)
	}
	if manager == kmstypes.KeyManagerTypeAws {
		k.RotationEnabled, k.RotationPeriod = true, 365
	}
	r := f.Region(region)
	r.Keys = append(r.Keys, k)
	return k
}

// DefaultKeyPolicy is the key policy KMS gives a key created without one.
func DefaultKeyPolicy(account string) string {
	return `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`
}

func (f *KMS) regionOf(ctx context.Context, optFns []func(*kms.Options)) *KMSRegion {
	var o kms.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return f.Region(f.acct.region(ctx, o.Region))
}

// key finds a key by ID or ARN; the lock must be held.
func (f *KMS) key(ctx context.Context, id *string, optFns []func(*kms.Options)) (*KMSKey, error) {
	want := aws.ToString(id)
	if want == "" {
		return nil, &kmstypes.NotFoundException{Message: aws.String("KeyId is required")}
	}
	for _, k := range f.regionOf(ctx, optFns).Keys {
		if aws.ToString(k.Metadata.KeyId) == want || aws.ToString(k.Metadata.Arn) == want {
			return k, nil
		}
	}
	return nil, &kmstypes.NotFoundException{Message: aws.String("Key '" + want + "' does not exist")}
}

func invalidState(k *KMSKey) error {
	return &kmstypes.KMSInvalidStateException{Message: aws.String(aws.ToString(k.Metadata.Arn) + " is " + string(k.Metadata.KeyState))}
}

// ListKeys lists the Region's keys, paginated by Marker.
func (f *KMS) ListKeys(ctx context.Context, in *kms.ListKeysInput, optFns ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []kmstypes.KeyListEntry
	for _, k := range f.regionOf(ctx, optFns).Keys {
		all = append(all, kmstypes.KeyListEntry{KeyId: k.Metadata.KeyId, KeyArn: k.Metadata.Arn})
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.Limit))
	if err != nil {
		return nil, err
	}
	return &kms.ListKeysOutput{Keys: items, NextMarker: next, Truncated: next != nil}, nil
}

// DescribeKey returns a key's metadata.
func (f *KMS) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	k, err := f.key(ctx, in.KeyId, optFns)
	if err != nil {
		return nil, err
	}
	m := k.Metadata
	return &kms.DescribeKeyOutput{KeyMetadata: &m}, nil
}

// rotatable reports whether KMS allows automatic rotation of the key.
func rotatable(k *KMSKey) bool {
	return k.Metadata.KeySpec == kmstypes.KeySpecSymmetricDefault && k.Metadata.Origin == kmstypes.OriginTypeAwsKms
}

// GetKeyRotationStatus returns whether automatic rotation is on.
func (f *KMS) GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput, optFns ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	k, err := f.key(ctx, in.KeyId, optFns)
	if err != nil {
		return nil, err
	}
	if k.Metadata.KeyState == kmstypes.KeyStatePendingDeletion {
		return nil, invalidState(k)
	}
	if !rotatable(k) {
		return nil, &kmstypes.UnsupportedOperationException{Message: aws.String("rotation is not supported for this key")}
	}
	out := &kms.GetKeyRotationStatusOutput{KeyId: k.Metadata.Arn, KeyRotationEnabled: k.RotationEnabled}
	if k.RotationEnabled {
		out.RotationPeriodInDays = aws.Int32(k.RotationPeriod)
	}
	return out, nil
}

// EnableKeyRotation turns automatic rotation on (365 days by default).
func (f *KMS) EnableKeyRotation(ctx context.Context, in *kms.EnableKeyRotationInput, optFns ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	k, err := f.key(ctx, in.KeyId, optFns)
	if err != nil {
		return nil, err
	}
	if k.Metadata.KeyManager == kmstypes.KeyManagerTypeAws {
		return nil, apiError("AccessDeniedException", "AWS managed keys cannot be modified")
	}
	if k.Metadata.KeyState != kmstypes.KeyStateEnabled {
		return nil, invalidState(k)
	}
	if !rotatable(k) {
		return nil, &kmstypes.UnsupportedOperationException{Message: aws.String("rotation is not supported for this key")}
	}
	k.RotationEnabled, k.RotationPeriod = true, 365
	if in.RotationPeriodInDays != nil {
		k.RotationPeriod = *in.RotationPeriodInDays
	}
	return &kms.EnableKeyRotationOutput{}, nil
}

// GetKeyPolicy returns the key policy (only "default" exists).
func (f *KMS) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	k, err := f.key(ctx, in.KeyId, optFns)
	if err != nil {
		return nil, err
	}
	if n := aws.ToString(in.PolicyName); n != "" && n != "default" {
		return nil, &kmstypes.NotFoundException{Message: aws.String("No such policy " + n)}
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(k.Policy), PolicyName: aws.String("default")}, nil
}

// PutKeyPolicy replaces the key policy. Like KMS's lockout safety check,
// it refuses a policy that no longer mentions the account.
func (f *KMS) PutKeyPolicy(ctx context.Context, in *kms.PutKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	k, err := f.key(ctx, in.KeyId, optFns)
	if err != nil {
		return nil, err
	}
	if k.Metadata.KeyManager == kmstypes.KeyManagerTypeAws {
		return nil, apiError("AccessDeniedException", "AWS managed key policies cannot be changed")
	}
	p := aws.ToString(in.Policy)
	if !strings.HasPrefix(strings.TrimSpace(p), "{") {
		return nil, &kmstypes.MalformedPolicyDocumentException{Message: aws.String("The new key policy is not valid JSON")}
	}
	if !in.BypassPolicyLockoutSafetyCheck && !strings.Contains(p, f.acct.ID) {
		return nil, &kmstypes.MalformedPolicyDocumentException{Message: aws.String("The new key policy will not allow you to update the key policy in the future.")}
	}
	k.Policy = p
	return &kms.PutKeyPolicyOutput{}, nil
}

// CancelKeyDeletion cancels a scheduled deletion; the key becomes Disabled.
func (f *KMS) CancelKeyDeletion(ctx context.Context, in *kms.CancelKeyDeletionInput, optFns ...func(*kms.Options)) (*kms.CancelKeyDeletionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	k, err := f.key(ctx, in.KeyId, optFns)
	if err != nil {
		return nil, err
	}
	if k.Metadata.KeyState != kmstypes.KeyStatePendingDeletion {
		return nil, invalidState(k)
	}
	k.Metadata.KeyState, k.Metadata.Enabled = kmstypes.KeyStateDisabled, false
	k.Metadata.DeletionDate, k.Metadata.PendingDeletionWindowInDays = nil, nil
	return &kms.CancelKeyDeletionOutput{KeyId: k.Metadata.Arn}, nil
}
