"""End to end (issue 13, findings 4 and 8): an anonymous complainant stays anonymous on every
channel, opened only by an auditor on record; integrations see the personal fields their scope
names and no others, on the feed and in webhooks.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from kernel.auth import mint_token
from kernel.calendar import china_date
from kernel.roles import Role
from services.feedback.anonymity import ANONYMOUS_FILER
from tests.e2e.conftest import System
from tests.e2e.test_audit import DOSSIER, TRAIL
from tests.e2e.test_feedback import FILE
from tests.e2e.test_integrations import (
    ADD_PERSON,
    OPEN,
    Unit,
    make_unit,
    read_all,
    until,
)
from tests.receiver import OUTBOUND_ALLOW, Receiver

pytestmark = pytest.mark.e2e
# The operator's allow-list names the test receivers' address (127.0.0.2), nothing else.
SYSTEM_ENV = {"KAOHE_OUTBOUND_ALLOW": OUTBOUND_ALLOW}

SUBSCRIBE = """mutation($unit: ID!, $url: String!, $scope: [String!]) {
  createWebhookSubscription(unitId: $unit, url: $url, scope: $scope) {
    secret subscription { id } } }"""
COMPLAINT_AS_OF = """query($id: ID!, $position: Int) {
  complaintAsOf(id: $id, asOf: {position: $position}) {
    complaint { history { event actor { name } } } } }"""
COMPLAINANT = {"name": "陈晨", "agency": "市统计局", "contact": "13900002222"}


def integration(system: System, unit: Unit, *scope: str) -> str:
    return mint_token(
        system.settings,
        person_id=uuid4(),
        tenant_id=UUID(unit.id),
        login="integration",
        name="集成系统",
        roles=[Role.INTEGRATION],
        integration_scope=list(scope),
    )


@pytest.fixture(scope="module")
def unit(system: System) -> tuple[Unit, str]:
    """A unit with one person complaints can name."""
    made = make_unit(system, "隐私甲单位")
    dept = system.data(made.office, OPEN, unit=made.id, name="综合科")["openDepartment"][
        "department"
    ]["id"]
    person = system.data(made.office, ADD_PERSON, unit=made.id, name="赵敏", login="zm", dept=dept)[
        "addPerson"
    ]["person"]["id"]
    return made, person


def file(system: System, token: str, unit: Unit, person: str, **extra: Any) -> str:
    filed: str = system.data(
        token, FILE, unit=unit.id, kind="PERSON", target=person, content="接站时未提前联系", **extra
    )["fileComplaint"]["complaint"]["id"]
    return filed


def filings(events: list[dict[str, Any]], complaint: str) -> list[dict[str, Any]]:
    return [e for e in events if e["subject"] == complaint]


def test_an_integration_sees_a_complainant_only_with_the_contact_scope(
    system: System, unit: tuple[Unit, str]
) -> None:
    ours, person = unit
    complaint = file(system, ours.office, ours, person, complainant=COMPLAINANT)

    plain = filings(read_all(system, integration(system, ours))[0], complaint)[0]
    assert plain["data"]["complainant"] is None
    assert plain["data"]["content"] is None
    assert "complainant" in plain["redacted"].split(",")
    assert plain["eventhash"]
    assert "13900002222" not in json.dumps(plain)

    scoped = filings(read_all(system, integration(system, ours, "fields:contact"))[0], complaint)
    assert scoped[0]["data"]["complainant"] == COMPLAINANT
    assert "complainant" not in scoped[0].get("redacted", "")

    only_goals = integration(system, ours, "fields:contact", "events:kaohe.goals.*")
    assert filings(read_all(system, only_goals)[0], complaint) == []


def test_a_webhook_with_the_default_scope_receives_no_personal_field(
    system: System, unit: tuple[Unit, str]
) -> None:
    ours, person = unit
    receiver, scoped = Receiver(), Receiver()
    with receiver.running(), scoped.running():
        for hook, scope in ((receiver, None), (scoped, ["contact"])):
            created = system.data(ours.office, SUBSCRIBE, unit=ours.id, url=hook.url, scope=scope)
            hook.secret = created["createWebhookSubscription"]["secret"]
        complaint = file(system, ours.office, ours, person, complainant=COMPLAINANT)
        until(lambda: any(r.body.get("subject") == complaint for r in receiver.requests))
        until(lambda: any(r.body.get("subject") == complaint for r in scoped.requests))
    body = next(r.body for r in receiver.requests if r.body.get("subject") == complaint)
    data: Any = body["data"]
    assert data["complainant"] is None
    assert "complainant" in str(body["redacted"]).split(",")
    assert receiver.rejected == []
    shown: Any = next(r.body for r in scoped.requests if r.body.get("subject") == complaint)
    assert shown["data"]["complainant"] == COMPLAINANT

    refused = system.error(ours.office, SUBSCRIBE, unit=ours.id, url=receiver.url, scope=["all"])
    assert (refused["extensions"]["field"], refused["extensions"]["rule"]) == (
        "scope",
        "integrations.scope",
    )


def disclose(system: System, token: str, complaint: str, reason: str) -> httpx.Response:
    return httpx.post(
        f"{system.settings.feedback_url}/complaints/{complaint}/filer-disclosure",
        json={"reason": reason},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_an_anonymous_complainant_is_named_on_no_channel_and_opened_only_by_an_auditor(
    system: System, unit: tuple[Unit, str]
) -> None:
    ours, person = unit
    filer = uuid4()
    cadre = system.token([Role.SERVED_CADRE], person_id=filer, tenant_id=UUID(ours.id))
    auditor = system.platform_auditor()
    auditor_id = system.platform_auditor_id
    receiver = Receiver()
    with receiver.running():
        created = system.data(
            ours.office,
            SUBSCRIBE,
            unit=ours.id,
            url=receiver.url,
            scope=["identity", "contact", "opinions", "scores", "sanctions", "work"],
        )
        receiver.secret = created["createWebhookSubscription"]["secret"]
        complaint = file(system, cadre, ours, person)
        until(lambda: len([r for r in receiver.requests if r.body["subject"] == complaint]) >= 2)
    delivered = [r.body for r in receiver.requests if r.body["subject"] == complaint]

    # The feed (whatever the scope), webhooks, the audit trail, the dossier, time travel: no filer.
    feed = filings(read_all(system, integration(system, ours, "fields:*"))[0], complaint)
    feed_auditor = filings(read_all(system, auditor)[0], complaint)
    trail = system.data(auditor, TRAIL, unit=ours.id, first=200)["auditTrail"]["edges"]
    trail = [e for e in trail if e["node"]["stream"] == complaint]
    quarter = f"{china_date().year}-Q{(china_date().month - 1) // 3 + 1}"
    dossier = system.data(
        auditor,
        DOSSIER.replace("actorRole { code label }", "actorRole { code } actorId payload"),
        person=person,
        quarter=quarter,
    )["dossier"]["entries"]
    dossier = [e for e in dossier if e["event"]["stream"] == complaint]
    by_filer = system.data(auditor, TRAIL, actor=str(filer), first=200)["auditTrail"]["edges"]
    then = system.data(
        auditor, COMPLAINT_AS_OF, id=complaint, position=trail[-1]["node"]["position"]
    )["complaintAsOf"]["complaint"]
    assert [(h["event"], h["actor"]) for h in then["history"]] == [("ComplaintFiled", None)]
    assert [e["type"].split(".")[2] for e in feed] == ["ComplaintFiled", "ComplaintFilerSealed"]
    assert len(delivered) == 2
    assert len(feed_auditor) == 2
    assert len(trail) == 2
    assert len(dossier) == 2
    assert by_filer == []
    assert {e["actor"] for e in feed + feed_auditor + delivered} == {str(ANONYMOUS_FILER)}
    assert {e["node"]["actorId"] for e in trail} == {str(ANONYMOUS_FILER)}
    assert all(e["node"]["actor"] is None for e in trail)
    for seen in (feed, feed_auditor, delivered, trail, dossier, then):
        assert str(filer) not in json.dumps(seen, ensure_ascii=False)
        assert "测试" not in json.dumps(seen, ensure_ascii=False), "the filer's name"

    # Only the named authority opens the seal, with a reason, and the opening is recorded.
    office = disclose(system, ours.office, complaint, "想知道是谁")
    assert office.status_code == 403
    assert office.json()["error"]["missing_role"] == "AUDITOR"
    blank = disclose(system, auditor, complaint, "")
    assert blank.status_code == 422
    opened = disclose(system, auditor, complaint, "纪检调查:涉嫌诬告")
    assert opened.status_code == 201, opened.text
    assert opened.json()["filer"]["actor_id"] == str(filer)
    assert opened.json()["filer"]["actor_role"] == "SERVED_CADRE"
    after = filings(read_all(system, auditor)[0], complaint)
    assert after[-1]["type"] == "kaohe.feedback.ComplaintFilerDisclosed.v1"
    assert (after[-1]["actor"], after[-1]["actorrole"], after[-1]["reason"]) == (
        str(auditor_id),
        "AUDITOR",
        "纪检调查:涉嫌诬告",
    )
    assert str(filer) not in json.dumps(after)
    named = file(system, ours.office, ours, person, complainant=COMPLAINANT)
    not_sealed = disclose(system, auditor, named, "核实")
    assert (not_sealed.status_code, not_sealed.json()["error"]["rule"]) == (
        422,
        "feedback.filer_sealed",
    )
