"""End to end: a quarter's appraisal as frontends drive it over GraphQL, with the processes
started as `make run` starts them: the office opens the cycle (its configuration locked), the
appraisal starts once the survey has closed, people write summaries, those who manage them rate
them (also after a move mid-cycle), the office proposes grades against the quota, the principal
leader finalises, results are published, objected to and confirmed, and the supervising leader
holds the feedback talks; each role sees what it may.
"""

from __future__ import annotations

from typing import Any

import pytest

from kernel.calendar import china_date
from kernel.roles import Role
from tests.e2e.conftest import System, Unit, new_unit
from tests.e2e.test_integrations import GraphQLSocket

pytestmark = pytest.mark.e2e

QUARTER = "2025-Q4"
MOVE = """mutation($unit: ID!, $person: ID!, $dept: ID!, $on: Date!) {
  movePerson(unitId: $unit, personId: $person, departmentId: $dept, effectiveOn: $on,
    reason: "工作需要") { person { id } } }"""
SURVEY = """mutation($unit: ID!) { openSurvey(unitId: $unit, quarter: "2025-Q4") {
  survey { id departments { departmentId } } } }"""
RESPOND = """mutation($survey: ID!, $dept: ID!) {
  recordSurveyResponse(surveyId: $survey, respondentAgency: "市财政局",
    scores: [{departmentId: $dept, score: "90"}]) { survey { id } } }"""
CLOSE = "mutation($survey: ID!) { closeSurvey(surveyId: $survey) { survey { status } } }"

CYCLE = """fragment Y on ReviewCycle {
  id quarter status statusLabel version participantCount openedOn publishedOn publicityEndsOn
  objectionsUntil confirmedOn quota { participants limit top ok }
  configuration { quotaPercent quotaRounding quotaRoundingLabel publicityDays
    categories { category categoryLabel indicators { code name weight source } }
    bands { grade gradeLabel minScore } feedbackFormula { rule } } }"""
OPEN_CYCLE = (
    """mutation($unit: ID!) { openReviewCycle(unitId: $unit, quarter: "2025-Q4",
  config: {publicityDays: 5, quotaPercent: "40", quotaRounding: FLOOR}) {
  cycle { ...Y } position } }"""
    + CYCLE
)
RECONFIGURE = """mutation($cycle: ID!) { reconfigureReviewCycle(cycleId: $cycle,
  config: {quotaPercent: "50"}, reason: "名额不够") { position } }"""
BEGIN = "mutation($cycle: ID!) { beginAppraisal(cycleId: $cycle) { cycle { ...Y } } }" + CYCLE
SUMMARY = """mutation($cycle: ID!, $extra: [String!]) {
  submitSummary(cycleId: $cycle, reports: [], extraWork: $extra) {
    appraisal { name summary { extraWork versions } } } }"""
APPRAISAL = """fragment A on Appraisal {
  personId name departmentName positionCategory positionCategoryLabel
  summary { extraWork versions } requiredRaters
  ratings { relation relationLabel rater { name } opinion scores { code score } }
  feedback { departmentMean score steps } composite bandGrade grade gradeLabel gradeFromBands
  justification outOfLineWith missing
  derivation { score missing lines { code weight score contribution
    raterScores { relation weight } } }
  talk { gradeLabel reasons shortcomings { shortcoming facts } improvements acknowledgedAt
    leader { name } } }"""
RATE = (
    """mutation($cycle: ID!, $person: ID!, $scores: [IndicatorScoreInput!]!) {
  rateAppraisee(cycleId: $cycle, personId: $person, scores: $scores, opinion: "工作扎实") {
    appraisal { ...A } } }"""
    + APPRAISAL
)
APPRAISALS = (
    """query($cycle: ID!) { reviewCycle(id: $cycle) { status
  appraisals { totalCount nodes { ...A } } } }"""
    + APPRAISAL
)
PROPOSE = (
    """mutation($cycle: ID!, $proposals: [GradeProposalInput!]) {
  proposeGrades(cycleId: $cycle, proposals: $proposals) { cycle { ...Y } } }"""
    + CYCLE
)
FINALISE = "mutation($cycle: ID!) { finaliseGrades(cycleId: $cycle) { cycle { ...Y } } }" + CYCLE
PUBLISH = (
    """mutation($cycle: ID!) { publishResults(cycleId: $cycle, publishedOn: "2026-01-05") {
  cycle { ...Y } } }"""
    + CYCLE
)
OBJECT = """mutation($cycle: ID!) { fileObjection(cycleId: $cycle,
  reason: "本人综合得分最高，等次却低于得分较低的同事", filedOn: "2026-01-06") {
  objection { id statusLabel } } }"""
