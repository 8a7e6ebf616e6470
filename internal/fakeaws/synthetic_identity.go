package fakeaws

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// synthPolicyTemplates are the documents synthetic customer policies are
// drawn from: least privilege, service wildcards, an escalation path and
// (rarely) full admin.
var synthPolicyTemplates = []string{
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-%[1]d","arn:aws:s3:::bucket-%[1]d/*"]}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/t%[1]d"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"P%[1]d","Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"arn:aws:sqs:us-east-1:*:q%[1]d"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
}

// synthIdentity adds the identity domain's state to a synthetic account; the
// account lock is held.
func synthIdentity(a *Account, p SyntheticParams, rng *rand.Rand) {
	now := a.now()
	day := func(n int) time.Time { return now.AddDate(0, 0, -n).Truncate(time.Second) }
	f := a.IAM
	f.Root = IAMRoot{Created: day(2000), PasswordEnabled: true, MFAActive: true}
	f.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(14), PasswordReusePrevention: aws.Int32(24), AllowUsersToChangePassword: true}
	f.GlobalEndpointTokenVersion = 2

	policies := make([]string, 0, p.Policies)
	for i := 0; i < p.Policies; i++ {
		t := rng.IntN(len(synthPolicyTemplates) - 1)
		if rng.IntN(100) == 0 {
			t = len(synthPolicyTemplates) - 1 // admin, rarely
		}
		pol := f.addPolicyLocked(fmt.Sprintf("policy-%04d", i), strings.ReplaceAll(synthPolicyTemplates[t], "%[1]d", strconv.Itoa(i)), day(10+rng.IntN(900)))
		policies = append(policies, aws.ToString(pol.Policy.Arn))
	}
	pick := func() []string {
		if len(policies) == 0 {
			return nil
		}
		out := []string{policies[rng.IntN(len(policies))]}
		if rng.IntN(3) == 0 {
			out = append(out, policies[rng.IntN(len(policies))])
		}
		return out
	}
	groups := []string{"engineering", "operations", "finance", "readonly"}
	for _, g := range groups {
		f.Groups = append(f.Groups, &IAMGroup{
			Group: iamtypes.Group{GroupName: aws.String(g), GroupId: aws.String(f.newIDLocked("AGPA")), Path: aws.String("/"),
				Arn: aws.String("arn:aws:iam::" + a.ID + ":group/" + g), CreateDate: aws.Time(day(1000))},
			AttachedPolicies: pick(),
		})
	}
	for i := 0; i < p.Users; i++ {
		created := day(30 + rng.IntN(1000))
		u := f.addUserLocked(fmt.Sprintf("user-%05d", i), created)
		u.GroupNames = []string{groups[rng.IntN(len(groups))]}
		if rng.IntN(10) < 6 {
			last := day(rng.IntN(120))
			u.SetPassword(created, &last)
			if rng.IntN(10) < 8 {
				f.addUserMFALocked(u, rng.IntN(2) == 0, created)
			}
		}
		for k := 0; k < rng.IntN(3); k++ {
			status := iamtypes.StatusTypeActive
			if rng.IntN(5) == 0 {
				status = iamtypes.StatusTypeInactive
			}
			var used *time.Time
			if rng.IntN(4) != 0 {
				t := day(rng.IntN(200))
				used = &t
			}
			u.AddAccessKey(fmt.Sprintf("AKIASYNTH%06d%05d", i, k), status, day(rng.IntN(400)), used)
		}
		if rng.IntN(20) == 0 {
			u.AttachedPolicies = pick()
		}
	}
	for i := 0; i < p.Roles; i++ {
		var trust string
		switch rng.IntN(10) {
		case 0:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%012d:root"},"Action":"sts:AssumeRole"}]}`, 100000000000+rng.IntN(899999999999))
		case 1:
			trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%012d:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-%d"}}}]}`, 100000000000+rng.IntN(899999999999), i)
		case 2:
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + a.ID + `:root"},"Action":"sts:AssumeRole"}]}`
		default:
			svc := []string{"lambda", "ec2", "ecs-tasks", "states"}[rng.IntN(4)]
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		}
		r := f.addRoleLocked(fmt.Sprintf("role-%05d", i), "/", trust, day(rng.IntN(1000)))
		r.AttachedPolicies = pick()
		if rng.IntN(10) == 0 {
			r.InlinePolicies = []NamedDocument{{Name: "inline", Document: synthPolicyTemplates[2]}}
		}
	}
}
