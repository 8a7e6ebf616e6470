// Package report turns secpillar findings into the formats people and
// tools read: JSON lines, the OCSF Detection Finding (class 2004), the AWS
// Security Finding Format (ASFF) that Security Hub imports, and a table
// with a summary by domain and severity for a terminal.
//
// Every converter is a pure function of its input and options: the time
// stamped on a finding comes from the options (Now), so the same findings
// always render the same bytes. Nothing here calls AWS; the ASFF findings
// convert to Security Hub's SDK types with SecurityHubFindings for a caller
// that imports them with BatchImportFindings.
package report
