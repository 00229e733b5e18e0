"""Kilowatt benchmark harness (bench/run.py): starts a private stack, provisions it through the
public API, runs scenarios, compares each figure with a baseline measured in the same run."""
