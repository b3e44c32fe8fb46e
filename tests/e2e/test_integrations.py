"""End to end: integrations as a unit's systems use them, with the processes started as `make run`
starts them: the event feed over HTTP with an integration token, webhooks the appraisal office
subscribes in GraphQL delivered to a real receiver that fails for a while, and a delivery worker
killed mid-way that resumes with no gap (and JetStream, where NATS_URL is set).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import nats
import nats.js.errors
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from bench.system import serve
from kernel.calendar import china_date
from kernel.roles import Role
from tests.e2e.conftest import System
from tests.e2e.test_feedback import ASSIGN, FILE
from tests.e2e.test_goals import COMPILE, DRAFT, EDIT, PUBLISH, QUARTER, goal
from tests.receiver import OUTBOUND_ALLOW, DingTalkRobot, Receiver

pytestmark = pytest.mark.e2e

NATS_URL = os.environ.get("NATS_URL", "")
STREAM = f"KAOHE_E2E_{uuid4().hex[:8].upper()}"
SYSTEM_ENV = {
    "NATS_URL": NATS_URL,
    "KAOHE_WEBHOOK_RETRY_SCHEDULE": "0,0.1,0.2,0.3",
    "KAOHE_WEBHOOK_TIMEOUT_SECONDS": "1",
    # The operator's allow-list names the test receivers' address (127.0.0.2), nothing else.
    "KAOHE_OUTBOUND_ALLOW": OUTBOUND_ALLOW,
    "KAOHE_NATS_STREAM": STREAM,
    "KAOHE_NATS_SUBJECT_PREFIX": f"kaohee2e{STREAM[-8:].lower()}",
}

REGISTER = """mutation($name: String!, $code: String!) {
  registerUnit(name: $name, code: $code) { unit { id } } }"""
OPEN = """mutation($unit: ID!, $name: String!) {
  openDepartment(unitId: $unit, name: $name, category: GENERAL, openedOn: "2025-01-01") {
    department { id } } }"""
ADD_PERSON = """mutation($unit: ID!, $name: String!, $login: String!, $dept: ID!) {
  addPerson(unitId: $unit, name: $name, login: $login, positionCategory: GENERAL,
    departmentId: $dept, joinedOn: "2025-01-01") { person { id } } }"""
REPLAY = """mutation($id: ID!, $after: String!) {
  replayWebhookSubscription(subscriptionId: $id, after: $after) { cursor } }"""
REDELIVER = """mutation($id: ID!, $event: ID!) {
  redeliverWebhookEvent(subscriptionId: $id, eventId: $event) }"""
PAUSE = """mutation($id: ID!) {
  setWebhookSubscriptionActive(subscriptionId: $id, active: false) { status statusLabel } }"""
UNIT_CODE = """query($id: ID!) { unit(id: $id) { code } }"""
SUBSCRIBE = """mutation($unit: ID!, $url: String!, $after: String, $types: [String!]) {
  createWebhookSubscription(unitId: $unit, url: $url, startAfter: $after, types: $types) {
    secret subscription { id status statusLabel publicKey } } }"""
SUBSCRIPTION = """query($id: ID!) { webhookSubscription(id: $id) {
  status failures cursor
  attempts(first: 200) { eventId attempt statusCode error succeeded kind kindLabel } } }"""


@dataclass
class Unit:
    id: str
    office: str
    integration: str
    appraisee: str


def until(condition: Callable[[], bool], seconds: float = 60) -> None:
    """Wait for the system to get there (never asserting how long it took)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def make_unit(system: System, name: str) -> Unit:
    admin = system.token([Role.ADMIN])
    code = f"INT-{uuid4().hex[:6].upper()}"
    unit_id = system.data(admin, REGISTER, name=name, code=code)["registerUnit"]["unit"]["id"]
    # Every request checks the roles a token claims against the org chart: the office's
    # token is for a person holding the role.
    officer = system.officer(unit_id)
    office = system.token(
        [Role.APPRAISEE, Role.APPRAISAL_OFFICE], person_id=officer, tenant_id=UUID(unit_id)
    )
    appraisee = system.token([Role.APPRAISEE], person_id=officer, tenant_id=UUID(unit_id))
    integration = system.token([Role.INTEGRATION], tenant_id=UUID(unit_id))
    return Unit(unit_id, office, integration, appraisee)


