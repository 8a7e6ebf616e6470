package infrastructure

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/globalaccelerator"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/shield"
	shieldtypes "github.com/aws/aws-sdk-go-v2/service/shield/types"

	"github.com/secpillar/secpillar"
	"github.com/secpillar/secpillar/internal/pagetoken"
)

// The IDs of the Shield controls.
const (
	ControlShieldAdvancedSubscribed  = "infrastructure.shield-advanced-subscribed"
	ControlShieldAdvancedProtections = "infrastructure.shield-advanced-protections"
)

// ShieldSubscriptionAPI is the part of the Shield API that
// CheckShieldAdvancedSubscription calls. *shield.Client satisfies it.
type ShieldSubscriptionAPI interface {
	GetSubscriptionState(ctx context.Context, in *shield.GetSubscriptionStateInput, optFns ...func(*shield.Options)) (*shield.GetSubscriptionStateOutput, error)
}

var _ ShieldSubscriptionAPI = (*shield.Client)(nil)

// ShieldProtectionsAPI is the part of the Shield API that
// CheckShieldAdvancedProtections calls. *shield.Client satisfies it.
type ShieldProtectionsAPI interface {
	ShieldSubscriptionAPI
	ListProtections(ctx context.Context, in *shield.ListProtectionsInput, optFns ...func(*shield.Options)) (*shield.ListProtectionsOutput, error)
}

var _ ShieldProtectionsAPI = (*shield.Client)(nil)

// ShieldProtectionRemediationAPI is the part of the Shield API that
// RemediateShieldProtection calls. *shield.Client satisfies it.
type ShieldProtectionRemediationAPI interface {
	ShieldProtectionsAPI
	CreateProtection(ctx context.Context, in *shield.CreateProtectionInput, optFns ...func(*shield.Options)) (*shield.CreateProtectionOutput, error)
}

var _ ShieldProtectionRemediationAPI = (*shield.Client)(nil)

// AddressesAPI is the part of the EC2 API that lists Elastic IPs.
// *ec2.Client satisfies it.
type AddressesAPI interface {
	DescribeAddresses(ctx context.Context, in *ec2.DescribeAddressesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error)
}

var _ AddressesAPI = (*ec2.Client)(nil)

// HostedZonesAPI is the part of the Route 53 API that lists hosted zones.
// *route53.Client satisfies it.
type HostedZonesAPI interface {
	ListHostedZones(ctx context.Context, in *route53.ListHostedZonesInput, optFns ...func(*route53.Options)) (*route53.ListHostedZonesOutput, error)
}

var _ HostedZonesAPI = (*route53.Client)(nil)

// AcceleratorsAPI is the part of the Global Accelerator API that lists
// accelerators. *globalaccelerator.Client satisfies it.
type AcceleratorsAPI interface {
	ListAccelerators(ctx context.Context, in *globalaccelerator.ListAcceleratorsInput, optFns ...func(*globalaccelerator.Options)) (*globalaccelerator.ListAcceleratorsOutput, error)
}

var _ AcceleratorsAPI = (*globalaccelerator.Client)(nil)

func subscribed(ctx context.Context, api ShieldSubscriptionAPI) (bool, error) {
	out, err := api.GetSubscriptionState(ctx, &shield.GetSubscriptionStateInput{})
	if err != nil {
		return false, fmt.Errorf("infrastructure: read Shield Advanced subscription state: %w", err)
	}
	switch out.SubscriptionState {
	case shieldtypes.SubscriptionStateActive:
		return true, nil
	case shieldtypes.SubscriptionStateInactive:
		return false, nil
	case "":
		return false, errors.New("infrastructure: read Shield Advanced subscription state: the answer has no SubscriptionState")
	}
	return false, fmt.Errorf("infrastructure: read Shield Advanced subscription state: unknown SubscriptionState %q", out.SubscriptionState)
}

// CheckShieldAdvancedSubscription reports whether the account has an
// active Shield Advanced subscription. It only reads: subscribing is a
// paid, year-long commitment that no remediation makes.
func CheckShieldAdvancedSubscription(ctx context.Context, api ShieldSubscriptionAPI, accountID string) (secpillar.Finding, error) {
	on, err := subscribed(ctx, api)
	if err != nil {
		return secpillar.Finding{}, err
	}
	f := secpillar.Finding{Control: ControlShieldAdvancedSubscribed, Severity: secpillar.SeverityMedium, Resource: secpillar.AccountResource(accountID), Evidence: map[string]string{"subscription_state": "INACTIVE"}}
	if on {
		f.Status = secpillar.StatusPass
		f.Reason = "Shield Advanced is active for the account."
		f.Evidence["subscription_state"] = "ACTIVE"
	} else {
		f.Status = secpillar.StatusFail
		f.Reason = "Shield Advanced is not subscribed; consider it for internet-facing applications (it is a paid one-year commitment, so subscribe deliberately)."
	}
	return f, nil
}

