# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The points ledger (积分台账): rules as data, entries with reasons, tallies and rankings."""
