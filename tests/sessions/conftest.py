"""What the sessions tests share."""


def session_change_data(session, rows=(), **fields):
    """The POST of a session's admin change page: the session as it is, `rows` as new agenda items
    (day, start, end, title), no other inline rows, and `fields` on top (e.g. title_fr)."""
    data = {
        "process": session.process_id,
        "number": session.number,
        "title": session.title,
        "slug": session.slug,
        "start_date": session.start_date.isoformat(),
        "end_date": session.end_date.isoformat(),
        "venue": session.venue_id,
        "status": session.status,
        "co_facilitator_links-TOTAL_FORMS": 0,
        "co_facilitator_links-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 0,
        "documents-INITIAL_FORMS": 0,
        "agenda_items-TOTAL_FORMS": len(rows),
        "agenda_items-INITIAL_FORMS": 0,
        **fields,
    }
    for index, (day, start, end, title) in enumerate(rows):
        prefix = f"agenda_items-{index}-"
        data |= {
            prefix + "day": day,
            prefix + "start_time": start,
            prefix + "end_time": end,
            prefix + "kind": "panel",
            prefix + "title": title,
        }
    return data
