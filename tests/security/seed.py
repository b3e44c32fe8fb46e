"""Two small units seeded through GraphQL, as their offices would build them, for the suite to
point every operation at: people in every role of the org chart, a department with its head,
a goal set, a monthly summary, a weekly report, a survey, a complaint, a review cycle and a
(paused) webhook subscription.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from kernel.roles import Role
from tests.e2e.conftest import System
from tests.security.graphql_ops import MONTH, QUARTER, TODAY, WEEK, Records

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } } }"""
OPEN = """mutation($unit: ID!, $name: String!) {
  openDepartment(unitId: $unit, name: $name, category: SERVICE, serviceKind: VEHICLES,
    openedOn: "2025-01-01") { department { id } } }"""
ADD = """mutation($unit: ID!, $name: String!, $login: String!, $cat: PositionCategory!, $dept: ID) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: $cat,
    departmentId: $dept, joinedOn: "2025-01-01") { person { id } } }"""
GRANT = """mutation($unit: ID!, $person: ID!, $role: OfficeRole!) {
  grantOfficeRole(unitId: $unit, personId: $person, role: $role, effectiveOn: "2025-01-01") {
    position } }"""
HEAD = """mutation($unit: ID!, $dept: ID!, $person: ID!) {
  appointDepartmentHead(unitId: $unit, departmentId: $dept, personId: $person,
    effectiveOn: "2025-01-01") { position } }"""
SUPERVISE = """mutation($unit: ID!, $leader: ID!, $dept: ID!) {
  assignSupervisingLeader(unitId: $unit, leaderId: $leader, departmentIds: [$dept],
    effectiveOn: "2025-01-01") { position } }"""
PRINCIPAL = """mutation($unit: ID!, $person: ID!) {
  appointPrincipalLeader(unitId: $unit, personId: $person, effectiveOn: "2025-01-01") {
    position } }"""
DRAFT = """mutation($unit: ID!, $period: String!, $due: Date!) {
  draftGoalSet(unitId: $unit, period: $period, items: [{what: "公车调度平台上线",
    measure: "按期上线", dueOn: $due, serves: [{kind: JOB_DUTY, text: "车辆调度"}],
    weight: 100}]) {
    goalSet { id } } }"""
SUMMARY = """mutation($unit: ID!, $month: String!) {
  submitMonthlySummary(unitId: $unit, month: $month, text: "本月完成车辆调度 120 次") {
    monthlySummary { id } } }"""
WEEKLY = """mutation($unit: ID!, $dept: ID!, $week: String!) {
  compileWeeklyReport(unitId: $unit, departmentId: $dept, week: $week,
    freeText: "本周保障会议用车 12 次") { weeklyReport { id } } }"""
SURVEY = """mutation($unit: ID!, $quarter: String!) { openSurvey(unitId: $unit, quarter: $quarter) {
  survey { id } } }"""
COMPLAINT = """mutation($unit: ID!, $target: ID!, $on: Date!) {
  fileComplaint(unitId: $unit, targetKind: PERSON, targetId: $target, content: "派车迟到半小时",
    complainant: {name: "赵先生", agency: "市财政局", contact: "13800000000"},
    receivedOn: $on) { complaint { id } } }"""
CYCLE = """mutation($unit: ID!, $quarter: String!) {
  openReviewCycle(unitId: $unit, quarter: $quarter) {
  cycle { id } } }"""
SUBSCRIBE = """mutation($unit: ID!) {
  createWebhookSubscription(unitId: $unit, url: "https://93.184.215.14/kaohe-security-suite",
    active: false) { subscription { id } } }"""


@dataclass(frozen=True)
class Unit:
    """A seeded unit: its records, and a token per role for a person who holds it there."""

    records: Records
    tokens: dict[Role, str]


def _id(answer: dict[str, Any], *path: str) -> str:
    for key in path:
        answer = answer[key]
    return str(answer)


