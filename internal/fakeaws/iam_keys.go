package fakeaws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func (f *IAM) userLocked(name string) *IAMUser {
	for _, u := range f.Users {
		if aws.ToString(u.User.UserName) == name {
			return u
		}
	}
	return nil
}

func noSuchUser(name string) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String("The user with name " + name + " cannot be found.")}
}

// callerUserLocked returns the user a call without UserName is about: the
// named user, or the caller ("auditor") when name is empty.
func (f *IAM) callerUserLocked(name string) (*IAMUser, error) {
	if name == "" {
		name = "auditor"
	}
	u := f.userLocked(name)
	if u == nil {
		return nil, noSuchUser(name)
	}
	return u, nil
}

// ListAccessKeys lists a user's access keys.
func (f *IAM) ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u, err := f.callerUserLocked(aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	keys := make([]iamtypes.AccessKeyMetadata, len(u.AccessKeys))
	for i, k := range u.AccessKeys {
		k.UserName = u.User.UserName
		keys[i] = k
	}
	items, next, err := page(f.acct, keys, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListAccessKeysOutput{AccessKeyMetadata: items, Marker: next, IsTruncated: next != nil}, nil
}

// GetAccessKeyLastUsed returns when and where a key was last used; a key
// never used has no LastUsedDate and "N/A" as Region and ServiceName.
func (f *IAM) GetAccessKeyLastUsed(ctx context.Context, in *iam.GetAccessKeyLastUsedInput, optFns ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	id := aws.ToString(in.AccessKeyId)
	for _, u := range f.Users {
		for _, k := range u.AccessKeys {
			if aws.ToString(k.AccessKeyId) != id {
				continue
			}
			lu, ok := u.KeyLastUsed[id]
			if !ok {
				lu = iamtypes.AccessKeyLastUsed{Region: aws.String("N/A"), ServiceName: aws.String("N/A")}
			} else {
				lu.LastUsedDate = copyPtr(lu.LastUsedDate)
			}
			return &iam.GetAccessKeyLastUsedOutput{UserName: u.User.UserName, AccessKeyLastUsed: &lu}, nil
		}
	}
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The Access Key with id " + id + " cannot be found.")}
}

// UpdateAccessKey sets a key Active or Inactive.
func (f *IAM) UpdateAccessKey(ctx context.Context, in *iam.UpdateAccessKeyInput, optFns ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	if in.Status != iamtypes.StatusTypeActive && in.Status != iamtypes.StatusTypeInactive {
		return nil, invalidInput("Status must be Active or Inactive")
	}
	u, err := f.callerUserLocked(aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	id := aws.ToString(in.AccessKeyId)
	for i := range u.AccessKeys {
		if aws.ToString(u.AccessKeys[i].AccessKeyId) == id {
			u.AccessKeys[i].Status = in.Status
			return &iam.UpdateAccessKeyOutput{}, nil
		}
	}
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The Access Key with id " + id + " cannot be found.")}
}

// ListMFADevices lists a user's MFA devices.
func (f *IAM) ListMFADevices(ctx context.Context, in *iam.ListMFADevicesInput, optFns ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u, err := f.callerUserLocked(aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	devs := make([]iamtypes.MFADevice, len(u.MFADevices))
	for i, d := range u.MFADevices {
		d.UserName = u.User.UserName
		devs[i] = d
	}
	items, next, err := page(f.acct, devs, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListMFADevicesOutput{MFADevices: items, Marker: next, IsTruncated: next != nil}, nil
}

// RootVirtualMFASerial returns the serial IAM gives the root user's virtual
// MFA device.
func RootVirtualMFASerial(accountID string) string {
	return "arn:aws:iam::" + accountID + ":mfa/root-account-mfa-device"
}

// ListVirtualMFADevices lists the virtual MFA devices, the root user's
// included (its User ARN ends in ":root").
func (f *IAM) ListVirtualMFADevices(ctx context.Context, in *iam.ListVirtualMFADevicesInput, optFns ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []iamtypes.VirtualMFADevice
	if f.Root.MFAActive && f.Root.MFASerial != "" {
		all = append(all, iamtypes.VirtualMFADevice{
			SerialNumber: aws.String(f.Root.MFASerial),
			User:         &iamtypes.User{Arn: aws.String("arn:aws:iam::" + f.acct.ID + ":root"), UserId: aws.String(f.acct.ID), UserName: aws.String("<root_account>")},
		})
	}
	for _, d := range f.VirtualMFA {
		if aws.ToString(d.SerialNumber) == f.Root.MFASerial && f.Root.MFASerial != "" {
			continue
		}
		all = append(all, d)
	}
	var out []iamtypes.VirtualMFADevice
	for _, d := range all {
		switch in.AssignmentStatus {
		case iamtypes.AssignmentStatusTypeAssigned:
			if d.User == nil {
				continue
			}
		case iamtypes.AssignmentStatusTypeUnassigned:
			if d.User != nil {
				continue
			}
		}
		d.Base32StringSeed, d.QRCodePNG = nil, nil // IAM only returns them on creation
		if d.User != nil {
			u := *d.User
			d.User = &u
		}
		out = append(out, d)
	}
	items, next, err := page(f.acct, out, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListVirtualMFADevicesOutput{VirtualMFADevices: items, Marker: next, IsTruncated: next != nil}, nil
}

// ListServerCertificates lists the IAM server certificates.
func (f *IAM) ListServerCertificates(ctx context.Context, in *iam.ListServerCertificatesInput, optFns ...func(*iam.Options)) (*iam.ListServerCertificatesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	var all []iamtypes.ServerCertificateMetadata
	for _, c := range f.ServerCerts {
		if p := aws.ToString(in.PathPrefix); p != "" && !strings.HasPrefix(aws.ToString(c.Path), p) {
			continue
		}
		c.Expiration, c.UploadDate = copyPtr(c.Expiration), copyPtr(c.UploadDate)
		all = append(all, c)
	}
	items, next, err := page(f.acct, all, in.Marker, aws.ToInt32(in.MaxItems))
	if err != nil {
		return nil, err
	}
	return &iam.ListServerCertificatesOutput{ServerCertificateMetadataList: items, Marker: next, IsTruncated: next != nil}, nil
}

// DeleteServerCertificate deletes a server certificate by name.
func (f *IAM) DeleteServerCertificate(ctx context.Context, in *iam.DeleteServerCertificateInput, optFns ...func(*iam.Options)) (*iam.DeleteServerCertificateOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	name := aws.ToString(in.ServerCertificateName)
	for i, c := range f.ServerCerts {
		if aws.ToString(c.ServerCertificateName) == name {
			f.ServerCerts = append(f.ServerCerts[:i:i], f.ServerCerts[i+1:]...)
			return &iam.DeleteServerCertificateOutput{}, nil
		}
	}
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The Server Certificate with name " + name + " cannot be found.")}
}

// GetUser returns one user (the caller when UserName is empty).
func (f *IAM) GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	u, err := f.callerUserLocked(aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	out := f.userOutLocked(u)
	return &iam.GetUserOutput{User: &out}, nil
}
