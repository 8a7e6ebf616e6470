package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/secpillar/secpillar/catalogue"
	"github.com/secpillar/secpillar/internal/fakeaws"
)

// dirObjects is a PutObjectAPI that writes objects under a local
// directory ("<dir>/<bucket>/<key>"), for running the handler without S3.
type dirObjects struct{ dir string }

func (d dirObjects) PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	path := filepath.Join(d.dir, aws.ToString(in.Bucket), filepath.FromSlash(aws.ToString(in.Key)))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, in.Body); err != nil {
		f.Close()
		return nil, err
	}
	return &s3.PutObjectOutput{}, f.Close()
}

// runDemo does locally what statemachine.json does in AWS, on the demo
// organization: list the accounts page by page, and invoke the handler
// for each (the handler skips accounts that are not ACTIVE). Objects go
// under dir; each invocation's Result is printed as one JSON line.
func runDemo(ctx context.Context, w io.Writer, dir string) error {
	cfg, _ := fakeaws.DemoOrganization()
	h := &Handler{
		Config: cfg, Controls: catalogue.All(),
		S3: dirObjects{dir: dir}, Bucket: "demo-findings", Prefix: "secpillar/",
		STS: sts.NewFromConfig(cfg),
	}
	enc := json.NewEncoder(w)
	p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(cfg), &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("lambda demo: list accounts: %w", err)
		}
		for _, a := range page.Accounts {
			res, err := h.Handle(ctx, Event{
				AccountID: aws.ToString(a.Id), AccountState: string(a.State),
				RoleName: fakeaws.DemoOrgRole, Regions: []string{}, Controls: []string{},
			})
			if err != nil {
				return fmt.Errorf("lambda demo: account %s: %w", aws.ToString(a.Id), err)
			}
			if err := enc.Encode(res); err != nil {
				return err
			}
		}
	}
	return nil
}