def seed_unit(system: System, code: str, name: str) -> Unit:
    """Build one unit through GraphQL and mint a token for every role in it."""
    admin = system.token([Role.ADMIN])
    unit = _id(system.data(admin, REGISTER, name=name, code=code), "registerUnit", "unit", "id")
    dept = _id(
        system.data(admin, OPEN, unit=unit, name="公车服务科"), "openDepartment", "department", "id"
    )

    def add(person: str, login: str, cat: str, in_dept: bool, token: str) -> str:
        return _id(
            system.data(
                token,
                ADD,
                unit=unit,
                name=person,
                login=login,
                cat=cat,
                dept=dept if in_dept else None,
            ),
            "addPerson",
            "person",
            "id",
        )

    office_id = add("王芳", "wangfang", "GENERAL", True, admin)
    system.data(admin, GRANT, unit=unit, person=office_id, role="APPRAISAL_OFFICE")

    def token(roles: list[Role], person: str | None) -> str:
        return system.token(
            roles, person_id=UUID(person) if person else uuid4(), tenant_id=UUID(unit)
        )

    office = token([Role.APPRAISEE, Role.APPRAISAL_OFFICE], office_id)
    principal = add("陈书记", "chenshuji", "LEADER", False, office)
    leader = add("刘明", "liuming", "LEADER", False, office)
    head = add("李强", "liqiang", "SERVICE", True, office)
    appraisee = add("赵敏", "zhaomin", "SERVICE", True, office)
    auditor = add("孙审", "sunshen", "GENERAL", True, office)
    system.data(office, PRINCIPAL, unit=unit, person=principal)
    system.data(office, SUPERVISE, unit=unit, leader=leader, dept=dept)
    system.data(office, HEAD, unit=unit, dept=dept, person=head)
    system.data(office, GRANT, unit=unit, person=auditor, role="AUDITOR")
    tokens = {
        Role.APPRAISEE: token([Role.APPRAISEE], appraisee),
        Role.DEPARTMENT_HEAD: token([Role.APPRAISEE, Role.DEPARTMENT_HEAD], head),
        Role.SUPERVISING_LEADER: token([Role.APPRAISEE, Role.SUPERVISING_LEADER], leader),
        Role.PRINCIPAL_LEADER: token([Role.APPRAISEE, Role.PRINCIPAL_LEADER], principal),
        Role.APPRAISAL_OFFICE: office,
        Role.SERVED_CADRE: token([Role.SERVED_CADRE], None),
        Role.AUDITOR: token([Role.APPRAISEE, Role.AUDITOR], auditor),
        Role.INTEGRATION: token([Role.INTEGRATION], None),
        Role.ADMIN: admin,
    }
    appraisee_token = tokens[Role.APPRAISEE]
    goal_set = _id(
        system.data(appraisee_token, DRAFT, unit=unit, period=QUARTER, due=str(TODAY)),
        "draftGoalSet",
        "goalSet",
        "id",
    )
    summary = _id(
        system.data(appraisee_token, SUMMARY, unit=unit, month=MONTH),
        "submitMonthlySummary",
        "monthlySummary",
        "id",
    )
    report = _id(
        system.data(office, WEEKLY, unit=unit, dept=dept, week=WEEK),
        "compileWeeklyReport",
        "weeklyReport",
        "id",
    )
    survey = _id(
        system.data(office, SURVEY, unit=unit, quarter=QUARTER), "openSurvey", "survey", "id"
    )
    complaint = _id(
        system.data(office, COMPLAINT, unit=unit, target=appraisee, on=str(TODAY)),
        "fileComplaint",
        "complaint",
        "id",
    )
    cycle = _id(
        system.data(office, CYCLE, unit=unit, quarter=QUARTER), "openReviewCycle", "cycle", "id"
    )
    subscription = _id(
        system.data(office, SUBSCRIBE, unit=unit),
        "createWebhookSubscription",
        "subscription",
        "id",
    )
    records = Records(
        unit=unit,
        department=dept,
        office=office_id,
        principal=principal,
        leader=leader,
        head=head,
        appraisee=appraisee,
        auditor=auditor,
        goal_set=goal_set,
        summary=summary,
        report=report,
        survey=survey,
        complaint=complaint,
        cycle=cycle,
        objection=str(uuid4()),
        subscription=subscription,
        event=str(uuid4()),
    )
    return Unit(records, tokens)
