"""The rules lower rooms obey: blocks, the vulnerable mark and trust, proxy residents, and the
check of public texts. Below listings, matches and matching; above identity."""
