package main

// reportSchema names the version of verify's JSON report. A change that
// removes or renames a field must change it.
const reportSchema = "tcpcheck/report/v1"
