"""Pages of the focal points (their delegation, registrations, speakers) and the public speakers lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrations import badges, letters, permissions, services
from registrations import missions as missions_answers
from registrations.context_processors import areas_of
from registrations.forms import HeadForm, InscriptionForm, MemberFormSet, NoteVerbaleForm
from registrations.models import DelegationMember, DelegationRegistration
from registrations.selectors import accounts as account_selectors
from registrations.selectors import delegations as delegation_selectors
from registrations.selectors import speakers as speaker_selectors
from sessions import selectors as session_selectors
from sessions.models import ThematicSession


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def home(request):
    """The focal point's desk: the missions they act for, their registrations, sessions open, speakers lists.
    Stakeholders (an organization's focal point or representative) have their own area, and are sent there."""
    missions = list(permissions.missions_of(request.user))
    if not missions and areas_of(request.user)["organization"]:
        return redirect("registrations:stakeholder_home")
    registrations = list(delegation_selectors.registrations_for_user(request.user))
    registered = {(r.session_id, r.mission_id) for r in registrations}
    open_sessions = list(delegation_selectors.sessions_open_for_registration()) if missions else []
    declined = missions_answers.not_attending_missions(user=request.user, session_ids=[s.pk for s in open_sessions])
    to_register = [
        (session, mission, (session.pk, mission.pk) in declined)
        for session in open_sessions
        for mission in missions
        if (session.pk, mission.pk) not in registered
    ]
    context = {
        "profile": account_selectors.profile_of(request.user),
        "missions": missions,
        "registrations": registrations,
        "to_register": to_register,
        "speakers_lists": list(speaker_selectors.speakers_lists_open_for(request.user)) if missions else [],
        "is_secretariat": permissions.is_secretariat(request.user),
    }
    return render(request, "registrations/home.html", context)


@login_required
@require_POST
def registration_start(request, slug, mission_pk):
    session = get_object_or_404(ThematicSession, slug=slug)
    mission = get_object_or_404(permissions.missions_of(request.user), pk=mission_pk)
    try:
        registration = services.registration_start(session=session, mission=mission, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("registrations:home")
    return redirect("registrations:edit", pk=registration.pk)


@login_required
def registration_detail(request, pk):
    registration = delegation_selectors.registration_for_user(user=request.user, pk=pk)
    members = list(registration.members.all())
    context = {
        "registration": registration,
        "head": next((m for m in members if m.is_head), None),
        "members": [m for m in members if not m.is_head],
        "events": list(registration.events.all()),
        "can_submit": registration.can_submit,
        "open_problem": delegation_selectors.registration_open_message(registration.session),
    }
    return render(request, "registrations/registration_detail.html", context)


@login_required
def registration_edit(request, pk):
    # The members (ordered head first, then by order) read with the registration, for the forms.
    registration, everyone = delegation_selectors.registration_for_edit(user=request.user, pk=pk)
    if not registration.is_editable:
        messages.info(request, _("This registration has been processed and can no longer be changed."))
        return redirect("registrations:detail", pk=pk)
    members = [member for member in everyone if not member.is_head]
    head = next((member for member in everyone if member.is_head), None)
    head = head or DelegationMember(registration=registration)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    if data is not None and "add_member" in data:
        return _with_another_member(request, registration, head=head, members=members)
    head_form = HeadForm(data, instance=head)
    formset = MemberFormSet(data, members=members, prefix="members")
    note_form = NoteVerbaleForm(data, files, uploaded=bool(registration.note_verbale))
    if request.method == "POST" and head_form.is_valid() and formset.is_valid() and note_form.is_valid():
        submit = "submit" in request.POST
        try:
            # Saved and, with "submit", submitted in one transaction (the language kept for e-mails and letters).
            services.registration_update(
                registration=registration,
                by=request.user,
                head=head_form.member_data(),
                members=formset.member_data(),
                note_verbale=note_form.cleaned_data.get("note_verbale"),
                language=translation.get_language() or "en",
                submit=submit,
            )
        except services.NotSubmitted as error:  # saved, not submitted
            _error_messages(request, error)
            return redirect("registrations:detail", pk=pk)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            if submit:
                messages.success(request, _("The registration has been submitted to the secretariat."))
            else:
                messages.success(request, _("The registration has been saved."))
            return redirect("registrations:detail", pk=pk)
    context = {"registration": registration, "head_form": head_form, "formset": formset, "note_form": note_form}
    if files and files.get("note_verbale") and not note_form.errors:
        # A browser never fills a file input again: without a word, "Save and submit" would then save a draft.
        context["note_verbale_not_saved"] = files["note_verbale"].name
    return render(
        request, "registrations/registration_form.html", context, status=400 if request.method == "POST" else 200
    )


def _with_another_member(request, registration, *, head, members):
    """ "Add another member" without JavaScript: the form again as typed, with one more blank member, nothing saved.
    A file input cannot be filled again by the server: the note verbale is chosen again before saving."""
    data = request.POST.copy()
    index = int(data.get("members-TOTAL_FORMS") or 0)
    data["members-TOTAL_FORMS"] = str(index + 1)
    # The new member starts with the defaults a blank form shows (attendance: in person), so it is left unchanged.
    blank = MemberFormSet(members=[], prefix="members").empty_form
    for name, field in blank.fields.items():
        initial = blank.get_initial_for_field(field, name)
        if initial not in (None, ""):
            data[f"members-{index}-{name}"] = initial
    # A head not yet filled in is no error while members are being added.
    head_form = HeadForm(data, instance=head, empty_permitted=True, use_required_attribute=False)
    formset = MemberFormSet(data, members=members, prefix="members")
    if request.FILES:
        messages.info(request, _("Choose the note verbale again before saving: the file was not kept."))
    note_form = NoteVerbaleForm(uploaded=bool(registration.note_verbale))
    context = {"registration": registration, "head_form": head_form, "formset": formset, "note_form": note_form}
    return render(request, "registrations/registration_form.html", context)


def _remember_language(request, registration) -> None:
    """E-mails and letters about this registration go out in the language the focal point uses."""
    language = translation.get_language() or "en"
    if registration.language != language:
        DelegationRegistration.objects.filter(pk=registration.pk).update(language=language)
        registration.language = language


def _submit(request, registration):
    _remember_language(request, registration)
    try:
        services.registration_submit(registration=registration, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The registration has been submitted to the secretariat."))
    return redirect("registrations:detail", pk=registration.pk)


@login_required
@require_POST
def registration_submit(request, pk):
    return _submit(request, delegation_selectors.registration_for_user(user=request.user, pk=pk))


@login_required
def note_verbale_download(request, pk):
    registration = delegation_selectors.registration_for_note_verbale(user=request.user, pk=pk)
    try:
        handle = registration.note_verbale.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("The file is missing.")) from error
    filename = f"note-verbale-{registration.reference}.pdf"
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def letters_download(request, pk, member_pk=None):
    registration = delegation_selectors.approved_registration_for_letters(user=request.user, pk=pk)
    members = list(registration.members.all())
    member = None
    if member_pk is not None:
        member = next((m for m in members if m.pk == member_pk), None)
        if member is None:
            raise Http404(_("No such member in this delegation."))
        members = [member]
    pdf = letters.confirmation_letters_pdf(registration=registration, members=members)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = letters.letters_filename(registration=registration, member=member)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Speakers lists -----------------------------------------------------------------------------------------------


@login_required
def inscription_create(request, list_pk):
    speakers_list = speaker_selectors.speakers_list_for_inscription(pk=list_pk)
    missions = permissions.missions_of(request.user)
    if not missions.exists():
        raise Http404(_("Only focal points of a mission inscribe speakers."))
    form = InscriptionForm(request.POST or None, missions=missions, speakers_list=speakers_list)
    if request.method == "POST" and form.is_valid():
        mission = form.cleaned_data.get("mission") or form.missions[0]
        try:
            services.inscription_create(
                speakers_list=speakers_list,
                mission=mission,
                by=request.user,
                time_limit=None,
                **{name: form.cleaned_data[name] for name in InscriptionForm.Meta.fields},
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The speaker has been inscribed."))
            return redirect("registrations:home")
    context = {"speakers_list": speakers_list, "form": form}
    return render(request, "registrations/inscription_form.html", context)


@login_required
@require_POST
def inscription_withdraw(request, pk):
    inscription = speaker_selectors.inscription_for_user(user=request.user, pk=pk)
    try:
        services.inscription_withdraw(inscription=inscription, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The inscription has been withdrawn."))
    return redirect("registrations:home")


def session_speakers(request, slug):
    """The published speakers lists of a session (public)."""
    session = session_selectors.public_session(slug=slug)
    lists = list(speaker_selectors.published_speakers_lists(session=session))
    return render(request, "registrations/session_speakers.html", {"session": session, "speakers_lists": lists})


# --- Badge desk ---------------------------------------------------------------------------------------------------


@permissions.staff_power_required("registrations.view_delegationregistration")
def badge_check(request):
    """Staff at the badge desk scan a letter's QR code: who it names, and whether the registration stands."""
    code = request.GET.get("code", "").strip()
    result = None
    if code:
        ids = badges.badge_code_read(code)
        member = delegation_selectors.member_with_registration(pk=ids[1]) if ids else None
        if member is None or member.registration_id != ids[0]:
            result = {"valid": False}
        else:
            result = {
                "valid": member.registration.status == DelegationRegistration.Status.APPROVED,
                "member": member,
                "registration": member.registration,
            }
    return render(request, "registrations/badge_check.html", {"code": code, "result": result})
