package dataprotection

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/authdetails"
	"github.com/secpillar/secpillar/internal/policy"
)

// ControlKMSNoDecryptAllKeys is the ID of the control that checks IAM
// policies for kms:Decrypt or kms:ReEncryptFrom on every key.
const ControlKMSNoDecryptAllKeys = "dataprotection.kms-no-decrypt-all-keys"

// KMSNoDecryptAllKeysAPI is the part of the IAM API that
// CheckKMSNoDecryptAllKeys calls. *iam.Client satisfies it.
type KMSNoDecryptAllKeysAPI interface {
	GetAccountAuthorizationDetails(ctx context.Context, in *iam.GetAccountAuthorizationDetailsInput, optFns ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
}

var _ KMSNoDecryptAllKeysAPI = (*iam.Client)(nil)

var decryptActions = []string{"kms:Decrypt", "kms:ReEncryptFrom"}

// decryptsAllKeys returns the actions among kms:Decrypt and
// kms:ReEncryptFrom that d allows on every KMS key: an Allow with no
// condition whose resources cover any key of any Region and account, not
// cancelled by a Deny of the same action on every key.
func decryptsAllKeys(d *policy.Document) []string {
	probes := []string{"arn:aws:kms:us-east-1:111111111111:key/probe-a", "arn:aws:kms:eu-west-3:222222222222:key/probe-b"}
	var out []string
	for _, a := range decryptActions {
		allowed, denied := false, false
		for _, s := range d.Statements {
			all := true
			for _, p := range probes {
				if !s.MatchesResource(p) {
					all = false
				}
			}
			if !all || !s.MatchesAction(a) {
				continue
			}
			switch {
			case s.Effect == "Deny":
				denied = true
			case len(s.Condition) == 0:
				allowed = true
			}
		}
		if allowed && !denied {
			out = append(out, a)
		}
	}
	return out
}

// CheckKMSNoDecryptAllKeys reports, from one walk of
// GetAccountAuthorizationDetails (the read the identity controls make, so a
// run shares it), whether any customer managed policy
// (default version; KMS.1) or inline policy of a user, group or role
// (KMS.2) allows kms:Decrypt or kms:ReEncryptFrom on all keys. One finding
// per customer managed policy and per principal with inline policies. A
// statement with any condition counts as restricted; AWS managed policies,
// SCPs and permission boundaries are not evaluated.
func CheckKMSNoDecryptAllKeys(ctx context.Context, api KMSNoDecryptAllKeysAPI) ([]secpillar.Finding, error) {
	const c, sev = ControlKMSNoDecryptAllKeys, secpillar.SeverityMedium
	var out []secpillar.Finding
	evaluate := func(r secpillar.Resource, docs map[string]string) error {
		var bad []string
		for name, enc := range docs {
			d, err := policy.ParseIAM(enc)
			if err != nil {
				return fmt.Errorf("dataprotection: policy %s of %s: %w", name, r.ID, err)
			}
			if acts := decryptsAllKeys(d); len(acts) > 0 {
				bad = append(bad, name+" ("+strings.Join(acts, ", ")+")")
			}
		}
		if len(bad) == 0 {
			out = append(out, pass(c, sev, r, "No policy allows kms:Decrypt or kms:ReEncryptFrom on all keys.", nil))
			return nil
		}
		sortStrings(bad)
		out = append(out, fail(c, sev, r, "Allows decryption with every KMS key: "+strings.Join(bad, "; ")+"; scope the Resource to the keys needed.",
			map[string]string{"policies": strings.Join(bad, "; "), "note": "SCPs and permission boundaries were not evaluated"}))
		return nil
	}
	d, err := authdetails.Read(ctx, api)
	if err != nil {
		return nil, fmt.Errorf("dataprotection: %w", err)
	}
	for _, pol := range d.Policies {
		arn := aws.ToString(pol.Arn)
		if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") || strings.Contains(arn, ":iam::aws:policy/") {
			continue // AWS managed
		}
		doc := ""
		for _, v := range pol.PolicyVersionList {
			if v.IsDefaultVersion {
				doc = aws.ToString(v.Document)
			}
		}
		if doc == "" {
			return nil, fmt.Errorf("dataprotection: managed policy %s: no default version document in the answer", arn)
		}
		if err := evaluate(secpillar.Resource{Type: "AWS::IAM::ManagedPolicy", ID: arn}, map[string]string{aws.ToString(pol.PolicyName): doc}); err != nil {
			return nil, err
		}
	}
	inline := func(typ, arn string, list []iamtypes.PolicyDetail) error {
		if len(list) == 0 {
			return nil
		}
		m := make(map[string]string, len(list))
		for _, pd := range list {
			m[aws.ToString(pd.PolicyName)] = aws.ToString(pd.PolicyDocument)
		}
		return evaluate(secpillar.Resource{Type: typ, ID: arn}, m)
	}
	for _, u := range d.Users {
		if err := inline("AWS::IAM::User", aws.ToString(u.Arn), u.UserPolicyList); err != nil {
			return nil, err
		}
	}
	for _, g := range d.Groups {
		if err := inline("AWS::IAM::Group", aws.ToString(g.Arn), g.GroupPolicyList); err != nil {
			return nil, err
		}
	}
	for _, r := range d.Roles {
		if err := inline("AWS::IAM::Role", aws.ToString(r.Arn), r.RolePolicyList); err != nil {
			return nil, err
		}
	}
	return out, nil
}
