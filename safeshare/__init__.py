"""safeshare: information sharing for a children's safeguarding partnership."""
