"""Browser tests (Playwright and Debian's Chromium): see conftest.py."""
