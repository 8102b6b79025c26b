# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Who is acting and what they may do: the :class:`~core.access.actor.Actor`, the one permission
table (:mod:`core.access.permissions`), and the use-case frame (:mod:`core.access.usecase`) every
action a person can take runs in, from the GUI, the CLI and bench alike."""
