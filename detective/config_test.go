package detective_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

func TestCheckConfigRecorder(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(a *fakeaws.Account)
		opts    func(*detective.ConfigRecorderOptions)
		want    secpillar.Status
		reason  string
		wantErr string
	}{
		{"pass", func(a *fakeaws.Account) { a.ConfigService.AddRecorder("eu-west-1", true, true, "config-bucket") }, nil, secpillar.StatusPass, "records all", ""},
		{"no recorder", func(*fakeaws.Account) {}, nil, secpillar.StatusFail, "no configuration recorder", ""},
		{"recorder in another Region only", func(a *fakeaws.Account) { a.ConfigService.AddRecorder("us-east-1", true, true, "b") }, nil, secpillar.StatusFail, "no configuration recorder", ""},
		{"not recording", func(a *fakeaws.Account) { a.ConfigService.AddRecorder("eu-west-1", true, false, "b") }, nil, secpillar.StatusFail, "is not recording", ""},
		{"no global types", func(a *fakeaws.Account) { a.ConfigService.AddRecorder("eu-west-1", false, true, "b") }, nil, secpillar.StatusFail, "global resource types", ""},
		{"no global types outside the global Region", func(a *fakeaws.Account) { a.ConfigService.AddRecorder("eu-west-1", false, true, "b") },
			func(o *detective.ConfigRecorderOptions) { o.GlobalResourcesRegion = "us-east-1" }, secpillar.StatusPass, "", ""},
		{"exclusion list", func(a *fakeaws.Account) {
			r := a.ConfigService.AddRecorder("eu-west-1", true, true, "b")
			r.Recorder.RecordingGroup = &cfgtypes.RecordingGroup{IncludeGlobalResourceTypes: true, ExclusionByResourceTypes: &cfgtypes.ExclusionByResourceTypes{ResourceTypes: []cfgtypes.ResourceType{"AWS::EC2::Instance"}},
				RecordingStrategy: &cfgtypes.RecordingStrategy{UseOnly: cfgtypes.RecordingStrategyTypeExclusionByResourceTypes}}
		}, nil, secpillar.StatusFail, "EXCLUSION_BY_RESOURCE_TYPES", ""},
		{"no delivery channel", func(a *fakeaws.Account) { a.ConfigService.AddRecorder("eu-west-1", true, true, "") }, nil, secpillar.StatusFail, "no delivery channel", ""},
		{"delivery failing", func(a *fakeaws.Account) {
			a.ConfigService.AddRecorder("eu-west-1", true, true, "b")
			ch := a.ConfigService.Region("eu-west-1").Channels[0]
			ch.HistoryStatus, ch.LastErrorCode = cfgtypes.DeliveryStatusFailure, "AccessDenied"
		}, nil, secpillar.StatusFail, "failed its last history delivery", ""},
		{"service-linked recorder does not count", func(a *fakeaws.Account) {
			r := a.ConfigService.AddRecorder("eu-west-1", true, true, "b")
			r.Recorder.ServicePrincipal = aws.String("securityhub.amazonaws.com")
		}, nil, secpillar.StatusFail, "no configuration recorder", ""},
		{"denied", func(a *fakeaws.Account) { a.DenyAccess("Config Service", "DescribeConfigurationRecorders", "") }, nil, "", "", "explicit deny"},
		{"nil RecordingGroup", func(a *fakeaws.Account) {
			a.ConfigService.AddRecorder("eu-west-1", true, true, "b").Recorder.RecordingGroup = nil
		}, nil, "", "", "no RecordingGroup"},
		{"unknown strategy", func(a *fakeaws.Account) {
			a.ConfigService.AddRecorder("eu-west-1", true, true, "b").Recorder.RecordingGroup.RecordingStrategy.UseOnly = "SOMETHING_NEW"
		}, nil, "", "", `unknown recording strategy "SOMETHING_NEW"`},
		{"status missing", func(a *fakeaws.Account) {
			a.ConfigService.AddRecorder("eu-west-1", true, true, "b")
			a.Inject(fakeaws.Fault{Service: "Config Service", Operation: "DescribeConfigurationRecorderStatus", Respond: func(context.Context, any) (any, error) {
				return &configservice.DescribeConfigurationRecorderStatusOutput{}, nil
			}})
		}, nil, "", "", "no status for recorder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeaws.New(acctID)
			tt.setup(acct)
			var opts []func(*detective.ConfigRecorderOptions)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			f, err := detective.CheckConfigRecorder(ctx, configservice.NewFromConfig(cfgIn(acct, "eu-west-1")), "eu-west-1", opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.want || !strings.Contains(f.Reason, tt.reason) || f.Resource.Region != "eu-west-1" {
				t.Errorf("got %s %q %+v, want %s with %q", f.Status, f.Reason, f.Resource, tt.want, tt.reason)
			}
		})
	}
}