def open_departments(system: System, unit: Unit, n: int) -> None:
    for i in range(n):
        system.data(unit.office, OPEN, unit=unit.id, name=f"科室{i}-{uuid4().hex[:4]}")


def open_general_office(system: System, unit: Unit) -> str:
    """Open the unit's 综合科; its id."""
    opened = system.data(unit.office, OPEN, unit=unit.id, name="综合科")
    department: str = opened["openDepartment"]["department"]["id"]
    return department


def feed(system: System, token: str, **params: Any) -> httpx.Response:
    return httpx.get(
        f"http://127.0.0.1:{system.settings.kaohe_gateway_port}/events",
        params=params,
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=90,
    )


def read_all(system: System, token: str, **params: Any) -> tuple[list[dict[str, Any]], str]:
    events: list[dict[str, Any]] = []
    cursor = ""
    while True:
        body = feed(system, token, after=cursor, limit=7, **params).json()
        events += body["events"]
        cursor = body["cursor"]
        if not body["events"]:
            return events, cursor


def event_ids(system: System, unit: Unit) -> list[str]:
    """The ids of the unit's events, in log order, as its integration reads them."""
    return [e["id"] for e in read_all(system, unit.integration)[0]]


def unit_with_events(system: System, name: str) -> tuple[Unit, list[str]]:
    """A new unit with three departments opened, and the ids of its events."""
    unit = make_unit(system, name)
    open_departments(system, unit, 3)
    return unit, event_ids(system, unit)


@pytest.fixture(scope="module")
def units(system: System) -> tuple[Unit, Unit]:
    ours, theirs = make_unit(system, "集成甲单位"), make_unit(system, "集成乙单位")
    open_departments(system, ours, 3)
    open_departments(system, theirs, 2)
    return ours, theirs


def test_an_integration_token_reads_its_own_units_events_and_no_other(
    system: System, units: tuple[Unit, Unit]
) -> None:
    ours, theirs = units
    events, _ = read_all(system, ours.integration)
    # make_unit's office holder joined and was granted the role before the departments opened.
    assert [e["type"] for e in events] == [
        "kaohe.directory.Registered.v1",
        "kaohe.directory.PersonJoined.v1",
        "kaohe.directory.OfficeRoleGranted.v1",
    ] + ["kaohe.directory.DepartmentOpened.v1"] * 3
    assert {e["unit"] for e in events} == {ours.id}
    assert all(e["specversion"] == "1.0" and e["source"].endswith("/directory") for e in events)
    their_events, _ = read_all(system, theirs.integration)
    assert {e["unit"] for e in their_events} == {theirs.id}
    assert not {e["id"] for e in events} & {e["id"] for e in their_events}

    # The same cursor gives the same events after it, whoever asks again and whenever.
    again = feed(system, ours.integration, after=events[1]["cursor"], limit=100).json()
    assert [e["id"] for e in again["events"]] == [e["id"] for e in events[2:]]

    only = read_all(system, ours.integration, type="kaohe.directory.Registered.v1")[0]
    assert [e["type"] for e in only] == ["kaohe.directory.Registered.v1"]


def test_the_cli_mints_an_integration_token_that_reads_its_units_feed(
    system: System, units: tuple[Unit, Unit]
) -> None:
    ours, _ = units
    code = system.data(system.token([Role.ADMIN]), UNIT_CODE, id=ours.id)["unit"]["code"]
    env = {
        **os.environ,
        "DATABASE_URL": system.database,
        "KAOHE_DATA_DIR": str(system.settings.kaohe_data_dir),
    }
    command = [sys.executable, "-m", "deploy.cli", "token", "integration", "--unit", code]
    minted = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert minted.returncode == 0, minted.stdout + minted.stderr
    events, _ = read_all(system, minted.stdout.strip())
    assert events
    assert {e["unit"] for e in events} == {ours.id}


