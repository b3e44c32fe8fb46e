"""The DingTalk group-robot connector: posts events as markdown messages to a group's custom
robot, signed as DingTalk's robot API requires: the URL carries `timestamp` (milliseconds) and
`sign`, the URL-encoded base64 of HMAC-SHA256 over `"<timestamp>\\n<secret>"` keyed by the
robot's secret. DingTalk answers 200 with `{"errcode": 0}` on success; any other errcode (a bad
signature, the rate limit) is a failure and is retried like a webhook's.

A unit configures it like a webhook subscription (kind DINGTALK): the robot's URL and secret, and
the event types to post; by default the weekly progress report and each quarter's publication of
its appraisal results (结果公示): the publicity period, the objection deadline, the people with the
top grade (好) by department and how many have each grade (the full list is in Kaohe). The URL
is held to the outbound policy (`outbound.py`) when configured and at every post, and only the
errcode and a short errmsg of an answer are kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote_plus

import httpx

from gateway.goals.types import ProgressKind
from gateway.integrations.envelope import RecordedEvent
from gateway.integrations.outbound import sanitised
from kernel.calendar import china_date
from services.reviews.vocabulary import Grade

DEFAULT_TYPES = ["kaohe.goals.WeeklyReportPublished.v1", "kaohe.reviews.ResultsPublished.v1"]
ERRMSG_LIMIT = 60


def _kind_label(code: str) -> str:
    """The Chinese label of a weekly report's progress kind, as GraphQL shows it (a code this
    version does not know is shown as it is)."""
    try:
        return ProgressKind(code).label
    except ValueError:
        return code


def signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` for a timestamp (already URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot URL with `timestamp` and `sign` appended."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={signature(secret, timestamp_ms)}"


def _weekly_report(event: RecordedEvent) -> tuple[str, str]:
    data = event.data
    department = str(data.get("department_name") or "")
    day = china_date(event.time)
    title = f"{department} 工作周报"
    lines = [f"### {department} 工作周报", f"发布日期: {day.isoformat()}", ""]
    for entry in data.get("entries") or []:
        lines.append(f"**{entry.get('name', '')}**")
        progress = entry.get("progress") or []
        for record in progress:
            kind = _kind_label(str(record.get("kind")))
            percent = record.get("percent")
            share = f" {percent}%" if percent is not None else ""
            note = f": {record['note']}" if record.get("note") else ""
            lines.append(f"- {record.get('what', '')} ({kind}{share}){note}")
        if not progress:
            lines.append("- 本周无进展记录")
        if entry.get("monthly_summary"):
            lines.append(f"> 月小结: {entry['monthly_summary']}")
        lines.append("")
    if data.get("free_text"):
        lines += ["---", str(data["free_text"])]
    return title, "\n".join(lines).strip()


def _publication(event: RecordedEvent) -> tuple[str, str]:
    data = event.data
    quarter = str(data.get("quarter") or "")
    results: list[dict[str, Any]] = list(data.get("results") or [])
    title = f"{quarter} 平时考核结果公示"
    lines = [
        f"### {title}",
        f"公示期: {data.get('published_on')} 至 {data.get('ends_on')}",
        f"异议受理截止: {data.get('objections_until')}",
        "",
        "**好等次人员**",
    ]
    departments: dict[str, list[str]] = {}
    for result in results:
        if result.get("grade") == "GOOD":
            department = str(result.get("department_name") or "中心领导")
            departments.setdefault(department, []).append(str(result.get("name") or ""))
    for department, names in sorted(departments.items()):
        lines.append(f"- {department}: {'、'.join(sorted(names))}")
    counts = [
        f"{grade.label} {sum(1 for r in results if r.get('grade') == grade)} 人" for grade in Grade
    ]
    lines += ["", f"参加考核 {len(results)} 人: {'，'.join(counts)}"]
    return title, "\n".join(lines)


def _any_event(event: RecordedEvent) -> tuple[str, str]:
    title = f"{event.service}.{event.name}"
    body = json.dumps(event.data, ensure_ascii=False, indent=1)
    return title, f"### {title}\n\n```\n{body[:3000]}\n```"


RENDERERS = {
    "kaohe.goals.WeeklyReportPublished.v1": _weekly_report,
    "kaohe.reviews.ResultsPublished.v1": _publication,
}


def markdown(event: RecordedEvent) -> dict[str, Any]:
    """The robot message for an event: DingTalk's markdown message body."""
    title, text = RENDERERS.get(event.type, _any_event)(event)
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


async def post(
    http: httpx.AsyncClient, url: str, secret: str, event: RecordedEvent, timeout: float
) -> tuple[httpx.Response, str | None]:
    """Post one event; the response, and DingTalk's refusal (errcode and message) if any."""
    now_ms = int(time.time() * 1000)
    response = await http.post(
        signed_url(url, secret, now_ms), json=markdown(event), timeout=timeout
    )
    refusal = None
    if response.is_success:
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        errcode = answer.get("errcode")
        if errcode != 0:
            refusal = refusal_line(errcode, answer.get("errmsg"))
    return response, refusal


def refusal_line(errcode: object, errmsg: object) -> str:
    """DingTalk's refusal as a short status line: the errcode (a number, or none) and a capped,
    printable errmsg; nothing else of what the robot's URL answered is kept or shown.
    """
    code = errcode if isinstance(errcode, int) and not isinstance(errcode, bool) else None
    words = sanitised(errmsg, ERRMSG_LIMIT) if isinstance(errmsg, str) else ""
    if code is None and not words:
        return "DingTalk answered without an errcode"
    line = f"DingTalk errcode {code}"
    return f"{line}: {words}" if words else line
