package detective

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// TrailStateAPI is the part of the CloudTrail API that reads trails with
// their status and event selectors. *cloudtrail.Client satisfies it.
type TrailStateAPI interface {
	TrailsAPI
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

var _ TrailStateAPI = (*cloudtrail.Client)(nil)

// trailState is a trail with its status and what its selectors record.
type trailState struct {
	trailRef
	MultiRegion bool
	Logging     bool
	Selectors   *cloudtrail.GetEventSelectorsOutput
	Management  coverage
}

// problems lists why a trail does not log all management events in every
// Region; empty means it does.
func (t trailState) problems() []string {
	var p []string
	if !t.MultiRegion {
		p = append(p, "is not multi-Region")
	}
	if !t.Logging {
		p = append(p, "is not logging")
	}
	if !t.Management.full() {
		p = append(p, "records "+t.Management.describe()+" management events, not all read and write")
	}
	return p
}

// readTrailState reads one trail's status and selectors in its home
// Region. The requests are the same for every control, so a run shares
// them.
func readTrailState(ctx context.Context, api TrailStateAPI, ref trailRef) (trailState, error) {
	st := trailState{trailRef: ref}
	if ref.Trail.IsMultiRegionTrail == nil {
		return st, fmt.Errorf("detective: trail %s: DescribeTrails returned no IsMultiRegionTrail", ref.ARN)
	}
	st.MultiRegion = *ref.Trail.IsMultiRegionTrail
	status, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(ref.ARN)}, inRegion(ref.Home))
	if err != nil {
		return st, fmt.Errorf("detective: read status of trail %s: %w", ref.ARN, err)
	}
	if status.IsLogging == nil {
		return st, fmt.Errorf("detective: trail %s: GetTrailStatus returned no IsLogging", ref.ARN)
	}
	st.Logging = *status.IsLogging
	sel, err := api.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(ref.ARN)}, inRegion(ref.Home))
	if err != nil {
		return st, fmt.Errorf("detective: read event selectors of trail %s: %w", ref.ARN, err)
	}
	st.Selectors = sel
	if st.Management, err = managementCoverage(sel); err != nil {
		return st, fmt.Errorf("detective: trail %s: %w", ref.ARN, err)
	}
	return st, nil
}

// readTrails returns the state of every trail visible from the client's
// Region (its own trails, multi-Region trails homed elsewhere and
// organization trails), each read once in its home Region.
func readTrails(ctx context.Context, api TrailStateAPI) ([]trailState, error) {
	refs, err := listTrails(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]trailState, 0, len(refs))
	for _, ref := range refs {
		st, err := readTrailState(ctx, api, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// managementTrails returns the trails that are multi-Region, logging and
// record every read and write management event: the trails CIS 3.1 asks
// for, and the start of every alarm chain.
func managementTrails(all []trailState) []trailState {
	var out []trailState
	for _, t := range all {
		if len(t.problems()) == 0 {
			out = append(out, t)
		}
	}
	return out
}
