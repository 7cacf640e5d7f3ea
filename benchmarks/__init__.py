"""Benchmarks: `make bench` runs them all and prints one table.

Each benchmark times safeschools side by side with the library a user would otherwise reach for,
in the same run, and reports the ratio. Nothing here is a test: no timing is ever asserted.
"""
