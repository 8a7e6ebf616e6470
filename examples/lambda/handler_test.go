package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// fakeS3 records PutObject calls.
type fakeS3 struct {
	mu   sync.Mutex
	puts map[string][]byte // "bucket/key" -> body
	err  error
}

func (f *fakeS3) PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.puts == nil {
		f.puts = map[string][]byte{}
	}
	f.puts[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] = b
	return &s3.PutObjectOutput{}, nil
}

// fakeHub records BatchImportFindings calls and accepts every finding.
type fakeHub struct {
	batches [][]shtypes.AwsSecurityFinding
}

func (f *fakeHub) BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	if len(in.Findings) > 100 {
		return nil, fmt.Errorf("InvalidInputException: %d findings in one call", len(in.Findings))
	}
	f.batches = append(f.batches, in.Findings)
	return &securityhub.BatchImportFindingsOutput{FailedCount: aws.Int32(0), SuccessCount: aws.Int32(int32(len(in.Findings)))}, nil
}

// testControls: an account-wide control with one FAIL, and a regional one
// with 60 PASS findings per Region (so that three Regions need two
// batches).
func testControls() []secpillar.Control {
	return []secpillar.Control{
		{
			ID: "identity.test-root", Title: "Test root", Domain: secpillar.DomainIdentity, Severity: secpillar.SeverityCritical, Scope: secpillar.ScopeAccount,
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				return []secpillar.Finding{{Status: secpillar.StatusFail, Resource: secpillar.AccountResource(""), Reason: "test"}}, nil
			},
		},
		{
			ID: "dataprotection.test-buckets", Title: "Test buckets", Domain: secpillar.DomainDataProtection, Severity: secpillar.SeverityLow, Scope: secpillar.ScopeRegional,
			Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
				id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				if err != nil {
					return nil, err
				}
				var fs []secpillar.Finding
				for i := 0; i < 60; i++ {
					fs = append(fs, secpillar.Finding{Status: secpillar.StatusPass, Resource: secpillar.Resource{
						Type: "AWS::S3::Bucket", ID: fmt.Sprintf("arn:aws:s3:::%s-%s-%d", aws.ToString(id.Account), cfg.Region, i)}})
				}
				return fs, nil
			},
		},
	}
}

const (
	rootID   = "111111111111"
	memberID = "222222222222"
	deniedID = "333333333333"
)

var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func newHandler() (*Handler, *fakeS3, *fakeHub) {
	root, member, denied := fakeaws.New(rootID), fakeaws.New(memberID), fakeaws.New(deniedID)
	member.AddAuditRole("SecPillarAudit", rootID, "ext-1")
	cfg := fakeaws.OrgConfig(root, member, denied)
	s, hub := &fakeS3{}, &fakeHub{}
	return &Handler{
		Config: cfg, Controls: testControls(), ExternalID: "ext-1",
		S3: s, Bucket: "findings", Prefix: "secpillar/",
		SecurityHub: hub, STS: sts.NewFromConfig(cfg),
		Now: func() time.Time { return testNow },
	}, s, hub
}