RESOLVE = """mutation($cycle: ID!, $objection: ID!, $upheld: Boolean!, $grade: Grade) {
  resolveObjection(cycleId: $cycle, objectionId: $objection, upheld: $upheld, newGrade: $grade,
    reason: "经复核，等次评定有书面说明，依据充分", resolvedOn: "2026-01-07") {
    objection { status statusLabel gradeBefore gradeAfter resolution } } }"""
CONFIRM = "mutation($cycle: ID!) { confirmResults(cycleId: $cycle) { cycle { ...Y } } }" + CYCLE
TALK = (
    """mutation($cycle: ID!, $person: ID!, $reasons: String,
  $shortcomings: [ShortcomingInput!], $improvements: String) {
  recordFeedbackTalk(cycleId: $cycle, personId: $person, heldOn: "2026-01-20",
    reasons: $reasons, shortcomings: $shortcomings, improvements: $improvements) {
    appraisal { ...A } } }"""
    + APPRAISAL
)
ACKNOWLEDGE = (
    """mutation($cycle: ID!) { acknowledgeFeedbackTalk(cycleId: $cycle, comment: "认可") {
  appraisal { ...A } } }"""
    + APPRAISAL
)
PROGRESS = """query($cycle: ID!) { reviewCycle(id: $cycle) { progress {
  participants summaries fullyRated graded talksHeld talksAcknowledged
  waiting { name missing } } } }"""
DISTRIBUTION = """query($cycle: ID!) { reviewCycle(id: $cycle) { gradeDistribution {
  departmentName participants ungraded grades { grade gradeLabel count } } } }"""
SANCTION = """mutation($unit: ID!, $person: ID!) { recordSanction(unitId: $unit, personId: $person,
  kind: WARNING, decidedOn: "2025-11-03", document: "纪检〔2025〕1号") {
  sanction { kindLabel endsOn } } }"""
YEAR = """query($unit: ID!, $percent: Decimal!) {
  annualAppraisal(unitId: $unit, year: 2025, quotaPercent: $percent) {
    quarters { quarter status }
    candidates { appraised limit rows { name rank withinQuota topQuarters
      disqualifiedBy { code label } quarters { quarter gradeLabel score } } }
    takingTurns { departmentName inversionsByQuarter topHolders topHoldersByScore } } }"""
DOSSIER = """query($person: ID!) { dossier(personId: $person, quarter: "2025-Q4") {
  entries { why event { service eventType actorRole { code } } } } }"""
ACCESS = """query($subject: ID!) { accessLog(subjectId: $subject, first: 50) {
  edges { node { viewer { name } record recordLabel query } } } }"""
AS_OF = """query($cycle: ID!, $position: Int!, $person: ID) {
  reviewCycleAsOf(id: $cycle, asOf: {position: $position}, personId: $person) {
    asOf { position } status quota { top ok } appraisals { name grade composite } } }"""
CYCLE_STEPS = """subscription($cycle: ID!, $after: String) {
  reviewCycleChanged(cycleId: $cycle, after: $after) {
    cursor eventType cycle { status statusLabel } } }"""
HISTORY = """query($cycle: ID!) { reviewCycle(id: $cycle) { history {
  position event actorRole reason } } }"""


@pytest.fixture(scope="module")
def unit(system: System) -> Unit:
    """综合科 (the office's department) and 公车服务科, a supervising leader over both, a
    principal leader."""
    unit = new_unit(system, "考核测试中心", "E2E-REVIEWS", office="wang")
    unit.open("vehicles", "公车服务科", "VEHICLES")
    for login, name, cat, dept in [
        ("zhang", "张伟", "GENERAL", "general"),
        ("li", "李强", "SERVICE", "vehicles"),
        ("sun", "孙丽", "SERVICE", "vehicles"),
        ("zhou", "周杰", "SERVICE", "vehicles"),
        ("liu", "刘明", "LEADER", None),
        ("chen", "陈主任", "LEADER", None),
    ]:
        unit.add(login, name, cat, dept)
    unit.head("general", "zhang")
    unit.head("vehicles", "li")
    unit.supervise("liu", "general", "vehicles")
    unit.principal("chen")
    return unit


