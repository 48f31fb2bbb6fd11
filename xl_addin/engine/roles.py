"""The parts a register's columns play (x-register "roles"), what each command does with them, and what it says
when a register has no column for one.

A schema names its own columns; the commands find the item's identifier, status, owner, dates and ratings
through these roles, so a risk register or a CAPA log works as well as the improvement register. A command that
needs a role the register lacks says what it cannot compute (`unavailable`), and one that can do without it
says what it leaves out (`limitations`): it never invents what the register does not hold. The README's table of
roles is generated from `ROLES`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class RegisterSchema(Protocol):
    """What the roles need of a schema (engine.schema's RegisterSchema has it): its title and roles."""

    @property
    def title(self) -> str: ...

    @property
    def roles(self) -> Mapping[str, Any]: ...

COMMANDS = ("validate", "priorities", "priorities written back", "overdue", "snapshot", "diff", "migrate", "import",
            "measure")


@dataclass(frozen=True)
class Role:
    """One role: what its column holds, the commands that cannot work without it, and for the others what they
    leave out when it is absent."""

    key: str
    meaning: str
    example: str  # the improvement register's column
    needed_by: tuple[str, ...] = ()
    without: Mapping[str, str] = field(default_factory=dict)  # command -> what it leaves out
    many: bool = False  # a list of columns (ratings)


ROLES: dict[str, Role] = {role.key: role for role in (
    Role("id", "the item's identifier", "ID",
         without={"validate": "a sheet is taken as the register when its header holds half the schema's columns",
                  "snapshot": "review tables list items without an identifier",
                  "diff": "items cannot be followed from one review to the next",
                  "migrate": "no identifiers are kept or made"}),
    Role("status", "where the item stands (open and closed statuses are listed beside the roles)", "Status",
         needed_by=("priorities", "overdue"),
         without={"snapshot": "no overdue, closed-since or priority tables: nothing is known to be open or closed"}),
    Role("description", "what the item is about", "Description",
         without={"snapshot": "review tables list items without a description",
                  "diff": "changes name items by ID only"}),
    Role("source", "where the item came from (audit, SLA performance, customer satisfaction...)", "Source",
         without={"import": "imported items are written without their source"}),
    Role("type", "improvement or corrective action", "Type",
         without={"import": "imported items are written without their type"}),
    Role("sourceRef", "the finding ID or feed key an imported item came from", "Source ref",
         needed_by=("import",)),
    Role("metricKey", "which feed figure measures the item (resolution:Payroll:2)", "Metric key",
         needed_by=("measure",)),
    Role("implementedDate", "when the change was put in place", "Implemented date", needed_by=("measure",)),
    Role("effectivenessCheckDate", "when the effect is checked", "Effectiveness check date"),
    Role("effective", "whether it worked: Yes, Partly or No", "Effective",
         without={"snapshot": "effectiveness verified is not recorded"}),
    Role("iterationOf", "the item this one iterates", "Iteration of"),
    Role("severity", "how serious a finding is (Major, Minor)", "-",
         without={"import": "a finding's severity is written into its description"}),
    Role("owner", "who acts on the item", "Owner",
         without={"overdue": "overdue items are not grouped by owner"}),
    Role("ownerEmail", "the owner's e-mail address, for reminders (a column headed Owner email is found without "
         "the role)", "-"),
    Role("dateRaised", "when the item was raised", "Date raised",
         without={"priorities": "ties are not broken by the date raised",
                  "snapshot": "no 'new since the last review', no entries per month, no spread of entries"}),
    Role("targetDate", "when the item is due", "Target date", needed_by=("overdue",),
         without={"priorities": "ties are not broken by the target date",
                  "snapshot": "no overdue tables"}),
    Role("closureDate", "when the item was closed", "Closure date",
         without={"snapshot": "no 'closed since the last review', no closures per month"}),
    Role("lastUpdate", "when progress was last reported", "Last update",
         without={"overdue": "no item is marked for escalation, as there is no date of the last update to judge by"}),
    Role("successMetric", "how success will be judged", "Success metric",
         without={"snapshot": "closed items are listed without their metric"}),
    Role("baseline", "the metric's value before the change", "Baseline",
         without={"snapshot": "closed items are listed without their baseline"}),
    Role("measuredOutcome", "the metric's value after the change", "Measured outcome",
         without={"snapshot": "no list of completed items without a measured outcome"}),
    Role("ratings", "the ratings that make up the item's priority (their sum, or product: x-register scoring)",
         "Customer impact, Risk reduction, ...",
         needed_by=("priorities",), many=True,
         without={"snapshot": "no 'open items by priority'",
                  "migrate": "a Priority column is copied under its own name, not as Legacy priority"}),
    Role("total", "where the priority total is written", "Priority total",
         without={"priorities written back": "totals are reported but not written into the workbook"}),
    Role("rank", "where the priority rank is written", "Priority rank",
         without={"priorities written back": "ranks are reported but not written into the workbook"}),
)}


def role_columns(roles: Mapping[str, Any], key: str) -> list[str]:
    """The column(s) a schema's roles give `key` (ratings is a list)."""
    value = roles.get(key)
    if isinstance(value, str):
        return [value]
    return [str(name) for name in value] if isinstance(value, list) else []


def role_problems(roles: Any, columns: Collection[str]) -> list[str]:
    """What is wrong with a schema's roles, in plain words (empty when nothing is)."""
    if not isinstance(roles, dict):
        return ["x-register 'roles' must map role names (id, status, ...) to columns"]
    problems = []
    for key, value in roles.items():
        role = ROLES.get(key)
        if role is None:
            problems.append(f"x-register roles has '{key}', which is not a role xlreg knows ({', '.join(ROLES)})")
        elif role.many and not (isinstance(value, list) and all(isinstance(name, str) for name in value)):
            problems.append(f"x-register role '{key}' must be a list of columns")
        elif not role.many and not isinstance(value, str):
            problems.append(f"x-register role '{key}' must name one column")
        else:
            problems += [f"x-register role '{key}' names '{name}', which is not one of the schema's columns"
                         for name in role_columns(roles, key) if name not in columns]
    return problems


def absence(schema: RegisterSchema, present: Collection[str], key: str) -> str | None:
    """Why the register (whose columns are `present`) has no column for a role, or None when it has one: the
    schema names none, or the register lacks the column the schema names."""
    names = role_columns(schema.roles, key)
    if not names:
        return f"the {schema.title} schema names no column for {ROLES[key].meaning} (role '{key}')"
    lacking = [name for name in names if name not in present]
    if lacking:
        return f"the register has no '{lacking[0]}' column"
    return None


def unavailable(schema: RegisterSchema, present: Collection[str], command: str) -> str | None:
    """Why `command` cannot run on this register (a role it needs has no column), or None."""
    for role in ROLES.values():
        if command in role.needed_by:
            reason = absence(schema, present, role.key)
            if reason:
                return reason
    return None


def limitations(schema: RegisterSchema, present: Collection[str], command: str) -> list[str]:
    """What `command` leaves out on this register, one sentence per absent role it could use."""
    found = []
    for role in ROLES.values():
        effect = role.without.get(command)
        reason = absence(schema, present, role.key) if effect else None
        if reason:
            found.append(f"{reason[0].upper()}{reason[1:]}: {effect}.")
    return found
