package fakeaws

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// seedIdentityDemo adds the identity domain's state to the demo account; the
// account lock is held.
//
// Passing: root has MFA and no keys, alice is a tidy console user, a
// support role exists, vendor-audit requires an external ID, a security
// contact is registered, us-east-1 has an Access Analyzer, the account
// is in an organization with all features and trusts its security account. Failing: root
// MFA is virtual and root signed in recently, the password policy is weak,
// bob has no MFA and an unused initial key, ci-bot has two keys (one old
// and idle), carol has her own policies, admins hold AdministratorAccess,
// DeveloperAccess allows ec2:*, DeployPipeline can escalate, one role is
// public and one trusts an outside account without an external ID, an
// expired certificate remains, eu-west-1 and ap-southeast-2 have no
// analyzer, global STS tokens are v1 and the organization the account
// manages does not manage member root credentials centrally.
func seedIdentityDemo(a *Account) {
	now := a.now()
	day := func(n int) time.Time { return now.AddDate(0, 0, -n).Truncate(time.Second) }
	at := func(t time.Time) *time.Time { return &t }
	f := a.IAM

	f.Root = IAMRoot{Created: day(1500), PasswordEnabled: true, PasswordLastUsed: at(day(12)), MFAActive: true, MFASerial: RootVirtualMFASerial(a.ID)}
	f.PasswordPolicy = &iamtypes.PasswordPolicy{MinimumPasswordLength: aws.Int32(8), RequireNumbers: true, AllowUsersToChangePassword: true}

	admins := &IAMGroup{Group: iamtypes.Group{GroupName: aws.String("admins"), GroupId: aws.String(f.newIDLocked("AGPA")), Path: aws.String("/"),
		Arn: aws.String("arn:aws:iam::" + a.ID + ":group/admins"), CreateDate: at(day(900))},
		AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}
	dev := f.addPolicyLocked("DeveloperAccess", `{"Version":"2012-10-17","Statement":[{"Sid":"Compute","Effect":"Allow","Action":["ec2:*","logs:Get*"],"Resource":"*"}]}`, day(700))
	deploy := f.addPolicyLocked("DeployPipeline", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances","ec2:Describe*"],"Resource":"*"}]}`, day(400))
	f.addPolicyLocked("ReadReports", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::demo-reports","arn:aws:s3:::demo-reports/*"]}]}`, day(300))
	developers := &IAMGroup{Group: iamtypes.Group{GroupName: aws.String("developers"), GroupId: aws.String(f.newIDLocked("AGPA")), Path: aws.String("/"),
		Arn: aws.String("arn:aws:iam::" + a.ID + ":group/developers"), CreateDate: at(day(700))},
		AttachedPolicies: []string{aws.ToString(dev.Policy.Arn)}}
	f.Groups = append(f.Groups, admins, developers)

	alice := f.addUserLocked("alice", day(800))
	alice.SetPassword(day(60), at(day(1)))
	f.addUserMFALocked(alice, false, day(800))
	alice.AddAccessKey("AKIADEMOALICE0000001", iamtypes.StatusTypeActive, day(30), at(day(1)))
	alice.GroupNames = []string{"admins"}

	bob := f.addUserLocked("bob", day(200))
	bob.SetPassword(day(200), at(day(3)))
	bob.AddAccessKey("AKIADEMOBOB000000001", iamtypes.StatusTypeActive, day(200), nil)
	bob.GroupNames = []string{"developers"}

	ci := f.addUserLocked("ci-bot", day(500))
	ci.AddAccessKey("AKIADEMOCIBOT0000001", iamtypes.StatusTypeActive, day(400), at(day(100)))
	ci.AddAccessKey("AKIADEMOCIBOT0000002", iamtypes.StatusTypeActive, day(20), at(day(1)))
	ci.AttachedPolicies = []string{aws.ToString(deploy.Policy.Arn)}

	carol := f.addUserLocked("carol", day(90))
	carol.SetPassword(day(90), at(day(2)))
	f.addUserMFALocked(carol, true, day(90))
	carol.InlinePolicies = []NamedDocument{{Name: "carol-extra", Document: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`}}

	svc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	f.addRoleLocked("order-processor", "/service-role/", svc, day(365))
	support := f.addRoleLocked("support", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+a.ID+`:root"},"Action":"sts:AssumeRole"}]}`, day(600))
	support.AttachedPolicies = []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}
	f.addRoleLocked("vendor-audit", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"d3m0-3xt3rnal-1d"}}}]}`, day(250)).
		AttachedPolicies = []string{"arn:aws:iam::aws:policy/SecurityAudit"}
	f.addRoleLocked("partner-deploy", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/deployer"},"Action":"sts:AssumeRole"}]}`, day(150))
	f.addRoleLocked("public-reader", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, day(40)).
		AttachedPolicies = []string{aws.ToString(deploy.Policy.Arn)}
	f.addRoleLocked("AWSServiceRoleForSupport", "/aws-service-role/support.amazonaws.com/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, day(1000))

	f.ServerCerts = []iamtypes.ServerCertificateMetadata{
		{ServerCertificateName: aws.String("legacy-www"), ServerCertificateId: aws.String(f.newIDLocked("ASCA")), Path: aws.String("/"),
			Arn: aws.String("arn:aws:iam::" + a.ID + ":server-certificate/legacy-www"), Expiration: at(day(30)), UploadDate: at(day(400))},
		{ServerCertificateName: aws.String("api"), ServerCertificateId: aws.String(f.newIDLocked("ASCA")), Path: aws.String("/"),
			Arn: aws.String("arn:aws:iam::" + a.ID + ":server-certificate/api"), Expiration: at(now.AddDate(0, 6, 0)), UploadDate: at(day(180))},
	}

	r := a.AccessAnalyzer.Region("us-east-1")
	r.Analyzers = append(r.Analyzers, aatypes.AnalyzerSummary{Name: aws.String("account-analyzer"), Type: aatypes.TypeAccount, Status: aatypes.AnalyzerStatusActive,
		Arn: aws.String("arn:aws:access-analyzer:us-east-1:" + a.ID + ":analyzer/account-analyzer"), CreatedAt: at(day(300))})
	a.AccessAnalyzer.Region("eu-west-1").Analyzers = append(a.AccessAnalyzer.Region("eu-west-1").Analyzers,
		aatypes.AnalyzerSummary{Name: aws.String("unused-access"), Type: aatypes.TypeAccountUnusedAccess, Status: aatypes.AnalyzerStatusActive,
			Arn: aws.String("arn:aws:access-analyzer:eu-west-1:" + a.ID + ":analyzer/unused-access"), CreatedAt: at(day(100))})

	a.AccountSvc.AlternateContacts = map[accounttypes.AlternateContactType]accounttypes.AlternateContact{
		accounttypes.AlternateContactTypeSecurity: {AlternateContactType: accounttypes.AlternateContactTypeSecurity, Name: aws.String("Security Team"),
			Title: aws.String("SecOps"), EmailAddress: aws.String("security@example.com"), PhoneNumber: aws.String("+1-555-0100")},
	}
	f.GlobalEndpointTokenVersion = 1

	// The demo account manages a small organization with all features,
	// but IAM has no trusted access, so root credentials are not managed
	// centrally. The members are DemoOrganization's; copies of this seed
	// in those members leave the organization to SeedOrganization.
	if a.ID == DemoAccountID {
		a.Organizations.Organization = &orgtypes.Organization{Id: aws.String("o-demo1234ab"), FeatureSet: orgtypes.OrganizationFeatureSetAll,
			MasterAccountId: aws.String(a.ID), MasterAccountEmail: aws.String("aws-root@example.com"),
			MasterAccountArn: aws.String("arn:aws:organizations::" + a.ID + ":account/o-demo1234ab/" + a.ID),
			Arn:              aws.String("arn:aws:organizations::" + a.ID + ":organization/o-demo1234ab")}
		for _, m := range []struct{ id, name string }{{a.ID, "management"}, {DemoMemberID, "production"}, {DemoMember2ID, "staging"}} {
			a.Organizations.Accounts = append(a.Organizations.Accounts, orgtypes.Account{Id: aws.String(m.id), Name: aws.String(m.name),
				Arn:    aws.String("arn:aws:organizations::" + a.ID + ":account/o-demo1234ab/" + m.id),
				Status: orgtypes.AccountStatusActive, State: orgtypes.AccountStateActive, Email: aws.String(m.name + "@example.com")})
		}
	}
	f.addRoleLocked("security-audit", "/", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+DemoMember2ID+`:role/auditor"},"Action":"sts:AssumeRole"}]}`, day(500)).
		AttachedPolicies = []string{"arn:aws:iam::aws:policy/SecurityAudit"}
}
