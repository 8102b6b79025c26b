# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""The on-stage contest's screens: the host console, the big screen, buzzers and sound cues."""
