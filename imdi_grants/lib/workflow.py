"""One way to move a case from one status to another, for every state machine in the portal.

Each state machine is a ``Workflow``: a table from (old status, new status) to the rule that says
who may make that move. A service locks the row (``lock``), checks what only it knows (a deadline,
a missing field), and calls ``Workflow.move``, which checks the table and the actor's right, saves
with ``update_fields``, writes the audit entry and enqueues the follow-up tasks on commit. No
status is assigned anywhere else.

Refusals are ``DomainError``: one error type for every rule, whose message is for the person who
tried, in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from imdi_grants.accounts.models import Organisation, User
from imdi_grants.audit.services import audit_log

from .tasks import enqueue

M = TypeVar("M", bound=models.Model)

#: Who may make a move: ``rule(by, obj)``; ``by`` is None for the system (beat jobs).
Rule = Callable[[User | None, Any], bool]


class DomainError(Exception):
    """A rule of the scheme refuses the action. ``str(error)`` is for the person who tried.

    ``code`` tells callers what kind of refusal it is: ``"forbidden"`` (not this person's to do),
    ``"stale"`` (the case moved on since the page was shown), ``"transition"`` (not from this
    status) or ``"refused"`` (any other rule).
    """

    def __init__(self, message: object, *, code: str = "refused") -> None:
        super().__init__(str(message))
        self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])


def require(condition: bool, message: object, *, code: str = "refused") -> None:
    """Raise ``DomainError(message)`` unless ``condition`` holds."""
    if not condition:
        raise DomainError(message, code=code)


def require_actor(allowed: bool) -> None:
    """Refuse an actor that a service's access rule does not let in."""
    require(allowed, _("You do not have access to do this."), code="forbidden")


def system(by: User | None, obj: object) -> bool:
    """Only the portal itself (a beat job), never a person."""
    return by is None


def lock(obj: M, *related: str) -> M:
    """The row again, locked for the rest of the transaction (``select_for_update``)."""
    manager = type(obj)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)


@dataclass(frozen=True)
class Workflow:
    """A state machine as data: which moves exist and who may make each."""

    noun: object
    statuses: type[models.TextChoices]
    transitions: Mapping[tuple[str, str], Rule]
    field: str = "status"

    def label(self, status: str) -> str:
        return str(self.statuses(status).label)

    def targets(self, status: str) -> set[str]:
        return {new for (old, new) in self.transitions if old == status}

    def can(self, obj: Any, target: str, *, by: User | None) -> bool:
        """Whether ``by`` may move ``obj`` to ``target`` now (for showing a button)."""
        rule = self.transitions.get((getattr(obj, self.field), target))
        return rule is not None and rule(by, obj)

    def check(self, obj: Any, target: str, *, by: User | None, seen: str | None = None) -> None:
        current = getattr(obj, self.field)
        if seen is not None and seen != current:
            raise DomainError(
                _(
                    "%(noun)s changed to “%(status)s” after you opened the page. Nothing was "
                    "done; look at it again."
                )
                % {"noun": self.noun, "status": self.label(current)},
                code="stale",
            )
        rule = self.transitions.get((current, target))
        if rule is None:
            raise DomainError(
                _("%(noun)s cannot go from “%(old)s” to “%(new)s”.")
                % {"noun": self.noun, "old": self.label(current), "new": self.label(target)},
                code="transition",
            )
        require_actor(rule(by, obj))

    def move(
        self,
        obj: M,
        target: str,
        *,
        by: User | None,
        action: str,
        organisation: Organisation | None,
        subject: models.Model | None = None,
        fields: Iterable[str] = (),
        reason: str = "",
        data: dict[str, Any] | None = None,
        seen: str | None = None,
        follow_up: Sequence[tuple[Any, ...]] = (),
    ) -> str:
        """Check, set, save, audit and enqueue; ``obj`` must be locked by the caller. Returns the
        old status. ``follow_up`` is ``(task, *primary_keys)`` tuples sent after commit."""
        self.check(obj, target, by=by, seen=seen)
        old = getattr(obj, self.field)
        setattr(obj, self.field, target)
        obj.save(update_fields=[self.field, *fields])
        audit_log(
            subject=subject or obj,
            action=action,
            actor=by,
            organisation=organisation,
            old_status=old,
            new_status=target,
            reason=reason,
            data=data,
        )
        for task, *args in follow_up:
            enqueue(task, *args)
        return old
