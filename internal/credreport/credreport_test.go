package credreport_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar/internal/credreport"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeClock sleeps by moving time forward and records every pause.
type fakeClock struct {
	now    time.Time
	pauses []time.Duration
}

func (c *fakeClock) opts(o *credreport.Options) {
	o.Now = func() time.Time { return c.now }
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.pauses = append(c.pauses, d)
		c.now = c.now.Add(d)
		return nil
	}
}

func TestFetchPollsThroughStates(t *testing.T) {
	acct := fakeaws.New("111122223333")
	acct.Now = func() time.Time { return t0 }
	u := acct.IAM.AddUser("alice", t0.AddDate(-1, 0, 0))
	u.AddAccessKey("AKIAALICE00000000001", iamtypes.StatusTypeActive, t0.AddDate(0, -4, 0), nil)
	clock := &fakeClock{now: t0}

	rep, err := credreport.Fetch(context.Background(), iam.NewFromConfig(acct.Config()), clock.opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.GeneratedTime.Equal(t0) || rep.Root == nil || len(rep.Users) != 1 || !rep.Users[0].AccessKeys[0].Active {
		t.Errorf("report = %+v", rep)
	}
	// STARTED, INPROGRESS, COMPLETE: two pauses, doubling.
	if diff := cmp.Diff([]time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, clock.pauses); diff != "" {
		t.Errorf("pauses (-want +got):\n%s", diff)
	}
	want := map[string]int{"IAM.GenerateCredentialReport": 3, "IAM.GetCredentialReport": 1}
	if diff := cmp.Diff(want, acct.CallCounts()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// scripted answers Generate and Get from lists of results.
type scripted struct {
	gens []func() (*iam.GenerateCredentialReportOutput, error)
	gets []func() (*iam.GetCredentialReportOutput, error)
	g, r int
}

func (s *scripted) GenerateCredentialReport(ctx context.Context, in *iam.GenerateCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error) {
	f := s.gens[min(s.g, len(s.gens)-1)]
	s.g++
	return f()
}

func (s *scripted) GetCredentialReport(ctx context.Context, in *iam.GetCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error) {
	f := s.gets[min(s.r, len(s.gets)-1)]
	s.r++
	return f()
}

func state(st iamtypes.ReportStateType) func() (*iam.GenerateCredentialReportOutput, error) {
	return func() (*iam.GenerateCredentialReportOutput, error) {
		return &iam.GenerateCredentialReportOutput{State: st}, nil
	}
}

const csvBody = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n" +
	"<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,false,false,N/A,N/A,false,N/A,N/A\n"

func content() (*iam.GetCredentialReportOutput, error) {
	return &iam.GetCredentialReportOutput{Content: []byte(csvBody), GeneratedTime: aws.Time(t0), ReportFormat: iamtypes.ReportFormatTypeTextCsv}, nil
}

func TestFetch(t *testing.T) {
	notReady := func() (*iam.GetCredentialReportOutput, error) {
		return nil, &iamtypes.CredentialReportNotReadyException{Message: aws.String("not ready")}
	}
	expired := func() (*iam.GetCredentialReportOutput, error) {
		return nil, &iamtypes.CredentialReportExpiredException{Message: aws.String("expired")}
	}
	denied := func() (*iam.GenerateCredentialReportOutput, error) {
		return nil, errors.New("AccessDenied: not authorized")
	}
	tests := []struct {
		name      string
		api       *scripted
		maxWait   time.Duration
		wantErr   string
		wantGens  int
		wantGets  int
		wantPause int
	}{
		{name: "complete at once", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeComplete)}, gets: []func() (*iam.GetCredentialReportOutput, error){content}},
			wantGens: 1, wantGets: 1},
		{name: "get not ready then ready", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeComplete)}, gets: []func() (*iam.GetCredentialReportOutput, error){notReady, notReady, content}},
			wantGens: 1, wantGets: 3, wantPause: 2},
		{name: "expired regenerates", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeComplete)}, gets: []func() (*iam.GetCredentialReportOutput, error){expired, content}},
			wantGens: 2, wantGets: 2, wantPause: 1},
		{name: "never ready hits the cap", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeInprogress)}},
			maxWait: 10 * time.Second, wantErr: "credreport: the credential report was not ready within 10s (state INPROGRESS)"},
		{name: "unknown state", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state("PAUSED")}},
			wantErr: `credreport: generate the credential report: unknown state "PAUSED"`},
		{name: "generate denied", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){denied}},
			wantErr: "credreport: generate the credential report: AccessDenied: not authorized"},
		{name: "nil content", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeComplete)}, gets: []func() (*iam.GetCredentialReportOutput, error){
			func() (*iam.GetCredentialReportOutput, error) {
				return &iam.GetCredentialReportOutput{GeneratedTime: aws.Time(t0)}, nil
			}}},
			wantErr: "credreport: get the credential report: the response has no Content"},
		{name: "nil generated time", api: &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeComplete)}, gets: []func() (*iam.GetCredentialReportOutput, error){
			func() (*iam.GetCredentialReportOutput, error) {
				return &iam.GetCredentialReportOutput{Content: []byte(csvBody)}, nil
			}}},
			wantErr: "credreport: get the credential report: the response has no GeneratedTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: t0}
			rep, err := credreport.Fetch(context.Background(), tt.api, clock.opts, func(o *credreport.Options) { o.MaxWait = tt.maxWait })
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Root == nil || !rep.GeneratedTime.Equal(t0) {
				t.Errorf("report = %+v", rep)
			}
			if tt.api.g != tt.wantGens || tt.api.r != tt.wantGets || len(clock.pauses) != tt.wantPause {
				t.Errorf("generate %d get %d pauses %v; want %d %d %d", tt.api.g, tt.api.r, clock.pauses, tt.wantGens, tt.wantGets, tt.wantPause)
			}
		})
	}
}

func TestFetchBackoffIsCapped(t *testing.T) {
	api := &scripted{gens: []func() (*iam.GenerateCredentialReportOutput, error){state(iamtypes.ReportStateTypeStarted)}}
	clock := &fakeClock{now: t0}
	_, err := credreport.Fetch(context.Background(), api, clock.opts)
	if err == nil || !strings.Contains(err.Error(), "not ready within 1m0s") {
		t.Fatalf("error = %v", err)
	}
	var total time.Duration
	for _, p := range clock.pauses {
		if p > credreport.DefaultMaxBackoff || p <= 0 {
			t.Fatalf("pause %v out of bounds", p)
		}
		total += p
	}
	if total != time.Minute {
		t.Errorf("waited %v, want exactly the one-minute cap", total)
	}
	if len(clock.pauses) > 20 {
		t.Errorf("%d polls in a minute: too many", len(clock.pauses))
	}
}

func TestFetchHonoursCancellation(t *testing.T) {
	acct := fakeaws.New("111122223333")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	// Real sleep: the report needs two polls of 200 ms and 400 ms, the
	// context ends first.
	_, err := credreport.Fetch(ctx, iam.NewFromConfig(acct.Config()))
	if err == nil || !strings.Contains(err.Error(), "credential report") {
		t.Fatalf("error = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v after the deadline", d)
	}
}
