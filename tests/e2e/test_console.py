"""The operations console in a real headless browser (Debian's Chromium and its chromedriver).

Signs in with an ops user's access token, sees every process healthy, runs a job and sees its
result; the screenshots go to the test output (.state/test/reports/console*.png).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator

import httpx
import pytest

from smart360.console.commands import create_ops_user
from smart360.console.sessions import COOKIE
from smart360.stack import configs, memory
from smart360.stack.system import BROWSER_PACKAGES, ensure_packages, wait_until

pytestmark = pytest.mark.e2e
JOB = ("cx", "smart360.purge_idempotency_keys")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    ensure_packages(lambda m: print(f"• {m}", flush=True), extra=BROWSER_PACKAGES)  # never a download
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch a browser or a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,2400", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def ops_token(stack) -> str:
    email, password = "console-e2e@smart360.dev", secrets.token_urlsafe(16)
    create_ops_user(stack.stack, email, password)
    reply = httpx.post(f"{stack.gateway_url}/auth/api/v1/token/", json={"email": email, "password": password},
                       timeout=30)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["access"])


def _shot(driver, stack, name: str) -> None:
    reports = stack.state_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(reports / name))


def test_an_operator_signs_in_sees_every_process_healthy_and_runs_a_job(stack, browser, ops_token):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait_until(lambda: httpx.get(f"{stack.gateway_url}/ops/healthz", timeout=5).status_code == 200, 60,
               "the console behind the gateway")
    driver = browser
    driver.get(f"{stack.gateway_url}/")  # the gateway's root is the console
    assert driver.current_url.endswith("/ops/login")

    driver.find_element(By.ID, "token").send_keys(ops_token)
    driver.find_element(By.ID, "login-token").click()
    cookie = driver.get_cookie(COOKIE)
    assert cookie is not None
    assert cookie["httpOnly"]
    assert driver.execute_script("return document.cookie") == ""  # no script can read the session

    expected = len(configs.program_names(stack.stack)) - len(configs.helper_names(stack.stack))

    def all_healthy() -> bool:
        summary = driver.find_element(By.ID, "health-summary").text
        return summary.startswith(f"{expected}/{expected} healthy")

    WebDriverWait(driver, 60, poll_frequency=1).until(lambda _d: all_healthy())  # refreshed in place
    rows = driver.find_elements(By.CSS_SELECTOR, "table.processes tbody tr")
    assert len(rows) == expected  # 9 services x (web instances + worker + beat): 36 by default
    assert all(r.find_elements(By.TAG_NAME, "td")[5].text == "healthy" for r in rows)
    assert len(driver.find_elements(By.CSS_SELECTOR, "table.queues tbody tr")) >= 9
    assert "MB of" in driver.find_element(By.ID, "memory").text
    _shot(driver, stack.stack, "console.png")

    driver.get(f"{stack.gateway_url}/ops/jobs/")
    driver.find_element(By.CSS_SELECTOR, f'button[data-job="{JOB[0]}:{JOB[1]}"]').click()
    WebDriverWait(driver, 90, poll_frequency=1).until(
        lambda d: f"{JOB[0]} {JOB[1]}:" in d.find_element(By.TAG_NAME, "main").text)
    flash = driver.find_element(By.CSS_SELECTOR, "p.flash").text
    assert flash.startswith(f"{JOB[0]} {JOB[1]}: ok"), flash
    _shot(driver, stack.stack, "console-jobs.png")

    for page in ("/ops/dead-letters/", "/ops/dashboard/"):
        driver.get(f"{stack.gateway_url}{page}")
        assert driver.find_element(By.TAG_NAME, "h1").text
    assert driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")  # queue depth, at least
    _shot(driver, stack.stack, "console-dashboard.png")
    print(f"console memory: {memory.by_program(stack.stack).get('console')} MB PSS")


def test_a_tenant_token_or_no_token_does_not_open_the_console(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=10) as http:
        assert http.get("/ops/").headers["location"] == "/ops/login"
        refused = http.post("/ops/login", data={"token": "eyJhbGciOiJub25lIn0.e30."})
        assert refused.status_code == 401
        assert COOKIE not in refused.headers.get("set-cookie", "")
