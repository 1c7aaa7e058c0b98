"""Every decision kept as a referral, and finding them again for staff."""
