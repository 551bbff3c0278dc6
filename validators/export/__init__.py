"""The clean file for JA: the export plan (rows laid out by a profile, rejects, balance) and the profile."""