def scores(codes: list[str], value: int) -> list[dict[str, Any]]:
    return [{"code": c, "score": str(value)} for c in codes]


GENERAL = ["POLITICAL_QUALITY", "INTEGRITY", "WORK_STYLE", "GOAL_DELIVERY", "COMPETENCE"]
SERVICE = ["POLITICAL_QUALITY", "INTEGRITY", "WORK_STYLE", "GOAL_DELIVERY", "SERVICE_QUALITY"]


def by_name(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n["name"]: n for n in nodes}


def test_a_quarter_from_opening_to_acknowledged_talks(system: System, unit: Unit) -> None:
    p = unit.people
    office = unit.token("wang", Role.APPRAISAL_OFFICE)
    zhang = unit.token("zhang", Role.DEPARTMENT_HEAD)
    li = unit.token("li", Role.DEPARTMENT_HEAD)
    liu = unit.token("liu", Role.SUPERVISING_LEADER)
    chen = unit.token("chen", Role.PRINCIPAL_LEADER)
    sun = unit.token("sun")
    auditor = system.platform_auditor()

    # Given the office opens the fourth quarter's cycle with its configuration
    opened = system.data(office, OPEN_CYCLE, unit=unit.id)["openReviewCycle"]["cycle"]
    cycle = opened["id"]
    assert (opened["status"], opened["statusLabel"]) == ("OPENED", "已开启")
    # the principal leader is appraised by the level above: six take part
    assert opened["participantCount"] == 6
    config = opened["configuration"]
    assert (config["quotaRounding"], config["quotaRoundingLabel"]) == ("FLOOR", "向下取整")
    service = next(c for c in config["categories"] if c["category"] == "SERVICE")
    assert service["categoryLabel"] == "事务服务"
    assert sum(float(i["weight"]) for i in service["indicators"]) == 100
    assert [b["gradeLabel"] for b in config["bands"]] == ["好", "较好", "一般", "较差"]

    # Then its configuration cannot change
    locked = system.error(office, RECONFIGURE, cycle=cycle)
    assert locked["extensions"]["rule"] == "reviews.config_locked"

    # And the appraisal waits for the quarter's satisfaction survey to close
    survey = system.data(office, SURVEY, unit=unit.id)["openSurvey"]["survey"]["id"]
    system.data(office, RESPOND, survey=survey, dept=unit.departments["vehicles"])
    waiting = system.error(office, BEGIN, cycle=cycle)
    assert waiting["extensions"]["rule"] == "reviews.survey_closed_first"
    system.data(office, CLOSE, survey=survey)
    began = system.data(office, BEGIN, cycle=cycle)["beginAppraisal"]["cycle"]
    assert began["status"] == "APPRAISING"

    # When everybody writes a summary
    for login in ("wang", "zhang", "li", "sun", "zhou", "liu"):
        written = system.data(
            unit.token(login), SUMMARY, cycle=cycle, extra=["完成本季度日常工作"]
        )["submitSummary"]["appraisal"]
        assert written["summary"]["versions"] == 1

    # And 周杰 moves to 综合科 mid-cycle: from then on 张伟 rates him, not 李强
    today = china_date().isoformat()
    system.data(
        office, MOVE, unit=unit.id, person=p["zhou"], dept=unit.departments["general"], on=today
    )
    refused = system.error(li, RATE, cycle=cycle, person=p["zhou"], scores=scores(SERVICE, 80))
    assert refused["extensions"]["rule"] == "reviews.whoever_manages_rates"
    assert refused["extensions"]["missing_relation"] == "DEPARTMENT_HEAD or SUPERVISING_LEADER"
    self_rated = system.error(li, RATE, cycle=cycle, person=p["li"], scores=scores(SERVICE, 99))
    assert self_rated["extensions"]["rule"] == "reviews.no_self_rating"

    # And those who manage each person rate them
    def rate(token: str, login: str, codes: list[str], value: int) -> dict[str, Any]:
        result: dict[str, Any] = system.data(
            token, RATE, cycle=cycle, person=p[login], scores=scores(codes, value)
        )["rateAppraisee"]["appraisal"]
        return result

    rate(zhang, "wang", GENERAL, 95)
    rate(liu, "wang", GENERAL, 95)
    rate(liu, "zhang", GENERAL, 85)
    rate(liu, "li", SERVICE, 95)
    rate(li, "sun", SERVICE, 90)
    rate(liu, "sun", SERVICE, 90)
    rate(zhang, "zhou", SERVICE, 80)
    zhou_rated = rate(liu, "zhou", SERVICE, 80)
    rate(chen, "liu", ["GOAL_DELIVERY", "COMPETENCE", *GENERAL[:3]], 88)

    # Then every number shows how it was derived: 70 points rated at 80, 30 from feedback (90)
    assert zhou_rated["composite"] == "83.00"
    assert zhou_rated["feedback"]["score"] == "90.00"
    assert zhou_rated["requiredRaters"] == ["DEPARTMENT_HEAD", "SUPERVISING_LEADER"]
    feedback_line = next(
        line for line in zhou_rated["derivation"]["lines"] if line["code"] == "SERVED_FEEDBACK"
    )
    assert (feedback_line["score"], feedback_line["contribution"]) == ("90.00", "27.00")
    assert zhou_rated["bandGrade"] == "FAIRLY_GOOD"

    # And before publication an appraisee sees only their own summary, nothing of grades
    seen_by_sun = system.data(sun, APPRAISALS, cycle=cycle)["reviewCycle"]["appraisals"]
    assert [n["name"] for n in seen_by_sun["nodes"]] == ["孙丽"]
    own = seen_by_sun["nodes"][0]
    assert own["summary"] is not None
    assert (own["composite"], own["grade"], own["ratings"]) == (None, None, None)
    # a department head sees those they manage in full (and only their own summary)
    seen_by_li = by_name(
        system.data(li, APPRAISALS, cycle=cycle)["reviewCycle"]["appraisals"]["nodes"]
    )
    assert set(seen_by_li) == {"李强", "孙丽"}
    assert seen_by_li["孙丽"]["composite"] == "90.00"

    # When the office proposes grades from the bands: three top grades, the quota allows two
    proposed = system.data(office, PROPOSE, cycle=cycle)["proposeGrades"]["cycle"]
    assert proposed["quota"] == {"participants": 6, "limit": 2, "top": 3, "ok": False}
    quota = system.error(chen, FINALISE, cycle=cycle)
    assert quota["extensions"]["rule"] == "reviews.top_grade_quota"
    # and the supervising leader may not finalise at all
    not_principal = system.error(liu, FINALISE, cycle=cycle)
    assert not_principal["extensions"]["missing_role"] == "PRINCIPAL_LEADER"

    # When 周杰 is proposed above colleagues who scored higher, without a justification
    regraded = system.data(
        office,
        PROPOSE,
        cycle=cycle,
        proposals=[
            {"personId": p["sun"], "grade": "FAIRLY_GOOD"},
            {"personId": p["li"], "grade": "FAIRLY_GOOD"},
            {"personId": p["zhou"], "grade": "GOOD"},
        ],
    )["proposeGrades"]["cycle"]
    assert regraded["quota"]["ok"] is True
    unjustified = system.error(chen, FINALISE, cycle=cycle)
    assert unjustified["extensions"]["rule"] == "reviews.complete_before_final"
    assert "周杰" in unjustified["message"]
    progress = system.data(office, PROGRESS, cycle=cycle)["reviewCycle"]["progress"]
    assert {w["name"]: w["missing"] for w in progress["waiting"]} == {
        "周杰": ["justification (说明)"]
    }

    # Then with a written justification the principal leader finalises
    system.data(
        office,
        PROPOSE,
        cycle=cycle,
        proposals=[
            {
                "personId": p["zhou"],
                "grade": "GOOD",
                "justification": "牵头完成全市公车平台迁移，本季度工作量最大",
            }
        ],
    )
    finalised = system.data(chen, FINALISE, cycle=cycle)["finaliseGrades"]["cycle"]
    assert finalised["status"] == "FINALISED"

    # When the results are published: the publicity period counts Chinese working days
    published = system.data(office, PUBLISH, cycle=cycle)["publishResults"]["cycle"]
    assert (published["publishedOn"], published["publicityEndsOn"]) == ("2026-01-05", "2026-01-12")
    # and the unit sees everyone's grade, but not their summaries or scores
    after = by_name(system.data(sun, APPRAISALS, cycle=cycle)["reviewCycle"]["appraisals"]["nodes"])
    assert after["周杰"]["gradeLabel"] == "好"
    assert (after["周杰"]["summary"], after["周杰"]["composite"]) == (None, None)
    assert after["孙丽"]["composite"] == "90.00"

    # When 李强 objects, and upholding it would break the quota
    objection = system.data(li, OBJECT, cycle=cycle)["fileObjection"]["objection"]
    assert objection["statusLabel"] == "待处理"
    open_objection = system.error(office, CONFIRM, cycle=cycle)
    assert open_objection["extensions"]["rule"] == "reviews.objections_open"
    breaks_quota = system.error(
        office, RESOLVE, cycle=cycle, objection=objection["id"], upheld=True, grade="GOOD"
    )
    assert breaks_quota["extensions"]["rule"] == "reviews.top_grade_quota"
    rejected = system.data(
        office, RESOLVE, cycle=cycle, objection=objection["id"], upheld=False, grade=None
    )["resolveObjection"]["objection"]
    assert (rejected["status"], rejected["gradeAfter"]) == ("REJECTED", "FAIRLY_GOOD")
    confirmed = system.data(office, CONFIRM, cycle=cycle)["confirmResults"]["cycle"]
    assert (confirmed["status"], confirmed["statusLabel"]) == ("CONFIRMED", "已确认")

    # Then the supervising leader holds the talks: the shortcomings, on facts, for 孙丽
    vague = system.error(liu, TALK, cycle=cycle, person=p["sun"], improvements="继续努力")
    assert vague["extensions"]["rule"] == "reviews.talk_names_shortcomings"
    not_supervisor = system.error(li, TALK, cycle=cycle, person=p["sun"], reasons="好")
    assert not_supervisor["extensions"]["missing_relation"] == "SUPERVISING_LEADER"
    talk = system.data(
        liu,
        TALK,
        cycle=cycle,
        person=p["sun"],
        shortcomings=[{"shortcoming": "派车调度偶有延误", "facts": "11月两次派车晚于约定时间"}],
        improvements="建立派车提醒机制",
    )["recordFeedbackTalk"]["appraisal"]["talk"]
    assert talk["gradeLabel"] == "较好"
    system.data(liu, TALK, cycle=cycle, person=p["zhou"], reasons="牵头完成公车平台迁移")
    acknowledged = system.data(sun, ACKNOWLEDGE, cycle=cycle)["acknowledgeFeedbackTalk"]
    assert acknowledged["appraisal"]["talk"]["acknowledgedAt"] is not None

    # And the office sees who is still waiting for a talk
    progress = system.data(office, PROGRESS, cycle=cycle)["reviewCycle"]["progress"]
    waiting = {w["name"]: w["missing"] for w in progress["waiting"]}
    assert waiting["周杰"] == ["acknowledgement of the talk (签字确认)"]
    assert waiting["王芳"] == ["feedback talk (谈心谈话)"]
    assert "孙丽" not in waiting
    assert (progress["talksHeld"], progress["talksAcknowledged"]) == (2, 1)

    # And the grade distribution per department (by department at opening)
    distribution = {
        d["departmentName"]: {g["grade"]: g["count"] for g in d["grades"]}
        for d in system.data(office, DISTRIBUTION, cycle=cycle)["reviewCycle"]["gradeDistribution"]
    }
    assert distribution["公车服务科"] == {"GOOD": 1, "FAIRLY_GOOD": 2, "AVERAGE": 0, "POOR": 0}

    # And an auditor reads it all, each step with who did it in which role
    history = system.data(auditor, HISTORY, cycle=cycle)["reviewCycle"]["history"]
    steps = [h["event"] for h in history if h["event"] in ("GradesFinalised", "ResultsConfirmed")]
    assert steps == ["GradesFinalised", "ResultsConfirmed"]
    assert {h["actorRole"] for h in history if h["event"] == "GradesFinalised"} == {
        "PRINCIPAL_LEADER"
    }
    objected = next(h for h in history if h["event"] == "ObjectionFiled")
    assert objected["reason"].startswith("本人综合得分最高")

    # And the year: four quarters side by side, the 优秀 candidates, and taking turns
    sanction = system.data(office, SANCTION, unit=unit.id, person=p["wang"])["recordSanction"]
    assert sanction["sanction"] == {"kindLabel": "警告", "endsOn": "2026-05-03"}
    year = system.data(office, YEAR, unit=unit.id, percent="20")["annualAppraisal"]
    assert [q["status"] for q in year["quarters"]] == [None, None, None, "CONFIRMED"]
    rows = {r["name"]: r for r in year["candidates"]["rows"]}
    # six appraised at 20% allow one; 王芳 (top grade, but sanctioned) is not a candidate
    assert (year["candidates"]["appraised"], year["candidates"]["limit"]) == (6, 1)
    assert [d["label"] for d in rows["王芳"]["disqualifiedBy"]] == ["处分期内"]
    assert (rows["周杰"]["rank"], rows["周杰"]["withinQuota"]) == (1, True)
    assert rows["周杰"]["quarters"][3] == {
        "quarter": "2025-Q4",
        "gradeLabel": "好",
        "score": "83.00",
    }
    turns = {t["departmentName"]: t for t in year["takingTurns"]}
    # in 公车服务科 李强 (93.50) and 孙丽 (90.00) were graded below 周杰 (83.00)
    assert turns["公车服务科"]["inversionsByQuarter"] == [0, 0, 0, 2]
    over_cap = system.error(office, YEAR, unit=unit.id, percent="30")
    assert over_cap["extensions"]["rule"] == "reviews.annual_quota_cap"
    not_office = system.error(sun, YEAR, unit=unit.id, percent="20")
    assert not_office["extensions"]["missing_role"] == "APPRAISAL_OFFICE"

    # And the auditor sees who read whose appraisal, and how 周杰's grade came to be
    reads = system.data(auditor, ACCESS, subject=p["sun"])["accessLog"]["edges"]
    assert {
        (e["node"]["viewer"]["name"], e["node"]["recordLabel"], e["node"]["query"]) for e in reads
    } >= {("李强", "季度考核", "appraisals"), ("王芳", "季度考核", "annualAppraisal")}
    dossier = system.data(auditor, DOSSIER, person=p["zhou"])["dossier"]["entries"]
    reviews = [e for e in dossier if e["event"]["service"] == "reviews"]
    assert {e["event"]["eventType"] for e in reviews} >= {
        "CycleOpened",
        "SummarySubmitted",
        "Rated",
        "GradesFinalised",
        "TalkRecorded",
    }
    assert {
        e["event"]["actorRole"]["code"] for e in reviews if e["event"]["eventType"] == "Rated"
    } == {"DEPARTMENT_HEAD", "SUPERVISING_LEADER"}

    # And time travel: the grades as they stood when first proposed from the bands, before the
    # quota was respected, derived from the events up to then
    proposed_at = next(h["position"] for h in history if h["event"] == "GradesProposed")
    then = system.data(auditor, AS_OF, cycle=cycle, position=proposed_at, person=None)[
        "reviewCycleAsOf"
    ]
    assert (then["status"], then["quota"]) == ("APPRAISING", {"top": 3, "ok": False})
    assert {a["name"]: a["grade"] for a in then["appraisals"]}["孙丽"] == "GOOD"
    before = system.data(sun, AS_OF, cycle=cycle, position=proposed_at, person=p["zhou"])
    # an appraisee saw nothing of a colleague before publication, then as now
    assert before["reviewCycleAsOf"]["appraisals"] == []
    opened_then = system.data(auditor, AS_OF, cycle=cycle, position=1, person=None)
    assert opened_then["reviewCycleAsOf"]["status"] in (None, "OPENED")

    # And a frontend subscribed to the cycle sees each step it moved through, from the start
    socket = GraphQLSocket(system, office)
    assert socket.ack["type"] == "connection_ack"
    socket.subscribe(CYCLE_STEPS, cycle=cycle, after="k1.e30")
    steps = [m["reviewCycleChanged"] for m in socket.take(5)]
    socket.close()
    assert [s["eventType"] for s in steps] == [
        f"kaohe.reviews.{name}.v1"
        for name in (
            "CycleOpened",
            "AppraisalBegan",
            "GradesFinalised",
            "ResultsPublished",
            "ResultsConfirmed",
        )
    ]
    assert steps[-1]["cycle"]["statusLabel"] == "已确认"
