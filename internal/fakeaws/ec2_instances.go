package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func instanceNotFound(id string) error {
	return apiError("InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id))
}

func (r *EC2Region) instanceIndex(id string) int {
	return slices.IndexFunc(r.Instances, func(x ec2types.Instance) bool { return aws.ToString(x.InstanceId) == id })
}

// DescribeInstances lists instances, paginated, one reservation per
// instance, by ID or with the filters instance-id, instance-state-name,
// vpc-id and subnet-id.
func (f *EC2) DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeInstancesInput{}
	}
	insts, err := byIDs(r.Instances, in.InstanceIds, func(x ec2types.Instance) string { return aws.ToString(x.InstanceId) }, instanceNotFound)
	if err != nil {
		return nil, err
	}
	insts, err = filterSlice(insts, in.Filters, func(x ec2types.Instance, name string) ([]string, bool) {
		switch name {
		case "instance-id":
			return one(x.InstanceId), true
		case "instance-state-name":
			if x.State == nil {
				return nil, true
			}
			return []string{string(x.State.Name)}, true
		case "vpc-id":
			return one(x.VpcId), true
		case "subnet-id":
			return one(x.SubnetId), true
		case "metadata-options.http-tokens":
			if x.MetadataOptions == nil {
				return nil, true
			}
			return []string{string(x.MetadataOptions.HttpTokens)}, true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, insts, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &ec2.DescribeInstancesOutput{NextToken: next}
	for _, x := range items {
		id := aws.ToString(x.InstanceId)
		res := "r-" + id[min(2, len(id)):]
		out.Reservations = append(out.Reservations, ec2types.Reservation{ReservationId: aws.String(res), OwnerId: aws.String(f.acct.ID), Instances: []ec2types.Instance{x}})
	}
	return out, nil
}

// DescribeNetworkInterfaces lists network interfaces, paginated, by ID or
// with the filters network-interface-id, attachment.instance-id, group-id,
// vpc-id and subnet-id.
func (f *EC2) DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeNetworkInterfacesInput{}
	}
	enis, err := byIDs(r.NetworkInterfaces, in.NetworkInterfaceIds, func(x ec2types.NetworkInterface) string { return aws.ToString(x.NetworkInterfaceId) }, func(id string) error {
		return apiError("InvalidNetworkInterfaceID.NotFound", fmt.Sprintf("The networkInterface ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	enis, err = filterSlice(enis, in.Filters, func(x ec2types.NetworkInterface, name string) ([]string, bool) {
		switch name {
		case "network-interface-id":
			return one(x.NetworkInterfaceId), true
		case "attachment.instance-id":
			if x.Attachment == nil {
				return nil, true
			}
			return one(x.Attachment.InstanceId), true
		case "group-id":
			var out []string
			for _, g := range x.Groups {
				out = append(out, aws.ToString(g.GroupId))
			}
			return out, true
		case "vpc-id":
			return one(x.VpcId), true
		case "subnet-id":
			return one(x.SubnetId), true
		}
		return tagValues(x.TagSet, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, enis, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: items, NextToken: next}, nil
}

// DescribeAddresses lists the Region's Elastic IP addresses (not
// paginated, as in AWS), by allocation ID or public IP.
func (f *EC2) DescribeAddresses(ctx context.Context, in *ec2.DescribeAddressesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeAddressesInput{}
	}
	addrs, err := byIDs(r.Addresses, in.AllocationIds, func(x ec2types.Address) string { return aws.ToString(x.AllocationId) }, func(id string) error {
		return apiError("InvalidAllocationID.NotFound", fmt.Sprintf("The allocation ID '%s' does not exist", id))
	})
	if err != nil {
		return nil, err
	}
	addrs, err = byIDs(addrs, in.PublicIps, func(x ec2types.Address) string { return aws.ToString(x.PublicIp) }, func(ip string) error {
		return apiError("InvalidAddress.NotFound", fmt.Sprintf("Address '%s' not found.", ip))
	})
	if err != nil {
		return nil, err
	}
	addrs, err = filterSlice(addrs, in.Filters, func(x ec2types.Address, name string) ([]string, bool) {
		switch name {
		case "allocation-id":
			return one(x.AllocationId), true
		case "public-ip":
			return one(x.PublicIp), true
		case "domain":
			return []string{string(x.Domain)}, true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeAddressesOutput{Addresses: slices.Clone(addrs)}, nil
}

// ModifyInstanceMetadataOptions changes the metadata options of an
// instance; fields left empty keep their value.
func (f *EC2) ModifyInstanceMetadataOptions(ctx context.Context, in *ec2.ModifyInstanceMetadataOptionsInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceMetadataOptionsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	id := aws.ToString(in.InstanceId)
	i := r.instanceIndex(id)
	if i < 0 {
		return nil, instanceNotFound(id)
	}
	var mo ec2types.InstanceMetadataOptionsResponse
	if cur := r.Instances[i].MetadataOptions; cur != nil {
		mo = *cur
	}
	if in.HttpTokens != "" {
		mo.HttpTokens = in.HttpTokens
	}
	if in.HttpEndpoint != "" {
		mo.HttpEndpoint = in.HttpEndpoint
	}
	if in.HttpProtocolIpv6 != "" {
		mo.HttpProtocolIpv6 = in.HttpProtocolIpv6
	}
	if in.InstanceMetadataTags != "" {
		mo.InstanceMetadataTags = in.InstanceMetadataTags
	}
	if in.HttpPutResponseHopLimit != nil {
		if *in.HttpPutResponseHopLimit < 1 || *in.HttpPutResponseHopLimit > 64 {
			return nil, apiError("InvalidParameterValue", "HttpPutResponseHopLimit must be between 1 and 64")
		}
		mo.HttpPutResponseHopLimit = aws.Int32(*in.HttpPutResponseHopLimit)
	}
	mo.State = ec2types.InstanceMetadataOptionsStateApplied
	r.Instances[i].MetadataOptions = &mo
	resp := mo
	resp.State = ec2types.InstanceMetadataOptionsStatePending
	return &ec2.ModifyInstanceMetadataOptionsOutput{InstanceId: aws.String(id), InstanceMetadataOptions: &resp}, nil
}

// GetInstanceMetadataDefaults returns the Region's account-level instance
// metadata defaults.
func (f *EC2) GetInstanceMetadataDefaults(ctx context.Context, in *ec2.GetInstanceMetadataDefaultsInput, optFns ...func(*ec2.Options)) (*ec2.GetInstanceMetadataDefaultsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	d := r.MetadataDefaults
	return &ec2.GetInstanceMetadataDefaultsOutput{AccountLevel: &d}, nil
}

// ModifyInstanceMetadataDefaults changes the Region's account-level
// defaults; "no-preference" clears a setting, empty leaves it.
func (f *EC2) ModifyInstanceMetadataDefaults(ctx context.Context, in *ec2.ModifyInstanceMetadataDefaultsInput, optFns ...func(*ec2.Options)) (*ec2.ModifyInstanceMetadataDefaultsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	d := &r.MetadataDefaults
	if d.ManagedBy == ec2types.ManagedByDeclarativePolicy {
		return nil, apiError("UnauthorizedOperation", "The instance metadata defaults are managed by a declarative policy")
	}
	switch in.HttpTokens {
	case "":
	case ec2types.MetadataDefaultHttpTokensStateNoPreference:
		d.HttpTokens = ""
	case ec2types.MetadataDefaultHttpTokensStateOptional, ec2types.MetadataDefaultHttpTokensStateRequired:
		d.HttpTokens = ec2types.HttpTokensState(in.HttpTokens)
	default:
		return nil, apiError("InvalidParameterValue", fmt.Sprintf("invalid HttpTokens %q", in.HttpTokens))
	}
	switch in.HttpEndpoint {
	case "":
	case ec2types.DefaultInstanceMetadataEndpointStateNoPreference:
		d.HttpEndpoint = ""
	default:
		d.HttpEndpoint = ec2types.InstanceMetadataEndpointState(in.HttpEndpoint)
	}
	switch in.InstanceMetadataTags {
	case "":
	case ec2types.DefaultInstanceMetadataTagsStateNoPreference:
		d.InstanceMetadataTags = ""
	default:
		d.InstanceMetadataTags = ec2types.InstanceMetadataTagsState(in.InstanceMetadataTags)
	}
	if in.HttpPutResponseHopLimit != nil {
		if *in.HttpPutResponseHopLimit == -1 {
			d.HttpPutResponseHopLimit = nil
		} else {
			d.HttpPutResponseHopLimit = aws.Int32(*in.HttpPutResponseHopLimit)
		}
	}
	return &ec2.ModifyInstanceMetadataDefaultsOutput{Return: aws.Bool(true)}, nil
}

// ---- launch templates -----------------------------------------------------

func (r *EC2Region) templateIndex(id, name string) int {
	return slices.IndexFunc(r.LaunchTemplates, func(t ec2types.LaunchTemplate) bool {
		return (id != "" && aws.ToString(t.LaunchTemplateId) == id) || (id == "" && name != "" && aws.ToString(t.LaunchTemplateName) == name)
	})
}

func templateNotFound(id string) error {
	return apiError("InvalidLaunchTemplateId.NotFound", fmt.Sprintf("The specified launch template, with template ID %s, does not exist.", id))
}

// AddLaunchTemplate adds a template whose version 1 (the default) carries
// data, and returns its ID. Seeders and tests use it.
func (r *EC2Region) AddLaunchTemplate(name string, data *ec2types.ResponseLaunchTemplateData) string {
	id := r.newID("lt")
	r.LaunchTemplates = append(r.LaunchTemplates, ec2types.LaunchTemplate{
		LaunchTemplateId: aws.String(id), LaunchTemplateName: aws.String(name),
		DefaultVersionNumber: aws.Int64(1), LatestVersionNumber: aws.Int64(1),
	})
	r.LaunchTemplateVersions = append(r.LaunchTemplateVersions, ec2types.LaunchTemplateVersion{
		LaunchTemplateId: aws.String(id), LaunchTemplateName: aws.String(name), VersionNumber: aws.Int64(1),
		DefaultVersion: aws.Bool(true), LaunchTemplateData: data,
	})
	return id
}

// DescribeLaunchTemplates lists launch templates, paginated, by ID or name.
func (f *EC2) DescribeLaunchTemplates(ctx context.Context, in *ec2.DescribeLaunchTemplatesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeLaunchTemplatesInput{}
	}
	lts, err := byIDs(r.LaunchTemplates, in.LaunchTemplateIds, func(x ec2types.LaunchTemplate) string { return aws.ToString(x.LaunchTemplateId) }, templateNotFound)
	if err != nil {
		return nil, err
	}
	lts, err = byIDs(lts, in.LaunchTemplateNames, func(x ec2types.LaunchTemplate) string { return aws.ToString(x.LaunchTemplateName) }, func(n string) error {
		return apiError("InvalidLaunchTemplateName.NotFoundException", fmt.Sprintf("At least one of the launch templates specified in the request does not exist: %s", n))
	})
	if err != nil {
		return nil, err
	}
	lts, err = filterSlice(lts, in.Filters, func(x ec2types.LaunchTemplate, name string) ([]string, bool) {
		switch name {
		case "launch-template-name":
			return one(x.LaunchTemplateName), true
		}
		return tagValues(x.Tags, name)
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(f.acct, lts, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeLaunchTemplatesOutput{LaunchTemplates: items, NextToken: next}, nil
}

// DescribeLaunchTemplateVersions lists versions, paginated. With a
// template ID or name it lists that template's versions (all, or those in
// Versions, where "$Latest" and "$Default" are understood); without one,
// Versions must be "$Latest" and/or "$Default" and it lists those versions
// of every template, as AWS does.
func (f *EC2) DescribeLaunchTemplateVersions(ctx context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	if in == nil {
		in = &ec2.DescribeLaunchTemplateVersionsInput{}
	}
	var templates []ec2types.LaunchTemplate
	id, name := aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName)
	if id != "" || name != "" {
		i := r.templateIndex(id, name)
		if i < 0 {
			return nil, templateNotFound(id + name)
		}
		templates = r.LaunchTemplates[i : i+1]
	} else {
		for _, v := range in.Versions {
			if v != "$Latest" && v != "$Default" {
				return nil, apiError("InvalidParameterCombination", "Versions other than $Latest and $Default require a launch template ID or name")
			}
		}
		if len(in.Versions) == 0 {
			return nil, apiError("MissingParameter", "A launch template ID or name, or Versions $Latest/$Default, is required")
		}
		templates = r.LaunchTemplates
	}
	var vs []ec2types.LaunchTemplateVersion
	for _, t := range templates {
		for _, v := range r.LaunchTemplateVersions {
			if aws.ToString(v.LaunchTemplateId) != aws.ToString(t.LaunchTemplateId) {
				continue
			}
			n := aws.ToInt64(v.VersionNumber)
			keep := len(in.Versions) == 0
			for _, want := range in.Versions {
				switch want {
				case "$Latest":
					keep = keep || n == aws.ToInt64(t.LatestVersionNumber)
				case "$Default":
					keep = keep || n == aws.ToInt64(t.DefaultVersionNumber)
				default:
					keep = keep || want == strconv.FormatInt(n, 10)
				}
			}
			if keep {
				vs = append(vs, v)
			}
		}
	}
	items, next, err := page(f.acct, vs, in.NextToken, aws.ToInt32(in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: items, NextToken: next}, nil
}

// CreateLaunchTemplateVersion adds a version. With SourceVersion it starts
// from that version's data and replaces each top-level parameter that
// LaunchTemplateData sets, as AWS does; the new version is not the default.
func (f *EC2) CreateLaunchTemplateVersion(ctx context.Context, in *ec2.CreateLaunchTemplateVersionInput, optFns ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	i := r.templateIndex(aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
	if i < 0 {
		return nil, templateNotFound(aws.ToString(in.LaunchTemplateId) + aws.ToString(in.LaunchTemplateName))
	}
	if in.LaunchTemplateData == nil {
		return nil, apiError("MissingParameter", "The request must contain the parameter LaunchTemplateData")
	}
	t := &r.LaunchTemplates[i]
	data := &ec2types.ResponseLaunchTemplateData{}
	if sv := aws.ToString(in.SourceVersion); sv != "" {
		n, err := strconv.ParseInt(sv, 10, 64)
		switch {
		case sv == "$Latest":
			n = aws.ToInt64(t.LatestVersionNumber)
		case sv == "$Default":
			n = aws.ToInt64(t.DefaultVersionNumber)
		case err != nil:
			return nil, apiError("InvalidLaunchTemplateVersion.NotFound", "source version "+sv+" does not exist")
		}
		j := slices.IndexFunc(r.LaunchTemplateVersions, func(v ec2types.LaunchTemplateVersion) bool {
			return aws.ToString(v.LaunchTemplateId) == aws.ToString(t.LaunchTemplateId) && aws.ToInt64(v.VersionNumber) == n
		})
		if j < 0 {
			return nil, apiError("InvalidLaunchTemplateVersion.NotFound", "source version "+sv+" does not exist")
		}
		if src := r.LaunchTemplateVersions[j].LaunchTemplateData; src != nil {
			cp, err := deepCopyJSON(src)
			if err != nil {
				return nil, err
			}
			data = cp
		}
	}
	if err := mergeLaunchTemplateData(data, in.LaunchTemplateData); err != nil {
		return nil, err
	}
	n := aws.ToInt64(t.LatestVersionNumber) + 1
	t.LatestVersionNumber = aws.Int64(n)
	v := ec2types.LaunchTemplateVersion{
		LaunchTemplateId: t.LaunchTemplateId, LaunchTemplateName: t.LaunchTemplateName, VersionNumber: aws.Int64(n),
		DefaultVersion: aws.Bool(false), LaunchTemplateData: data, VersionDescription: in.VersionDescription, CreateTime: aws.Time(f.acct.now()),
	}
	r.LaunchTemplateVersions = append(r.LaunchTemplateVersions, v)
	return &ec2.CreateLaunchTemplateVersionOutput{LaunchTemplateVersion: &v}, nil
}

func deepCopyJSON[T any](v *T) (*T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

// mergeLaunchTemplateData replaces every top-level field of dst that req
// sets, converting between the request and response shapes by field name.
func mergeLaunchTemplateData(dst *ec2types.ResponseLaunchTemplateData, req *ec2types.RequestLaunchTemplateData) error {
	dv := reflect.ValueOf(dst).Elem()
	rv := reflect.ValueOf(req).Elem()
	for i := 0; i < rv.NumField(); i++ {
		sf := rv.Type().Field(i)
		if !sf.IsExported() || rv.Field(i).IsZero() {
			continue
		}
		df := dv.FieldByName(sf.Name)
		if !df.IsValid() {
			return fmt.Errorf("fakeaws: launch template parameter %s has no response field", sf.Name)
		}
		if rv.Field(i).Type().AssignableTo(df.Type()) {
			df.Set(rv.Field(i))
			continue
		}
		b, err := json.Marshal(rv.Field(i).Interface())
		if err != nil {
			return err
		}
		nv := reflect.New(df.Type())
		if err := json.Unmarshal(b, nv.Interface()); err != nil {
			return err
		}
		df.Set(nv.Elem())
	}
	return nil
}

// ModifyLaunchTemplate sets a template's default version.
func (f *EC2) ModifyLaunchTemplate(ctx context.Context, in *ec2.ModifyLaunchTemplateInput, optFns ...func(*ec2.Options)) (*ec2.ModifyLaunchTemplateOutput, error) {
	f.acct.mu.Lock()
	defer f.acct.mu.Unlock()
	r := f.regionOf(ctx, optFns)
	i := r.templateIndex(aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
	if i < 0 {
		return nil, templateNotFound(aws.ToString(in.LaunchTemplateId) + aws.ToString(in.LaunchTemplateName))
	}
	t := &r.LaunchTemplates[i]
	if in.DefaultVersion != nil {
		n, err := strconv.ParseInt(*in.DefaultVersion, 10, 64)
		if err != nil || n < 1 || n > aws.ToInt64(t.LatestVersionNumber) {
			return nil, apiError("InvalidLaunchTemplateVersion.NotFound", "version "+*in.DefaultVersion+" does not exist")
		}
		t.DefaultVersionNumber = aws.Int64(n)
		for j := range r.LaunchTemplateVersions {
			v := &r.LaunchTemplateVersions[j]
			if aws.ToString(v.LaunchTemplateId) == aws.ToString(t.LaunchTemplateId) {
				v.DefaultVersion = aws.Bool(aws.ToInt64(v.VersionNumber) == n)
			}
		}
	}
	lt := *t
	return &ec2.ModifyLaunchTemplateOutput{LaunchTemplate: &lt}, nil
}
