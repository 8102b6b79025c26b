# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Benchmarks: each workload is timed next to its raw floor measured in the same run."""
