"""The Kendra index id the tests use (botocore checks its 36-character minimum)."""

INDEX_ID = "0123456789abcdef0123456789abcdef0123"
