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
	f.acct.mu.Lock()
	owner, mine := f.acct.ID, f.acct.ownsKeyLocked(id)
	f.acct.mu.Unlock()
	if !mine {
		for lid, l := range f.acct.Linked {
			l.mu.Lock()
			theirs := l.ownsKeyLocked(id)
			l.mu.Unlock()
			if theirs {
				owner = lid
				break
			}
		}
	}
	return &sts.GetAccessKeyInfoOutput{Account: aws.String(owner)}, nil
}

// ownsKeyLocked reports whether a user of the account has the access key;
// the account's lock is held.
func (a *Account) ownsKeyLocked(id string) bool {
	for _, u := range a.IAM.Users {
		for _, k := range u.AccessKeys {
			if aws.ToString(k.AccessKeyId) == id {
				return true
			}
		}
	}
	return false
}
