"""The DingTalk connector without I/O: the signature DingTalk checks, the markdown it shows."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

from gateway.integrations.dingtalk import markdown, signed_url
from tests.unit.test_integrations_envelope import recorded


def test_the_robot_url_carries_the_timestamp_and_the_signature_dingtalk_expects() -> None:
    url = signed_url("https://robot.example/robot/send?access_token=abc", "SECxyz", 1700000000000)
    query = parse_qs(urlsplit(url).query)
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["1700000000000"]
    expected = base64.b64encode(
        hmac.new(b"SECxyz", b"1700000000000\nSECxyz", hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]


def test_a_weekly_report_reads_as_markdown_with_each_persons_progress() -> None:
    event = recorded(
        "goals",
        9,
        name="WeeklyReportPublished",
        department_name="公车服务科",
        entries=[
            {
                "person_id": "p1",
                "name": "李强",
                "progress": [
                    {"what": "完成车辆年检", "kind": "PROGRESS", "percent": 60, "note": "已检4辆"}
                ],
                "monthly_summary": "本月完成调度台账",
            },
            {"person_id": "p2", "name": "赵敏", "progress": [], "monthly_summary": None},
        ],
        free_text="下周重点: 冬季用车安全检查",
    )
    message = markdown(event)
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["title"] == "公车服务科 工作周报"
    text = message["markdown"]["text"]
    assert "**李强**" in text
    assert "- 完成车辆年检 (进度 60%): 已检4辆" in text
    assert "> 月小结: 本月完成调度台账" in text
    assert "**赵敏**\n- 本周无进展记录" in text
    assert text.endswith("下周重点: 冬季用车安全检查")


def test_a_quarters_publication_names_the_top_grade_by_department_and_counts_every_grade() -> None:
    event = recorded(
        "reviews",
        40,
        name="ResultsPublished",
        quarter="2025-Q4",
        published_on="2026-01-05",
        ends_on="2026-01-12",
        objections_until="2026-01-12",
        results=[
            {"person_id": "p1", "name": "李强", "department_name": "公车服务科", "grade": "GOOD"},
            {"person_id": "p2", "name": "孙丽", "department_name": "公车服务科", "grade": "GOOD"},
            {"person_id": "p3", "name": "周杰", "department_name": "综合科", "grade": "AVERAGE"},
            {"person_id": "p4", "name": "刘明", "department_name": None, "grade": "FAIRLY_GOOD"},
        ],
    )
    message = markdown(event)
    assert message["markdown"]["title"] == "2025-Q4 平时考核结果公示"
    text = message["markdown"]["text"]
    assert "公示期: 2026-01-05 至 2026-01-12" in text
    assert "- 公车服务科: 孙丽、李强" in text
    assert "周杰" not in text
    assert text.endswith("参加考核 4 人: 好 2 人，较好 1 人，一般 1 人，较差 0 人")
