package report

import (
	"io"
	"sort"
	"time"

	"github.com/secpillar/secpillar"
)

// The OCSF event class and schema version that OCSF produces.
const (
	OCSFSchemaVersion = "1.1.0"
	OCSFClassUID      = 2004 // Detection Finding
	OCSFCategoryUID   = 2    // Findings
	ocsfActivityID    = 1    // Create
	ocsfTypeUID       = OCSFClassUID*100 + ocsfActivityID
)

// OCSF status IDs of a finding (the Finding class's status_id).
const (
	OCSFStatusUnknown  = 0
	OCSFStatusNew      = 1
	OCSFStatusResolved = 4
	OCSFStatusOther    = 99
)

// OCSFOptions controls OCSF. The zero value names the product "secpillar"
// and stamps the findings with the current time.
type OCSFOptions struct {
	// ProductName and VendorName fill metadata.product; empty means
	// "secpillar".
	ProductName string
	VendorName  string
	// ProductVersion fills metadata.product.version; empty means
	// "unknown".
	ProductVersion string
	// Now is the event time; the zero value means time.Now.
	Now time.Time
	// Controls, when given, supplies each finding's title and types from
	// the catalogue entry of its control.
	Controls []secpillar.Control
}

// OCSFFinding is one OCSF Detection Finding (class_uid 2004, category_uid
// 2, activity Create), schema OCSFSchemaVersion.
type OCSFFinding struct {
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	// Time is the event time in milliseconds since the Unix epoch.
	Time       int64  `json:"time"`
	SeverityID int    `json:"severity_id"`
	Severity   string `json:"severity"`
	// StatusID is 1 (New) for a failed check, 4 (Resolved) for a passed
	// one, 99 (Other, Status "Not Applicable") when the control does not
	// apply and 0 (Unknown) when it could not be evaluated. StatusCode
	// keeps the secpillar status and StatusDetail the reason.
	StatusID     int             `json:"status_id"`
	Status       string          `json:"status"`
	StatusCode   string          `json:"status_code"`
	StatusDetail string          `json:"status_detail,omitempty"`
	Message      string          `json:"message"`
	Metadata     OCSFMetadata    `json:"metadata"`
	FindingInfo  OCSFFindingInfo `json:"finding_info"`
	Resources    []OCSFResource  `json:"resources"`
	Cloud        OCSFCloud       `json:"cloud"`
	// Unmapped holds what OCSF has no attribute for: the control ID, the
	// framework references and the evidence.
	Unmapped map[string]any `json:"unmapped,omitempty"`
}

// OCSFMetadata is the metadata object: the schema version and the product
// that produced the event.
type OCSFMetadata struct {
	Version   string      `json:"version"`
	Product   OCSFProduct `json:"product"`
	EventCode string      `json:"event_code,omitempty"`
}

// OCSFProduct names the product that produced the finding.
type OCSFProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version"`
}

// OCSFFindingInfo describes the finding. UID is the same deterministic ID
// as the ASFF Id.
type OCSFFindingInfo struct {
	UID         string   `json:"uid"`
	Title       string   `json:"title"`
	Desc        string   `json:"desc,omitempty"`
	Types       []string `json:"types,omitempty"`
	CreatedTime int64    `json:"created_time"`
}

// OCSFResource is an affected resource.
type OCSFResource struct {
	UID            string `json:"uid"`
	Type           string `json:"type"`
	Region         string `json:"region,omitempty"`
	CloudPartition string `json:"cloud_partition,omitempty"`
}

// OCSFCloud is the cloud object: provider AWS, the account and the Region.
type OCSFCloud struct {
	Provider string       `json:"provider"`
	Region   string       `json:"region,omitempty"`
	Account  *OCSFAccount `json:"account,omitempty"`
}

