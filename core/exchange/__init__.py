# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""Offline PCs: signed exam and results packages that merge without duplicates (issue 18).

``travel`` (rows by natural keys), ``package`` (the signed zip), ``identity`` (this PC's exchange
key, trusted PCs), ``select`` (what goes into a package), ``merge`` (storing one), ``usecases``.
"""
