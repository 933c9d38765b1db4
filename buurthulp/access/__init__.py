"""The access log and the reasons staff give: every staff read of personal data leaves a
row the resident can read. A floor below every feature that shows residents to staff."""
