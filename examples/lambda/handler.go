package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/detective"
	"github.com/secpillar/secpillar/report"
)

// Event is the input of one invocation: the account to scan and how. The
// Step Functions definition in statemachine.json builds it for each
// account of the organization.
type Event struct {
	// AccountID is the 12-digit account to scan (required).
	AccountID string `json:"account_id"`
	// RoleName is the role assumed in the account; empty scans with the
	// function's own credentials, which must then belong to AccountID.
	RoleName string `json:"role_name"`
	// ExternalID overrides Handler.ExternalID for this account.
	ExternalID string `json:"external_id,omitempty"`
	// AccountState is the account's Organizations state when the caller
	// knows it; an account that is not ACTIVE is skipped.
	AccountState string `json:"account_state,omitempty"`
	// Regions limits the Regions; empty means the account's enabled ones.
	Regions []string `json:"regions"`
	// Controls selects controls by ID, ID prefix, domain or reference
	// ("CIS:1.5"), as secpillar.Select does; empty means all.
	Controls []string `json:"controls"`
}

// Result is what one invocation returns (and the Distributed Map collects).
type Result struct {
	AccountID string `json:"account_id"`
	// Skipped is true for an account that is not ACTIVE.
	Skipped  bool `json:"skipped,omitempty"`
	Findings int  `json:"findings"`
	Failed   int  `json:"failed"`
	Errors   int  `json:"errors"`
	// Incomplete is true when some control could not be evaluated.
	Incomplete bool `json:"incomplete"`
	// AccountError says why the account could not be scanned (the role
	// could not be assumed, ...); its ERROR findings were still written.
	AccountError string `json:"account_error,omitempty"`
	// S3Object is the s3:// URL of the JSON lines written, if any.
	S3Object string `json:"s3_object,omitempty"`
	// Imported counts the findings Security Hub accepted.
	Imported int `json:"imported,omitempty"`
}

// PutObjectAPI is the part of the S3 API the handler calls.
type PutObjectAPI interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var _ PutObjectAPI = (*s3.Client)(nil)

// BatchImportFindingsAPI is the part of the Security Hub API the handler
// calls.
type BatchImportFindingsAPI interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

var _ BatchImportFindingsAPI = (*securityhub.Client)(nil)

// CallerIdentityAPI is the part of the STS API the handler calls to name
// its own account in the Security Hub product ARN.
type CallerIdentityAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ CallerIdentityAPI = (*sts.Client)(nil)