// OCSFAccount is an AWS account (type_id 10).
type OCSFAccount struct {
	UID    string `json:"uid"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

// OCSF converts findings to OCSF Detection Findings, one per finding, in
// order. The severity is the control's severity whatever the verdict; the
// verdict is in status_id, status and status_code.
func OCSF(findings []secpillar.Finding, opts OCSFOptions) []OCSFFinding {
	product := OCSFProduct{Name: opts.ProductName, VendorName: opts.VendorName, Version: opts.ProductVersion}
	if product.Name == "" {
		product.Name = "secpillar"
	}
	if product.VendorName == "" {
		product.VendorName = "secpillar"
	}
	if product.Version == "" {
		product.Version = "unknown"
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	ms := now.UnixMilli()
	catalog := catalogOf(opts.Controls)

	out := make([]OCSFFinding, 0, len(findings))
	for _, f := range findings {
		c, known := catalog[f.Control]
		title := f.Control
		if known && c.Title != "" {
			title = c.Title
		}
		sevID, sevName := ocsfSeverity(f.Severity)
		statusID, status := ocsfStatus(f.Status)
		account := accountOf(f.Resource)

		of := OCSFFinding{
			ActivityID:   ocsfActivityID,
			ActivityName: "Create",
			CategoryUID:  OCSFCategoryUID,
			CategoryName: "Findings",
			ClassUID:     OCSFClassUID,
			ClassName:    "Detection Finding",
			TypeUID:      ocsfTypeUID,
			TypeName:     "Detection Finding: Create",
			Time:         ms,
			SeverityID:   sevID,
			Severity:     sevName,
			StatusID:     statusID,
			Status:       status,
			StatusCode:   string(f.Status),
			StatusDetail: f.Reason,
			Message:      messageOf(title, f),
			Metadata:     OCSFMetadata{Version: OCSFSchemaVersion, Product: product, EventCode: f.Control},
			FindingInfo: OCSFFindingInfo{
				UID:         DefaultGeneratorPrefix + "/" + f.Control + "/" + findingHash(account, f),
				Title:       title,
				Desc:        f.Reason,
				Types:       asffTypes(c.References),
				CreatedTime: ms,
			},
			Resources: []OCSFResource{{
				UID:            f.Resource.ID,
				Type:           f.Resource.Type,
				Region:         f.Resource.Region,
				CloudPartition: partitionOf(f.Resource.ID, f.Resource.Region),
			}},
			Cloud: OCSFCloud{Provider: "AWS", Region: f.Resource.Region},
		}
		if account != "" {
			of.Cloud.Account = &OCSFAccount{UID: account, Type: "AWS Account", TypeID: 10}
		}
		of.Unmapped = ocsfUnmapped(f, c.References)
		out = append(out, of)
	}
	return out
}

// WriteOCSF writes the findings as OCSF Detection Findings, one JSON
// object per line (the shape OCSF pipelines ingest).
func WriteOCSF(w io.Writer, findings []secpillar.Finding, opts OCSFOptions) error {
	return writeLines(w, OCSF(findings, opts))
}

// messageOf is the one-line message of an OCSF event.
func messageOf(title string, f secpillar.Finding) string {
	if f.Reason == "" {
		return title
	}
	return title + ": " + f.Reason
}

// ocsfSeverity maps a severity to the OCSF severity_id and its caption.
func ocsfSeverity(s secpillar.Severity) (int, string) {
	switch s {
	case secpillar.SeverityInformational:
		return 1, "Informational"
	case secpillar.SeverityLow:
		return 2, "Low"
	case secpillar.SeverityMedium:
		return 3, "Medium"
	case secpillar.SeverityHigh:
		return 4, "High"
	case secpillar.SeverityCritical:
		return 5, "Critical"
	}
	return 0, "Unknown"
}

// ocsfStatus maps a verdict to the OCSF finding status_id and caption.
func ocsfStatus(s secpillar.Status) (int, string) {
	switch s {
	case secpillar.StatusFail:
		return OCSFStatusNew, "New"
	case secpillar.StatusPass:
		return OCSFStatusResolved, "Resolved"
	case secpillar.StatusNotApplicable:
		return OCSFStatusOther, "Not Applicable"
	}
	return OCSFStatusUnknown, "Unknown"
}

// ocsfUnmapped keeps the control, references and evidence.
func ocsfUnmapped(f secpillar.Finding, refs []secpillar.Reference) map[string]any {
	m := map[string]any{"control": f.Control}
	if len(refs) > 0 {
		var rs []string
		for _, r := range refs {
			rs = append(rs, r.Framework+":"+r.ID)
		}
		sort.Strings(rs)
		m["references"] = rs
	}
	if len(f.Evidence) > 0 {
		ev := make(map[string]string, len(f.Evidence))
		for k, v := range f.Evidence {
			ev[k] = v
		}
		m["evidence"] = ev
	}
	return m
}
