"""Drives the review page in headless Chromium (Debian's chromium + chromium-driver) through Selenium.

Run by Tests/LetsworkReviewPageTests/BrowserTests.swift against a real `letswork review --no-open`:
    python review_page_browser.py LOGIN_URL SCREENSHOT_DIR JSON_OF_CHANGE_IDS
Prints one "ok: ..." line per step; on "live?" it waits for a line on stdin naming a change the
test proposed meanwhile, which must appear in the queue without a reload. Exits non-zero on failure.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

XSS_NAME = "<img src=x onerror=alert(1)>.txt"


def step(message):
    print("ok: " + message, flush=True)


def no_alert(driver):
    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        return
    raise AssertionError("an alert opened: %r" % text)


def main():
    login_url, screenshots, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # Generous: in scripts/test the browser shares a small machine with the rest of the suite.
    wait = WebDriverWait(driver, 45)
    base = login_url.split("/review/")[0]
    try:
        # Log in through the printed link: the script posts the fragment's secret and lands on the queue.
        driver.get(login_url)
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.queue")))
        assert driver.current_url == base + "/review", driver.current_url
        assert "#" not in driver.current_url
        body = driver.find_element(By.TAG_NAME, "body").text
        for name in ("revised", "approve", "reject", "xss"):
            assert ids[name] in body, "change %s is not in the queue" % ids[name]
        step("logged in and sees the queue")

        # Hostile input stays text: the file name is shown as typed, and no image or alert appears.
        no_alert(driver)
        assert XSS_NAME in body, "the XSS file name is not shown as text"
        assert driver.find_elements(By.TAG_NAME, "img") == []
        driver.save_screenshot(screenshots + "/queue.png")
        step("the XSS file name renders inert")

        # j/k move through the queue.
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.change")
        assert "selected" in rows[0].get_attribute("class")
        driver.find_element(By.TAG_NAME, "body").send_keys("j")
        assert "selected" in driver.find_elements(By.CSS_SELECTOR, "tr.change")[1].get_attribute("class")
        driver.find_element(By.TAG_NAME, "body").send_keys("k")
        assert "selected" in driver.find_elements(By.CSS_SELECTOR, "tr.change")[0].get_attribute("class")
        step("j/k select the next and previous change")

        # The change with three revisions: side by side, with changed words marked.
        driver.find_element(By.CSS_SELECTOR, 'a.change-link[href$="%s"]' % ids["revised"]).click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "view-split"))).click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.diff.split")))
        assert driver.find_elements(By.CSS_SELECTOR, "table.split td.removed del"), "no removed word is marked"
        assert driver.find_elements(By.CSS_SELECTOR, "table.split td.added ins"), "no added word is marked"
        markers = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "table.split .marker")]
        assert "+" in markers and "-" in markers, "lines have no +/- markers"
        trailers = driver.find_element(By.CSS_SELECTOR, "dl.trailers").text
        assert "Change-Id" in trailers and ids["revised"] in trailers
        driver.save_screenshot(screenshots + "/change-side-by-side.png")
        step("side-by-side diff with changed words marked")

        # The diff between revisions 1 and 3.
        Select(driver.find_element(By.ID, "compare-from")).select_by_value("1")
        Select(driver.find_element(By.ID, "compare-to")).select_by_value("3")
        driver.find_element(By.ID, "compare").click()
        wait.until(expected_conditions.text_to_be_present_in_element((By.ID, "diff-title"), "from revision 1 to revision 3"))
        diff = driver.find_element(By.CSS_SELECTOR, "section.diff-section").text
        assert "third" in diff and "first" in diff, diff
        driver.save_screenshot(screenshots + "/revisions-1-to-3.png")
        step("diff between revisions 1 and 3")

        # Approve one change with the "a" key.
        driver.get(base + "/review/change/" + ids["approve"])
        wait.until(expected_conditions.presence_of_element_located((By.ID, "approve-form")))
        driver.find_element(By.TAG_NAME, "body").send_keys("a")
        wait.until(expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Approved " + ids["approve"]))
        step("approved " + ids["approve"])

        # Reject another with a reason: "r" goes to the reason field.
        driver.get(base + "/review/change/" + ids["reject"])
        wait.until(expected_conditions.presence_of_element_located((By.ID, "reject-form")))
        driver.find_element(By.TAG_NAME, "body").send_keys("r")
        assert driver.switch_to.active_element.get_attribute("id") == "reason"
        driver.switch_to.active_element.send_keys("Please keep the <b>old</b> wording")
        driver.find_element(By.ID, "reject").click()
        wait.until(expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Rejected " + ids["reject"]))
        step("rejected " + ids["reject"])

        # The history: both decisions, the reason as text; filters by person and by file.
        driver.get(base + "/review/history")
        history = driver.find_element(By.CSS_SELECTOR, "table.history").text
        assert ids["approve"] in history and ids["reject"] in history
        assert "Please keep the <b>old</b> wording" in history
        assert driver.find_elements(By.TAG_NAME, "b") == []
        driver.save_screenshot(screenshots + "/history.png")
        Select(driver.find_element(By.ID, "filter-person")).select_by_visible_text("carol")
        old_table = driver.find_element(By.CSS_SELECTOR, "table.history")
        driver.find_element(By.CSS_SELECTOR, "#history-filter button").click()
        # Wait for the new page, not the old table still on screen.
        wait.until(expected_conditions.staleness_of(old_table))
        history = wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.history"))).text
        assert ids["reject"] in history and ids["approve"] not in history, history
        driver.get(base + "/review/history?file=approved.txt")
        history = driver.find_element(By.CSS_SELECTOR, "table.history").text
        assert ids["approve"] in history and ids["reject"] not in history, history
        driver.find_element(By.CSS_SELECTOR, 'table.history a.change-link').click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.diff")))
        assert "[approved]" in driver.find_element(By.TAG_NAME, "h1").text
        step("history shows the reason and filters by person and file")

        # Live: a change proposed now shows up in the open queue without a reload.
        driver.get(base + "/review")
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.queue")))
        print("live?", flush=True)
        fresh = sys.stdin.readline().strip()
        asked = time.monotonic()
        WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element((By.ID, "queue"), fresh))
        shown = time.monotonic() - asked
        no_alert(driver)
        # The page fetched its table again (a live stream's entry shows only once it ends, so
        # RenderingTests holds that the script follows the stream and never polls).
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
        assert any(name.endswith("/review/queue/table") for name in resources), resources
        step("the queue updated by itself with %s, %.2f s after it was proposed" % (fresh, shown))
        print("done", flush=True)
    except Exception:
        driver.save_screenshot(screenshots + "/failure.png")
        print("page at failure: %s\n%s" % (driver.current_url, driver.find_element(By.TAG_NAME, "body").text[:3000]), file=sys.stderr)
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