def test_the_feed_refuses_whoever_may_not_read_it_naming_what_is_missing(
    system: System, units: tuple[Unit, Unit]
) -> None:
    ours, theirs = units
    refused = feed(system, ours.appraisee)
    assert refused.status_code == 403
    assert refused.json()["error"]["missing_role"] == "INTEGRATION"
    other_unit = feed(system, ours.integration, unit=theirs.id)
    assert other_unit.status_code == 403
    assert other_unit.json()["error"]["missing_relation"] == "MEMBER_OF_UNIT"
    bad = feed(system, ours.integration, after="not-a-cursor")
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "after"
    assert feed(system, "").status_code == 401
    auditor = system.platform_auditor()
    assert {e["unit"] for e in read_all(system, auditor, unit=theirs.id)[0]} == {theirs.id}


def test_the_feed_waits_for_the_next_event_when_asked_to(
    system: System, units: tuple[Unit, Unit]
) -> None:
    ours, _ = units
    _, end = read_all(system, ours.integration)
    answer: dict[str, Any] = {}

    def long_poll() -> None:
        answer.update(feed(system, ours.integration, after=end, wait=60).json())

    waiting = threading.Thread(target=long_poll)
    waiting.start()
    open_departments(system, ours, 1)
    waiting.join(timeout=90)
    assert [e["type"] for e in answer["events"]] == ["kaohe.directory.DepartmentOpened.v1"]


def subscribe(system: System, unit: Unit, receiver: Receiver) -> str:
    """Subscribe the receiver to the unit's whole history; it learns the secret shown once."""
    created = system.data(unit.office, SUBSCRIBE, unit=unit.id, url=receiver.url, after="k1.e30")[
        "createWebhookSubscription"
    ]
    receiver.secret = created["secret"]
    assert created["subscription"]["statusLabel"] == "启用"
    sub_id: str = created["subscription"]["id"]
    return sub_id


def subscription(system: System, unit: Unit, sub_id: str) -> dict[str, Any]:
    found: dict[str, Any] = system.data(unit.office, SUBSCRIPTION, id=sub_id)["webhookSubscription"]
    return found


def test_a_webhook_the_office_subscribes_gets_every_event_in_order_after_failing_a_while(
    system: System,
) -> None:
    unit, expected = unit_with_events(system, "集成丙单位")
    receiver = Receiver(plan=[500, "timeout", 503, "retry-after"], slow=2.0)
    with receiver.running():
        created = system.data(
            unit.office, SUBSCRIBE, unit=unit.id, url=receiver.url, after="k1.e30"
        )
        receiver.secret = created["createWebhookSubscription"]["secret"]
        sub_id = created["createWebhookSubscription"]["subscription"]["id"]
        assert created["createWebhookSubscription"]["subscription"]["publicKey"].startswith("whpk_")
        until(lambda: len(receiver.accepted) >= len(expected))
    assert receiver.accepted == expected
    assert receiver.rejected == []
    record = subscription(system, unit, sub_id)
    failed = [a for a in reversed(record["attempts"]) if not a["succeeded"]]
    assert [a["statusCode"] for a in failed] == [500, None, 503, 503]
    assert all(a["eventId"] == expected[0] for a in failed)
    assert record["status"] == "ACTIVE"
    assert "secret" not in json.dumps(record)

    # The office replays from the second event's cursor, then asks for the first once more.
    second = next(r for r in receiver.requests if r.webhook_id == expected[1])
    with receiver.running():
        system.data(unit.office, REPLAY, id=sub_id, after=str(second.body["cursor"]))
        until(lambda: len(receiver.accepted) >= 2 * len(expected) - 2)
        system.data(unit.office, REDELIVER, id=sub_id, event=expected[0])
        until(lambda: len(receiver.accepted) >= 2 * len(expected) - 1)
        paused = system.data(unit.office, PAUSE, id=sub_id)["setWebhookSubscriptionActive"]
    assert receiver.accepted == expected + expected[2:] + expected[:1]
    assert paused["statusLabel"] == "已暂停"
    kinds = [a["kind"] for a in subscription(system, unit, sub_id)["attempts"]]
    assert kinds.count("REDELIVERY") == 1

    # Only the unit's office manages its webhooks.
    other = make_unit(system, "集成丁单位")
    refused = system.error(other.office, SUBSCRIBE, unit=unit.id, url=receiver.url)
    assert refused["extensions"]["missing_relation"] == "MEMBER_OF_UNIT"
    bad_url = system.error(unit.office, SUBSCRIBE, unit=unit.id, url="ftp://nowhere")
    assert bad_url["extensions"]["field"] == "url"


