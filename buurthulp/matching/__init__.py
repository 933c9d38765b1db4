"""Matching neighbours: the feed of listings near a member, and suggestions of whom to ask.

One floor above listings and matches: it ranks what both hold (distance band, interests
and talents, availability, and fairness in who gets asked).
"""
