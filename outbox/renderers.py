"""Mails made when they are sent. An app whose mails are heavy to make (a letter's PDF) registers a renderer under a
name from its AppConfig.ready(); its OutgoingMail rows carry that name and the worker calls the renderer when it
sends the row. outbox never imports the apps above it: they come to it through this registry."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage


class RenderError(Exception):
    """The message cannot be made; its text says why (a retry would fail the same way: the mail fails)."""


@dataclass(frozen=True)
class Renderer:
    render: Callable  # (OutgoingMail) -> EmailMessage; its Message-ID header, if any, is the mail's
    # The reverse relation to the row that asked for the mail, select_related by the outgoing-mail list, and that
    # row's page there: (mail) -> (label, url) or None.
    related: str = ""
    link: Callable | None = None
    # Who may send a failed mail of this renderer again ((user) -> bool); None: whoever may send outgoing mail again.
    may_resend: Callable | None = None
    # Keeps the app's counts of its mails that are sent or failed (e.g. per dispatch), called by outbox.sending in the
    # transaction of each change: (mail ids, status "sent" or "failed", change per mail: +1 reached, -1 left).
    counted: Callable | None = None


_renderers: dict[str, Renderer] = {}


def register(name: str, render: Callable, **options) -> None:
    _renderers[name] = Renderer(render=render, **options)


def get(name: str) -> Renderer:
    try:
        return _renderers[name]
    except KeyError:
        raise RenderError(f"No renderer {name!r} is registered.") from None


def all_renderers() -> dict[str, Renderer]:
    return dict(_renderers)


def counted(renderer: str, mail_ids: list[int], *, status: str, change: int) -> None:
    """Tells `renderer`'s app that its mails `mail_ids` reached (+1) or left (-1) `status` (sent, failed)."""
    found = _renderers.get(renderer)
    if found is not None and found.counted is not None and mail_ids:
        found.counted(mail_ids, status=status, change=change)


def render(mail) -> EmailMessage:
    """The message of a mail that names a renderer. Raises RenderError with the reason."""
    try:
        return get(mail.renderer).render(mail)
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"The mail could not be rendered: {error}") from error
