package fakeaws

import (
	"fmt"
	"reflect"
)

// pageLimit is the range AWS accepts for an operation's page-size
// parameter; a value outside it is a validation error, not a smaller page.
type pageLimit struct{ min, max int32 }

// pageLimits holds the documented ranges, by "Service.Operation" or by
// "Service.*" for a service whose list operations share one range.
var pageLimits = map[string]pageLimit{
	"EC2.DescribeSecurityGroups":         {5, 1000},
	"EC2.DescribeSecurityGroupRules":     {5, 1000},
	"EC2.DescribeNetworkAcls":            {5, 100},
	"EC2.DescribeRouteTables":            {5, 100},
	"EC2.DescribeVpcPeeringConnections":  {5, 1000},
	"EC2.DescribeVpcs":                   {5, 1000},
	"EC2.DescribeSubnets":                {5, 1000},
	"EC2.DescribeInstances":              {5, 1000},
	"EC2.DescribeNetworkInterfaces":      {5, 1000},
	"EC2.DescribeFlowLogs":               {1, 1000},
	"EC2.DescribeLaunchTemplates":        {1, 200},
	"EC2.DescribeLaunchTemplateVersions": {1, 200},
	"EC2.DescribeVolumes":                {5, 500},
	"EC2.DescribeSnapshots":              {5, 1000},
	"IAM.*":                              {1, 1000},
	"KMS.ListKeys":                       {1, 1000},
	"KMS.ListAliases":                    {1, 100},
	"RDS.*":                              {20, 100},
	"Elastic Load Balancing v2.*":        {1, 400},
	"WAFV2.*":                            {1, 100},
	"EventBridge.*":                      {1, 100},
	"GuardDuty.*":                        {1, 50},
	"CloudWatch Logs.*":                  {1, 50},
	"S3.ListBuckets":                     {1, 10000},
	"S3 Control.ListAccessPoints":        {1, 1000},
	"Global Accelerator.*":               {1, 100},
	"Inspector2.ListFindings":            {1, 100},
	"Route 53.ListHostedZones":           {1, 100},
	"Shield.ListProtections":             {1, 10000},
	"Auto Scaling.*":                     {1, 100},
	"Organizations.*":                    {1, 20},
}

// pageSizeFields are the names the SDK gives an operation's page size.
var pageSizeFields = []string{"MaxResults", "MaxItems", "MaxRecords", "Limit", "PageSize", "MaxBuckets"}

// checkPageSize returns the validation error AWS answers when params asks
// for a page size outside the operation's documented range.
func checkPageSize(service, op string, params any) error {
	lim, ok := pageLimits[service+"."+op]
	if !ok {
		lim, ok = pageLimits[service+".*"]
	}
	if !ok {
		return nil
	}
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	for _, name := range pageSizeFields {
		f := v.Elem().FieldByName(name)
		if !f.IsValid() {
			continue
		}
		var n int32
		switch {
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Int32:
			if f.IsNil() {
				return nil
			}
			n = int32(f.Elem().Int())
		case f.Kind() == reflect.Int32:
			if f.Int() == 0 {
				return nil
			}
			n = int32(f.Int())
		default:
			return nil
		}
		if n < lim.min || n > lim.max {
			return apiError(validationCode(service), fmt.Sprintf("%s must be between %d and %d, got %d", name, lim.min, lim.max, n))
		}
		return nil
	}
	return nil
}

// validationCode returns the code a service answers an invalid parameter
// with.
func validationCode(service string) string {
	switch service {
	case "EC2", "RDS":
		return "InvalidParameterValue"
	case "S3", "S3 Control", "CloudFront":
		return "InvalidArgument"
	case "Route 53":
		return "InvalidInput"
	}
	if xmlProtocol[service] {
		return "ValidationError"
	}
	return "ValidationException"
}
