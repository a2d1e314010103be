"""Helpers shared by the CaseXchange contract and Postman-parity tests (not a test module)."""
