"""Every read of registrations that pages and services reuse, one module per subject; each runs a fixed number of
queries:

- `accounts`: a user's profile, a mission's focal points' addresses
- `delegations`: delegation registrations (whether a session takes them, a focal point's own, the admin's counts)
- `speakers`: speakers lists open to inscriptions, the published ones
- `stakeholders`: organizations' contact addresses, representatives, non-objection lists
- `dialogue`: the informal dialogue's applications and its published list

A public (non-draft) session is read with `sessions.selectors.public_session`.
"""
