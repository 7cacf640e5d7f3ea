"""Decisions and money: council composition and votes, trade-in fund allocation."""