def jetstream_ids() -> dict[str, list[str]]:
    """The event ids in the test's stream, per service, in stream order."""

    async def read() -> dict[str, list[str]]:
        nc = await nats.connect(NATS_URL)
        try:
            js = nc.jetstream()
            info = await js.stream_info(STREAM)
            ids: dict[str, list[str]] = {}
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                body = json.loads((await js.get_msg(STREAM, seq)).data or b"{}")
                ids.setdefault(body["service"], []).append(body["id"])
            return ids
        finally:
            await nc.close()

    try:
        return asyncio.run(read())
    except nats.js.errors.NotFoundError:
        return {}


@pytest.fixture(scope="module", autouse=True)
def drop_stream() -> Iterator[None]:
    """The test's JetStream stream is removed when the module is done."""
    yield
    if not NATS_URL:
        return

    async def drop() -> None:
        nc = await nats.connect(NATS_URL)
        try:
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await nc.jetstream().delete_stream(STREAM)
        finally:
            await nc.close()

    asyncio.run(drop())


def restart_worker(system: System) -> None:
    """Kill the delivery worker outright (SIGKILL) and start a new one like `make run` does; the
    new one takes the old one's place, so the system stops it with the rest.
    """
    assert system.processes is not None
    worker = system.processes.children[-1]
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    port = system.settings.kaohe_integrations_port
    replacement = serve("gateway.integrations.main:create_app", port, system.processes.env)
    system.processes.children[-1] = replacement
    until(lambda: _healthy(f"http://127.0.0.1:{port}/health"))


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_killed_delivery_worker_resumes_with_no_gap_and_no_repeat_beyond_at_least_once(
    system: System,
) -> None:
    unit = make_unit(system, "集成戊单位")
    # Each delivery takes a little while, so the kill lands in the middle of them.
    receiver = Receiver(pace=0.2)
    with receiver.running():
        subscribe(system, unit, receiver)
        open_departments(system, unit, 12)
        expected = event_ids(system, unit)
        until(lambda: len(receiver.accepted) >= 2)
        restart_worker(system)
        open_departments(system, unit, 3)
        expected = event_ids(system, unit)
        until(lambda: set(receiver.accepted) >= set(expected))
        if NATS_URL:
            every = read_all(system, system.platform_auditor())[0]
            until(lambda: sum(map(len, jetstream_ids().values())) >= len(every))
            published = jetstream_ids()
            for service in {e["service"] for e in every}:
                in_log = [e["id"] for e in every if e["service"] == service]
                assert published[service] == in_log
    accepted = receiver.accepted
    first_seen = list(dict.fromkeys(accepted))
    assert first_seen == expected
    # At least once: the one event in flight when the worker died may come twice, no more.
    assert len(accepted) - len(first_seen) <= 1


# -- GraphQL subscriptions over graphql-transport-ws --

EVENTS = """subscription($after: String) { events(after: $after) { cursor id type cloudEvent } }"""
GOAL_SET_CHANGED = """subscription($id: ID!, $after: String) {
  goalSetChanged(goalSetId: $id, after: $after) {
    cursor eventType position goalSet { id status items { what } } } }"""


