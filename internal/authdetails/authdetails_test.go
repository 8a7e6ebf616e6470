package authdetails

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// pages answers GetAccountAuthorizationDetails with its pages in turn,
// keyed by the marker asked for ("" for the first).
type pages struct {
	byMarker map[string]*iam.GetAccountAuthorizationDetailsOutput
	inputs   []iam.GetAccountAuthorizationDetailsInput
}

func (p *pages) GetAccountAuthorizationDetails(_ context.Context, in *iam.GetAccountAuthorizationDetailsInput, _ ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	p.inputs = append(p.inputs, *in)
	return p.byMarker[aws.ToString(in.Marker)], nil
}

func user(name string) iamtypes.UserDetail {
	return iamtypes.UserDetail{UserName: aws.String(name), Arn: aws.String("arn:aws:iam::111122223333:user/" + name)}
}

func TestRead(t *testing.T) {
	api := &pages{byMarker: map[string]*iam.GetAccountAuthorizationDetailsOutput{
		"":   {UserDetailList: []iamtypes.UserDetail{user("a")}, IsTruncated: true, Marker: aws.String("m1")},
		"m1": {UserDetailList: []iamtypes.UserDetail{user("b")}},
	}}
	d, err := Read(context.Background(), api)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 2 {
		t.Errorf("%d users, want both pages' 2", len(d.Users))
	}
	for _, in := range api.inputs {
		if aws.ToInt32(in.MaxItems) != PageSize || in.Filter != nil {
			t.Errorf("input %+v: every caller must send the same input, MaxItems %d and no filter", in, PageSize)
		}
	}
}

func TestReadRejectsWhatItCannotTrust(t *testing.T) {
	for name, tc := range map[string]struct {
		pages   map[string]*iam.GetAccountAuthorizationDetailsOutput
		wantErr string
	}{
		"truncated without a marker": {map[string]*iam.GetAccountAuthorizationDetailsOutput{
			"": {UserDetailList: []iamtypes.UserDetail{user("a")}, IsTruncated: true},
		}, "truncated page without a marker"},
		"marker repeated": {map[string]*iam.GetAccountAuthorizationDetailsOutput{
			"":   {IsTruncated: true, Marker: aws.String("m1")},
			"m1": {IsTruncated: true, Marker: aws.String("m1")},
		}, "came back twice"},
		"user without an ARN": {map[string]*iam.GetAccountAuthorizationDetailsOutput{
			"": {UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("a")}}},
		}, "a user without an ARN or name"},
		"policy without an ARN": {map[string]*iam.GetAccountAuthorizationDetailsOutput{
			"": {Policies: []iamtypes.ManagedPolicyDetail{{PolicyName: aws.String("p")}}},
		}, "a managed policy without an ARN"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(context.Background(), &pages{byMarker: tc.pages})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
