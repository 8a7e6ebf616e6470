package fakeaws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// GetAccessKeyInfo returns the account that owns an access key ID: this
// account or a linked one when one of their users has the key, else this
// account (AWS answers for any well-formed key ID, even one that no longer
// exists). A malformed key ID is a validation error.
func (f *STS) GetAccessKeyInfo(ctx context.Context, in *sts.GetAccessKeyInfoInput, optFns ...func(*sts.Options)) (*sts.GetAccessKeyInfoOutput, error) {
	id := aws.ToString(in.AccessKeyId)
	if len(id) < 16 || len(id) > 128 || !(strings.HasPrefix(id, "AKIA") || strings.HasPrefix(id, "ASIA")) {
		return nil, apiError("ValidationError", "1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint")
	}
	owner := f.acct.ID
	if !f.acct.ownsKey(id) {
		for lid, l := range f.acct.Linked {
			if l.ownsKey(id) {
				owner = lid
				break
			}
		}
	}
	return &sts.GetAccessKeyInfoOutput{Account: aws.String(owner)}, nil
}

// ownsKey reports whether a user of the account has the access key.
func (a *Account) ownsKey(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.IAM.Users {
		for _, k := range u.AccessKeys {
			if aws.ToString(k.AccessKeyId) == id {
				return true
			}
		}
	}
	return false
}