func TestRemediateConfigRecorder(t *testing.T) {
	target := detective.ConfigRecorderTarget{AccountID: acctID, BucketName: "config-logs"}
	t.Run("create everything", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		api := configservice.NewFromConfig(cfgIn(acct, "eu-west-1"))
		rem, err := detective.RemediateConfigRecorder(ctx, api, target, secpillar.DryRun)
		if err != nil || rem.Outcome != secpillar.OutcomePlanned || len(rem.Changes) != 3 || writes(acct) != 0 {
			t.Fatalf("dry run: %+v %v, %d writes", rem, err, writes(acct))
		}
		rem, err = detective.RemediateConfigRecorder(ctx, api, target)
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("fix: %+v %v", rem, err)
		}
		if role := aws.ToString(acct.ConfigService.Region("eu-west-1").Recorders[0].Recorder.RoleARN); !strings.HasSuffix(role, "/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig") {
			t.Errorf("role = %s, want the service-linked role", role)
		}
		f, _ := detective.CheckConfigRecorder(ctx, api, "eu-west-1")
		if f.Status != secpillar.StatusPass {
			t.Errorf("after: %s", f.Reason)
		}
		acct.ResetCalls()
		rem, err = detective.RemediateConfigRecorder(ctx, api, target)
		if err != nil || rem.Outcome != secpillar.OutcomeCompliant || writes(acct) != 0 {
			t.Errorf("second run: %s %v", rem.Outcome, err)
		}
	})
	t.Run("existing recorder keeps name, role and mode", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		r := acct.ConfigService.AddRecorder("eu-west-1", false, false, "existing-bucket")
		r.Recorder.Name = aws.String("corp")
		r.Recorder.RoleARN = aws.String("arn:aws:iam::" + acctID + ":role/corp-config")
		r.Recorder.RecordingMode = &cfgtypes.RecordingMode{RecordingFrequency: cfgtypes.RecordingFrequencyDaily}
		api := configservice.NewFromConfig(cfgIn(acct, "eu-west-1"))
		rem, err := detective.RemediateConfigRecorder(ctx, api, detective.ConfigRecorderTarget{})
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("fix: %+v %v", rem, err)
		}
		got := acct.ConfigService.Region("eu-west-1").Recorders[0].Recorder
		if aws.ToString(got.Name) != "corp" || aws.ToString(got.RoleARN) != "arn:aws:iam::"+acctID+":role/corp-config" || got.RecordingMode.RecordingFrequency != cfgtypes.RecordingFrequencyDaily || !got.RecordingGroup.IncludeGlobalResourceTypes {
			t.Errorf("recorder after: %+v", got)
		}
		if ch := acct.ConfigService.Region("eu-west-1").Channels; len(ch) != 1 || aws.ToString(ch[0].Channel.S3BucketName) != "existing-bucket" {
			t.Errorf("channel changed: %+v", ch)
		}
	})
	t.Run("missing inputs fail before writes", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		api := configservice.NewFromConfig(cfgIn(acct, "eu-west-1"))
		for _, tg := range []detective.ConfigRecorderTarget{{BucketName: "b"}, {AccountID: acctID}, {RoleARN: "not-an-arn", BucketName: "b"}} {
			if _, err := detective.RemediateConfigRecorder(ctx, api, tg); err == nil {
				t.Errorf("%+v: want an error", tg)
			}
		}
		if writes(acct) != 0 {
			t.Errorf("%d writes", writes(acct))
		}
	})
	t.Run("adapter", func(t *testing.T) {
		acct := fakeaws.New(acctID)
		acct.ConfigService.AddRecorder("ap-southeast-2", true, false, "b")
		c := controlByID(t, detective.IDConfigRecorderEnabled)
		fs, err := c.Check(ctx, cfgIn(acct, "ap-southeast-2"))
		if err != nil || fs[0].Status != secpillar.StatusFail {
			t.Fatalf("check: %+v %v", fs, err)
		}
		fs[0].Resource.Account = acctID
		rem, err := c.Remediate(ctx, cfgIn(acct, "us-east-1"), fs[0], secpillar.RemediateOptions{})
		if err != nil || rem.Outcome != secpillar.OutcomeChanged {
			t.Fatalf("remediate: %+v %v", rem, err)
		}
	})
}
