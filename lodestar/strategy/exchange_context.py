"""What every level of an import shares: the problems found, lookups by name, saving.

Lookups add a problem naming the row and field and return None; a level's code then
compares the number of problems before and after a row to know whether to save it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from lodestar.accounts.models import User
from lodestar.audit.services import record_create
from lodestar.core.models import BaseModel, Membership, Organisation
from lodestar.core.roles import Role
from lodestar.delivery.models import Deliverable
from lodestar.governance.models import Committee
from lodestar.strategy.exchange_convert import convert_row
from lodestar.strategy.exchange_spec import Document, Level, Problem, Row
from lodestar.strategy.guards import MAX_LINE_LENGTH
from lodestar.strategy.models import Element, ElementKind, Strategy

REASON = "Imported from a strategy file."


class ImportContext:
    def __init__(
        self,
        actor: User | None,
        organisation: Organisation,
        document: Document,
        *,
        create_kinds: bool,
    ) -> None:
        self.actor = actor
        self.organisation = organisation
        self.document = document
        self.create_kinds = create_kinds
        self.problems: list[Problem] = []
        self.strategy: Strategy | None = None
        # A ref maps to None when its row could not be saved.
        self.refs: dict[str, dict[str, Any]] = {"elements": {}, "deliverables": {}}
        self._kinds = {
            k.name.casefold(): k for k in ElementKind.objects.in_organisation(organisation)
        }
        self._roles: dict[int, set[str]] = {}

    @property
    def elements(self) -> dict[str, Element | None]:
        return self.refs["elements"]

    @property
    def deliverables(self) -> dict[str, Deliverable | None]:
        return self.refs["deliverables"]

    def add(self, row: Row, field: str, message: str) -> None:
        self.problems.append(Problem(row.where, field, message))

    def failed_since(self, mark: int) -> bool:
        return len(self.problems) > mark

    def rows(self, level: Level) -> Iterator[tuple[Row, dict[str, Any]]]:
        """Each row of a level with its values converted; rows with bad cells are skipped."""
        for row in self.document.rows.get(level.key, []):
            values = convert_row(level, row, self.problems)
            if values is not None:
                yield row, values
            elif level.key in self.refs and isinstance(ref := row.values.get("ref"), str):
                self.refs[level.key].setdefault(ref.strip(), None)

    def claim(self, row: Row, level_key: str, ref: str) -> None:
        """Reserve a row's ref, refusing one an earlier row already uses."""
        table = self.refs[level_key]
        if ref in table:
            self.add(row, "ref", f"'{ref}' is the ref of an earlier row; give each row its own.")
        else:
            table[ref] = None

    def ref(self, row: Row, field: str, level_key: str, ref: str) -> Any:
        table = self.refs[level_key]
        if ref not in table and level_key not in self.document.broken:
            self.add(row, field, f"no row of {level_key} has the ref '{ref}'.")
        return table.get(ref)

    def person(
        self, row: Row, field: str, username: str, *, executive: bool = False, member: bool = True
    ) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            self.add(row, field, f"no one has the username '{username}'.")
            return None
        if user.pk not in self._roles:
            memberships = Membership.objects.filter(organisation=self.organisation, user=user)
            self._roles[user.pk] = set(memberships.values_list("role", flat=True))
        roles, org = self._roles[user.pk], self.organisation.name
        if executive and Role.EXECUTIVE_DIRECTOR not in roles:
            self.add(row, field, f"'{username}' is not an executive director of {org}.")
        elif member and not roles:
            self.add(row, field, f"'{username}' is not a member of {org}.")
        return user

    def committee(self, row: Row, field: str, name: str) -> Committee | None:
        if not name:
            return None
        committee = Committee.objects.in_organisation(self.organisation).filter(name=name).first()
        if committee is None:
            self.add(row, field, f"{self.organisation.name} has no committee called '{name}'.")
        return committee

    def kind(self, row: Row, name: str) -> ElementKind | None:
        found = self._kinds.get(name.casefold())
        if found is not None or not self.create_kinds:
            if found is None:
                known = ", ".join(k.name for k in self._kinds.values()) or "none yet"
                self.add(
                    row,
                    "kind",
                    f"there is no kind of element called '{name}' here (known kinds: {known}). "
                    "Add the kind first, or import again allowing new kinds.",
                )
            return found
        defaults = dict(ElementKind.DEFAULTS)
        orders = [k.order for k in self._kinds.values()]
        kind = ElementKind(
            organisation=self.organisation,
            name=name,
            plural=defaults.get(name, f"{name}s"),
            order=max(orders, default=-1) + 1,
        )
        if self.save(row, kind, {"name": "kind", "plural": "kind"}):
            self._kinds[name.casefold()] = kind
            return kind
        return None

    def check_lines(self, row: Row, values: dict[str, Any], fields: tuple[str, ...]) -> None:
        for field in fields:
            for number, line in enumerate(values[field], start=1):
                if len(line) > MAX_LINE_LENGTH:
                    self.add(
                        row, field, f"line {number} is longer than {MAX_LINE_LENGTH} characters."
                    )

    def save(self, row: Row, instance: BaseModel, fields: dict[str, str] | None = None) -> bool:
        """Check the record as the model would, then save it with its audit entry."""
        try:
            instance.full_clean()
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                name = "" if field == NON_FIELD_ERRORS else field
                self.add(row, (fields or {}).get(field, name), " ".join(messages))
            return False
        instance.save()
        record_create(self.actor, self.organisation, instance, REASON)
        return True
