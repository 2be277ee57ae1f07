"""The benchmark behind scripts/bench.py: corpus loading, engines, timing, cold start, plot.

Not part of the service: nothing under index/ or service/ imports it, and the Lambda package
leaves it out. Only this package depends on requirements-bench.txt (tantivy, matplotlib).
"""
