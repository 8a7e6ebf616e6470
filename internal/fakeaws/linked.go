package fakeaws

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// OrgConfig returns an aws.Config answered by root, in which the
// credentials that root's sts:AssumeRole issues for a member reach that
// member: a Finalize middleware, placed after the SDK signs the request
// and before the fake server, reads the access key ID from the request's
// Authorization header and hands the call to the member's Invoke. Calls
// signed with root's own credentials go to root.
//
// OrgConfig adds the members to root.Linked, so that root may assume
// their roles (the roles must still exist and trust root; see
// AddAuditRole).
func OrgConfig(root *Account, members ...*Account) aws.Config {
	accounts := map[string]*Account{root.ID: root}
	root.mu.Lock()
	if root.Linked == nil {
		root.Linked = map[string]*Account{}
	}
	for _, m := range members {
		root.Linked[m.ID] = m
	}
	for id, m := range root.Linked {
		accounts[id] = m
	}
	root.mu.Unlock()

	cfg := root.Config()
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		return st.Finalize.Insert(&credentialRouter{root: root, accounts: accounts}, "fakeaws.server", middleware.Before)
	})
	return cfg
}

// credentialRouter sends calls signed with assumed-role credentials to the
// account they were issued for.
type credentialRouter struct {
	root     *Account
	accounts map[string]*Account
}

func (*credentialRouter) ID() string { return "fakeaws.credentialRouter" }

func (r *credentialRouter) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return next.HandleFinalize(ctx, in)
	}
	id := accountOfKey(signingKeyID(req.Header.Get("Authorization")))
	if id == "" || id == r.root.ID {
		return next.HandleFinalize(ctx, in)
	}
	target := r.accounts[id]
	if target == nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, wrapHTTP(apiError("InvalidClientTokenId", "The security token included in the request is invalid."))
	}
	out, err := target.Invoke(ctx, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx),
		awsmiddleware.GetRegion(ctx), middleware.GetStackValue(ctx, inputKey{}))
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, wrapHTTP(err)
	}
	return middleware.FinalizeOutput{Result: out}, middleware.Metadata{}, nil
}

// signingKeyID returns the access key ID of a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...").
func signingKeyID(auth string) string {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(rest, "/")
	return key
}

// AddAuditRole adds to a's IAM a role named name (a path may precede the
// name: "audit/SecurityAudit") that trustedAccount may assume, requiring
// the external ID when it is not empty. The role has no policies: a
// test attaches what it needs.
func (a *Account) AddAuditRole(name, trustedAccount, externalID string) {
	stmt := map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + trustedAccount + ":root"},
		"Action":    "sts:AssumeRole",
	}
	if externalID != "" {
		stmt["Condition"] = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalID}}
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{stmt}})

	path := "/"
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		path, name = "/"+name[:i+1], name[i+1:]
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.IAM.Roles = append(a.IAM.Roles, &IAMRole{
		Role: iamtypes.Role{
			RoleName:                 aws.String(name),
			Path:                     aws.String(path),
			Arn:                      aws.String("arn:aws:iam::" + a.ID + ":role" + path + name),
			RoleId:                   aws.String("AROA" + strings.ToUpper(hex17(len(a.IAM.Roles)+1))),
			CreateDate:               aws.Time(a.now().Add(-30 * 24 * time.Hour)),
			AssumeRolePolicyDocument: aws.String(string(doc)),
		},
	})
}

