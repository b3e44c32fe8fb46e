"""End to end: feedback from those served (服务对象) as a frontend drives it over GraphQL, with
the processes started as `make run` starts them: the office's policy, the quarter's satisfaction
survey (a form response, a CSV import, closing), praise, complaints handled against a
working-day deadline (on time, late, dismissed, left open and flagged overdue), who sees the
complainant, and the quarter's facts per department and person that the reviews read.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from kernel.calendar import add_working_days, china_date
from kernel.roles import Role
from tests.e2e.conftest import System, Unit, new_unit

pytestmark = pytest.mark.e2e

QUARTER = "2026-Q3"


# -- feedback, as a frontend asks for it --

POLICY = """mutation($unit: ID!, $days: Int!, $low: Decimal, $high: Decimal) {
  setFeedbackPolicy(unitId: $unit, handlingDays: $days, scaleLow: $low, scaleHigh: $high,
    idempotencyKey: "feedback-policy") { policy { handlingDays scaleLow scaleHigh } position } }"""
SURVEY = """fragment S on Survey {
  id quarter status statusLabel scaleLow scaleHigh version closedAt rule responseCount
  departments { departmentId name department { serviceKindLabel } }
  results { name count mean department { name } distribution { from to count } } }"""
OPEN_SURVEY = (
    """mutation($unit: ID!, $quarter: String!) {
  openSurvey(unitId: $unit, quarter: $quarter) { survey { ...S } position } }"""
    + SURVEY
)
RESPOND_SURVEY = (
    """mutation($survey: ID!, $agency: String!, $respondent: String,
  $scores: [SurveyScoreInput!]!) {
  recordSurveyResponse(surveyId: $survey, respondentAgency: $agency, respondent: $respondent,
    scores: $scores, comment: "派车及时") { survey { ...S } responseIds } }"""
    + SURVEY
)
IMPORT = (
    """mutation($survey: ID!, $csv: String!) {
  importSurveyResponses(surveyId: $survey, csv: $csv) {
    survey { ...S } accepted rejected { line rule field message } } }"""
    + SURVEY
)
CLOSE = (
    """mutation($survey: ID!, $version: Int) {
  closeSurvey(surveyId: $survey, expectedVersion: $version) { survey { ...S } } }"""
    + SURVEY
)
RESPONSES = """query($id: ID!) { survey(id: $id) {
  responses { respondent respondentAgency sourceLabel scores { score department { name } } } } }"""
PRAISE = """mutation($unit: ID!, $kind: TargetKind!, $target: ID!, $on: Date!, $what: String!) {
  recordPraise(unitId: $unit, targetKind: $kind, targetId: $target, source: "市委办公室 感谢信",
    whatHappened: $what, occurredOn: $on) {
    praise { id targetKind targetKindLabel targetName quarter department { name } } } }"""
PRAISE_PAGE = """query($unit: ID!, $dept: ID, $first: Int, $after: String) {
  praise(unitId: $unit, quarter: "2026-Q3", departmentId: $dept, first: $first, after: $after) {
    totalCount edges { cursor node { id targetName whatHappened } }
    pageInfo { hasNextPage endCursor } } }"""
COMPLAINT = """fragment C on Complaint {
  id version status statusLabel targetKind targetKindLabel targetName department { name }
  filedBy filedByLabel anonymous complainant { name agency contact } content receivedOn
  deadlineOn deadlineProvisional quarter handler { name } response resolvedOn satisfaction
  satisfactionLabel late overdue overdueOn dismissedReason
  history { event eventLabel actorRole actorRoleLabel actor { name } text on } }"""
FILE = (
    """mutation($unit: ID!, $kind: TargetKind!, $target: ID!, $content: String!,
  $complainant: ComplainantInput, $on: Date) {
  fileComplaint(unitId: $unit, targetKind: $kind, targetId: $target, content: $content,
    complainant: $complainant, receivedOn: $on) { complaint { ...C } } }"""
    + COMPLAINT
)
ASSIGN = (
    """mutation($id: ID!, $handler: ID!, $version: Int) {
  assignComplaint(complaintId: $id, handlerId: $handler, expectedVersion: $version) {
    complaint { ...C } } }"""
    + COMPLAINT
)
RESPOND = (
    """mutation($id: ID!, $response: String!) {
  respondToComplaint(complaintId: $id, response: $response) { complaint { ...C } } }"""
    + COMPLAINT
)
RESOLVE = (
    """mutation($id: ID!, $satisfaction: Satisfaction!, $on: Date, $note: String) {
  resolveComplaint(complaintId: $id, satisfaction: $satisfaction, resolvedOn: $on, note: $note) {
    complaint { ...C } } }"""
    + COMPLAINT
)
DISMISS = (
    """mutation($id: ID!, $reason: String!) {
  dismissComplaint(complaintId: $id, reason: $reason) { complaint { ...C } } }"""
    + COMPLAINT
)
CHECK_OVERDUE = (
    """mutation { checkOverdueComplaints { flagged { id overdue overdueOn } position } }"""
)
ONE_COMPLAINT = "query($id: ID!) { complaint(id: $id) { ...C } }" + COMPLAINT
COMPLAINTS = """query($unit: ID!, $status: ComplaintStatus, $dept: ID, $overdue: Boolean) {
  complaints(unitId: $unit, quarter: "2026-Q3", status: $status, departmentId: $dept,
    overdue: $overdue) { totalCount edges { node { id statusLabel } } } }"""
FACTS = """query($unit: ID!, $quarter: String!, $dept: ID, $person: ID, $first: Int,
  $after: String) {
  feedbackFacts(unitId: $unit, quarter: $quarter, departmentId: $dept, personId: $person,
    first: $first, after: $after) {
    totalCount quarter survey { statusLabel }
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      subjectKind subjectKindLabel name department { name } person { login }
      satisfaction { mean count }
      praiseCount complaints handledOnTime handledProperly late dissatisfied dismissed open
      overdue } } } }"""


@pytest.fixture(scope="module")
def unit(system: System) -> Unit:
    """An office, two service departments (vehicles with its head and staff, the canteen)."""
    unit = new_unit(system, "反馈测试中心", "E2E-FEEDBACK")
    unit.open("vehicles", "公车服务科", "VEHICLES")
    unit.open("canteen", "机关食堂", "CANTEEN")
    unit.staff("vehicles", liqiang="李强", zhaomin="赵敏", sunli="孙丽", zhoujie="周杰")
    unit.head("vehicles", "liqiang")
    return unit


def file_complaint(
    unit: Unit, target: str, content: str, kind: str = "DEPARTMENT", **received: Any
) -> dict[str, Any]:
    """A complaint the office files about `target` (a department, or a person with kind PERSON);
    `received` is its complainant and the day it came in."""
    filed: dict[str, Any] = unit.system.data(
        unit.office, FILE, unit=unit.id, kind=kind, target=target, content=content, **received
    )["fileComplaint"]["complaint"]
    return filed


def deadline(received: date) -> date:
    """Three working days after receipt, on the Chinese calendar (the policy in these tests)."""
    return add_working_days(received, 3).due_on


def test_a_quarter_of_feedback_becomes_the_facts_the_reviews_read(
    system: System, unit: Unit
) -> None:
    office, staff = unit.office, unit.token("sunli")
    vehicles, canteen = unit.departments["vehicles"], unit.departments["canteen"]

    # Given the office's policy: complaints handled within 3 working days, scores from 0 to 100
    policy = system.data(office, POLICY, unit=unit.id, days=3, low="0", high="100")
    assert policy["setFeedbackPolicy"]["policy"] == {
        "handlingDays": 3,
        "scaleLow": "0",
        "scaleHigh": "100",
    }

    # When it opens the third quarter's survey: every service department is surveyed
    survey = system.data(office, OPEN_SURVEY, unit=unit.id, quarter=QUARTER)["openSurvey"]["survey"]
    assert (survey["status"], survey["statusLabel"]) == ("OPEN", "进行中")
    assert (survey["scaleLow"], survey["scaleHigh"]) == ("0", "100")
    assert {(d["name"], d["department"]["serviceKindLabel"]) for d in survey["departments"]} == {
        ("公车服务科", "公车"),
        ("机关食堂", "食堂"),
    }
    survey_id = survey["id"]

    # And records a respondent's scores
    recorded = system.data(
        office,
        RESPOND_SURVEY,
        survey=survey_id,
        agency="市财政局",
        respondent="陈静",
        scores=[{"departmentId": vehicles, "score": "90"}, {"departmentId": canteen, "score": 80}],
    )["recordSurveyResponse"]
    assert recorded["survey"]["responseCount"] == 1
    assert len(recorded["responseIds"]) == 1

    # Then a score outside the scale is refused, naming the scores entry and the rule
    refused = system.error(
        office,
        RESPOND_SURVEY,
        survey=survey_id,
        agency="市教育局",
        scores=[{"departmentId": vehicles, "score": "120"}],
    )
    assert refused["extensions"]["code"] == "RULE_VIOLATED"
    assert refused["extensions"]["rule"] == "feedback.score_in_scale"
    assert refused["extensions"]["field"] == f"scores.{vehicles}"

    # When the office imports the survey platform's export, one row of it bad
    csv = (
        "respondent_agency,respondent,公车服务科,机关食堂,comment\n"
        "市教育局,李华,80,70,\n"
        "市公安局,王磊,120,90,派车慢\n"
        "市民政局,赵云,,85,\n"
    )
    imported = system.data(office, IMPORT, survey=survey_id, csv=csv)["importSurveyResponses"]

    # Then the good rows are recorded and the bad one is reported by its line
    assert imported["accepted"] == 2
    assert [(r["line"], r["rule"], r["field"]) for r in imported["rejected"]] == [
        (3, "feedback.score_in_scale", f"scores.{vehicles}")
    ]
    assert imported["survey"]["responseCount"] == 3

    # And who responded is for the office's eyes only
    by_office = system.data(office, RESPONSES, id=survey_id)["survey"]["responses"]
    assert [r["respondent"] for r in by_office] == ["陈静", "李华", "赵云"]
    assert [r["sourceLabel"] for r in by_office] == ["表单录入", "问卷平台导入", "问卷平台导入"]
    by_staff = system.data(staff, RESPONSES, id=survey_id)["survey"]["responses"]
    assert {(r["respondent"], r["respondentAgency"]) for r in by_staff} == {(None, None)}

    # When the office closes the survey
    closed = system.data(office, CLOSE, survey=survey_id, version=imported["survey"]["version"])[
        "closeSurvey"
    ]["survey"]

    # Then each department's result is fixed: mean and count, with the rule that made them
    assert (closed["status"], closed["statusLabel"]) == ("CLOSED", "已结束")
    assert closed["closedAt"] is not None
    assert "mean" in closed["rule"]
    results = {r["name"]: r for r in closed["results"]}
    assert (results["公车服务科"]["mean"], results["公车服务科"]["count"]) == ("85.00", 2)
    assert (results["机关食堂"]["mean"], results["机关食堂"]["count"]) == ("78.33", 3)
    bins = results["公车服务科"]["distribution"]
    assert len(bins) == 10
    assert [(b["from"], b["count"]) for b in bins if b["count"]] == [("80", 1), ("90", 1)]

    # And a response after closing is refused
    late_response = system.error(
        office,
        RESPOND_SURVEY,
        survey=survey_id,
        agency="市统计局",
        scores=[{"departmentId": vehicles, "score": "95"}],
    )
    assert late_response["extensions"]["rule"] == "feedback.survey_closed"

    # When praise is recorded for the vehicles department and for 赵敏
    praised = system.data(
        office,
        PRAISE,
        unit=unit.id,
        kind="DEPARTMENT",
        target=vehicles,
        on="2026-08-15",
        what="重大会议用车保障及时",
    )["recordPraise"]["praise"]
    assert (praised["targetKindLabel"], praised["targetName"], praised["quarter"]) == (
        "科室",
        "公车服务科",
        QUARTER,
    )
    person_praise = system.data(
        office,
        PRAISE,
        unit=unit.id,
        kind="PERSON",
        target=unit.people["zhaomin"],
        on="2026-09-10",
        what="雨夜送医，服务周到",
    )["recordPraise"]["praise"]
    assert (person_praise["targetKindLabel"], person_praise["department"]["name"]) == (
        "个人",
        "公车服务科",
    )

    # Then the department's praise, its own and its people's, reads page by page
    page = system.data(staff, PRAISE_PAGE, unit=unit.id, dept=vehicles, first=1)["praise"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (2, True)
    rest = system.data(
        staff, PRAISE_PAGE, unit=unit.id, dept=vehicles, after=page["pageInfo"]["endCursor"]
    )["praise"]
    assert [e["node"]["whatHappened"] for e in page["edges"] + rest["edges"]] == [
        "雨夜送医，服务周到",
        "重大会议用车保障及时",
    ]

    # When a complaint about the vehicles department is received on the last day of September
    received = date(2026, 9, 30)
    late_one = file_complaint(
        unit,
        vehicles,
        "预约用车未按时到达",
        complainant={"name": "张伟", "agency": "市财政局", "contact": "13800001111"},
        on=received.isoformat(),
    )

    # Then its deadline is 3 working days later on the Chinese calendar, across National Day
    assert late_one["deadlineOn"] == deadline(received).isoformat()
    assert late_one["deadlineProvisional"] is False
    assert (late_one["status"], late_one["statusLabel"], late_one["quarter"]) == (
        "FILED",
        "已受理",
        QUARTER,
    )
    assert late_one["filedByLabel"] == "考核办代为登记"

    # And it cannot be resolved before it is assigned
    too_soon = system.error(office, RESOLVE, id=late_one["id"], satisfaction="SATISFIED")
    assert too_soon["extensions"]["rule"] == "feedback.assigned_before_resolved"

    # When the office assigns it to 赵敏, and a colleague tries to respond
    assigned = system.data(
        office,
        ASSIGN,
        id=late_one["id"],
        handler=unit.people["zhaomin"],
        version=late_one["version"],
    )["assignComplaint"]["complaint"]
    assert (assigned["statusLabel"], assigned["handler"]["name"]) == ("已交办", "赵敏")
    not_hers = system.error(staff, RESPOND, id=late_one["id"], response="已核实")
    assert not_hers["extensions"]["code"] == "FORBIDDEN"
    assert not_hers["extensions"]["missing_relation"] == "ASSIGNED_HANDLER"

    # Then only the handler responds, and the office resolves it after the deadline: late
    responded = system.data(
        unit.token("zhaomin"), RESPOND, id=late_one["id"], response="已向投诉人致歉并调整排班"
    )["respondToComplaint"]["complaint"]
    assert (responded["statusLabel"], responded["response"]) == (
        "已答复",
        "已向投诉人致歉并调整排班",
    )
    resolved_on = deadline(received) + timedelta(days=2)
    resolved = system.data(
        office,
        RESOLVE,
        id=late_one["id"],
        satisfaction="SATISFIED",
        on=resolved_on.isoformat(),
        note="投诉人表示满意",
    )["resolveComplaint"]["complaint"]
    assert (resolved["status"], resolved["statusLabel"]) == ("RESOLVED", "已办结")
    assert (resolved["satisfaction"], resolved["satisfactionLabel"]) == ("SATISFIED", "满意")
    assert (resolved["late"], resolved["resolvedOn"]) == (True, resolved_on.isoformat())
    assert [(h["event"], h["eventLabel"]) for h in resolved["history"]] == [
        ("ComplaintFiled", "受理投诉"),
        ("ComplaintAssigned", "交办"),
        ("ComplaintResponded", "答复"),
        ("ComplaintResolved", "办结"),
    ]
    assert resolved["history"][2]["actor"]["name"] == "赵敏"
    assert resolved["history"][3]["text"] == "投诉人表示满意"

    # And a complaint resolved by its deadline is on time
    on_time_received = date(2026, 9, 25)
    on_time = file_complaint(
        unit,
        vehicles,
        "车辆内部卫生较差",
        complainant={"name": "刘洋", "agency": "市教育局"},
        on=on_time_received.isoformat(),
    )
    system.data(office, ASSIGN, id=on_time["id"], handler=unit.people["liqiang"])
    handled = system.data(
        office,
        RESOLVE,
        id=on_time["id"],
        satisfaction="SATISFIED",
        on=deadline(on_time_received).isoformat(),
    )["resolveComplaint"]["complaint"]
    assert handled["late"] is False

    # And a complaint about 周杰 is resolved on time, the complainant dissatisfied
    about_zhoujie = file_complaint(
        unit,
        unit.people["zhoujie"],
        "驾驶员态度生硬",
        kind="PERSON",
        complainant={"name": "黄磊", "agency": "市民政局"},
        on="2026-09-28",
    )
    assert about_zhoujie["department"]["name"] == "公车服务科"
    system.data(office, ASSIGN, id=about_zhoujie["id"], handler=unit.people["liqiang"])
    system.data(
        office, RESOLVE, id=about_zhoujie["id"], satisfaction="DISSATISFIED", on="2026-09-29"
    )

    # When one complaint is dismissed with the reason, and another is left open
    unfounded = file_complaint(
        unit,
        vehicles,
        "司机私自用车",
        complainant={"name": "匿名来电核实人", "agency": "市公安局"},
        on="2026-08-10",
    )
    dismissed = system.data(
        office, DISMISS, id=unfounded["id"], reason="经核查行车记录，当日系执行公务"
    )["dismissComplaint"]["complaint"]
    assert (dismissed["status"], dismissed["statusLabel"]) == ("DISMISSED", "查无实据")
    assert dismissed["dismissedReason"] == "经核查行车记录，当日系执行公务"
    left_open = file_complaint(
        unit,
        vehicles,
        "会议用车多次迟到",
        complainant={"name": "孙浩", "agency": "市水务局"},
        on="2026-09-01",
    )
    assert left_open["overdue"] is False

    # Then the overdue check flags the open one, once: run again, it flags nothing
    first_check = system.data(office, CHECK_OVERDUE)["checkOverdueComplaints"]
    assert [c["id"] for c in first_check["flagged"]] == [left_open["id"]]
    assert first_check["flagged"][0]["overdue"] is True
    assert first_check["flagged"][0]["overdueOn"] == china_date().isoformat()
    assert system.data(office, CHECK_OVERDUE)["checkOverdueComplaints"]["flagged"] == []
    flagged = system.data(staff, ONE_COMPLAINT, id=left_open["id"])["complaint"]
    assert [h["eventLabel"] for h in flagged["history"]] == ["受理投诉", "超期未办结"]
    overdue_list = system.data(office, COMPLAINTS, unit=unit.id, overdue=True)["complaints"]
    assert [e["node"]["id"] for e in overdue_list["edges"]] == [left_open["id"]]
    resolved_list = system.data(office, COMPLAINTS, unit=unit.id, status="RESOLVED", dept=vehicles)
    assert resolved_list["complaints"]["totalCount"] == 3

    # And the quarter's facts show each service department and each person with feedback
    facts = system.data(staff, FACTS, unit=unit.id, quarter=QUARTER)["feedbackFacts"]
    assert (facts["totalCount"], facts["quarter"], facts["survey"]["statusLabel"]) == (
        4,
        QUARTER,
        "已结束",
    )
    rows = {e["node"]["name"]: e["node"] for e in facts["edges"]}
    assert [e["node"]["subjectKind"] for e in facts["edges"]] == [
        "DEPARTMENT",
        "DEPARTMENT",
        "PERSON",
        "PERSON",
    ]
    counts = (
        "praiseCount",
        "complaints",
        "handledOnTime",
        "handledProperly",
        "late",
        "dissatisfied",
        "dismissed",
        "open",
        "overdue",
    )
    department = rows["公车服务科"]
    assert department["subjectKindLabel"] == "科室"
    assert department["satisfaction"] == {"mean": "85.00", "count": 2}
    assert [department[c] for c in counts] == [1, 4, 1, 2, 1, 0, 1, 1, 1]
    assert rows["机关食堂"]["satisfaction"] == {"mean": "78.33", "count": 3}
    assert [rows["机关食堂"][c] for c in counts] == [0] * 9
    zhaomin = rows["赵敏"]
    assert (zhaomin["subjectKindLabel"], zhaomin["department"]["name"]) == ("个人", "公车服务科")
    assert (zhaomin["satisfaction"], zhaomin["praiseCount"], zhaomin["complaints"]) == (None, 1, 0)
    assert [rows["周杰"][c] for c in counts] == [0, 1, 1, 0, 0, 1, 0, 0, 0]

    # And they page with stable cursors, and filter by person or department
    seen: list[str] = []
    after = None
    while True:
        page = system.data(staff, FACTS, unit=unit.id, quarter=QUARTER, first=1, after=after)[
            "feedbackFacts"
        ]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["node"]["name"] for e in facts["edges"]]
    mine = system.data(staff, FACTS, unit=unit.id, quarter=QUARTER, person=unit.people["zhaomin"])[
        "feedbackFacts"
    ]
    assert [e["node"]["person"]["login"] for e in mine["edges"]] == ["zhaomin"]
    canteen_only = system.data(staff, FACTS, unit=unit.id, quarter=QUARTER, dept=canteen)
    assert [e["node"]["name"] for e in canteen_only["feedbackFacts"]["edges"]] == ["机关食堂"]


def test_the_complainant_is_shown_only_to_the_office_and_auditors(
    system: System, unit: Unit
) -> None:
    # Given a complaint filed by the office on a complainant's behalf
    filed = file_complaint(
        unit,
        unit.people["zhaomin"],
        "接站时未提前联系",
        kind="PERSON",
        complainant={"name": "陈晨", "agency": "市统计局", "contact": "13900002222"},
    )
    assert filed["receivedOn"] == china_date().isoformat()
    complainant = {"name": "陈晨", "agency": "市统计局", "contact": "13900002222"}

    # Then the office and an auditor see who complained and how to reach them
    assert filed["complainant"] == complainant
    for reader in (
        unit.office,
        system.platform_auditor(),
        system.token([Role.ADMIN]),
    ):
        seen = system.data(reader, ONE_COMPLAINT, id=filed["id"])["complaint"]
        assert seen["complainant"] == complainant

    # But staff, even the person complained about, see the complaint without the complainant
    for login in ("sunli", "zhaomin"):
        seen = system.data(unit.token(login), ONE_COMPLAINT, id=filed["id"])["complaint"]
        assert seen["content"] == "接站时未提前联系"
        assert seen["complainant"] == {"name": None, "agency": None, "contact": None}


def test_an_anonymous_complaint_shows_no_complainant_to_anyone(system: System, unit: Unit) -> None:
    # Given a served cadre files a complaint themself, without saying who they are
    cadre = system.token([Role.SERVED_CADRE], tenant_id=UUID(unit.id))
    filed = system.data(
        cadre,
        FILE,
        unit=unit.id,
        kind="DEPARTMENT",
        target=unit.departments["canteen"],
        content="午餐菜品偏咸",
    )["fileComplaint"]["complaint"]
    assert (filed["anonymous"], filed["filedBy"], filed["filedByLabel"]) == (
        True,
        "SERVED_CADRE",
        "服务对象本人",
    )

    # Then nobody sees a complainant, nor who filed it
    for reader in (unit.office, unit.token("sunli")):
        seen = system.data(reader, ONE_COMPLAINT, id=filed["id"])["complaint"]
        assert seen["complainant"] is None
        filing = seen["history"][0]
        assert (filing["event"], filing["actor"], filing["actorRole"]) == (
            "ComplaintFiled",
            None,
            "SERVED_CADRE",
        )


def test_only_the_office_sets_the_policy_and_other_units_read_nothing(
    system: System, unit: Unit
) -> None:
    refused = system.error(unit.token("sunli"), POLICY, unit=unit.id, days=5)
    assert refused["extensions"]["missing_role"] == "APPRAISAL_OFFICE"

    outsider = system.outsider()
    error = system.error(outsider, COMPLAINTS, unit=unit.id)
    assert error["extensions"]["missing_relation"] == "MEMBER_OF_UNIT"
    error = system.error(outsider, FACTS, unit=unit.id, quarter=QUARTER)
    assert error["extensions"]["missing_relation"] == "MEMBER_OF_UNIT"

    malformed = system.error(unit.office, FACTS, unit=unit.id, quarter="2026Q3")
    assert (malformed["extensions"]["field"], malformed["extensions"]["rule"]) == (
        "quarter",
        "quarter_format",
    )
