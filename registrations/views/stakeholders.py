"""Pages of stakeholders (their organization, representatives, speaking slots), of Member States' focal points
(the non-objection lists) and the public list of the informal dialogue's speakers."""

from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compact_portal.slotted_pages import slot, slotted_response
from registrations import notifications, permissions
from registrations.context_processors import frame_key, read_as_organization_focal_point
from registrations.forms import ObjectionForm, OrganizationForm, RepresentationForm, SlotApplicationForm
from registrations.models import Profile, Representation, SlotApplication
from registrations.selectors import dialogue as dialogue_selectors
from registrations.selectors import stakeholders as stakeholder_selectors
from registrations.services import dialogue as dialogue_services
from registrations.services import stakeholders
from sessions import public_cache
from sessions import selectors as session_selectors
from sessions.calendar import timezone_label
from sessions.participation import ways_in


def _error_messages(request, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


@login_required
def stakeholder_home(request):
    """The stakeholder's desk: the organization and its accreditation, the dialogues to apply for, the applications
    with their slots, the representatives to confirm; for a representative, their requests and confirmed slots."""
    organization = permissions.organization_of(request.user, with_country=True)
    applications, open_dialogues, representations = [], [], []
    if organization:
        applications = list(dialogue_selectors.applications_of(organization))
        applied = {application.dialogue_id for application in applications}
        if organization.is_accredited:
            open_dialogues = [d for d in dialogue_selectors.dialogues_taking_applications() if d.pk not in applied]
        representations = list(stakeholder_selectors.representations_for_organization(organization))
    profile = Profile.objects.filter(user=request.user).select_related("mission").first()
    context = {
        "organization": organization,
        "other_affiliation": profile is not None and profile.mission_id is not None,
        "applications": applications,
        "open_dialogues": open_dialogues,
        "representations": representations,
        "my_representations": list(stakeholder_selectors.representations_of(request.user)),
        "represented_applications": list(dialogue_selectors.confirmed_representative_applications(request.user)),
        "considers_lists": permissions.member_state_missions_of(request.user).exists(),
        "manages": permissions.is_secretariat(request.user),
    }
    return render(request, "registrations/stakeholders/home.html", context)


@login_required
def organization_register(request):
    if permissions.organization_of(request.user):
        return redirect("registrations:stakeholder_home")
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # E-mails to the organization go out in the language its focal point registered it in.
            stakeholders.organization_register(by=request.user, language=request.LANGUAGE_CODE, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Registered; the secretariat will now consider the accreditation."))
            return redirect("registrations:stakeholder_home")
    return render(request, "registrations/stakeholders/organization_form.html", {"form": form})


@login_required
def representation_request(request):
    form = RepresentationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stakeholders.representation_request(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Your request has been sent to the organization's focal point."))
            return redirect("registrations:stakeholder_home")
    return render(request, "registrations/stakeholders/representation_form.html", {"form": form})


@login_required
@require_POST
def representation_decide(request, pk):
    representation = get_object_or_404(Representation.objects.select_related("organization", "session"), pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    try:
        stakeholders.representation_decide(representation=representation, by=request.user, confirm=confirm)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _error_messages(request, error)
    else:
        message = _("%(email)s: confirmed.") if confirm else _("%(email)s: declined.")
        messages.success(request, message % {"email": representation.user.email})
    return redirect("registrations:stakeholder_home")


@login_required
def application_create(request, dialogue_pk):
    dialogue = dialogue_selectors.dialogue_for_application(pk=dialogue_pk)
    organization = permissions.organization_of(request.user)
    if organization is None:
        # Arrived from a session's page without an organization yet: the stakeholders' area says how to get one.
        messages.info(
            request,
            _(
                "Only the focal point of an accredited organization applies for a speaking slot: register your "
                "organization, or ask its focal point to confirm you as a representative."
            ),
        )
        return redirect("registrations:stakeholder_home")
    if not organization.is_accredited:
        # Said up front, with what happens next, rather than after filling in the form (the service refuses too).
        context = {"dialogue": dialogue, "organization": organization, "form": None}
        context["timezone_label"] = timezone_label(dialogue.session)
        return render(request, "registrations/stakeholders/application_form.html", context)
    if request.method == "GET":
        return _application_form_page(request, dialogue, organization)
    initial = {"speaker_name": request.user.get_full_name(), "speaker_email": request.user.email}
    form = SlotApplicationForm(request.POST or None, dialogue=dialogue, initial=initial)
    if form.is_valid():
        try:
            application = dialogue_services.application_submit(
                dialogue=dialogue, organization=organization, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _submitted_message(application))
            return redirect("registrations:stakeholder_home")
    context = {
        "dialogue": dialogue,
        "organization": organization,
        "form": form,
        "timezone_label": timezone_label(dialogue.session),
        "problem": dialogue.applications_message(),
    }
    return render(request, "registrations/stakeholders/application_form.html", context)


def _application_form_page(request, dialogue, organization):
    """The form as everyone applying to the dialogue sees it, rendered once per shape (slotted_pages): the user's
    name and e-mail address in the fields, their organization's name and their token put in. The page's content is
    the dialogue's, its session's and the session's panels' (the session's public version changes with each of them,
    sessions.public_cache), and the message under the title, which changes by itself at the deadline."""
    read_as_organization_focal_point(request)
    user = request.user
    values = {"organization": str(organization), "speaker_name": user.get_full_name(), "speaker_email": user.email}
    problem = dialogue.applications_message()

    def context() -> dict:
        # An empty initial value renders no `value` attribute: the key says which are empty.
        initial = {field: slot(field) for field in ("speaker_name", "speaker_email") if values[field]}
        return {
            "dialogue": dialogue,
            "organization": slot("organization"),
            "form": SlotApplicationForm(dialogue=dialogue, initial=initial),
            "timezone_label": timezone_label(dialogue.session),
            "problem": problem,
        }

    key = (
        *frame_key(request),
        dialogue.pk,
        dialogue.session.public_version,
        problem,
        *(bool(value) for value in values.values()),
    )
    return slotted_response(
        request, "registrations/stakeholders/application_form.html", key=key, context=context, values=values
    )


def _submitted_message(application: SlotApplication) -> str:
    if application.status == SlotApplication.Status.CONFIRMED:
        start, end = application.slot_times()
        return _("Confirmed: speaker no. %(position)s, %(start)s–%(end)s.") % {
            "position": application.position,
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
        }
    if application.status == SlotApplication.Status.WAITLISTED:
        return _("All slots are taken: your organization is on the waiting list, in place %(position)s.") % {
            "position": application.position
        }
    return _("Your application has been received. The slots are drawn at the deadline.")


@login_required
@require_POST
def application_withdraw(request, pk):
    application = dialogue_selectors.application_for_user(user=request.user, pk=pk)
    try:
        dialogue_services.application_withdraw(application=application, by=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("registrations:stakeholder_home")


@login_required
def application_ics(request, pk):
    """The confirmed slot as a calendar file, for the organization's focal points and confirmed representatives."""
    application = dialogue_selectors.application_for_user(user=request.user, pk=pk)
    if application.slot_times() is None:
        raise Http404(_("Only a confirmed slot has a time."))
    response = HttpResponse(notifications.slot_ics(application), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{notifications.slot_ics_filename(application)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Member States: the non-objection lists ------------------------------------------------------------------------


@login_required
def non_objection_lists(request):
    if not permissions.member_state_missions_of(request.user).exists():
        raise Http404(_("Only focal points of Member States' missions consider the lists."))
    context = {"lists": stakeholder_selectors.open_non_objection_lists(user=request.user), "form": ObjectionForm()}
    return render(request, "registrations/stakeholders/non_objection.html", context)


@login_required
@require_POST
def objection(request, entry_pk):
    entry = stakeholder_selectors.non_objection_entry_open(pk=entry_pk)
    try:
        if request.POST.get("withdraw"):
            stakeholders.objection_withdraw(entry=entry, by=request.user)
            messages.success(
                request,
                _("Your objection to %(organization)s has been withdrawn.") % {"organization": entry.organization},
            )
        else:
            form = ObjectionForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            stakeholders.objection_raise(entry=entry, by=request.user, reason=reason)
            messages.success(
                request,
                _("Your objection to %(organization)s has been recorded.") % {"organization": entry.organization},
            )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("registrations:non_objection")


# --- Public ---------------------------------------------------------------------------------------------------------


def dialogue_speakers(request, slug):
    """The published list of the informal dialogue's speakers (public; cached per language, see
    sessions.public_cache: no query when cached with Redis; a visitor's page served whole)."""
    now = timezone.now()
    page = public_cache.session_page(slug=slug, now=now)
    session = cache(lambda: session_selectors.public_session(slug=slug))
    dialogue = cache(lambda: dialogue_selectors.published_dialogue(session=session()))
    context = {
        "page": page,
        "session": SimpleLazyObject(session),
        "dialogue": SimpleLazyObject(dialogue),
        "timezone_label": SimpleLazyObject(lambda: timezone_label(session()) if dialogue() else ""),
        # Before the list is published, the page says how to apply and by when.
        "ways_in": SimpleLazyObject(
            lambda: (
                [] if dialogue() else [w for w in ways_in([session()], now=now)[session().pk] if w.key == "dialogue"]
            )
        ),
    }
    return public_cache.visitor_response(
        request, page, lambda: render(request, "registrations/stakeholders/dialogue_speakers.html", context)
    )
