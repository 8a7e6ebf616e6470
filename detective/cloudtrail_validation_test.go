package detective_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestCheckCloudTrailLogValidation(t *testing.T) {
	type result struct {
		ID     string
		Status secpillar.Status
		Acct   string
	}
	tests := []struct {
		name    string
		region  string
		setup   func(a *fakeaws.Account)
		want    []result
		wantErr string
	}{
		{
			name: "pass", region: "us-east-1",
			setup: func(a *fakeaws.Account) { a.CloudTrail.AddTrail(trail("main", "us-east-1", true)) },
			want:  []result{{trailARN("us-east-1", "main"), secpillar.StatusPass, acctID}},
		},
		{
			name: "fail", region: "us-east-1",
			setup: func(a *fakeaws.Account) {
				tr := trail("main", "us-east-1", false)
				tr.Trail.LogFileValidationEnabled = aws.Bool(false)
				a.CloudTrail.AddTrail(tr)
				a.CloudTrail.AddTrail(trail("second", "us-east-1", false))
			},
			want: []result{
				{trailARN("us-east-1", "main"), secpillar.StatusFail, acctID},
				{trailARN("us-east-1", "second"), secpillar.StatusPass, acctID},
			},
		},
		{
			name: "shadow trail is left to its home Region", region: "eu-west-1",
			setup: func(a *fakeaws.Account) {
				tr := trail("main", "us-east-1", true)
				tr.Trail.LogFileValidationEnabled = aws.Bool(false)
				a.CloudTrail.AddTrail(tr)
			},
			want: []result{{"AWS::::Account:", secpillar.StatusNotApplicable, ""}},
		},
		{
			name: "organization trail of the management account counts", region: "us-east-1",
			setup: func(a *fakeaws.Account) {
				tr := trail("org", "us-east-1", true)
				tr.Trail.IsOrganizationTrail = aws.Bool(true)
				tr.Trail.TrailARN = aws.String("arn:aws:cloudtrail:us-east-1:999988887777:trail/org")
				a.CloudTrail.AddTrail(tr)
			},
			want: []result{{"arn:aws:cloudtrail:us-east-1:999988887777:trail/org", secpillar.StatusPass, "999988887777"}},
		},
		{
			name: "no trail", region: "us-east-1", setup: func(*fakeaws.Account) {},
			want: []result{{"AWS::::Account:", secpillar.StatusNotApplicable, ""}},
		},
		{
			name: "access denied", region: "us-east-1",
			setup:   func(a *fakeaws.Account) { a.DenyAccess("CloudTrail", "DescribeTrails", "") },
			wantErr: "explicit deny",
		},
		{
			name: "nil LogFileValidationEnabled", region: "us-east-1",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "CloudTrail", Operation: "DescribeTrails", Respond: func(context.Context, any) (any, error) {
					return &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{{Name: aws.String("x"), HomeRegion: aws.String("us-east-1"), TrailARN: aws.String(trailARN("us-east-1", "x"))}}}, nil
				}})
			},
			wantErr: "no LogFileValidationEnabled",
		},
		{
			name: "nil HomeRegion", region: "us-east-1",
			setup: func(a *fakeaws.Account) {
				a.Inject(fakeaws.Fault{Service: "CloudTrail", Operation: "DescribeTrails", Respond: func(context.Context, any) (any, error) {
					return &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{{Name: aws.String("x"), TrailARN: aws.String(trailARN("us-east-1", "x"))}}}, nil
				}})
			},
			wantErr: "no HomeRegion",
		},
		{name: "empty region", region: "", setup: func(*fakeaws.Account) {}, wantErr: "region is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tt.setup(acct)
			region := tt.region
			if region == "" {
				region = "us-east-1"
			}
			got, err := detective.CheckCloudTrailLogValidation(ctx, cloudtrail.NewFromConfig(cfgIn(acct, region)), tt.region)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var res []result
			for _, f := range got {
				if f.Control != detective.IDCloudTrailLogValidation || f.Reason == "" {
					t.Errorf("finding %+v lacks control or reason", f)
				}
				res = append(res, result{f.Resource.ID, f.Status, f.Resource.Account})
			}
			if diff := cmp.Diff(tt.want, res); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemediateCloudTrailLogValidation(t *testing.T) {
	setup := func() (*fakeaws.Account, *fakeaws.CloudTrailTrail) {
		acct := fakeaws.New(acctID)
		tr := trail("main", "eu-west-1", true)
		tr.Trail.LogFileValidationEnabled = aws.Bool(false)
		tr.Trail.CloudWatchLogsLogGroupArn = aws.String("arn:aws:logs:eu-west-1:" + acctID + ":log-group:trail:*")
		tr.Trail.CloudWatchLogsRoleArn = aws.String("arn:aws:iam::" + acctID + ":role/trail-logs")
		return acct, acct.CloudTrail.AddTrail(tr)
	}

	t.Run("dry run writes nothing", func(t *testing.T) {
		acct, tr := setup()
		api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
		rem, err := detective.RemediateCloudTrailLogValidation(ctx, api, trailARN("eu-west-1", "main"), secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		want := []secpillar.Change{{
			Resource: secpillar.Resource{Type: detective.TrailResourceType, ID: trailARN("eu-west-1", "main"), Region: "eu-west-1", Account: acctID},
			Action:   "cloudtrail:UpdateTrail", Field: "LogFileValidationEnabled", Before: "false", After: "true",
		}}
		if rem.Outcome != secpillar.OutcomePlanned {
			t.Errorf("outcome = %s, want PLANNED", rem.Outcome)
		}
		if diff := cmp.Diff(want, rem.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if n := writes(acct); n != 0 || aws.ToBool(tr.Trail.LogFileValidationEnabled) {
			t.Errorf("dry run wrote %d times", n)
		}
	})

	t.Run("changes in the home Region, keeps other settings, second run is compliant", func(t *testing.T) {
		acct, tr := setup()
		before := tr.Trail
		api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
		rem, err := detective.RemediateCloudTrailLogValidation(ctx, api, trailARN("eu-west-1", "main"))
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("outcome = %s, want CHANGED", rem.Outcome)
		}
		var regions []string
		for _, c := range acct.Calls() {
			if c.Operation == "UpdateTrail" {
				regions = append(regions, c.Region)
			}
		}
		if diff := cmp.Diff([]string{"eu-west-1"}, regions); diff != "" {
			t.Errorf("UpdateTrail Regions (-want +got):\n%s", diff)
		}
		before.LogFileValidationEnabled = aws.Bool(true)
		if diff := cmp.Diff(before, tr.Trail, cmp.AllowUnexported(cttypes.Trail{})); diff != "" {
			t.Errorf("trail after (-want +got):\n%s", diff)
		}
		acct.ResetCalls()
		rem, err = detective.RemediateCloudTrailLogValidation(ctx, api, trailARN("eu-west-1", "main"))
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
			t.Errorf("second run: outcome %s, %d writes; want COMPLIANT, 0", rem.Outcome, writes(acct))
		}
	})

	t.Run("by name in the home Region", func(t *testing.T) {
		acct, _ := setup()
		rem, err := detective.RemediateCloudTrailLogValidation(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "eu-west-1")), "main")
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("got %s, %v", rem.Outcome, err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for name, tc := range map[string]struct {
			trail string
			setup func(*fakeaws.Account)
			want  string
		}{
			"empty":         {"", func(*fakeaws.Account) {}, "trail is empty"},
			"bad ARN":       {"arn:aws:s3:::bucket", func(*fakeaws.Account) {}, "not a CloudTrail trail ARN"},
			"unknown":       {"nope", func(*fakeaws.Account) {}, "not found"},
			"denied update": {trailARN("eu-west-1", "main"), func(a *fakeaws.Account) { a.DenyAccess("CloudTrail", "UpdateTrail", "") }, "explicit deny"},
			"denied read":   {trailARN("eu-west-1", "main"), func(a *fakeaws.Account) { a.DenyAccess("CloudTrail", "DescribeTrails", "") }, "explicit deny"},
		} {
			t.Run(name, func(t *testing.T) {
				acct, _ := setup()
				tc.setup(acct)
				_, err := detective.RemediateCloudTrailLogValidation(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")), tc.trail)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
			})
		}
	})

	t.Run("catalogue adapter", func(t *testing.T) {
		acct, _ := setup()
		c := controlByID(t, detective.IDCloudTrailLogValidation)
		findings, err := c.Check(ctx, cfgIn(acct, "eu-west-1"))
		if err != nil || len(findings) != 1 || findings[0].Status != secpillar.StatusFail {
			t.Fatalf("check: %+v, %v", findings, err)
		}
		rem, err := c.Remediate(ctx, cfgIn(acct, "eu-west-1"), findings[0], secpillar.RemediateOptions{})
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("remediate: %+v, %v", rem, err)
		}
		if _, err := c.Remediate(ctx, cfgIn(acct, "eu-west-1"), secpillar.Finding{Resource: secpillar.AccountResource(acctID)}, secpillar.RemediateOptions{}); err == nil {
			t.Error("remediating an account finding: want an error")
		}
	})
}

func controlByID(t *testing.T, id string) secpillar.Control {
	t.Helper()
	for _, c := range detective.Controls() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("control %s not in Controls()", id)
	return secpillar.Control{}
}
