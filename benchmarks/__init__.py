"""Bothy's performance harness: `python -m benchmarks [--quick] [--model PATH] [--json OUT]`.

Every figure is a ratio or a budget measured side by side in one run, repeated, as a median.
See benchmarks/README.md.
"""
