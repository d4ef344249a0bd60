"""Benchmarks: the platform measured against bare baselines, side by side, in one run.

Not part of the product and never imported by it. ``make bench`` runs ``bench/run.py``; see
``docs/benchmarks.md``.
"""
