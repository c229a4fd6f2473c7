"""``docgen deadline``, invoked in-process with click's runner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from docgen.cli.deadlines import deadline_command


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(deadline_command, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_calendar_days_telecom_license_issue() -> None:
    # 15 calendar days from Friday 12 December 2025: Saturday 27 December, a day off,
    # so the term ends on Monday 29 December.
    code, out, err = invoke("telecom-license", "issue", "--registered", "2025-12-12")
    assert (code, out, err) == (0, "2025-12-29\n", "")


def test_working_days_archaeology_license_issue() -> None:
    # 15 working days from Friday 12 December 2025: 10 reach Monday 29 December
    # (Independence Day 16 December skipped); Tue 30 (11), Wed 31 (12), 1-2 January
    # holidays, weekend, Mon 5 (13), Tue 6 (14), Wed 7 Orthodox Christmas, Thu 8 (15).
    code, out, _ = invoke("archaeology-license", "issue", "--registered", "2025-12-12")
    assert (code, out) == (0, "2026-01-08\n")


def test_json_output() -> None:
    code, out, _ = invoke("archaeology-license", "issue", "--registered", "2025-12-12", "--json")
    assert code == 0
    assert json.loads(out) == {
        "service": "archaeology-license",
        "action": "issue",
        "registered": "2025-12-12",
        "due": "2026-01-08",
        "days": 15,
        "day_kind": "working",
    }


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["telecom-license", "withdraw", "--registered", "2025-12-12"], "withdraw"),
        (["no-such-service", "issue", "--registered", "2025-12-12"], "no-such-service"),
        (["telecom-license", "issue", "--registered", "2025-02-30"], "2025-02-30"),
        (["telecom-license", "issue", "--registered", "12.12.2025"], "12.12.2025"),
    ],
)
def test_errors_are_one_line_in_kazakh_and_russian_with_exit_2(args: list[str], named: str) -> None:
    code, out, err = invoke(*args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("docgen: ") and named in err
    kazakh, russian = err.removeprefix("docgen: ").split(" / ")
    assert any(letter in kazakh for letter in "әғқңөұүһі") and named in kazakh
    assert named in russian


def test_unknown_action_lists_the_services_actions() -> None:
    _, _, err = invoke("telecom-license", "withdraw", "--registered", "2025-12-12")
    assert "issue, reissue, duplicate" in err