class GraphQLSocket:
    """A graphql-transport-ws client: connection_init with the token, then one subscription."""

    def __init__(self, system: System, token: str) -> None:
        url = f"ws://127.0.0.1:{system.settings.kaohe_gateway_port}/graphql"
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(
            connect(url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=30)
        )
        self.ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        self.refused: ConnectionClosed | None = None
        self.ack: dict[str, Any] = {}
        try:
            self.ack = json.loads(self.ws.recv(timeout=30))
        except ConnectionClosed as exc:
            self.refused = exc

    def subscribe(self, query: str, **variables: Any) -> None:
        message = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
        self.ws.send(json.dumps(message))

    def next(self) -> dict[str, Any]:
        """The next message of the subscription."""
        message: dict[str, Any] = json.loads(self.ws.recv(timeout=60))
        return message

    def take(self, n: int) -> list[dict[str, Any]]:
        messages = [self.next() for _ in range(n)]
        assert all(m["type"] == "next" for m in messages), messages
        return [m["payload"]["data"] for m in messages]

    def close(self) -> None:
        self._stack.close()


def test_an_event_subscription_backfills_then_resumes_from_a_cursor_after_a_reconnect(
    system: System,
) -> None:
    unit, expected = unit_with_events(system, "订阅甲单位")

    first = GraphQLSocket(system, unit.integration)
    assert first.ack["type"] == "connection_ack"
    first.subscribe(EVENTS)
    received = [m["events"] for m in first.take(len(expected))]
    assert [m["id"] for m in received] == expected
    assert {m["cloudEvent"]["unit"] for m in received} == {unit.id}
    first.close()

    # Disconnected: more happens meanwhile; reconnecting with the second event's cursor gives
    # the rest of the backfill, then what was recorded since, then the tail.
    open_departments(system, unit, 1)
    second = GraphQLSocket(system, unit.integration)
    second.subscribe(EVENTS, after=received[1]["cursor"])
    resumed = [m["events"] for m in second.take(len(expected) - 1)]
    open_departments(system, unit, 1)
    tail = second.take(1)[0]["events"]
    second.close()
    everything = event_ids(system, unit)
    assert [m["id"] for m in resumed] + [tail["id"]] == everything[2:]


def test_a_websocket_without_a_valid_token_is_refused_and_a_reader_sees_only_what_it_may(
    system: System,
) -> None:
    unit = make_unit(system, "订阅乙单位")
    socket = GraphQLSocket(system, "not-a-token")
    assert socket.refused is not None
    assert socket.refused.rcvd is not None
    assert socket.refused.rcvd.code == 4403

    refused = GraphQLSocket(system, unit.appraisee)
    refused.subscribe(EVENTS)
    answer = refused.next()
    refused.close()
    # Refused when the stream starts: an execution error, in the one error shape.
    assert answer["type"] == "next"
    assert answer["payload"]["errors"][0]["extensions"]["missing_role"] == "INTEGRATION"


def test_a_goal_set_subscription_sends_each_change_with_the_goal_set_as_projected(
    system: System,
) -> None:
    unit = make_unit(system, "订阅丙单位")
    dept = open_general_office(system, unit)
    added = system.data(
        unit.office, ADD_PERSON, unit=unit.id, name="陈静", login="chenjing", dept=dept
    )
    person = added["addPerson"]["person"]["id"]
    staff = system.token([Role.APPRAISEE], person_id=UUID(person), tenant_id=UUID(unit.id))
    _, before = read_all(system, system.platform_auditor())
    drafted = system.data(staff, DRAFT, unit=unit.id, period=QUARTER.code, items=[])
    goal_set = drafted["draftGoalSet"]["goalSet"]["id"]

    socket = GraphQLSocket(system, staff)
    socket.subscribe(GOAL_SET_CHANGED, id=goal_set, after=before)
    backfilled = socket.take(1)[0]["goalSetChanged"]
    assert backfilled["eventType"] == "kaohe.goals.Drafted.v1"
    system.data(staff, EDIT, id=goal_set, items=[goal("整理车辆档案")])
    edited = socket.take(1)[0]["goalSetChanged"]
    socket.close()
    assert edited["eventType"] == "kaohe.goals.Edited.v1"
    assert [i["what"] for i in edited["goalSet"]["items"]] == ["整理车辆档案"]

    # Someone of another unit may not follow it.
    other = make_unit(system, "订阅丁单位")
    outsider = GraphQLSocket(system, other.appraisee)
    outsider.subscribe(GOAL_SET_CHANGED, id=goal_set)
    answer = outsider.next()
    outsider.close()
    assert answer["type"] == "next"
    assert answer["payload"]["errors"][0]["extensions"]["missing_relation"] == "MEMBER_OF_UNIT"


