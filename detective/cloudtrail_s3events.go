package detective

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/secpillar/secpillar"
)

// IDs of the S3 object-level logging controls.
const (
	IDCloudTrailS3WriteEvents = "detective.cloudtrail-s3-write-events"
	IDCloudTrailS3ReadEvents  = "detective.cloudtrail-s3-read-events"
)

// S3DataEventsAPI is the part of the CloudTrail API that
// CheckCloudTrailS3DataEvents calls. *cloudtrail.Client satisfies it.
type S3DataEventsAPI interface {
	TrailStateAPI
}

var _ S3DataEventsAPI = (*cloudtrail.Client)(nil)

// S3DataEventsRemediationAPI is the part of the CloudTrail API that
// RemediateCloudTrailS3DataEvents calls. *cloudtrail.Client satisfies it.
type S3DataEventsRemediationAPI interface {
	TrailStateAPI
	PutEventSelectors(ctx context.Context, in *cloudtrail.PutEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.PutEventSelectorsOutput, error)
}

var _ S3DataEventsRemediationAPI = (*cloudtrail.Client)(nil)

// S3Events says which S3 object-level events a check or remediation is
// about.
type S3Events int

// The S3 object-level event kinds.
const (
	// S3WriteEvents are PutObject, DeleteObject and the other writes (CIS 3.8, S3.22).
	S3WriteEvents S3Events = iota + 1
	// S3ReadEvents are GetObject and the other reads (CIS 3.9, S3.23).
	S3ReadEvents
)

func (k S3Events) control() (string, string, error) {
	switch k {
	case S3WriteEvents:
		return IDCloudTrailS3WriteEvents, "write", nil
	case S3ReadEvents:
		return IDCloudTrailS3ReadEvents, "read", nil
	}
	return "", "", fmt.Errorf("detective: unknown S3Events value %d (want S3WriteEvents or S3ReadEvents)", int(k))
}

func (k S3Events) covered(c coverage) bool {
	if k == S3WriteEvents {
		return c.Write
	}
	return c.Read
}

// CheckCloudTrailS3DataEvents reports whether a multi-Region trail that is
// logging records the given S3 object-level events for all buckets, with
// basic or advanced event selectors.
func CheckCloudTrailS3DataEvents(ctx context.Context, api S3DataEventsAPI, kind S3Events) (secpillar.Finding, error) {
	id, word, err := kind.control()
	if err != nil {
		return secpillar.Finding{}, err
	}
	trails, err := readTrails(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: id, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(""), Evidence: map[string]string{"trails": fmt.Sprint(len(trails))}}
	var partial []string
	for _, t := range trails {
		c, err := s3ObjectCoverage(t.Selectors)
		if err != nil {
			return secpillar.Finding{}, fmt.Errorf("detective: trail %s: %w", t.ARN, err)
		}
		if !t.MultiRegion || !t.Logging {
			continue
		}
		if kind.covered(c) {
			f.Status = secpillar.StatusPass
			f.Evidence["trail_arn"] = t.ARN
			f.Reason = fmt.Sprintf("Multi-Region trail %s records S3 object-level %s events for all buckets.", t.Name, word)
			return f, nil
		}
		partial = append(partial, c.Partial...)
	}
	f.Status = secpillar.StatusFail
	f.Reason = fmt.Sprintf("No multi-Region trail that is logging records S3 object-level %s events for all buckets: add a data event selector for AWS::S3::Object.", word)
	if len(partial) > 0 {
		f.Evidence["partial_selectors"] = strings.Join(partial, "; ")
	}
	return f, nil
}

// RemediateCloudTrailS3DataEvents adds a selector that records the given
// S3 object-level events of every bucket to trail (name or ARN), keeping
// every existing selector: a trail with basic selectors gets one more
// basic selector, a trail with advanced selectors one more advanced
// selector. Data events are charged per event; the caller chooses the
// trail.
func RemediateCloudTrailS3DataEvents(ctx context.Context, api S3DataEventsRemediationAPI, trail string, kind S3Events, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	id, word, err := kind.control()
	if err != nil {
		return secpillar.Remediation{}, err
	}
	if trail == "" {
		return secpillar.Remediation{}, errors.New("detective: trail is empty: give the trail's name or ARN")
	}
	ref, err := lookupTrail(ctx, api, trail)
	if err != nil {
		return secpillar.Remediation{}, err
	}
	rem := secpillar.Remediation{Control: id, Resource: ref.resource()}
	fresh := secpillar.FreshReads(ctx)
	st, err := readTrailState(fresh, api, ref)
	if err != nil {
		return rem, err
	}
	c, err := s3ObjectCoverage(st.Selectors)
	if err != nil {
		return rem, fmt.Errorf("detective: trail %s: %w", ref.ARN, err)
	}
	if kind.covered(c) {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	put, err := mergeSelectors(ref.ARN, st.Selectors, selectorAddition{S3Objects: true, Read: kind == S3ReadEvents, Write: kind == S3WriteEvents})
	if err != nil {
		return rem, err
	}
	rem.Changes = []secpillar.Change{{Resource: ref.resource(), Action: "cloudtrail:PutEventSelectors", Field: "S3ObjectEvents", Before: c.describe(), After: "adds " + word + " events of all buckets (existing selectors kept)"}}
	rem.Undo = "Call cloudtrail:PutEventSelectors on " + ref.ARN + " in " + ref.Home + " with the selectors it had before (the added one is named or shaped as listed in Changes)."
	rem.Notes = []string{"S3 data events are charged per event recorded."}
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	if _, err := api.PutEventSelectors(ctx, put, inRegion(ref.Home)); err != nil {
		return rem, fmt.Errorf("detective: add S3 %s event selector to %s: %w", word, ref.ARN, err)
	}
	sel, err := api.GetEventSelectors(fresh, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(ref.ARN)}, inRegion(ref.Home))
	if err != nil {
		return rem, fmt.Errorf("detective: verify event selectors of %s: %w", ref.ARN, err)
	}
	rem.Outcome = secpillar.OutcomeVerifyPending
	if c, err := s3ObjectCoverage(sel); err == nil && kind.covered(c) {
		rem.Outcome = secpillar.OutcomeChanged
	}
	return rem, nil
}
