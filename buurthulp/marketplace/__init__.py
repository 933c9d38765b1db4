"""The marketplace's pages and wiring: the rooms below it (listings, matches, matching)
keep the rules; this room shows them, runs their clock and plants the demo."""
