"""Deployment tooling: Zappa settings, packaging (function zip and layer), the offline Lambda
check, publishing the layer, query reports.

Used by scripts/ and the tests; never shipped to Lambda (the package carries only index/,
service/ and the built index).
"""
