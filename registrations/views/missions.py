"""Pages of a mission's way in: the letter's link, focal-point requests, "we will not attend"."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registrations import links, missions, permissions
from registrations.mission_forms import FocalPointRequestForm
from registrations.models import FocalPointRequest, PermanentMission
from sessions.models import ThematicSession


def registration_link(request, token):
    """The "Register your delegation" link of a letter. It never signs anyone in: a visitor signs in or up first."""
    try:
        link = links.registration_link_read(token)
    except links.LinkInvalid:
        return render(request, "registrations/missions/link_invalid.html", status=400)
    except links.LinkExpired as expired:
        context = {"session": expired.session, "reason": expired.reason}
        return render(request, "registrations/missions/link_expired.html", context, status=410)
    # Not recorded as "followed" here: mail scanners open links before anyone reads the letter. Only a signed-in
    # account resolving the link counts (missions.registration_link_follow).
    if not request.user.is_authenticated:
        here = request.get_full_path()
        context = {
            "link": link,
            "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here, 'email': link.email})}",
        }
        return render(request, "registrations/missions/link_welcome.html", context)
    try:
        outcome = missions.registration_link_follow(
            link=link, user=request.user, language=translation.get_language() or "en"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("registrations:home")
    if outcome.registration is None:
        messages.info(
            request,
            _(
                "This invitation went to another address of the mission. Ask to act as its focal point: "
                "the secretariat decides."
            ),
        )
        query = urlencode({"mission": link.mission.pk, "session": link.session.slug})
        return redirect(f"{reverse('registrations:focal_point_request')}?{query}")
    if outcome.linked_now:
        messages.success(
            request,
            _("You are now a focal point of the %(mission)s.") % {"mission": link.mission.name},
        )
    target = "registrations:edit" if outcome.registration.is_editable else "registrations:detail"
    return redirect(target, pk=outcome.registration.pk)


@login_required
def focal_point_request(request):
    """Ask to act as a mission's focal point; the secretariat decides. Lists the account's requests."""
    session = ThematicSession.objects.filter(slug=request.GET.get("session", "")).first()
    initial = {}
    if (mission_pk := request.GET.get("mission", "")).isdigit():
        initial["mission"] = int(mission_pk)
    form = FocalPointRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            missions.focal_point_request_create(
                user=request.user,
                mission=form.cleaned_data["mission"],
                function=form.cleaned_data["function"],
                designation_letter=form.cleaned_data.get("designation_letter"),
                session=session,
                language=translation.get_language() or "en",
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your request has been sent to the secretariat. You will receive an e-mail."))
            return redirect("registrations:focal_point_request")
    context = {
        "form": form,
        "requests": FocalPointRequest.objects.filter(user=request.user).select_related("mission__state"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "registrations/missions/focal_point_request.html", context, status=status)


@login_required
@require_POST
def mission_answer(request, slug, mission_pk):
    """A focal point says the mission will not attend the session, or takes that back."""
    session = get_object_or_404(ThematicSession, slug=slug)
    mission = get_object_or_404(PermanentMission, pk=mission_pk)
    not_attending = request.POST.get("answer") == "not-attending"
    try:
        missions.mission_answer_set(session=session, mission=mission, by=request.user, not_attending=not_attending)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if not_attending:
            messages.success(request, _("Recorded: the delegation will not attend %(code)s.") % {"code": session.code})
        else:
            messages.success(request, _("Recorded: the delegation may attend %(code)s.") % {"code": session.code})
    return redirect("registrations:home")


@login_required
@require_POST
def mission_language(request, mission_pk):
    """A focal point sets the mission's language of correspondence (another mission's is not found)."""
    mission = get_object_or_404(permissions.missions_of(request.user), pk=mission_pk)
    language = request.POST.get("correspondence_language", "")
    try:
        missions.mission_correspondence_language_set(mission=mission, language=language, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Recorded: letters will come to the mission in %(language)s where they have a version in it.")
            % {"language": _language_in_a_sentence(language)},
        )
    return redirect("registrations:home")


def _language_in_a_sentence(code: str) -> str:
    """A language's name in the page's language, as it is written inside a sentence: "French" in English, "français"
    in French, "francés" in Spanish (Django's catalogues give the name capitalized, as a heading would)."""
    name = str(translation.get_language_info(code)["name_translated"])
    return name if translation.get_language() == "en" else name[:1].lower() + name[1:]
