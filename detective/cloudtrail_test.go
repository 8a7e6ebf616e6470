package detective_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func field(name string, equals ...string) cttypes.AdvancedFieldSelector {
	return cttypes.AdvancedFieldSelector{Field: aws.String(name), Equals: equals}
}

func adv(name string, fs ...cttypes.AdvancedFieldSelector) cttypes.AdvancedEventSelector {
	return cttypes.AdvancedEventSelector{Name: aws.String(name), FieldSelectors: fs}
}

func TestCheckCloudTrailMultiRegion(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		want    secpillar.Status
		wantErr string
	}{
		{"default selectors", func(a *fakeaws.Account) { a.CloudTrail.AddTrail(trail("main", "us-east-1", true)) }, secpillar.StatusPass, ""},
		{"shadow of a trail homed elsewhere", func(a *fakeaws.Account) { a.CloudTrail.AddTrail(trail("main", "ap-southeast-2", true)) }, secpillar.StatusPass, ""},
		{"organization trail of the management account", func(a *fakeaws.Account) {
			tr := trail("org", "eu-west-1", true)
			tr.Trail.IsOrganizationTrail = aws.Bool(true)
			tr.Trail.TrailARN = aws.String("arn:aws:cloudtrail:eu-west-1:999988887777:trail/org")
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusPass, ""},
		{"advanced management selector", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{adv("mgmt", field("eventCategory", "Management"))}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusPass, ""},
		{"read and write in two basic selectors", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.EventSelectors = []cttypes.EventSelector{
				{ReadWriteType: cttypes.ReadWriteTypeReadOnly, IncludeManagementEvents: aws.Bool(true)},
				{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)},
			}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusPass, ""},
		{"read and write in two advanced selectors", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{
				adv("r", field("eventCategory", "Management"), field("readOnly", "true")),
				adv("w", field("eventCategory", "Management"), field("readOnly", "false")),
			}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusPass, ""},
		{"single-Region", func(a *fakeaws.Account) { a.CloudTrail.AddTrail(trail("main", "us-east-1", false)) }, secpillar.StatusFail, ""},
		{"not logging", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.Logging = false
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusFail, ""},
		{"write only", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true)}}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusFail, ""},
		{"advanced read only", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{adv("r", field("eventCategory", "Management"), field("readOnly", "true"))}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusFail, ""},
		{"advanced excluding an event source", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{adv("m", field("eventCategory", "Management"),
				cttypes.AdvancedFieldSelector{Field: aws.String("eventSource"), NotEquals: []string{"kms.amazonaws.com"}})}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusFail, ""},
		{"excluded management sources", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true), ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusFail, ""},
		{"management events off", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(false),
				DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}}
			a.CloudTrail.AddTrail(tr)
		}, secpillar.StatusFail, ""},
		{"no trail", func(*fakeaws.Account) {}, secpillar.StatusFail, ""},
		{"access denied", func(a *fakeaws.Account) {
			a.CloudTrail.AddTrail(trail("main", "us-east-1", true))
			a.DenyAccess("CloudTrail", "GetTrailStatus", "")
		}, "", "explicit deny"},
		{"nil IsLogging", func(a *fakeaws.Account) {
			a.CloudTrail.AddTrail(trail("main", "us-east-1", true))
			a.Inject(fakeaws.Fault{Service: "CloudTrail", Operation: "GetTrailStatus", Respond: func(context.Context, any) (any, error) {
				return &cloudtrail.GetTrailStatusOutput{}, nil
			}})
		}, "", "no IsLogging"},
		{"nil IsMultiRegionTrail", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.Trail.IsMultiRegionTrail = nil
			a.CloudTrail.AddTrail(tr)
		}, "", "no IsMultiRegionTrail"},
		{"nil IncludeManagementEvents", func(a *fakeaws.Account) {
			a.CloudTrail.AddTrail(trail("main", "us-east-1", true))
			a.Inject(fakeaws.Fault{Service: "CloudTrail", Operation: "GetEventSelectors", Respond: func(context.Context, any) (any, error) {
				return &cloudtrail.GetEventSelectorsOutput{EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll}}}, nil
			}})
		}, "", "no IncludeManagementEvents"},
		{"unknown ReadWriteType", func(a *fakeaws.Account) {
			a.CloudTrail.AddTrail(trail("main", "us-east-1", true))
			a.Inject(fakeaws.Fault{Service: "CloudTrail", Operation: "GetEventSelectors", Respond: func(context.Context, any) (any, error) {
				return &cloudtrail.GetEventSelectorsOutput{EventSelectors: []cttypes.EventSelector{{ReadWriteType: "Sometimes", IncludeManagementEvents: aws.Bool(true)}}}, nil
			}})
		}, "", `unknown ReadWriteType "Sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tt.setup(acct)
			f, err := detective.CheckCloudTrailMultiRegion(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want || f.Reason == "" || f.Resource.Type != secpillar.AccountResourceType {
				t.Errorf("got %s %q %+v, want %s", f.Status, f.Reason, f.Resource, tt.want)
			}
		})
	}
}

func TestRemediateCloudTrailMultiRegion(t *testing.T) {
	dataSel := adv("data", field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"))
	setup := func() (*fakeaws.Account, *fakeaws.CloudTrailTrail) {
		acct := fakeaws.New(acctID)
		tr := trail("main", "eu-west-1", false)
		tr.Logging = false
		tr.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{dataSel}
		return acct, acct.CloudTrail.AddTrail(tr)
	}
	target := detective.MultiRegionTrailTarget{Trail: "main"}
	t.Run("dry run", func(t *testing.T) {
		acct, _ := setup()
		rem, err := detective.RemediateCloudTrailMultiRegion(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "eu-west-1")), target, secpillar.DryRun)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, c := range rem.Changes {
			actions = append(actions, c.Action)
		}
		if diff := cmp.Diff([]string{"cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging"}, actions); diff != "" {
			t.Errorf("actions (-want +got):\n%s", diff)
		}
		if rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 {
			t.Errorf("outcome %s, %d writes", rem.Outcome, writes(acct))
		}
	})
	t.Run("fix keeps existing selectors, then compliant", func(t *testing.T) {
		acct, tr := setup()
		api := cloudtrail.NewFromConfig(cfgIn(acct, "eu-west-1"))
		rem, err := detective.RemediateCloudTrailMultiRegion(ctx, api, target)
		if err != nil {
			t.Fatal(err)
		}
		if rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("outcome %s", rem.Outcome)
		}
		if len(tr.AdvancedEventSelectors) != 2 || aws.ToString(tr.AdvancedEventSelectors[0].Name) != "data" {
			t.Errorf("selectors not merged: %+v", tr.AdvancedEventSelectors)
		}
		f, err := detective.CheckCloudTrailMultiRegion(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")))
		if err != nil || f.Status != secpillar.StatusPass {
			t.Errorf("check after: %s %v", f.Status, err)
		}
		acct.ResetCalls()
		rem, err = detective.RemediateCloudTrailMultiRegion(ctx, api, target)
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
			t.Errorf("second run: %s %v, %d writes", rem.Outcome, err, writes(acct))
		}
	})
	t.Run("create with a bucket", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
		if _, err := detective.RemediateCloudTrailMultiRegion(ctx, api, detective.MultiRegionTrailTarget{Trail: "org-audit"}); err == nil || !strings.Contains(err.Error(), "BucketName is empty") {
			t.Fatalf("without bucket: err = %v", err)
		}
		if writes(acct) != 0 {
			t.Fatal("wrote without a bucket")
		}
		rem, err := detective.RemediateCloudTrailMultiRegion(ctx, api, detective.MultiRegionTrailTarget{Trail: "org-audit", BucketName: "audit-logs"})
		if err != nil || rem.Outcome != secpillar.OutcomeChanged || rem.Resource.ID != trailARN("us-east-1", "org-audit") {
			t.Fatalf("create: %+v %v", rem, err)
		}
	})
	t.Run("empty target", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		if _, err := detective.RemediateCloudTrailMultiRegion(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")), detective.MultiRegionTrailTarget{}); err == nil || len(acct.Calls()) != 0 {
			t.Errorf("err = %v, calls %d", err, len(acct.Calls()))
		}
	})
}

func TestCheckCloudTrailSettings(t *testing.T) {
	checks := map[string]func(context.Context, detective.TrailSettingsAPI, string) ([]secpillar.Finding, error){
		"kms": detective.CheckCloudTrailKMSEncrypted, "logs": detective.CheckCloudTrailCloudWatchLogs,
	}
	tests := []struct {
		name  string
		setup func(a *fakeaws.Account)
		want  map[string]secpillar.Status
		err   string
	}{
		{"pass", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.Trail.CloudWatchLogsLogGroupArn = aws.String("arn:aws:logs:us-east-1:" + acctID + ":log-group:ct:*")
			tr.Trail.CloudWatchLogsRoleArn = aws.String("arn:aws:iam::" + acctID + ":role/ct")
			a.CloudTrail.AddTrail(tr)
		}, map[string]secpillar.Status{"kms": secpillar.StatusPass, "logs": secpillar.StatusPass}, ""},
		{"fail (fields absent)", func(a *fakeaws.Account) {
			tr := trail("main", "us-east-1", true)
			tr.Trail.KmsKeyId = nil
			a.CloudTrail.AddTrail(tr)
		}, map[string]secpillar.Status{"kms": secpillar.StatusFail, "logs": secpillar.StatusFail}, ""},
		{"no trail", func(*fakeaws.Account) {}, map[string]secpillar.Status{"kms": secpillar.StatusNotApplicable, "logs": secpillar.StatusNotApplicable}, ""},
		{"denied", func(a *fakeaws.Account) { a.DenyAccess("CloudTrail", "DescribeTrails", "") }, nil, "explicit deny"},
		{"nil ARN", func(a *fakeaws.Account) {
			a.Inject(fakeaws.Fault{Service: "CloudTrail", Operation: "DescribeTrails", Respond: func(context.Context, any) (any, error) {
				return &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{{Name: aws.String("x"), HomeRegion: aws.String("us-east-1")}}}, nil
			}})
		}, nil, "no TrailARN"},
	}
	for _, tt := range tests {
		for name, check := range checks {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				acct := fakeaws.New(acctID)
				tt.setup(acct)
				got, err := check(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")), "us-east-1")
				if tt.err != "" {
					if err == nil || !strings.Contains(err.Error(), tt.err) {
						t.Fatalf("err = %v, want %q", err, tt.err)
					}
					return
				}
				if err != nil || len(got) != 1 || got[0].Status != tt.want[name] {
					t.Fatalf("got %+v %v, want %s", got, err, tt.want[name])
				}
			})
		}
	}
}

func TestRemediateCloudTrailSettings(t *testing.T) {
	key := "arn:aws:kms:eu-west-1:" + acctID + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	group := "arn:aws:logs:eu-west-1:" + acctID + ":log-group:cloudtrail"
	role := "arn:aws:iam::" + acctID + ":role/cloudtrail-logs"
	type fix func(context.Context, detective.TrailUpdateAPI, string, ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error)
	fixes := map[string]fix{
		"kms": func(c context.Context, api detective.TrailUpdateAPI, tr string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return detective.RemediateCloudTrailKMSEncrypted(c, api, tr, key, o...)
		},
		"logs": func(c context.Context, api detective.TrailUpdateAPI, tr string, o ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
			return detective.RemediateCloudTrailCloudWatchLogs(c, api, tr, group, role, o...)
		},
	}
	for name, fx := range fixes {
		t.Run(name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tr := trail("main", "eu-west-1", true)
			tr.Trail.KmsKeyId = nil
			tr.Trail.S3KeyPrefix = aws.String("keep-me")
			tt := acct.CloudTrail.AddTrail(tr)
			api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
			arn := trailARN("eu-west-1", "main")
			rem, err := fx(ctx, api, arn, secpillar.DryRun)
			if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 || len(rem.Changes) == 0 {
				t.Fatalf("dry run: %+v %v, %d writes", rem, err, writes(acct))
			}
			rem, err = fx(ctx, api, arn)
			if err != nil || rem.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("fix: %+v %v", rem, err)
			}
			if aws.ToString(tt.Trail.S3KeyPrefix) != "keep-me" || !aws.ToBool(tt.Trail.LogFileValidationEnabled) {
				t.Errorf("unrelated settings changed: %+v", tt.Trail)
			}
			acct.ResetCalls()
			rem, err = fx(ctx, api, arn)
			if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
				t.Errorf("second run: %s %v, %d writes", rem.Outcome, err, writes(acct))
			}
		})
	}
	t.Run("bad input before any call", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
		for _, err := range []error{
			second(detective.RemediateCloudTrailKMSEncrypted(ctx, api, "main", "alias/nope")),
			second(detective.RemediateCloudTrailCloudWatchLogs(ctx, api, "main", "log-group", role)),
			second(detective.RemediateCloudTrailCloudWatchLogs(ctx, api, "main", group, "arn:aws:iam::1:user/x")),
		} {
			if err == nil {
				t.Error("want an error")
			}
		}
		if len(acct.Calls()) != 0 {
			t.Errorf("calls = %v", acct.Calls())
		}
	})
	t.Run("key in another Region", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		tr := trail("main", "us-east-1", true)
		tr.Trail.KmsKeyId = nil
		acct.CloudTrail.AddTrail(tr)
		_, err := detective.RemediateCloudTrailKMSEncrypted(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")), "main", key)
		if err == nil || !strings.Contains(err.Error(), "home Region") || writes(acct) != 0 {
			t.Errorf("err = %v", err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestCloudTrailS3DataEvents(t *testing.T) {
	tests := []struct {
		name        string
		basic       []cttypes.EventSelector
		advanced    []cttypes.AdvancedEventSelector
		multi       bool
		write, read secpillar.Status
	}{
		{"none", nil, nil, true, secpillar.StatusFail, secpillar.StatusFail},
		{"basic all buckets, write only", []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3:::"}}}}}, nil, true, secpillar.StatusPass, secpillar.StatusFail},
		{"basic all buckets, all", []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}}, nil, true, secpillar.StatusPass, secpillar.StatusPass},
		{"basic one bucket", []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3:::payroll/"}}}}}, nil, true, secpillar.StatusFail, secpillar.StatusFail},
		{"advanced read only", nil, []cttypes.AdvancedEventSelector{adv("r", field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"), field("readOnly", "true"))}, true, secpillar.StatusFail, secpillar.StatusPass},
		{"advanced both", nil, []cttypes.AdvancedEventSelector{adv("rw", field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"))}, true, secpillar.StatusPass, secpillar.StatusPass},
		{"advanced one event name", nil, []cttypes.AdvancedEventSelector{adv("rw", field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"), field("eventName", "PutObject"))}, true, secpillar.StatusFail, secpillar.StatusFail},
		{"single-Region trail does not count", nil, []cttypes.AdvancedEventSelector{adv("rw", field("eventCategory", "Data"), field("resources.type", "AWS::S3::Object"))}, false, secpillar.StatusFail, secpillar.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tr := trail("main", "us-east-1", tt.multi)
			tr.EventSelectors, tr.AdvancedEventSelectors = tt.basic, tt.advanced
			acct.CloudTrail.AddTrail(tr)
			api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
			w, err := detective.CheckCloudTrailS3DataEvents(ctx, api, detective.S3WriteEvents)
			if err != nil {
				t.Fatal(err)
			}
			r, err := detective.CheckCloudTrailS3DataEvents(ctx, api, detective.S3ReadEvents)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]secpillar.Status{tt.write, tt.read}, []secpillar.Status{w.Status, r.Status}); diff != "" {
				t.Errorf("write, read (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		acct.CloudTrail.AddTrail(trail("main", "us-east-1", true))
		acct.DenyAccess("CloudTrail", "GetEventSelectors", "")
		if _, err := detective.CheckCloudTrailS3DataEvents(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")), detective.S3WriteEvents); err == nil {
			t.Error("denied: want error")
		}
		if _, err := detective.CheckCloudTrailS3DataEvents(ctx, cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1")), 0); err == nil {
			t.Error("bad kind: want error")
		}
	})
}

func TestRemediateCloudTrailS3DataEvents(t *testing.T) {
	mgmt := cttypes.EventSelector{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true), ExcludeManagementEventSources: []string{}, DataResources: []cttypes.DataResource{
		{Type: aws.String("AWS::Lambda::Function"), Values: []string{"arn:aws:lambda"}}}}
	for _, basic := range []bool{true, false} {
		name := map[bool]string{true: "basic", false: "advanced"}[basic]
		t.Run(name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tr := trail("main", "us-east-1", true)
			if basic {
				tr.EventSelectors = []cttypes.EventSelector{mgmt}
			} else {
				tr.AdvancedEventSelectors = []cttypes.AdvancedEventSelector{adv("mgmt", field("eventCategory", "Management"))}
			}
			tt := acct.CloudTrail.AddTrail(tr)
			api := cloudtrail.NewFromConfig(cfgIn(acct, "us-east-1"))
			rem, err := detective.RemediateCloudTrailS3DataEvents(ctx, api, "main", detective.S3WriteEvents, secpillar.DryRun)
			if err != nil || rem.Outcome != secpillar.OutcomePlanned || writes(acct) != 0 {
				t.Fatalf("dry run: %+v %v", rem, err)
			}
			rem, err = detective.RemediateCloudTrailS3DataEvents(ctx, api, "main", detective.S3WriteEvents)
			if err != nil || rem.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("fix: %+v %v", rem, err)
			}
			if basic {
				if len(tt.EventSelectors) != 2 || cmp.Diff(mgmt, tt.EventSelectors[0], cmpopts.IgnoreUnexported(cttypes.EventSelector{}, cttypes.DataResource{})) != "" {
					t.Errorf("existing selector not kept: %+v", tt.EventSelectors)
				}
			} else if len(tt.AdvancedEventSelectors) != 2 || aws.ToString(tt.AdvancedEventSelectors[0].Name) != "mgmt" {
				t.Errorf("existing selector not kept: %+v", tt.AdvancedEventSelectors)
			}
			f, _ := detective.CheckCloudTrailMultiRegion(ctx, api)
			if f.Status != secpillar.StatusPass {
				t.Errorf("management logging broken: %s", f.Reason)
			}
			rem, err = detective.RemediateCloudTrailS3DataEvents(ctx, api, "main", detective.S3ReadEvents)
			if err != nil || rem.Outcome != secpillar.OutcomeChanged {
				t.Fatalf("read fix: %+v %v", rem, err)
			}
			acct.ResetCalls()
			for _, k := range []detective.S3Events{detective.S3WriteEvents, detective.S3ReadEvents} {
				rem, err = detective.RemediateCloudTrailS3DataEvents(ctx, api, "main", k)
				if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
					t.Errorf("second run: %s %v", rem.Outcome, err)
				}
			}
		})
	}
}
