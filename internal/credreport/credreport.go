// Package credreport generates, fetches and parses the IAM credential
// report.
//
// Fetch asks IAM to generate a report and polls, with backoff and within
// the context's deadline (and a cap of about a minute), until it can be
// read. Parse reads the CSV by header name: extra columns are ignored, a
// missing required column or an unknown token is an error naming the
// column. The sentinels IAM writes instead of values (N/A, no_information,
// not_supported) are kept apart from values, so that a check can tell
// "never used" from "not applicable".
package credreport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/secpillar/secpillar"
)

// API is the part of the IAM API that Fetch calls. *iam.Client satisfies
// it.
type API interface {
	GenerateCredentialReport(ctx context.Context, in *iam.GenerateCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(ctx context.Context, in *iam.GetCredentialReportInput, optFns ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
}

var _ API = (*iam.Client)(nil)

// Defaults of Options.
const (
	DefaultMaxWait        = time.Minute
	DefaultInitialBackoff = 200 * time.Millisecond
	DefaultMaxBackoff     = 5 * time.Second
)

// Options tune Fetch. The zero value waits at most DefaultMaxWait (or
// until the context's deadline, if earlier), starting with a pause of
// DefaultInitialBackoff that doubles up to DefaultMaxBackoff.
type Options struct {
	MaxWait        time.Duration
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// Sleep pauses for d or until ctx is done; nil uses a timer. Tests
	// replace it (with Now) to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock the deadline is measured with; nil is time.Now.
	Now func() time.Time
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// notReady reports whether err means "generate or poll again".
func notReady(err error) (regenerate, retry bool) {
	var (
		np *iamtypes.CredentialReportNotPresentException
		ex *iamtypes.CredentialReportExpiredException
		nr *iamtypes.CredentialReportNotReadyException
		le *iamtypes.LimitExceededException
		rl *iamtypes.ReportGenerationLimitExceededException
	)
	switch {
	case errors.As(err, &np), errors.As(err, &ex):
		return true, true
	case errors.As(err, &nr), errors.As(err, &le), errors.As(err, &rl):
		return false, true
	}
	return false, false
}

// Fetch generates the credential report if needed, waits until it is
// ready and returns it parsed.
//
// The first GenerateCredentialReport and GetCredentialReport calls may be
// shared with other controls of a secpillar.Run; every later poll uses
// secpillar.FreshReads so that it sees the report's progress. IAM builds
// a new report at most every four hours: Report.GeneratedTime says how old
// the data is.
func Fetch(ctx context.Context, api API, optFns ...func(*Options)) (*Report, error) {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.InitialBackoff <= 0 {
		o.InitialBackoff = DefaultInitialBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	deadline := o.Now().Add(o.MaxWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	backoff := o.InitialBackoff
	var last string // what was pending, for the timeout error
	wait := func() error {
		left := deadline.Sub(o.Now())
		if left <= 0 {
			return fmt.Errorf("credreport: the credential report was not ready within %s (%s)", o.MaxWait, last)
		}
		d := min(backoff, left)
		backoff = min(backoff*2, o.MaxBackoff)
		if err := o.Sleep(ctx, d); err != nil {
			return fmt.Errorf("credreport: wait for the credential report (%s): %w", last, err)
		}
		return nil
	}

	generate, regenerate := true, false
	gets := 0
	for {
		if generate {
			// A run shares a COMPLETE answer and never an in-progress one, so
			// polling needs no fresh read; generating again after the report
			// expired or vanished does.
			c := ctx
			if regenerate {
				c = secpillar.FreshReads(ctx)
			}
			out, err := api.GenerateCredentialReport(c, &iam.GenerateCredentialReportInput{})
			if err != nil {
				if _, retry := notReady(err); !retry {
					return nil, fmt.Errorf("credreport: generate the credential report: %w", err)
				}
				last = "generation refused: " + err.Error()
				if err := wait(); err != nil {
					return nil, err
				}
				continue
			}
			if out == nil {
				return nil, errors.New("credreport: generate the credential report: empty response")
			}
			switch out.State {
			case iamtypes.ReportStateTypeComplete:
				generate = false
			case iamtypes.ReportStateTypeStarted, iamtypes.ReportStateTypeInprogress:
				last = "state " + string(out.State)
				if err := wait(); err != nil {
					return nil, err
				}
				continue
			default:
				return nil, fmt.Errorf("credreport: generate the credential report: unknown state %q", out.State)
			}
		}
		c := ctx
		if gets > 0 {
			c = secpillar.FreshReads(ctx)
		}
		gets++
		out, err := api.GetCredentialReport(c, &iam.GetCredentialReportInput{})
		if err != nil {
			again, retry := notReady(err)
			if !retry {
				return nil, fmt.Errorf("credreport: get the credential report: %w", err)
			}
			generate = again
			regenerate = regenerate || again
			last = "report not ready: " + err.Error()
			if err := wait(); err != nil {
				return nil, err
			}
			continue
		}
		if out == nil || out.Content == nil {
			return nil, errors.New("credreport: get the credential report: the response has no Content")
		}
		if out.GeneratedTime == nil {
			return nil, errors.New("credreport: get the credential report: the response has no GeneratedTime")
		}
		if out.ReportFormat != "" && out.ReportFormat != iamtypes.ReportFormatTypeTextCsv {
			return nil, fmt.Errorf("credreport: get the credential report: unknown format %q", out.ReportFormat)
		}
		rep, err := Parse(out.Content)
		if err != nil {
			return nil, err
		}
		rep.GeneratedTime = out.GeneratedTime.UTC()
		return rep, nil
	}
}
