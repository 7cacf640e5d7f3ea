"""Tests of the use cases, one module per services module."""
