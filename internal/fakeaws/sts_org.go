package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// AssumeRole returns temporary credentials for a role in this account or
// in an account of Account.Linked. The role must exist in the target
// account's IAM and its trust policy must let this account assume it
// (Allow of sts:AssumeRole to "*", the account ID, its root ARN or the
// auditor user's ARN), with the sts:ExternalId and aws:PrincipalOrgID
// conditions evaluated; any other condition key is not satisfied. A role
// that does not exist, an account that is not linked and a trust policy
// that does not allow the call all fail with AccessDenied, as AWS does.
//
// The access key ID of the credentials is "ASIA" + the target account ID
// + "FAKE": a config from OrgConfig routes calls signed with them to that
// account.
func (f *STS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if in == nil || aws.ToString(in.RoleArn) == "" {
		return nil, apiError("ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	if aws.ToString(in.RoleSessionName) == "" {
		return nil, apiError("ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	roleARN := aws.ToString(in.RoleArn)
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") || len(parts[4]) != 12 {
		return nil, apiError("ValidationError", fmt.Sprintf("%s is invalid", roleARN))
	}
	targetID, rolePath := parts[4], strings.TrimPrefix(parts[5], "role/")

	f.acct.mu.Lock()
	caller := f.acct.ID
	var orgID string
	if f.acct.Organizations.Organization != nil {
		orgID = aws.ToString(f.acct.Organizations.Organization.Id)
	}
	target := f.acct.Linked[targetID]
	now := f.acct.now()
	f.acct.mu.Unlock()
	if targetID == caller {
		target = f.acct
	}
	denied := apiError("AccessDenied", fmt.Sprintf("User: arn:aws:iam::%s:user/auditor is not authorized to perform: sts:AssumeRole on resource: %s", caller, roleARN))
	if target == nil {
		return nil, denied
	}

	target.mu.Lock()
	var trust string
	found := false
	for _, r := range target.IAM.Roles {
		name := aws.ToString(r.Role.RoleName)
		path := strings.TrimPrefix(aws.ToString(r.Role.Path), "/")
		if rolePath == path+name {
			trust, found = aws.ToString(r.Role.AssumeRolePolicyDocument), true
			break
		}
	}
	target.mu.Unlock()
	if !found || !trustAllows(trust, caller, orgID, aws.ToString(in.ExternalId)) {
		return nil, denied
	}

	d := time.Hour
	if in.DurationSeconds != nil {
		if s := *in.DurationSeconds; s < 900 || s > 43200 {
			return nil, apiError("ValidationError", fmt.Sprintf("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", s))
		}
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	roleName := rolePath[strings.LastIndexByte(rolePath, '/')+1:]
	session := aws.ToString(in.RoleSessionName)
	return &sts.AssumeRoleOutput{
		AssumedRoleUser: &ststypes.AssumedRoleUser{
			Arn:           aws.String("arn:aws:sts::" + targetID + ":assumed-role/" + roleName + "/" + session),
			AssumedRoleId: aws.String("AROAFAKE" + targetID + ":" + session),
		},
		Credentials: &ststypes.Credentials{
			AccessKeyId:     aws.String(AssumedKeyID(targetID)),
			SecretAccessKey: aws.String("fake-assumed-secret-" + targetID),
			SessionToken:    aws.String("fake-session-token-" + targetID),
			Expiration:      aws.Time(now.Add(d)),
		},
	}, nil
}

// AssumedKeyID is the access key ID of credentials that AssumeRole issues
// for a role in account.
func AssumedKeyID(account string) string { return "ASIA" + account + "FAKE" }

// accountOfKey returns the account encoded in an access key ID issued by
// AssumeRole, or "".
func accountOfKey(akid string) string {
	if len(akid) == 20 && strings.HasPrefix(akid, "ASIA") && strings.HasSuffix(akid, "FAKE") {
		return akid[4:16]
	}
	return ""
}

// trustStatement is the part of a trust policy statement the fake reads.
type trustStatement struct {
	Effect    string
	Action    stringList
	Principal json.RawMessage
	Condition map[string]map[string]stringList
}

// stringList is a JSON string or array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// trustAllows evaluates a role trust policy (plain JSON) for an
// sts:AssumeRole call from the caller account: a matching Deny refuses, a
// matching Allow grants.
func trustAllows(doc, caller, orgID, externalID string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false
	}
	var stmts []trustStatement
	if err := json.Unmarshal(p.Statement, &stmts); err != nil {
		var one trustStatement
		if err := json.Unmarshal(p.Statement, &one); err != nil {
			return false
		}
		stmts = []trustStatement{one}
	}
	allowed := false
	for _, s := range stmts {
		if !actionMatches(s.Action) || !principalMatches(s.Principal, caller) || !conditionsHold(s.Condition, orgID, externalID) {
			continue
		}
		switch s.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func actionMatches(actions []string) bool {
	for _, a := range actions {
		switch strings.ToLower(a) {
		case "*", "sts:*", "sts:assumerole":
			return true
		}
	}
	return false
}

func principalMatches(raw json.RawMessage, caller string) bool {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var m map[string]stringList
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, p := range m["AWS"] {
		switch p {
		case "*", caller, "arn:aws:iam::" + caller + ":root", "arn:aws:iam::" + caller + ":user/auditor":
			return true
		}
	}
	return false
}

func conditionsHold(cond map[string]map[string]stringList, orgID, externalID string) bool {
	for op, keys := range cond {
		if op != "StringEquals" {
			return false
		}
		for key, values := range keys {
			var have string
			switch strings.ToLower(key) {
			case "sts:externalid":
				have = externalID
			case "aws:principalorgid":
				have = orgID
			default:
				return false
			}
			ok := false
			for _, v := range values {
				if have != "" && v == have {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}
