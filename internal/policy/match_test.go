package policy

import "testing"

func TestMatchAction(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "s3:GetObject", true},
		{"*", "", true},
		{"*:*", "s3:GetObject", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:*", "S3:GETOBJECT", true},
		{"S3:getobject", "s3:GetObject", true},
		{"s3:Get*", "s3:GetObjectAcl", true},
		{"s3:Get*", "s3:PutObject", false},
		{"s3:*Object", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:?etObject", "s3:GetObject", true},
		{"s3:?etObject", "s3:etObject", false},
		{"iam:*", "s3:GetObject", false},
		{"iam:Create*Version", "iam:CreatePolicyVersion", true},
		{"iam:*Policy*", "iam:PutRolePolicy", true},
		{"i*m:*r*", "iam:PassRole", true},
		{"", "", true},
		{"", "s3:GetObject", false},
		{"s3:GetObject", "", false},
		{"s3:GetObject", "s3:GetObjectAcl", false},
		{"s3:GetObject*", "s3:GetObject", true},
		{"***", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"ec2:runinstances", "ec2:RunInstances", true},
		{"kms:*", "kms:Decrypt", true},
		{"\u212a:*", "k:x", true}, // Kelvin sign folds to k
	}
	for _, tt := range tests {
		if got := MatchAction(tt.pattern, tt.action); got != tt.want {
			t.Errorf("MatchAction(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

func TestMatchResource(t *testing.T) {
	tests := []struct {
		pattern, resource string
		want              bool
	}{
		{"*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::B", "arn:aws:s3:::b", false},
		{"arn:aws:iam::111122223333:role/?", "arn:aws:iam::111122223333:role/x", true},
	}
	for _, tt := range tests {
		if got := MatchResource(tt.pattern, tt.resource); got != tt.want {
			t.Errorf("MatchResource(%q, %q) = %v, want %v", tt.pattern, tt.resource, got, tt.want)
		}
	}
}

func TestStatementAllows(t *testing.T) {
	tests := []struct {
		name             string
		stmt             Statement
		action, resource string
		allows, denies   bool
	}{
		{"allow action resource", Statement{Effect: "Allow", Action: []string{"s3:Get*"}, Resource: []string{"arn:aws:s3:::b/*"}}, "s3:GetObject", "arn:aws:s3:::b/k", true, false},
		{"allow other resource", Statement{Effect: "Allow", Action: []string{"s3:Get*"}, Resource: []string{"arn:aws:s3:::b/*"}}, "s3:GetObject", "arn:aws:s3:::c/k", false, false},
		{"allow other action", Statement{Effect: "Allow", Action: []string{"s3:Get*"}, Resource: []string{"*"}}, "s3:PutObject", "x", false, false},
		{"deny", Statement{Effect: "Deny", Action: []string{"*"}, Resource: []string{"*"}}, "s3:PutObject", "x", false, true},
		{"NotAction excludes", Statement{Effect: "Allow", NotAction: []string{"iam:*"}, Resource: []string{"*"}}, "IAM:CreateUser", "x", false, false},
		{"NotAction grants rest", Statement{Effect: "Allow", NotAction: []string{"iam:*"}, Resource: []string{"*"}}, "s3:GetObject", "x", true, false},
		{"NotResource excludes", Statement{Effect: "Allow", Action: []string{"*"}, NotResource: []string{"arn:aws:s3:::secret*"}}, "s3:GetObject", "arn:aws:s3:::secret/k", false, false},
		{"NotResource grants rest", Statement{Effect: "Allow", Action: []string{"*"}, NotResource: []string{"arn:aws:s3:::secret*"}}, "s3:GetObject", "arn:aws:s3:::public/k", true, false},
		{"no resource element", Statement{Effect: "Allow", Action: []string{"sts:AssumeRole"}}, "sts:AssumeRole", "", true, false},
		{"no action element", Statement{Effect: "Allow", Resource: []string{"*"}}, "s3:GetObject", "x", false, false},
		{"empty action array", Statement{Effect: "Allow", Action: []string{}, Resource: []string{"*"}}, "s3:GetObject", "x", false, false},
		{"empty NotAction array grants all", Statement{Effect: "Allow", NotAction: []string{}, Resource: []string{"*"}}, "s3:GetObject", "x", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.stmt.Allows(tt.action, tt.resource); got != tt.allows {
				t.Errorf("Allows = %v, want %v", got, tt.allows)
			}
			if got := tt.stmt.Denies(tt.action, tt.resource); got != tt.denies {
				t.Errorf("Denies = %v, want %v", got, tt.denies)
			}
		})
	}
}
