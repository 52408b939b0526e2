"""The published list of participants of a session, for anyone (the secretariat publishes it from the admin)."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from registrations import documents
from sessions.selectors import public_session


@require_GET
def published_participants_list(request, slug):
    session = public_session(slug=slug)
    document = documents.published_participants([session.pk]).get(session.pk)
    if document is None or not document.file:
        raise Http404("The list of participants is not published.")
    return FileResponse(document.file.open("rb"), as_attachment=False, filename=document.filename)
