# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The on-stage knowledge competition (知识竞赛现场赛): teams, rounds, the state machine, its events."""
