"""Exchange API by noun: requests, shares and onward disclosure, referrals; each module
has its router, mounted by safeshare.api.api."""
