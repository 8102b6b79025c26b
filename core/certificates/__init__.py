# StudyHall - study and knowledge-competition app for police units.
# Licensed under the MIT licence; see LICENSE.
"""PDF certificates that look official and can be verified offline.

* ``templates``  the template model as data (红头, title, body with {字段}, seal, border…) and defaults
* ``layout``     one certificate page as drawing primitives (shared by the PDF and the GUI preview)
* ``qr``         fast QR matrices (zxing-cpp, segno as fallback) merged into row runs
* ``render``     ReportLab drawing with the bundled TrueType fonts embedded as subsets
* ``signing``    serial numbers, the signed content, Ed25519 signatures (SHC2) and the QR payload;
                 older SHC1 HMAC signatures are only checked
* ``keys``       the unit's Ed25519 key: encrypted at rest, unlocked per process, set up, exported
* ``issue``      issuing (automatic on a passed exam, manual for honours), reissue and revoke
* ``verify``     serial / QR text / PDF file -> genuine, revoked, superseded, unknown, forged, unsigned
                 or unverifiable, against this database's records and public keys
* ``offline``    the same with an exported public key alone (a higher unit, no database)
* ``batch``      batch printing to one PDF, a folder or a zip, with progress and cancel
* ``usecases``   what people do (list, print, issue, templates, verify), each checked against the
                 permission table; issuing on a passed exam stays the ``attempt_did_submit`` hook
"""
