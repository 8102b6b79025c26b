# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Benchmark workloads. Every module here defining ``WORKLOADS = [Workload(...)]`` is picked up."""