// Handler scans one account per invocation and writes the findings to S3,
// Security Hub, or both. Its clients are fields so that a test can replace
// them.
type Handler struct {
	// Config is the function's configuration: its credentials assume the
	// role in each account, its Region is the home Region of the scans and
	// the Region findings are imported into.
	Config aws.Config
	// Controls is the catalogue events select from.
	Controls []secpillar.Control
	// ExternalID is passed to sts:AssumeRole unless the event names one.
	ExternalID string

	// S3 and Bucket, when set, receive one object of JSON lines per
	// invocation at "<Prefix><account>/<time>.jsonl".
	S3     PutObjectAPI
	Bucket string
	Prefix string

	// SecurityHub, when set, receives the findings in ASFF, at most 100
	// (and 6 MB) per BatchImportFindings call. ProductARN defaults to the
	// function account's default product, found with STS.
	SecurityHub BatchImportFindingsAPI
	ProductARN  string
	STS         CallerIdentityAPI

	// WriteMargin is the time kept at the end of the invocation's
	// deadline for writing what the scan saw: the scan stops that long
	// before the deadline (its findings marked incomplete) so that the
	// writes still go through. 0 means DefaultWriteMargin.
	WriteMargin time.Duration

	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultWriteMargin is Handler.WriteMargin when it is zero.
const DefaultWriteMargin = 30 * time.Second

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

// Handle scans the event's account and writes its findings. An account
// that cannot be scanned is not an error: its ERROR findings are written
// and Result.AccountError says why, so one account never fails the whole
// fan-out. Handle fails for a malformed event, a handler without a
// destination, or a write that did not go through.
func (h *Handler) Handle(ctx context.Context, ev Event) (Result, error) {
	res := Result{AccountID: ev.AccountID}
	if !accountIDPattern.MatchString(ev.AccountID) {
		return res, fmt.Errorf("lambda: event account_id %q is not a 12-digit account ID", ev.AccountID)
	}
	if h.S3 == nil && h.SecurityHub == nil {
		return res, errors.New("lambda: no destination: set the S3 client and bucket, or the Security Hub client")
	}
	if h.S3 != nil && h.Bucket == "" {
		return res, errors.New("lambda: an S3 client without a bucket")
	}
	if ev.AccountState != "" && ev.AccountState != "ACTIVE" {
		res.Skipped = true
		return res, nil
	}
	controls, err := secpillar.Select(h.Controls, ev.Controls...)
	if err != nil {
		return res, fmt.Errorf("lambda: event controls: %w", err)
	}

	scanCtx, cancel := h.scanContext(ctx)
	defer cancel()
	rep, err := h.scan(scanCtx, ev, controls, &res)
	if err != nil {
		return res, err
	}
	summary := report.Summarize(rep.Findings)
	res.Findings, res.Failed, res.Errors = summary.Total.Total(), summary.Total.Fail, summary.Total.Error
	res.Incomplete = rep.Incomplete

	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	at := now().UTC()
	if h.S3 != nil {
		if res.S3Object, err = h.writeS3(ctx, ev.AccountID, at, rep.Findings); err != nil {
			return res, err
		}
	}
	if h.SecurityHub != nil {
		if res.Imported, err = h.importFindings(ctx, at, rep.Findings, controls); err != nil {
			return res, err
		}
	}
	return res, nil
}

// scanContext returns the context of the scan: ctx, ending WriteMargin
// before ctx's deadline when there is one.
func (h *Handler) scanContext(ctx context.Context) (context.Context, context.CancelFunc) {
	margin := h.WriteMargin
	if margin <= 0 {
		margin = DefaultWriteMargin
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, deadline.Add(-margin))
}

// scan runs the controls in the event's account.
func (h *Handler) scan(ctx context.Context, ev Event, controls []secpillar.Control, res *Result) (secpillar.Report, error) {
	runOpts := func(o *secpillar.RunOptions) { o.Regions = ev.Regions }
	if ev.RoleName == "" {
		rep, err := secpillar.Run(ctx, h.Config, controls, runOpts)
		if err != nil && rep.Account == "" {
			return rep, fmt.Errorf("lambda: scan own account: %w", err)
		}
		if rep.Account != ev.AccountID {
			return rep, fmt.Errorf("lambda: no role_name, and the function's own account %s is not %s", rep.Account, ev.AccountID)
		}
		if err != nil {
			res.AccountError = err.Error()
		}
		return rep, nil
	}
	externalID := ev.ExternalID
	if externalID == "" {
		externalID = h.ExternalID
	}
	ar, err := secpillar.RunAccount(ctx, h.Config, ev.AccountID, controls, func(o *secpillar.OrgOptions) {
		o.RoleName = ev.RoleName
		o.ExternalID = externalID
		o.Run.Regions = ev.Regions
	})
	if err != nil && ar.Account == "" {
		return ar.Report, fmt.Errorf("lambda: %w", err)
	}
	res.AccountError = ar.Error
	return ar.Report, nil
}

// writeS3 puts the findings as one JSON-lines object and returns its URL.
func (h *Handler) writeS3(ctx context.Context, account string, at time.Time, findings []secpillar.Finding) (string, error) {
	var body bytes.Buffer
	if err := report.WriteJSONLines(&body, findings); err != nil {
		return "", fmt.Errorf("lambda: encode findings: %w", err)
	}
	key := h.Prefix + account + "/" + at.Format("20060102T150405Z") + ".jsonl"
	_, err := h.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(h.Bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(body.Bytes()),
		ContentType: aws.String("application/x-ndjson"),
	})
	if err != nil {
		return "", fmt.Errorf("lambda: write s3://%s/%s: %w", h.Bucket, key, err)
	}
	return "s3://" + h.Bucket + "/" + key, nil
}

// importFindings sends the findings to Security Hub with
// detective.ExportToSecurityHub (batches of at most 100 findings and 6 MB)
// and returns how many it accepted; any rejected finding is an error
// naming the first few.
func (h *Handler) importFindings(ctx context.Context, at time.Time, findings []secpillar.Finding, controls []secpillar.Control) (int, error) {
	product := h.ProductARN
	if product == "" {
		if h.STS == nil {
			return 0, errors.New("lambda: no ProductARN and no STS client to find the function's account")
		}
		id, err := h.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return 0, fmt.Errorf("lambda: identify the function's account: %w", err)
		}
		product = report.DefaultProductARN(h.Config.Region, aws.ToString(id.Account))
	}
	res, err := detective.ExportToSecurityHub(ctx, h.SecurityHub, findings, report.ASFFOptions{ProductARN: product, Region: h.Config.Region, Now: at, Controls: controls})
	if err != nil {
		return res.Imported, fmt.Errorf("lambda: import findings into Security Hub (%d imported before): %w", res.Imported, err)
	}
	if len(res.Failed) > 0 {
		var reasons []string
		for _, f := range res.Failed[:min(3, len(res.Failed))] {
			reasons = append(reasons, fmt.Sprintf("%s: %s %s", f.ID, f.Code, f.Message))
		}
		return res.Imported, fmt.Errorf("lambda: Security Hub rejected %d of %d findings: %s", len(res.Failed), len(findings), strings.Join(reasons, "; "))
	}
	return res.Imported, nil
}
