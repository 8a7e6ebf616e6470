package fakeaws

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// synthDataProtection adds the dataprotection domain's state to a synthetic
// account; the account lock is held. Buckets are spread over the enabled
// Regions; volumes, snapshots, keys and databases are per Region. Most
// resources comply; a few percent do not, as in a real estate.
func synthDataProtection(a *Account, p SyntheticParams, rng *rand.Rand) {
	regions := a.EnabledRegions()
	if len(regions) == 0 {
		return
	}
	now := a.now()
	chance := func(pct int) bool { return rng.IntN(100) < pct }
	a.S3Control.PublicAccessBlock = s3cbpa(true, chance(50), true, chance(50))

	if a.S3.Buckets == nil {
		a.S3.Buckets = make(map[string]*S3Bucket, p.Buckets)
	}
	allOn := s3bpa(true, true, true, true)
	for i := range p.Buckets {
		name := fmt.Sprintf("synth-%s-%05d", a.ID, i)
		b := &S3Bucket{Name: name, Region: regions[i%len(regions)], CreationDate: now.Add(-time.Duration(rng.IntN(1000)) * 24 * time.Hour)}
		if chance(80) {
			b.PublicAccessBlock = allOn
		}
		if chance(3) {
			b.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + name + `/*"}]}`
		} else if chance(50) {
			b.Policy = `{"Version":"2012-10-17","Statement":[` + denyInsecureTransport(name) + `]}`
		}
		if chance(60) {
			b.Versioning = s3types.BucketVersioningStatusEnabled
		}
		if chance(30) {
			b.Encryption = kmsBucketRule("arn:aws:kms:"+b.Region+":"+a.ID+":key/synth-s3", chance(20))
		}
		if chance(85) {
			b.Ownership = s3types.ObjectOwnershipBucketOwnerEnforced
		}
		if chance(50) {
			b.Tags = map[string]string{"data-classification": "internal"}
		}
		if i > 0 && b.Region == regions[0] && chance(40) {
			// logs go to the first bucket, which lives in the same Region
			b.Logging = &s3types.LoggingEnabled{TargetBucket: aws.String(fmt.Sprintf("synth-%s-%05d", a.ID, 0)), TargetPrefix: aws.String(name + "/")}
		}
		a.S3.Buckets[name] = b
	}

	created := now.Add(-60 * 24 * time.Hour)
	for _, region := range regions {
		r := a.EC2.Region(region)
		r.EBSEncryptionByDefault = chance(70)
		if chance(30) {
			r.SnapshotBlockPublicAccess = ec2types.SnapshotBlockPublicAccessStateBlockAllSharing
		}
		r.Volumes = append(make([]ec2types.Volume, 0, len(r.Volumes)+p.VolumesPerRegion), r.Volumes...)
		for range p.VolumesPerRegion {
			v := ec2types.Volume{VolumeId: aws.String(r.newID("vol")), Size: aws.Int32(int32(8 + rng.IntN(500))), VolumeType: ec2types.VolumeTypeGp3,
				Encrypted: aws.Bool(chance(85)), AvailabilityZone: aws.String(region + "a"), State: ec2types.VolumeStateAvailable, CreateTime: &created}
			if chance(70) {
				v.State = ec2types.VolumeStateInUse
				v.Attachments = []ec2types.VolumeAttachment{{InstanceId: aws.String(r.newID("i")), Device: aws.String("/dev/xvda"), State: ec2types.VolumeAttachmentStateAttached}}
			}
			if chance(50) {
				v.Tags = []ec2types.Tag{{Key: aws.String("data-classification"), Value: aws.String("internal")}}
			}
			r.Volumes = append(r.Volumes, v)
		}
		for range p.SnapshotsPerRegion {
			s := ec2types.Snapshot{SnapshotId: aws.String(r.newID("snap")), OwnerId: aws.String(a.ID), Encrypted: aws.Bool(chance(85)),
				State: ec2types.SnapshotStateCompleted, StartTime: &created, VolumeSize: aws.Int32(100)}
			r.Snapshots = append(r.Snapshots, s)
			if chance(1) {
				r.SnapshotPermissions[*s.SnapshotId] = []ec2types.CreateVolumePermission{{Group: ec2types.PermissionGroupAll}}
			}
		}
		for i := range p.KeysPerRegion {
			manager, state := kmstypes.KeyManagerTypeCustomer, kmstypes.KeyStateEnabled
			switch {
			case chance(20):
				manager = kmstypes.KeyManagerTypeAws
			case chance(3):
				state = kmstypes.KeyStatePendingDeletion
			}
			k := a.KMS.AddKey(region, fmt.Sprintf("00000000-synth-%04d-%s", i, region), manager, state)
			if manager == kmstypes.KeyManagerTypeCustomer {
				k.RotationEnabled = chance(60)
			}
		}
		rr := a.RDS.Region(region)
		rr.ParameterGroups["synth-pg-strict"] = map[string]string{"rds.force_ssl": "1"}
		for i := range p.DatabasesPerRegion {
			id := fmt.Sprintf("synth-db-%04d", i)
			group := "synth-pg-strict"
			if chance(40) {
				group = "default.postgres16"
			}
			d := rdstypes.DBInstance{
				DBInstanceIdentifier: aws.String(id), DBInstanceArn: aws.String("arn:aws:rds:" + region + ":" + a.ID + ":db:" + id), Engine: aws.String("postgres"),
				StorageEncrypted: aws.Bool(chance(85)), AutoMinorVersionUpgrade: aws.Bool(chance(80)), PubliclyAccessible: aws.Bool(chance(5)),
				DeletionProtection: aws.Bool(chance(60)), DBParameterGroups: []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String(group)}},
			}
			if chance(50) {
				d.TagList = []rdstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("confidential")}}
			}
			rr.Instances = append(rr.Instances, d)
			if chance(50) {
				sid := id + "-manual"
				rr.Snapshots = append(rr.Snapshots, rdstypes.DBSnapshot{DBSnapshotIdentifier: aws.String(sid), DBSnapshotArn: aws.String("arn:aws:rds:" + region + ":" + a.ID + ":snapshot:" + sid),
					DBInstanceIdentifier: aws.String(id), SnapshotType: aws.String("manual"), Encrypted: d.StorageEncrypted})
				if chance(2) {
					rr.SnapshotRestore[sid] = []string{"all"}
				}
			}
		}
	}
}
