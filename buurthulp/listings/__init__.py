"""The marketplace's listings: requests (hulpvraag), offers (aanbod) and group activities."""
