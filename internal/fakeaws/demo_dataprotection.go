package fakeaws

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

func s3bpa(a, b, c, d bool) *s3types.PublicAccessBlockConfiguration {
	return &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(a), IgnorePublicAcls: aws.Bool(b), BlockPublicPolicy: aws.Bool(c), RestrictPublicBuckets: aws.Bool(d)}
}

func s3cbpa(a, b, c, d bool) *s3ctypes.PublicAccessBlockConfiguration {
	return &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(a), IgnorePublicAcls: aws.Bool(b), BlockPublicPolicy: aws.Bool(c), RestrictPublicBuckets: aws.Bool(d)}
}

func kmsBucketRule(keyARN string, blockSSEC bool) *s3types.ServerSideEncryptionConfiguration {
	r := s3types.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
		BucketKeyEnabled:                   aws.Bool(true),
	}
	if blockSSEC {
		r.BlockedEncryptionTypes = &s3types.BlockedEncryptionTypes{EncryptionType: []s3types.EncryptionType{s3types.EncryptionTypeSseC}}
	}
	return &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{r}}
}

func denyInsecureTransport(bucket string) string {
	arn := "arn:aws:s3:::" + bucket
	return `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
}

// seedDataProtectionDemo adds the dataprotection domain's state to the demo
// account; the account lock is held. It mixes compliant and non-compliant
// resources in us-east-1, eu-west-1 and ap-southeast-2.
func seedDataProtectionDemo(a *Account) {
	now := a.now()
	id := a.ID
	classified := func(v string) map[string]string {
		return map[string]string{"data-classification": v, "team": "payments"}
	}

	// KMS: us-east-1 has a rotating key, a key without rotation, an AWS
	// managed key and a key pending deletion; eu-west-1 a key with a
	// public policy statement.
	a.KMS.AddKey("us-east-1", "1f0c4a2e-demo-4b9e-9a51-000000000001", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled).RotationEnabled = true
	a.KMS.AddKey("us-east-1", "1f0c4a2e-demo-4b9e-9a51-000000000002", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
	a.KMS.AddKey("us-east-1", "1f0c4a2e-demo-4b9e-9a51-000000000003", kmstypes.KeyManagerTypeAws, kmstypes.KeyStateEnabled)
	a.KMS.AddKey("us-east-1", "1f0c4a2e-demo-4b9e-9a51-000000000004", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStatePendingDeletion)
	shared := a.KMS.AddKey("eu-west-1", "1f0c4a2e-demo-4b9e-9a51-000000000005", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled)
	shared.RotationEnabled = true
	shared.Policy = `{"Version":"2012-10-17","Id":"key-demo","Statement":[` +
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + id + `:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"AllowEveryoneToDecrypt","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}]}`
	a.KMS.AddKey("ap-southeast-2", "1f0c4a2e-demo-4b9e-9a51-000000000006", kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled).RotationEnabled = true
	euKey := aws.ToString(shared.Metadata.Arn)

	// IAM: one customer managed policy decrypts with every key.
	a.IAM.addPolicyLocked("demo-decrypt-everything", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}]}`, now.Add(-200*24*time.Hour))
	a.IAM.addPolicyLocked("demo-decrypt-orders-key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"`+euKey+`"}]}`, now.Add(-100*24*time.Hour))

	// S3: account-level Block Public Access half on.
	a.S3Control.PublicAccessBlock = s3cbpa(true, false, false, false)
	web := a.S3.Bucket("demo-website-assets", "us-east-1")
	web.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-website-assets/*"}]}`
	web.Ownership = s3types.ObjectOwnershipBucketOwnerEnforced
	web.Tags = classified("public")

	app := a.S3.Bucket("demo-app-data", "eu-west-1")
	app.PublicAccessBlock = s3bpa(true, true, true, true)
	app.Encryption = kmsBucketRule(euKey, true)
	app.Versioning = s3types.BucketVersioningStatusEnabled
	app.Logging = &s3types.LoggingEnabled{TargetBucket: aws.String("demo-access-logs-eu"), TargetPrefix: aws.String("demo-app-data/")}
	app.Policy = `{"Version":"2012-10-17","Statement":[` + denyInsecureTransport("demo-app-data") + `]}`
	app.Ownership = s3types.ObjectOwnershipBucketOwnerEnforced
	app.Tags = classified("confidential")

	logs := a.S3.Bucket("demo-access-logs-eu", "eu-west-1")
	logs.PublicAccessBlock = s3bpa(true, true, true, true)
	logs.Ownership = s3types.ObjectOwnershipObjectWriter
	logs.ACL = &S3ACL{Grants: []s3types.Grant{
		{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String("c0ffee" + id)}, Permission: s3types.PermissionFullControl},
		{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}, Permission: s3types.PermissionWrite},
	}}
	logs.Versioning = s3types.BucketVersioningStatusSuspended

	partner := a.S3.Bucket("demo-partner-exchange", "ap-southeast-2")
	partner.PublicAccessBlock = s3bpa(false, false, false, true)
	partner.Policy = `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::demo-partner-exchange","arn:aws:s3:::demo-partner-exchange/*"]},` +
		`{"Sid":"LegacyPublicList","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::demo-partner-exchange"}]}`
	partner.ACL = &S3ACL{Grants: []s3types.Grant{
		{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionRead},
	}}
	partner.Versioning, partner.MFADelete = s3types.BucketVersioningStatusEnabled, s3types.MFADeleteStatusEnabled
	partner.Tags = classified("internal")

	a.S3Control.AccessPoints = append(a.S3Control.AccessPoints,
		S3AccessPoint{Name: "demo-app-data-vpc", Bucket: "demo-app-data", Region: "eu-west-1", NetworkOrigin: s3ctypes.NetworkOriginVpc, VpcID: "vpc-0demo00000000001", PublicAccessBlock: s3cbpa(true, true, true, true), CreationDate: now.Add(-90 * 24 * time.Hour)},
		S3AccessPoint{Name: "demo-website-public", Bucket: "demo-website-assets", Region: "us-east-1", NetworkOrigin: s3ctypes.NetworkOriginInternet, PublicAccessBlock: s3cbpa(false, false, false, false), CreationDate: now.Add(-400 * 24 * time.Hour)},
	)

	// RDS.
	arn := func(region, kind, name string) *string {
		return aws.String("arn:aws:rds:" + region + ":" + id + ":" + kind + ":" + name)
	}
	tag := func(v string) []rdstypes.Tag {
		return []rdstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String(v)}}
	}
	use1 := a.RDS.Region("us-east-1")
	use1.Instances = append(use1.Instances, rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String("demo-orders-db"), DBInstanceArn: arn("us-east-1", "db", "demo-orders-db"), Engine: aws.String("postgres"), EngineVersion: aws.String("16.4"),
		StorageEncrypted: aws.Bool(true), KmsKeyId: aws.String("arn:aws:kms:us-east-1:" + id + ":key/1f0c4a2e-demo-4b9e-9a51-000000000001"),
		AutoMinorVersionUpgrade: aws.Bool(true), PubliclyAccessible: aws.Bool(false), DeletionProtection: aws.Bool(true),
		DBParameterGroups: []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String("demo-postgres16-strict"), ParameterApplyStatus: aws.String("in-sync")}},
		TagList:           tag("confidential"),
	})
	use1.ParameterGroups["demo-postgres16-strict"] = map[string]string{"rds.force_ssl": "1", "log_connections": "1"}
	use1.Snapshots = append(use1.Snapshots, rdstypes.DBSnapshot{
		DBSnapshotIdentifier: aws.String("rds:demo-orders-db-daily"), DBSnapshotArn: arn("us-east-1", "snapshot", "rds:demo-orders-db-daily"),
		DBInstanceIdentifier: aws.String("demo-orders-db"), SnapshotType: aws.String("automated"), Encrypted: aws.Bool(true),
	})

	euw1 := a.RDS.Region("eu-west-1")
	euw1.Instances = append(euw1.Instances, rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String("demo-legacy-mysql"), DBInstanceArn: arn("eu-west-1", "db", "demo-legacy-mysql"), Engine: aws.String("mysql"), EngineVersion: aws.String("8.0.39"),
		StorageEncrypted: aws.Bool(false), AutoMinorVersionUpgrade: aws.Bool(false), PubliclyAccessible: aws.Bool(true), DeletionProtection: aws.Bool(false),
		DBParameterGroups: []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String("default.mysql8.0"), ParameterApplyStatus: aws.String("in-sync")}},
	}, rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String("demo-reports-aurora-1"), DBInstanceArn: arn("eu-west-1", "db", "demo-reports-aurora-1"), Engine: aws.String("aurora-mysql"),
		DBClusterIdentifier: aws.String("demo-reports"), StorageEncrypted: aws.Bool(true), AutoMinorVersionUpgrade: aws.Bool(true), PubliclyAccessible: aws.Bool(false), DeletionProtection: aws.Bool(false),
		DBParameterGroups: []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String("default.aurora-mysql8.0")}},
	})
	euw1.Clusters = append(euw1.Clusters, rdstypes.DBCluster{
		DBClusterIdentifier: aws.String("demo-reports"), DBClusterArn: arn("eu-west-1", "cluster", "demo-reports"), Engine: aws.String("aurora-mysql"),
		StorageEncrypted: aws.Bool(true), DeletionProtection: aws.Bool(false), DBClusterParameterGroup: aws.String("demo-aurora-mysql8"),
		TagList: tag("internal"),
	})
	euw1.ClusterParameterGroups["demo-aurora-mysql8"] = map[string]string{"require_secure_transport": "OFF", "time_zone": "UTC"}
	euw1.Snapshots = append(euw1.Snapshots, rdstypes.DBSnapshot{
		DBSnapshotIdentifier: aws.String("demo-legacy-mysql-before-migration"), DBSnapshotArn: arn("eu-west-1", "snapshot", "demo-legacy-mysql-before-migration"),
		DBInstanceIdentifier: aws.String("demo-legacy-mysql"), SnapshotType: aws.String("manual"), Encrypted: aws.Bool(false),
	})
	euw1.SnapshotRestore["demo-legacy-mysql-before-migration"] = []string{"all"}
	euw1.ClusterSnapshots = append(euw1.ClusterSnapshots, rdstypes.DBClusterSnapshot{
		DBClusterSnapshotIdentifier: aws.String("demo-reports-q3"), DBClusterSnapshotArn: arn("eu-west-1", "cluster-snapshot", "demo-reports-q3"),
		DBClusterIdentifier: aws.String("demo-reports"), SnapshotType: aws.String("manual"), StorageEncrypted: aws.Bool(true),
	})
	euw1.SnapshotRestore["demo-reports-q3"] = []string{"444455556666"}

	// EBS and AMIs.
	created := now.Add(-30 * 24 * time.Hour)
	for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
		r := a.EC2.Region(region)
		r.EBSEncryptionByDefault = region != "eu-west-1"
		if region == "us-east-1" {
			r.SnapshotBlockPublicAccess = ec2types.SnapshotBlockPublicAccessStateBlockAllSharing
		}
		enc := region != "eu-west-1"
		vol := ec2types.Volume{VolumeId: aws.String(r.newID("vol")), Size: aws.Int32(100), VolumeType: ec2types.VolumeTypeGp3, Encrypted: aws.Bool(enc),
			AvailabilityZone: aws.String(region + "a"), State: ec2types.VolumeStateInUse, CreateTime: &created,
			Attachments: []ec2types.VolumeAttachment{{InstanceId: aws.String(r.newID("i")), Device: aws.String("/dev/xvda"), State: ec2types.VolumeAttachmentStateAttached}}}
		if enc {
			vol.Tags = []ec2types.Tag{{Key: aws.String("data-classification"), Value: aws.String("internal")}}
		}
		spare := ec2types.Volume{VolumeId: aws.String(r.newID("vol")), Size: aws.Int32(20), VolumeType: ec2types.VolumeTypeGp3, Encrypted: aws.Bool(false),
			AvailabilityZone: aws.String(region + "b"), State: ec2types.VolumeStateAvailable, CreateTime: &created}
		r.Volumes = append(r.Volumes, vol, spare)
		snap := ec2types.Snapshot{SnapshotId: aws.String(r.newID("snap")), OwnerId: aws.String(id), VolumeId: vol.VolumeId, Encrypted: aws.Bool(enc),
			State: ec2types.SnapshotStateCompleted, StartTime: &created, VolumeSize: aws.Int32(100)}
		r.Snapshots = append(r.Snapshots, snap)
		if region != "ap-southeast-2" {
			r.SnapshotPermissions[*snap.SnapshotId] = []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
		}
	}
	use1EC2 := a.EC2.Region("us-east-1")
	ami := aws.String(use1EC2.newID("ami"))
	use1EC2.Images = append(use1EC2.Images, ec2types.Image{ImageId: ami, OwnerId: aws.String(id), Name: aws.String("demo-golden-image-2026-10"), State: ec2types.ImageStateAvailable})
	use1EC2.ImagePermissions[*ami] = []ec2types.LaunchPermission{{Group: ec2types.PermissionGroupAll}}

	// Load balancers: eu-west-1 serves HTTP without a redirect and an old
	// TLS policy; us-east-1 is configured well.
	euLB := a.ELBv2.Region("eu-west-1")
	shop := euLB.AddLoadBalancer(id, "eu-west-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("demo-shop"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing, CreatedTime: &created})
	tg := aws.String("arn:aws:elasticloadbalancing:eu-west-1:" + id + ":targetgroup/demo-shop/0000000000000001")
	euLB.AddListener(shop, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttps, Port: aws.Int32(443), SslPolicy: aws.String("ELBSecurityPolicy-2016-08"),
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String("arn:aws:acm:eu-west-1:" + id + ":certificate/demo-shop")}}, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg}}})
	euLB.AddListener(shop, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg}}})
	usLB := a.ELBv2.Region("us-east-1")
	api := usLB.AddLoadBalancer(id, "us-east-1", elbtypes.LoadBalancer{LoadBalancerName: aws.String("demo-api"), Type: elbtypes.LoadBalancerTypeEnumApplication, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing, CreatedTime: &created})
	usTG := aws.String("arn:aws:elasticloadbalancing:us-east-1:" + id + ":targetgroup/demo-api/0000000000000002")
	usLB.AddListener(api, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttps, Port: aws.Int32(443), SslPolicy: aws.String("ELBSecurityPolicy-TLS13-1-2-2021-06"),
		Certificates: []elbtypes.Certificate{{CertificateArn: aws.String("arn:aws:acm:us-east-1:" + id + ":certificate/demo-api")}}, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: usTG}}})
	usLB.AddListener(api, elbtypes.Listener{Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect,
		RedirectConfig: &elbtypes.RedirectActionConfig{Protocol: aws.String("HTTPS"), Port: aws.String("443"), Host: aws.String("#{host}"), Path: aws.String("/#{path}"), Query: aws.String("#{query}"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301}}}})
}