// SeedOrganization makes root the management account of an organization
// with all features, listing root and every member as ACTIVE accounts
// (members already listed are left as they are), and makes each member
// see the same organization.
func SeedOrganization(root *Account, members ...*Account) {
	root.mu.Lock()
	if root.Organizations.Organization == nil {
		root.Organizations.Organization = &orgtypes.Organization{
			Id:                 aws.String("o-fake" + root.ID[len(root.ID)-6:]),
			Arn:                aws.String("arn:aws:organizations::" + root.ID + ":organization/o-fake" + root.ID[len(root.ID)-6:]),
			MasterAccountId:    aws.String(root.ID),
			MasterAccountArn:   aws.String("arn:aws:organizations::" + root.ID + ":account/o-fake" + root.ID[len(root.ID)-6:] + "/" + root.ID),
			MasterAccountEmail: aws.String("aws-root@example.com"),
			FeatureSet:         orgtypes.OrganizationFeatureSetAll,
		}
	}
	org := *root.Organizations.Organization
	listed := map[string]bool{}
	for _, acc := range root.Organizations.Accounts {
		listed[aws.ToString(acc.Id)] = true
	}
	joined := root.now().Add(-365 * 24 * time.Hour)
	for _, a := range append([]*Account{root}, members...) {
		if listed[a.ID] {
			continue
		}
		listed[a.ID] = true
		root.Organizations.Accounts = append(root.Organizations.Accounts, orgtypes.Account{
			Id:              aws.String(a.ID),
			Arn:             aws.String("arn:aws:organizations::" + root.ID + ":account/" + aws.ToString(org.Id) + "/" + a.ID),
			Name:            aws.String("account-" + a.ID),
			Email:           aws.String("aws+" + a.ID + "@example.com"),
			State:           orgtypes.AccountStateActive,
			Status:          orgtypes.AccountStatusActive,
			JoinedMethod:    orgtypes.AccountJoinedMethodCreated,
			JoinedTimestamp: aws.Time(joined),
		})
	}
	root.mu.Unlock()
	for _, m := range members {
		m.mu.Lock()
		o := org
		m.Organizations.Organization = &o
		m.mu.Unlock()
	}
}

// The accounts of DemoOrganization.
const (
	// DemoOrgRole is the audit role of the demo organization's accounts.
	DemoOrgRole = "SecPillarAudit"
	// DemoMemberID and DemoMember2ID are members with the audit role.
	DemoMemberID  = "234567890123"
	DemoMember2ID = "345678901234"
	// DemoDeniedID is a member without the audit role: AssumeRole is
	// denied.
	DemoDeniedID = "456789012345"
	// DemoSuspendedID is a SUSPENDED member.
	DemoSuspendedID = "567890123456"
)

// DemoOrganization returns an organization of demo accounts and a config
// for its management account (the demo account, DemoAccountID): two
// members seeded like the demo account, one member where DemoOrgRole
// cannot be assumed, and one suspended member. DemoOrgRole exists in the
// management account and the two members and trusts the management
// account.
func DemoOrganization() (aws.Config, *Account) {
	root := Demo()
	members := []*Account{demoWithID(DemoMemberID), demoWithID(DemoMember2ID), New(DemoDeniedID), New(DemoSuspendedID)}
	root.AddAuditRole(DemoOrgRole, root.ID, "")
	members[0].AddAuditRole(DemoOrgRole, root.ID, "")
	members[1].AddAuditRole(DemoOrgRole, root.ID, "")
	members[3].AddAuditRole(DemoOrgRole, root.ID, "")
	SeedOrganization(root, members...)
	root.mu.Lock()
	for i := range root.Organizations.Accounts {
		acc := &root.Organizations.Accounts[i]
		switch aws.ToString(acc.Id) {
		case root.ID:
			acc.Name = aws.String("management")
		case DemoMemberID:
			acc.Name = aws.String("production")
		case DemoMember2ID:
			acc.Name = aws.String("staging")
		case DemoDeniedID:
			acc.Name = aws.String("sandbox")
		case DemoSuspendedID:
			acc.Name = aws.String("retired")
			acc.State = orgtypes.AccountStateSuspended
			acc.Status = orgtypes.AccountStatusSuspended
		}
	}
	root.mu.Unlock()
	return OrgConfig(root, members...), root
}

// demoWithID is a demo account with another ID.
func demoWithID(id string) *Account {
	a := New(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	seedIdentityDemo(a)
	seedDetectiveDemo(a)
	seedInfrastructureDemo(a)
	seedDataProtectionDemo(a)
	seedIncidentDemo(a)
	return a
}