COMPLAINT_CHANGED = """subscription($id: ID!, $after: String) {
  complaintChanged(complaintId: $id, after: $after) {
    cursor eventType complaint { id statusLabel handler { name } complainant { name } } } }"""


def test_a_complaint_subscription_shows_the_complainant_only_to_whom_the_queries_show_it(
    system: System,
) -> None:
    unit = make_unit(system, "订阅戊单位")
    dept = open_general_office(system, unit)
    people = [
        system.data(unit.office, ADD_PERSON, unit=unit.id, name=n, login=n, dept=dept)["addPerson"][
            "person"
        ]["id"]
        for n in ("zhaomin", "sunli")
    ]
    _, before = read_all(system, system.platform_auditor())
    filed = system.data(
        unit.office,
        FILE,
        unit=unit.id,
        kind="PERSON",
        target=people[0],
        content="接站时未提前联系",
        complainant={"name": "陈晨", "agency": "市统计局", "contact": "13900002222"},
    )["fileComplaint"]["complaint"]

    office = GraphQLSocket(system, unit.office)
    office.subscribe(COMPLAINT_CHANGED, id=filed["id"], after=before)
    staff_token = system.token([Role.APPRAISEE], person_id=UUID(people[1]), tenant_id=UUID(unit.id))
    staff = GraphQLSocket(system, staff_token)
    staff.subscribe(COMPLAINT_CHANGED, id=filed["id"], after=before)
    assert office.take(1)[0]["complaintChanged"]["complaint"]["complainant"]["name"] == "陈晨"
    assert staff.take(1)[0]["complaintChanged"]["complaint"]["complainant"]["name"] is None

    system.data(unit.office, ASSIGN, id=filed["id"], handler=people[1])
    assigned = office.take(1)[0]["complaintChanged"]
    staff_view = staff.take(1)[0]["complaintChanged"]
    office.close()
    staff.close()
    assert assigned["eventType"] == "kaohe.feedback.ComplaintAssigned.v1"
    assert assigned["complaint"]["handler"]["name"] == "sunli"
    assert staff_view["complaint"]["complainant"]["name"] is None


DINGTALK = """mutation($unit: ID!, $url: String!, $secret: String!) {
  configureDingTalkRobot(unitId: $unit, webhookUrl: $url, secret: $secret) {
    id kind kindLabel types statusLabel } }"""


def test_the_weekly_report_the_office_publishes_reaches_the_dingtalk_group_signed(
    system: System,
) -> None:
    unit = make_unit(system, "钉钉甲单位")
    opened = system.data(unit.office, OPEN, unit=unit.id, name="公车服务科")
    dept = opened["openDepartment"]["department"]["id"]
    system.data(unit.office, ADD_PERSON, unit=unit.id, name="李强", login="liqiang", dept=dept)
    robot = DingTalkRobot(secret="SEC" + uuid4().hex)
    with robot.running():
        configured = system.data(
            unit.office, DINGTALK, unit=unit.id, url=robot.url, secret=robot.secret
        )["configureDingTalkRobot"]
        assert (configured["kind"], configured["kindLabel"]) == ("DINGTALK", "钉钉群机器人")
        assert configured["types"] == [
            "kaohe.goals.WeeklyReportPublished.v1",
            "kaohe.reviews.ResultsPublished.v1",
        ]

        year, week_number, _ = china_date().isocalendar()
        week = {"unit": unit.id, "dept": dept, "week": f"{year}-W{week_number:02d}"}
        report = system.data(unit.office, COMPILE, **week, text="下周重点: 冬季用车安全检查")
        report_id = report["compileWeeklyReport"]["weeklyReport"]["id"]
        system.data(unit.office, PUBLISH, id=report_id)
        until(lambda: len(robot.messages) >= 1)
    assert robot.refused == []
    (message,) = robot.messages
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["title"] == "公车服务科 工作周报"
    assert "**李强**" in message["markdown"]["text"]
    assert "下周重点: 冬季用车安全检查" in message["markdown"]["text"]


