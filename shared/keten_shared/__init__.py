"""keten plumbing shared by every service: never the legal rules of one service."""
