"""Every stored code in words, and the one glossary of the domain's terms.

The store keeps codes (``in_progress``, ``invalid: no quorum``, ``per_officer``, ``sro``); a
page never shows one. :data:`CODE_WORDS` gives each code of each kind its English words (the
msgid; the Spanish is in the catalog), and :func:`word` says a code in the reader's language. The
officer records' codes (decision rounds, decisions, confidence, district figures) live in
:data:`safeschools.render.officer_views.CODE_LABELS`, and :func:`word` reads them too. A test
fails when a code of the model has no words here, or when its Spanish is its English.

:data:`GLOSSARY` is the one list of the domain's terms in Spanish, for translators and for the
tests: every Spanish message whose English uses a term says it with the glossary's word, never
with the one it replaced (officers are *policías escolares (SRO)*, never *agentes*).

==========================================  ===========================================
English                                      Spanish
==========================================  ===========================================
school resource officer (SRO)                policía escolar (SRO)
school sergeant                              sargento escolar
Local School Council (LSC)                   Consejo Escolar Local (LSC)
Whole School Safety plan                     plan de Seguridad Escolar Integral
safety plan                                  plan de seguridad
funds for alternatives (trade-in funds)      fondos para alternativas
spending plan                                plan de gastos
victim                                       víctima
incident                                     incidente
suppressed (a hidden count)                  suprimido
school year                                  año escolar
risk ratio                                   razón de riesgo
quorum                                       quórum
definition (of "near")                       definición
==========================================  ===========================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from safeschools.render import officer_views
from safeschools.render.i18n import N_, Lang

__all__ = ["CODE_WORDS", "GLOSSARY", "Term", "council_choice", "item_label", "word"]

#: Every stored code, by kind, in words (English msgids; the catalog has the Spanish).
CODE_WORDS: dict[str, dict[str, str]] = {
    # proximity.at_school.CATEGORIES: police-reported incidents at school
    "police_at_school_category": {
        "battery": N_("Battery"),
        "assault": N_("Assault"),
        "weapons violation": N_("Weapons violation"),
        "other": N_("Other"),
    },
    # model.officers.OFFICER_KINDS
    "officer_kind": {
        "sro": N_("School resource officers"),
        "mobile": N_("Mobile officers"),
        "sergeant": N_("School sergeants"),
    },
    # SroAssignment.source: where an officer count came from
    "officer_source": {
        "cps-sro-decisions": N_("the compiled council decisions"),
        "council": N_("a council vote recorded here"),
        "edit": N_("recorded by the school"),
        "demo-synthetic": N_("synthetic demo data"),
    },
    # policy.council: a vote's result, each member's ballot
    "vote_result": {
        "passed": N_("Passed"),
        "failed": N_("Failed"),
        "invalid: no quorum": N_("Invalid: no quorum"),
    },
    "ballot": {"yes": N_("yes"), "no": N_("no"), "abstain": N_("abstain"), "absent": N_("absent")},
    # model.council.SEAT_ROLES and MOTION_TOPICS
    "seat": {
        "principal": N_("principal"),
        "teacher": N_("teacher"),
        "parent": N_("parent"),
        "staff": N_("staff"),
        "community": N_("community"),
        "student": N_("student"),
    },
    "motion_topic": {
        "general": N_("General"),
        "principal": N_("Principal"),
        "contract": N_("Principal's contract"),
        "staff_allocation": N_("Staff allocation"),
        "officers": N_("School resource officers"),
        "safety_plan": N_("Safety plan"),
        "vacancy": N_("Filling a vacant seat"),
    },
    # model.plans
    "plan_status": {
        "draft": N_("Draft"),
        "approved": N_("Approved"),
        "in_progress": N_("In progress"),
        "reviewed": N_("Reviewed"),
    },
    "action_status": {
        "planned": N_("planned"),
        "in_progress": N_("under way"),
        "done": N_("done"),
        "dropped": N_("dropped"),
    },
    "pillar": {
        "physical_safety": N_("Physical safety"),
        "emotional_safety": N_("Emotional safety"),
        "relational_trust": N_("Relational trust"),
    },
    "committee_role": {
        "student": N_("student"),
        "parent": N_("parent"),
        "staff": N_("staff"),
        "community": N_("community"),
        "administrator": N_("administrator"),
    },
    # policy.funding.FORMULAS
    "formula": {
        "equal": N_("the same share for every school"),
        "per_officer": N_("by the officers each school gave up"),
        "enrollment": N_("by enrollment"),
        "exposure": N_("by the victims near each school"),
        "need": N_("by a need score the district sets"),
    },
    # the spending catalog the store starts with (migration 0006); the district may add more
    "spending_item": {
        "social_worker": N_("Social worker"),
        "restorative_justice": N_("Restorative-justice coordinator"),
        "climate_culture": N_("Climate and culture coordinator"),
        "youth_intervention": N_("Youth intervention specialist"),
        "security_officer": N_("Security officer"),
        "safe_passage": N_("Safe Passage"),
        "mentoring": N_("Mentoring"),
        "other": N_("Other"),
    },
    # model.incidents: incidents recorded by schools (the district's own categories carry
    # their words in both languages, as the district wrote them)
    "incident_category": {
        "fight": N_("Fight"),
        "fight_injury": N_("Fight with injury"),
        "weapon": N_("Weapon"),
        "threat": N_("Threat"),
        "bullying": N_("Bullying or harassment"),
        "trespass": N_("Trespass"),
        "other": N_("Other incident"),
    },
    "incident_place": {
        "inside": N_("Inside the building"),
        "grounds": N_("On the school grounds"),
        "bus": N_("On a school bus"),
        "near_school": N_("Near the school"),
    },
    "incident_response": {
        "restorative_conference": N_("Restorative conference"),
        "mediation": N_("Mediation"),
        "counselling": N_("Counselling"),
        "parent_meeting": N_("Meeting with parents"),
        "suspension": N_("Suspension"),
        "other": N_("Other response"),
    },
    "police_reason": {
        "weapon": N_("a weapon"),
        "serious_injury": N_("a serious injury"),
        "immediate_danger": N_("immediate danger"),
        "required_by_law": N_("required by law"),
        "other": N_("another reason"),
    },
    "incident_source": {
        "form": N_("the school's form"),
        "api": N_("the API"),
        "import": N_("the district's export"),
    },
    # model.incidents: restorative cases (roles, never people), their status and outcome,
    # and staff's answer to "involved again within 90 days?" (model.cases.RECURRENCE_ANSWERS)
    "case_participant": {
        "students_involved": N_("the students involved"),
        "parent_or_guardian": N_("a parent or guardian"),
        "teacher": N_("a teacher"),
        "counsellor": N_("a counsellor"),
        "restorative_practitioner": N_("a restorative-practice staff member"),
        "administrator": N_("an administrator"),
        "community_member": N_("a community member"),
    },
    "case_status": {"open": N_("Open"), "closed": N_("Closed")},
    "case_outcome": {
        "repaired": N_("repaired"),
        "partly": N_("partly repaired"),
        "not_repaired": N_("not repaired"),
    },
    "recurrence": {"yes": N_("yes"), "no": N_("no"), "unknown": N_("not known yet")},
    # who wrote, as the public audit log shows it (model.ROLES; never an email)
    "account_role": {
        "admin": N_("district staff"),
        "editor": N_("a school's editor"),
        "principal": N_("a school's principal"),
    },
    # the audit log: what was done (AuditEntry.action) to what (AuditEntry.entity)
    "audit_action": {
        "create": N_("recorded"),
        "update": N_("changed"),
        "delete": N_("removed"),
        "import": N_("imported"),
        "adopt": N_("adopted"),
        "end_term": N_("term ended"),
        "withdraw": N_("withdrawn"),
        # notices to parents
        "send": N_("sent"),
        "confirm": N_("confirmed"),
        "unsubscribe": N_("unsubscribed"),
    },
    "audit_entity": {
        "sro_assignment": N_("officers of a school year"),
        "sro_aggregate": N_("a district figure on officers"),
        "council_member": N_("a council member"),
        "council_meeting": N_("a council meeting"),
        "council_motion": N_("a council vote"),
        "safety_plan": N_("the safety plan"),
        "fund_pool": N_("a fund"),
        "fund_pool_school": N_("a school's facts for a fund"),
        "fund_allocation": N_("the shares of a fund"),
        "spending_line": N_("a line of the spending plan"),
        "spending_item": N_("a position or program of the catalog"),
        "user": N_("an account"),
        "restorative_case": N_("a restorative case"),
        "api_token": N_("an access key"),
        "school_incident": N_("an incident"),
        "incident_import": N_("an import of incidents"),
        "incident_category": N_("an incident category"),
        # notices to parents
        "notice": N_("a notice to parents"),
        "notice_subscriber": N_("a parent's subscription"),
    },
}

#: What the councils chose, as the district's vote summary writes it (besides the decisions).
_CHOICES = {
    "no change (motion failed)": N_("no change (motion failed)"),
    "not published": N_("not published"),
}
_KEEP = re.compile(r"^keep (\d+)$")


def council_choice(L: Lang, choice: str) -> str:
    """A choice of :func:`safeschools.services.council.council_summary` in words: a decision
    code, ``keep 2`` (a vote recorded here), ``no change (motion failed)``, ``not published``."""
    keep = _KEEP.match(choice)
    if keep:
        return L.gettext("keep %(n)s officer(s)", n=L.num(int(keep.group(1))))
    if choice in _CHOICES:
        return L.gettext(_CHOICES[choice])
    return word(L, "decision", choice)


def word(L: Lang, kind: str, code: str | None) -> str:
    """A stored code in the reader's words (the officer records' codes included); a code no
    one has named yet shows with spaces for its underscores, and a test lists it."""
    if code is None or code == "":
        return ""
    known = CODE_WORDS.get(kind, {}).get(code)
    if known is not None:
        return L.gettext(known)
    return officer_views.code_label(L, kind, code)


def item_label(L: Lang, code: str, label: str) -> str:
    """A spending item's name: the catalog's own words when the district kept them, else the
    label it wrote (its own data, shown as written)."""
    known = CODE_WORDS["spending_item"].get(code)
    return L.gettext(known) if known is not None and known == label else label


@dataclass(frozen=True)
class Term:
    """A term of the domain and its one Spanish word.

    ``english`` finds the term in an English message (a regex), ``spanish`` is what its Spanish
    translation must say (a regex), and ``avoid`` the words it must not use.
    """

    name: str
    spanish_name: str
    english: str
    spanish: str
    avoid: str = ""

    def follows(self, english: str, spanish: str) -> bool:
        """Whether a translation says the term with the glossary's word (True when the English
        does not use the term)."""
        english = re.sub(r"%\(\w+\)s", "", english)  # a placeholder's name is not a word
        if not re.search(self.english, english, re.I):
            return True
        if self.avoid and re.search(self.avoid, spanish, re.I):
            return False
        return bool(re.search(self.spanish, spanish, re.I))


#: The domain's terms and their Spanish words (see the table above).
GLOSSARY: tuple[Term, ...] = (
    Term("school resource officer (SRO)", "policía escolar (SRO)",
         r"(?<!security )\bofficers?\b|officer\(s\)", r"\bpolic[ií]as?\b|\bsargentos?\b",
         avoid=r"\bagentes?\b|\boficiales?\b"),
    Term("school sergeant", "sargento escolar", r"\bsergeants?\b", r"\bsargentos?\b"),
    Term("Local School Council (LSC)", "Consejo Escolar Local (LSC)", r"\bcouncils?\b|council\(s\)",
         r"\bconsejos?\b", avoid=r"\bjuntas?\b"),
    Term("Whole School Safety plan", "plan de Seguridad Escolar Integral",
         r"Whole School Safety", r"Seguridad Escolar Integral"),
    Term("safety plan", "plan de seguridad", r"\bsafety plans?\b",
         r"\bplan(es)? de seguridad\b|Seguridad Escolar Integral"),
    Term("funds for alternatives", "fondos para alternativas", r"\bfunds for alternatives\b",
         r"\bfondos para alternativas\b"),
    Term("spending plan", "plan de gastos", r"\bspending plans?\b", r"\bplan(es)? de gastos?\b"),
    Term("victim", "víctima", r"\bvictims?\b", r"\bv[ií]ctimas?\b"),
    Term("suppressed", "suprimido", r"\bsuppressed\b", r"\bsuprim"),
    Term("school year", "año escolar", r"\bschool years?\b|school year\(s\)",
         r"\baños? escolar(es)?\b|año\(s\) escolar(es)?", avoid=r"\bcursos?\b"),
    Term("risk ratio", "razón de riesgo", r"\brisk ratios?\b", r"\braz[oó]n(es)? de riesgo\b",
         avoid=r"riesgo relativo|cociente de riesgo"),
    Term("quorum", "quórum", r"\bquorum\b", r"\bqu[óo]rum\b"),
)  # fmt: skip
