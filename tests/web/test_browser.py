"""A real browser on the pain page: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium fills the form in as a person would, sends it,
and the walk is in ``coach history``. A phone-sized screenshot (390x844) is written
to ``tests/web/screenshots/`` for a person to look at. Skips when Chromium or its
driver cannot start."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="coach-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--window-size=390,844",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as err:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"headless Chromium could not start: {err.msg}")
    try:
        driver.set_window_size(390, 844)
        # the window's size includes its frame: the page itself gets a phone's 390x844
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_a_person_logs_a_walk_on_the_phone_page(browser, served, programme, run):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    programme(minutes=5, days=3)
    browser.get(served.base + "?session=2026-03-02-walk")
    assert browser.title == "Log your walk"
    assert browser.execute_script("return [innerWidth, innerHeight]") == [390, 844]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / "page-390x844.png"))
    assert Select(browser.find_element(By.ID, "routine")).first_selected_option.get_attribute(
        "value") == "2026-03-02-walk"
    browser.find_element(By.CSS_SELECTOR, "label[for='pain_before-3']").click()
    browser.find_element(By.CSS_SELECTOR, "label[for='pain_after-4']").click()
    browser.find_element(By.CSS_SELECTOR, "label[for='completed-no']").click()
    Select(browser.find_element(By.ID, "stop_reason")).select_by_value("tired")
    minutes = browser.find_element(By.ID, "minutes")
    assert minutes.get_attribute("value") == "5"  # the plan's walking minutes
    minutes.clear()
    minutes.send_keys("4")
    browser.find_element(By.CSS_SELECTOR, "label[for='effort-conversational']").click()
    browser.find_element(By.ID, "note").send_keys("Windy by the river")
    tap = browser.find_element(By.CSS_SELECTOR, "label[for='pain_after-4']").size
    assert tap["height"] >= 44 and tap["width"] >= 44  # a finger, not a mouse pointer
    browser.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    WebDriverWait(browser, 30).until(lambda b: b.title != "Log your walk")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Walk saved"
    assert "Next:" in browser.find_element(By.CLASS_NAME, "next").text
    browser.save_screenshot(str(SHOTS / "saved-390x844.png"))
    [row] = json.loads(run("history", "--json").output)
    assert (row["routine"], row["walked_min"], row["pain_before"], row["pain_after"]) == (
        "week-1-walk", 4.0, 3, 4)
    assert (row["completed"], row["ended_reason"], row["effort"], row["note"]) == (
        False, "tired", "conversational", "Windy by the river")
    assert "Windy by the river" in run("history").output
    # back on the page: the walk is not offered again, nor a walk chosen for the walker
    browser.find_element(By.LINK_TEXT, "Back to the page").click()
    WebDriverWait(browser, 30).until(lambda b: b.title == "Log your walk")
    assert "Today's walk is saved (walk " in browser.find_element(By.CLASS_NAME, "next").text
    routine = Select(browser.find_element(By.ID, "routine"))
    assert routine.first_selected_option.get_attribute("value") == ""
    assert browser.find_element(By.ID, "minutes").get_attribute("value") == ""
    browser.save_screenshot(str(SHOTS / "after-390x844.png"))


def test_chromium_reads_the_episode_transcript_as_webvtt(browser, served, programme):
    """The browser's own WebVTT parser (an <audio>'s <track>) reads every cue of the
    transcript the feed names, with the times the file gives."""
    import re

    from selenium.webdriver.support.ui import WebDriverWait

    programme(minutes=5, days=3)
    [guid] = re.findall(rb"<guid isPermaLink=\"false\">([0-9a-f]{20})</guid>",
                        served.get("feed.xml").body)
    vtt = served.get(f"episodes/{guid.decode()}.vtt").body.decode("utf-8")
    browser.get(served.base)
    browser.execute_script(
        "const a = document.createElement('audio'); a.id = 'player';"
        "const t = document.createElement('track'); t.kind = 'captions'; t.default = true;"
        "t.src = arguments[0]; a.appendChild(t); document.body.appendChild(a);"
        "t.track.mode = 'hidden';", f"episodes/{guid.decode()}.vtt")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script(
        "return document.querySelector('#player track').readyState") in (2, 3))
    assert browser.execute_script("return document.querySelector('#player track').readyState") \
        == 2  # LOADED, not ERROR
    cues = browser.execute_script(
        "return Array.from(document.querySelector('#player track').track.cues,"
        " c => [c.startTime, c.endTime, c.text])")
    blocks = vtt.strip().split("\n\n")[1:]
    assert len(cues) == len(blocks) > 0
    for (start, end, text), block in zip(cues, blocks):
        timing, *lines = block.split("\n")
        assert text == "\n".join(lines)
        given = [sum(float(part) * 60 ** i for i, part in enumerate(reversed(t.split(":"))))
                 for t in timing.split(" --> ")]
        assert abs(start - given[0]) < 0.0005 and abs(end - given[1]) < 0.0005
        assert start < end
    assert [c[0] for c in cues] == sorted(c[0] for c in cues)
