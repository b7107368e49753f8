"""The small, explicit interface through which the schemes and reporting take part in a grant's
life without ``grants`` importing them.

Each scheme registers its ``SchemeParts`` in its ``AppConfig.ready()`` (``scheme_register``);
``reporting`` registers what must happen when a grant is accepted (``on_grant_accepted``). Grep
for these names to find every participant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Grant, GrantLetter, Payment


@dataclass(frozen=True)
class SchemeParts:
    """What a scheme's own app adds to the shared grant: its grant letter's template; the
    scheme's part of a letter, taken as JSON when the letter is issued (``letter_details``, for
    the reception grant the rate and the monthly breakdown) and turned into the template's
    context (``letter_context``), so a letter and the pages showing it always say what was
    issued, whatever the configuration says later; and where the grant's case page is."""

    letter_template: str
    letter_details: Callable[[Grant], dict[str, Any]]
    letter_context: Callable[[GrantLetter], dict[str, Any]]
    case_url: Callable[[Grant], str]
    #: A further rule on who may see the grant's case and letters (the development grant keeps
    #: out staff with a declared conflict of interest); None: the grant's own rule only.
    may_see: Callable[[Any, Grant], bool] | None = None
    #: Whether a reaction to a breach (withholding, reclaim) is an individual decision that may
    #: be appealed (the development grant: fvl § 2 b, AID the appeals body); its letter says so.
    reactions_appealable: bool = False
    #: What the open data says about each grant beyond the shared fields, by grant id, read for
    #: many grants in one query: ``{"focus_area": ..., "project_title": ...}``.
    public_details: Callable[[list[Grant]], dict[int, dict[str, str]]] | None = None


_schemes: dict[str, SchemeParts] = {}
_accepted: list[Callable[[Grant], object]] = []
_payment_checks: list[Callable[[list[Payment]], dict[int, list[str]]]] = []
_close_checks: list[Callable[[Grant], list[str]]] = []
_conflict_filters: list[Callable[[Any], Any]] = []


def scheme_register(*, scheme_code: str, parts: SchemeParts) -> None:
    _schemes[scheme_code] = parts


def scheme_parts(*, scheme_code: str) -> SchemeParts:
    try:
        return _schemes[scheme_code]
    except KeyError:
        raise LookupError(f"The scheme {scheme_code!r} has registered no SchemeParts") from None


def on_grant_accepted(handler: Callable[[Grant], object]) -> None:
    """Call ``handler(grant)`` inside the transaction that accepts a grant."""
    if handler not in _accepted:
        _accepted.append(handler)


def grant_accepted_handlers() -> tuple[Callable[[Grant], object], ...]:
    return tuple(_accepted)


def on_payment_check(handler: Callable[[list[Payment]], dict[int, list[str]]]) -> None:
    """``handler(payments)`` names, by payment id, what holds each term back (e.g. a report due
    before it that is not approved yet); a payment it leaves out is released. It takes the whole
    list so a page of terms is checked in one query."""
    if handler not in _payment_checks:
        _payment_checks.append(handler)


def payment_blockers(payments: list[Payment]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for handler in _payment_checks:
        for pk, reasons in handler(payments).items():
            found.setdefault(pk, []).extend(reasons)
    return found


def on_close_check(handler: Callable[[Grant], list[str]]) -> None:
    """``handler(grant)`` names what keeps a grant open (a report not approved, an appeal being
    handled); an empty list lets it close."""
    if handler not in _close_checks:
        _close_checks.append(handler)


def close_blockers(grant: Grant) -> list[str]:
    return [reason for handler in _close_checks for reason in handler(grant)]


def on_staff_conflicts(grants_of: Callable[[Any], Any]) -> None:
    """Register ``grants_of(user)``: a queryset of the grant ids whose case the member of staff
    declared a conflict of interest in (the development grant's impartiality), or a tuple of
    such querysets."""
    if grants_of not in _conflict_filters:
        _conflict_filters.append(grants_of)


def staff_conflicted_grants(user: Any) -> list[Any]:
    found: list[Any] = []
    for grants_of in _conflict_filters:
        ids = grants_of(user)
        found.extend(ids if isinstance(ids, tuple) else [ids])
    return found
