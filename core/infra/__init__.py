# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Infrastructure every capability uses: the database, clock, paths, settings, audit log,
password hashing, domain events (hooks) and the bundled PDF fonts."""
