"""Reads of stakeholder organizations: the accredited ones with their contact addresses, for letters' audiences."""

from registrations.selectors import stakeholders as stakeholder_selectors


def test_approved_organizations_with_their_contact_addresses(make_organization, django_assert_num_queries):
    accredited = make_organization(name="B accredited")
    make_organization(name="A requested", accredited=False)
    no_focal_point = make_organization(name="C accredited", focal_point=False)
    with django_assert_num_queries(2):
        contacts = stakeholder_selectors.approved_organizations()
    assert [(c.organization.name, c.emails) for c in contacts] == [
        ("B accredited", sorted([accredited.email, accredited.focal_point.email])),
        ("C accredited", [no_focal_point.email]),
    ]
