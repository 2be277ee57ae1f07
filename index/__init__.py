"""Search core: content parsing, the Whoosh schema, index building, querying and answers.

A plain library: nothing here imports Flask, so the build scripts, the web layer and the
benchmarks all share one implementation.
"""
