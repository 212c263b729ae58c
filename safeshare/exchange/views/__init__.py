"""Exchange pages by noun: requests, shares, onward disclosure, referrals."""
