"""The session PKI fixture lives in tests/conftest.py (shared with the service tests)."""
