package fakeaws_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestOrganizationsAndRootAccessFeatures(t *testing.T) {
	acct := fakeaws.New("111122223333")
	ctx := context.Background()
	org := organizations.NewFromConfig(acct.Config())
	c := iam.NewFromConfig(acct.Config())
	_, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	if !errors.As(err, &notInUse) {
		t.Fatalf("no organization: want AWSOrganizationsNotInUseException, got %v", err)
	}
	_, err = c.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	var noOrg *iamtypes.OrganizationNotFoundException
	if !errors.As(err, &noOrg) {
		t.Fatalf("no organization: want OrganizationNotFoundException, got %v", err)
	}

	acct.Organizations.Organization = &orgtypes.Organization{Id: aws.String("o-1"), FeatureSet: orgtypes.OrganizationFeatureSetAll, MasterAccountId: aws.String(acct.ID)}
	_, err = c.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
	var noAccess *iamtypes.ServiceAccessNotEnabledException
	if !errors.As(err, &noAccess) {
		t.Fatalf("without trusted access: want ServiceAccessNotEnabledException, got %v", err)
	}
	if _, err := org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("iam.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
	if err != nil || len(out.EnabledFeatures) != 1 {
		t.Fatalf("enable = %+v, %v", out, err)
	}
	feats, err := c.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	if err != nil || len(feats.EnabledFeatures) != 1 || feats.EnabledFeatures[0] != iamtypes.FeatureTypeRootCredentialsManagement {
		t.Fatalf("features = %+v, %v", feats, err)
	}
	// A member account cannot read them.
	acct.Organizations.Organization.MasterAccountId = aws.String("999900001111")
	_, err = c.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	var notMgmt *iamtypes.AccountNotManagementOrDelegatedAdministratorException
	if !errors.As(err, &notMgmt) {
		t.Fatalf("member: want AccountNotManagementOrDelegatedAdministratorException, got %v", err)
	}
}

func TestAccessAnalyzerIsRegional(t *testing.T) {
	acct := fakeaws.New("111122223333")
	ctx := context.Background()
	eu := accessanalyzer.NewFromConfig(acct.Config(), func(o *accessanalyzer.Options) { o.Region = "eu-west-1" })
	us := accessanalyzer.NewFromConfig(acct.Config())
	if _, err := eu.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("a"), Type: aatypes.TypeAccount}); err != nil {
		t.Fatal(err)
	}
	_, err := eu.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("a"), Type: aatypes.TypeAccount})
	var conflict *aatypes.ConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("same name twice: want ConflictException, got %v", err)
	}
	euList, err := eu.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	if err != nil || len(euList.Analyzers) != 1 || euList.Analyzers[0].Status != aatypes.AnalyzerStatusActive {
		t.Fatalf("eu-west-1 = %+v, %v", euList, err)
	}
	usList, err := us.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	if err != nil || len(usList.Analyzers) != 0 {
		t.Fatalf("us-east-1 = %+v, %v", usList, err)
	}
}

func TestAlternateContacts(t *testing.T) {
	acct := fakeaws.New("111122223333")
	ctx := context.Background()
	c := account.NewFromConfig(acct.Config())
	_, err := c.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	var nf *accounttypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("none: want ResourceNotFoundException, got %v", err)
	}
	in := &account.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity, Name: aws.String("n"), Title: aws.String("t"),
		EmailAddress: aws.String("s@example.com"), PhoneNumber: aws.String("1")}
	if _, err := c.PutAlternateContact(ctx, in); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	if err != nil || aws.ToString(out.AlternateContact.EmailAddress) != "s@example.com" {
		t.Fatalf("contact = %+v, %v", out, err)
	}
}
