"""The account lifecycle: joining, confirming an address, staff creating accounts, moving.

One floor above `neighbourhoods` (a home decides the neighbourhood) and `auth` (identity).
"""
