"""Deployment tooling: Zappa settings, packaging, the offline Lambda check, query reports.

Used by scripts/ and the tests; never shipped to Lambda (the package carries only index/,
service/ and the built index).
"""