def issues_urls(system: System) -> list[tuple[str, str]]:
    """The URLs the probe subscribed (issue 13, finding 2) and the rule each breaks."""
    gateway = system.settings.kaohe_gateway_port
    directory = system.settings.kaohe_directory_port
    return [
        (f"http://127.0.0.1:{directory}/docs", "integrations.url_address"),
        ("http://169.254.169.254/latest/meta-data/iam/", "integrations.url_address"),
        (f"http://[::1]:{gateway}/graphql", "integrations.url_address"),
        (f"http://0x7f000001:{directory}/", "integrations.url_address"),
        (f"http://127.1:{directory}/", "integrations.url_address"),
        (f"http://2130706433:{directory}/", "integrations.url_address"),
        # An octal form the resolver reads is refused by httpx's URL parser first.
        (f"http://0177.0.0.1:{directory}/", "integrations.url_host"),
        (f"http://[::ffff:127.0.0.1]:{directory}/", "integrations.url_address"),
        ("http://10.0.0.1/hook", "integrations.url_address"),
        (f"http://localhost:{directory}/docs", "integrations.url_address"),
        ("http://user:secret@127.0.0.2:9/hook", "integrations.url_credentials"),
        ("file:///etc/passwd", "integrations.url_scheme"),
    ]


ALL_ATTEMPTS = """query($id: ID!) { webhookSubscription(id: $id) {
  status disabledReason
  attempts(first: 200) { statusCode responseSnippet error succeeded }
  deadLetters { lastError } } }"""


def test_no_url_of_kaohes_own_network_can_be_subscribed_to_as_a_webhook_or_a_robot(
    system: System,
) -> None:
    unit = make_unit(system, "出站甲单位")
    for url, rule in issues_urls(system):
        refused = system.error(unit.office, SUBSCRIBE, unit=unit.id, url=url, after="k1.e30")
        assert refused["extensions"]["code"] == "INVALID_INPUT", url
        assert (refused["extensions"]["rule"], refused["extensions"]["field"]) == (rule, "url")
        robot = system.error(unit.office, DINGTALK, unit=unit.id, url=url, secret="SECx")
        assert robot["extensions"]["rule"] == rule, url
        assert robot["extensions"]["field"] == "webhookUrl"
    listed = system.data(
        unit.office, "query($u: ID!) { webhookSubscriptions(unitId: $u) { id } }", u=unit.id
    )
    assert listed["webhookSubscriptions"] == []


def test_a_receiver_answering_secrets_shows_the_office_its_status_line_only(
    system: System,
) -> None:
    unit = make_unit(system, "出站乙单位")
    secret = "INTERNAL-ONLY " + uuid4().hex
    receiver = Receiver(plan=[500, 404], body=secret)
    with receiver.running():
        sub_id = subscribe(system, unit, receiver)
        until(lambda: len(receiver.accepted) >= 1)
    record = system.data(unit.office, ALL_ATTEMPTS, id=sub_id)["webhookSubscription"]
    failed = [a for a in reversed(record["attempts"]) if not a["succeeded"]]
    assert [a["responseSnippet"] for a in failed] == [
        "HTTP 500 Internal Server Error",
        "HTTP 404 Not Found",
    ]
    assert secret not in json.dumps(record)
