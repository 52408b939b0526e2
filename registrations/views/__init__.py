"""Pages of registrations, one module per subject: delegations (and speakers), stakeholders, missions, participants."""