func TestHandleScansOneAccount(t *testing.T) {
	h, s, hub := newHandler()
	res, err := h.Handle(context.Background(), Event{AccountID: memberID, RoleName: "SecPillarAudit", Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-2"}})
	if err != nil {
		t.Fatal(err)
	}
	want := Result{AccountID: memberID, Findings: 181, Failed: 1, S3Object: "s3://findings/secpillar/222222222222/20260501T120000Z.jsonl", Imported: 181}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}

	body := s.puts["findings/secpillar/222222222222/20260501T120000Z.jsonl"]
	sc := bufio.NewScanner(bytes.NewReader(body))
	n := 0
	for sc.Scan() {
		var f secpillar.Finding
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if f.Resource.Account != memberID {
			t.Errorf("line %d: account %q", n+1, f.Resource.Account)
		}
		n++
	}
	if n != 181 {
		t.Errorf("%d lines in the S3 object, want 181", n)
	}

	var sizes []int
	for _, b := range hub.batches {
		sizes = append(sizes, len(b))
		for _, f := range b {
			if aws.ToString(f.AwsAccountId) != memberID || aws.ToString(f.ProductArn) != "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default" {
				t.Fatalf("finding account %s, product %s", aws.ToString(f.AwsAccountId), aws.ToString(f.ProductArn))
			}
		}
	}
	if diff := cmp.Diff([]int{100, 81}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
}

func TestHandleAccountThatCannotBeAssumed(t *testing.T) {
	h, s, _ := newHandler()
	res, err := h.Handle(context.Background(), Event{AccountID: deniedID, RoleName: "SecPillarAudit", Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatalf("err = %v, want the failure in the result", err)
	}
	if !strings.Contains(res.AccountError, "AccessDenied") || res.Errors != 2 || res.Findings != 2 || !res.Incomplete {
		t.Errorf("result = %+v, want AccessDenied and two ERROR findings", res)
	}
	if len(s.puts) != 1 {
		t.Errorf("%d objects written, want the ERROR findings written", len(s.puts))
	}
}

func TestHandleOwnAccount(t *testing.T) {
	h, _, _ := newHandler()
	h.SecurityHub = nil
	res, err := h.Handle(context.Background(), Event{AccountID: rootID, Regions: []string{"us-east-1"}, Controls: []string{"identity"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Findings != 1 || res.Failed != 1 {
		t.Errorf("result = %+v, want the identity control only", res)
	}
	if _, err := h.Handle(context.Background(), Event{AccountID: memberID, Regions: []string{"us-east-1"}}); err == nil || !strings.Contains(err.Error(), "own account") {
		t.Errorf("no role for another account: err = %v", err)
	}
}

func TestHandleSkipsInactiveAccounts(t *testing.T) {
	h, s, hub := newHandler()
	res, err := h.Handle(context.Background(), Event{AccountID: memberID, RoleName: "SecPillarAudit", AccountState: "SUSPENDED"})
	if err != nil || !res.Skipped {
		t.Errorf("result = %+v, %v; want skipped", res, err)
	}
	if len(s.puts) != 0 || len(hub.batches) != 0 {
		t.Error("a skipped account was written")
	}
}

func TestHandleRejects(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*Handler, *fakeS3, *fakeHub)
		ev    Event
		wants string
	}{
		{"bad account", nil, Event{AccountID: "123"}, `account_id "123"`},
		{"no destination", func(h *Handler, _ *fakeS3, _ *fakeHub) { h.S3, h.SecurityHub = nil, nil }, Event{AccountID: memberID}, "no destination"},
		{"no bucket", func(h *Handler, _ *fakeS3, _ *fakeHub) { h.Bucket = "" }, Event{AccountID: memberID}, "without a bucket"},
		{"unknown control", nil, Event{AccountID: memberID, RoleName: "SecPillarAudit", Controls: []string{"nosuch"}}, `"nosuch" matches no control`},
		{"bad role", nil, Event{AccountID: memberID, RoleName: "bad role"}, `role name "bad role"`},
		{"S3 write fails", func(_ *Handler, s *fakeS3, _ *fakeHub) { s.err = errors.New("AccessDenied") }, Event{AccountID: memberID, RoleName: "SecPillarAudit", Regions: []string{"us-east-1"}}, "write s3://findings/"},
		{"Security Hub rejects findings", func(h *Handler, _ *fakeS3, _ *fakeHub) {
			h.S3, h.SecurityHub = nil, rejectAll{}
		}, Event{AccountID: memberID, RoleName: "SecPillarAudit", Regions: []string{"us-east-1"}}, "Security Hub rejected 61 of 61 findings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s, hub := newHandler()
			if tt.setup != nil {
				tt.setup(h, s, hub)
			}
			_, err := h.Handle(context.Background(), tt.ev)
			if err == nil || !strings.Contains(err.Error(), tt.wants) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wants)
			}
		})
	}
}

// rejectAll is a Security Hub that rejects every finding.
type rejectAll struct{}

func (rejectAll) BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	out := &securityhub.BatchImportFindingsOutput{FailedCount: aws.Int32(int32(len(in.Findings))), SuccessCount: aws.Int32(0)}
	for _, f := range in.Findings {
		out.FailedFindings = append(out.FailedFindings, shtypes.ImportFindingsError{Id: f.Id, ErrorCode: aws.String("InvalidInput"), ErrorMessage: aws.String("no")})
	}
	return out, nil
}

func TestPrintPolicy(t *testing.T) {
	var buf bytes.Buffer
	if err := printPolicy(&buf, "", true); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct{ Sid string }
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) == 0 || doc.Statement[0].Sid != "SecPillarRead" {
		t.Errorf("policy = %s", buf.String())
	}
	if err := printPolicy(&buf, "nosuch", false); err == nil {
		t.Error("an unknown control selected nothing without an error")
	}
}

// A scan that runs into the invocation's deadline stops early, and what
// it saw is still written.
func TestHandleWritesBeforeTheDeadline(t *testing.T) {
	h, s, _ := newHandler()
	h.SecurityHub = nil
	h.WriteMargin = 200 * time.Millisecond
	slow := secpillar.Control{
		ID: "identity.test-slow", Title: "slow", Domain: secpillar.DomainIdentity, Severity: secpillar.SeverityLow, Scope: secpillar.ScopeAccount,
		Check: func(ctx context.Context, cfg aws.Config) ([]secpillar.Finding, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}
	h.Controls = append(h.Controls, slow)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	res, err := h.Handle(ctx, Event{AccountID: memberID, RoleName: "SecPillarAudit", Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatalf("err = %v, want the partial scan written", err)
	}
	if !res.Incomplete || res.AccountError == "" || len(s.puts) != 1 {
		t.Errorf("result = %+v, %d objects; want an incomplete scan written", res, len(s.puts))
	}
}

func TestRunDemo(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runDemo(context.Background(), &out, dir); err != nil {
		t.Fatal(err)
	}
	var results []Result
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r Result
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	got := map[string]string{}
	for _, r := range results {
		switch {
		case r.Skipped:
			got[r.AccountID] = "skipped"
		case r.AccountError != "":
			got[r.AccountID] = "not scanned"
		default:
			got[r.AccountID] = "scanned"
		}
	}
	want := map[string]string{
		fakeaws.DemoAccountID: "scanned", fakeaws.DemoMemberID: "scanned", fakeaws.DemoMember2ID: "scanned",
		fakeaws.DemoDeniedID: "not scanned", fakeaws.DemoSuspendedID: "skipped",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	objects, _ := filepath.Glob(filepath.Join(dir, "demo-findings", "secpillar", "*", "*.jsonl"))
	if len(objects) != 4 {
		t.Errorf("%d objects written, want one per account not skipped (4): %v", len(objects), objects)
	}
}