// ShieldResourceSources are the APIs CheckShieldAdvancedProtections lists
// protectable resources with. A nil source is not evaluated: the catalogue
// sets the Region's load balancers and Elastic IPs everywhere, and the
// global resources (CloudFront, Route 53, Global Accelerator) in
// us-east-1 only, so that each is reported once.
type ShieldResourceSources struct {
	LoadBalancers LoadBalancersAPI
	Addresses     AddressesAPI
	Distributions CloudFrontListAPI
	HostedZones   HostedZonesAPI
	Accelerators  AcceleratorsAPI
	// Region and Account name the Region of LoadBalancers and Addresses
	// and the account, for the Elastic IP ARNs.
	Region, Account string
}

// protectable is one resource Shield Advanced can protect.
type protectable struct {
	arn, kind, label string
}

func listProtectable(ctx context.Context, src ShieldResourceSources) ([]protectable, error) {
	var out []protectable
	if src.LoadBalancers != nil {
		albs, err := internetFacingALBs(ctx, src.LoadBalancers)
		if err != nil {
			return nil, err
		}
		for _, lb := range albs {
			out = append(out, protectable{arn: *lb.LoadBalancerArn, kind: LoadBalancerResourceType, label: "load balancer " + aws.ToString(lb.LoadBalancerName)})
		}
	}
	if src.Addresses != nil {
		a, err := src.Addresses.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list Elastic IPs: %w", err)
		}
		for _, ad := range a.Addresses {
			if ad.AllocationId == nil {
				return nil, fmt.Errorf("infrastructure: list Elastic IPs: address %s has no AllocationId", aws.ToString(ad.PublicIp))
			}
			out = append(out, protectable{arn: "arn:aws:ec2:" + src.Region + ":" + src.Account + ":eip-allocation/" + *ad.AllocationId, kind: "AWS::EC2::EIP", label: "Elastic IP " + aws.ToString(ad.PublicIp)})
		}
	}
	if src.Distributions != nil {
		ds, err := listDistributions(ctx, src.Distributions)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			out = append(out, protectable{arn: *d.ARN, kind: DistributionResourceType, label: "distribution " + *d.Id})
		}
	}
	if src.HostedZones != nil {
		guard := pagetoken.New("infrastructure: list hosted zones")
		p := route53.NewListHostedZonesPaginator(src.HostedZones, &route53.ListHostedZonesInput{}, func(o *route53.ListHostedZonesPaginatorOptions) { o.Limit = 100 })
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("infrastructure: list hosted zones: %w", err)
			}
			for _, z := range page.HostedZones {
				id := strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/")
				if id == "" {
					return nil, errors.New("infrastructure: list hosted zones: a zone has no Id")
				}
				if z.Config != nil && z.Config.PrivateZone {
					continue // private zones are not reachable from the internet
				}
				out = append(out, protectable{arn: "arn:aws:route53:::hostedzone/" + id, kind: "AWS::Route53::HostedZone", label: "hosted zone " + aws.ToString(z.Name)})
			}
			if err := guard.Check(false, page.NextMarker); err != nil {
				return nil, err
			}
		}
	}
	if src.Accelerators != nil {
		guard := pagetoken.New("infrastructure: list accelerators")
		p := globalaccelerator.NewListAcceleratorsPaginator(src.Accelerators, &globalaccelerator.ListAcceleratorsInput{}, func(o *globalaccelerator.ListAcceleratorsPaginatorOptions) { o.Limit = 100 })
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("infrastructure: list accelerators: %w", err)
			}
			for _, a := range page.Accelerators {
				if a.AcceleratorArn == nil {
					return nil, errors.New("infrastructure: list accelerators: an accelerator has no AcceleratorArn")
				}
				out = append(out, protectable{arn: *a.AcceleratorArn, kind: "AWS::GlobalAccelerator::Accelerator", label: "accelerator " + aws.ToString(a.Name)})
			}
			if err := guard.Check(false, page.NextToken); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func listProtections(ctx context.Context, api ShieldProtectionsAPI) (map[string]string, error) {
	out := map[string]string{}
	guard := pagetoken.New("infrastructure: list Shield protections")
	p := shield.NewListProtectionsPaginator(api, &shield.ListProtectionsInput{}, func(o *shield.ListProtectionsPaginatorOptions) { o.Limit = 10000 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("infrastructure: list Shield protections: %w", err)
		}
		for _, pr := range page.Protections {
			if pr.ResourceArn == nil {
				return nil, errors.New("infrastructure: list Shield protections: a protection has no ResourceArn")
			}
			out[*pr.ResourceArn] = aws.ToString(pr.Id)
		}
		if err := guard.Check(false, page.NextToken); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CheckShieldAdvancedProtections reports, for every resource that
// Shield Advanced can protect among src (internet-facing ALBs, Elastic
// IPs, CloudFront distributions, public Route 53 zones, Global
// Accelerator accelerators), whether a protection covers it. Without a
// subscription every resource is NOT_APPLICABLE (see
// shield-advanced-subscribed).
func CheckShieldAdvancedProtections(ctx context.Context, api ShieldProtectionsAPI, src ShieldResourceSources) ([]secpillar.Finding, error) {
	on, err := subscribed(ctx, api)
	if err != nil {
		return nil, err
	}
	res, err := listProtectable(ctx, src)
	if err != nil {
		return nil, err
	}
	var prot map[string]string
	if on {
		if prot, err = listProtections(ctx, api); err != nil {
			return nil, err
		}
	}
	out := make([]secpillar.Finding, 0, len(res))
	for _, r := range res {
		f := secpillar.Finding{Control: ControlShieldAdvancedProtections, Severity: secpillar.SeverityMedium,
			Resource: secpillar.Resource{Type: r.kind, ID: r.arn, Region: regionOfARN(r.arn), Account: accountOfARN(r.arn)}, Evidence: map[string]string{}}
		switch id, ok := prot[r.arn]; {
		case !on:
			f.Status = secpillar.StatusNotApplicable
			f.Reason = fmt.Sprintf("The %s cannot have a Shield Advanced protection: the account is not subscribed.", r.label)
		case ok:
			f.Status = secpillar.StatusPass
			f.Reason = fmt.Sprintf("The %s is protected by Shield Advanced.", r.label)
			f.Evidence["protection_id"] = id
		default:
			f.Status = secpillar.StatusFail
			f.Reason = fmt.Sprintf("The %s has no Shield Advanced protection; create one.", r.label)
		}
		out = append(out, f)
	}
	return out, nil
}

// RemediateShieldProtection creates a Shield Advanced protection for one
// resource ARN. It refuses when the account is not subscribed: it never
// subscribes.
func RemediateShieldProtection(ctx context.Context, api ShieldProtectionRemediationAPI, resourceARN string, optFns ...func(*secpillar.RemediateOptions)) (secpillar.Remediation, error) {
	opts := secpillar.NewRemediateOptions(optFns...)
	a, err := arn.Parse(resourceARN)
	if err != nil {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: %q is not an ARN: %w", resourceARN, err)
	}
	kind := map[string]string{"cloudfront": DistributionResourceType, "elasticloadbalancing": LoadBalancerResourceType, "ec2": "AWS::EC2::EIP",
		"route53": "AWS::Route53::HostedZone", "globalaccelerator": "AWS::GlobalAccelerator::Accelerator"}[a.Service]
	if kind == "" || (a.Service == "ec2" && !strings.HasPrefix(a.Resource, "eip-allocation/")) {
		return secpillar.Remediation{}, fmt.Errorf("infrastructure: Shield Advanced cannot protect %q", resourceARN)
	}
	res := secpillar.Resource{Type: kind, ID: resourceARN, Region: a.Region, Account: a.AccountID}
	rem := secpillar.Remediation{Control: ControlShieldAdvancedProtections, Resource: res}
	on, err := subscribed(ctx, api)
	if err != nil {
		return rem, err
	}
	if !on {
		return rem, errors.New("infrastructure: the account has no Shield Advanced subscription; protections need one, and subscribing is a paid commitment left to a person")
	}
	prot, err := listProtections(ctx, api)
	if err != nil {
		return rem, err
	}
	if _, ok := prot[resourceARN]; ok {
		rem.Outcome = secpillar.OutcomeCompliant
		return rem, nil
	}
	name := "secpillar-" + a.Resource
	name = strings.NewReplacer("/", "-", ":", "-").Replace(name)
	if len(name) > 128 {
		name = name[:128]
	}
	rem.Changes = []secpillar.Change{{Resource: res, Action: "shield:CreateProtection", Field: "protection", Before: "none", After: name}}
	rem.Undo = "Delete the protection with shield:DeleteProtection."
	if opts.DryRun {
		rem.Outcome = secpillar.OutcomePlanned
		return rem, nil
	}
	out, err := api.CreateProtection(ctx, &shield.CreateProtectionInput{Name: aws.String(name), ResourceArn: aws.String(resourceARN)})
	if err != nil {
		return rem, fmt.Errorf("infrastructure: create Shield protection for %s: %w", resourceARN, err)
	}
	rem.Undo = "Delete protection " + aws.ToString(out.ProtectionId) + " with shield:DeleteProtection."
	prot, err = listProtections(secpillar.FreshReads(ctx), api)
	if err != nil {
		return rem, fmt.Errorf("infrastructure: verify: %w", err)
	}
	rem.Outcome = secpillar.OutcomeChanged
	if _, ok := prot[resourceARN]; !ok {
		rem.Outcome = secpillar.OutcomeVerifyPending
	}
	return rem, nil
}
