"""Product design records (standard chapter 3; issue 17)."""
