"""Drives headless Chromium through a running classic Jupyter notebook server (tests/browser/run.sh
starts it): opens a notebook, runs all cells from the Cell menu, waits for the kernel to go idle, and
checks what the reader sees. Prints one line per check and a closing "N passed, N failed"; the exit
status is 1 when a check failed."""
import argparse
import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# Shrunk quick mode (run.sh) runs 00-quickstart in about a minute on 2 idle cores.
RUN_TIMEOUT_S = float(os.environ.get("FMPLAB_BROWSER_TIMEOUT_S", "200"))
CHROMEDRIVER = "/usr/bin/chromedriver"


def wait_for_server(url, token, pid, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            raise RuntimeError("the notebook server exited at start") from None
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                return json.load(r)
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no notebook server at {url} after {timeout} s")


def browser(profile):
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--user-data-dir={profile}", "--window-size=1280,1000"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


# What the page shows, read in one script: the browser's view, not the notebook file.
STATE_JS = """
const cells = [...document.querySelectorAll('#notebook-container .cell.code_cell')];
const prompts = cells.map(c => (c.querySelector('.input_prompt') || {}).innerText || '');
const imgs = [...document.querySelectorAll('.output_png img')];
const bars = [...document.querySelectorAll('.output_html progress')];
const tables = [...document.querySelectorAll('.output_html table.dataframe')];
return {
  kernelIdle: !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'),
  prompts: prompts,
  errors: [...document.querySelectorAll('.output_area .output_error')].map(e => e.innerText.slice(0, 400)),
  pngs: imgs.filter(i => i.src.startsWith('data:image/png;base64,') && i.complete && i.naturalWidth > 0).length,
  bars: bars.map(b => ({value: b.getAttribute('value'), max: b.getAttribute('max')})),
  tables: tables.map(t => ({caption: (t.querySelector('caption') || {}).innerText || '',
                            rows: t.querySelectorAll('tbody tr').length})),
};
"""


def run_all_and_wait(driver):
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#kernel_indicator_icon.kernel_idle_icon")))
    driver.find_element(By.ID, "celllink").click()                   # the Cell menu
    WebDriverWait(driver, 10).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#run_all_cells > a"))).click()
    # Run All marks every cell "In [*]" at once; done = the kernel is idle and no cell is pending.
    deadline = time.time() + RUN_TIMEOUT_S
    started = False
    while time.time() < deadline:
        s = driver.execute_script(STATE_JS)
        pending = any("*" in p for p in s["prompts"])
        started = started or pending or all(any(ch.isdigit() for ch in p) for p in s["prompts"])
        if started and not pending and s["kernelIdle"]:
            return s, time.time()
        time.sleep(1)
    raise TimeoutError(f"the notebook did not finish within {RUN_TIMEOUT_S} s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--notebook", required=True)
    p.add_argument("--screenshot", required=True)
    p.add_argument("--profile", required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--server-log", required=True)
    a = p.parse_args()

    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(f"[browser] {'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""), flush=True)

    driver = None
    try:
        wait_for_server(a.url, a.token, a.server_pid)
        driver = browser(a.profile)
        driver.get(f"{a.url}/notebooks/{a.notebook}?token={a.token}")
        t0 = time.time()
        state, t1 = run_all_and_wait(driver)
        print(f"[browser] ran all cells in {t1 - t0:.0f} s", flush=True)
        prompts = state["prompts"]
        check("every code cell ran", prompts and all(any(ch.isdigit() for ch in p) for p in prompts), prompts)
        check("no error output", not state["errors"], state["errors"])
        check("an inline PNG image rendered", state["pngs"] >= 1, f"{state['pngs']} PNG images")
        bars = state["bars"]
        finished = bars and all(b["max"] is not None and b["value"] is not None
                                and float(b["value"]) >= float(b["max"]) for b in bars)
        check("the progress bar was shown and finished", bool(finished), bars)
        check("a Tablesaw table rendered as an HTML table",
              any("rows" in t["caption"] and t["rows"] > 0 for t in state["tables"]), state["tables"])
    except (WebDriverException, TimeoutError, RuntimeError) as e:
        check("the browser session", False, f"{type(e).__name__}: {e}".splitlines()[0])
    finally:
        if driver is not None:
            try:
                # One tall window so that the screenshot shows the whole notebook.
                height = driver.execute_script("return document.getElementById('notebook').scrollHeight") or 1000
                driver.set_window_size(1280, min(int(height) + 200, 12000))
                driver.save_screenshot(a.screenshot)
                print(f"[browser] screenshot {a.screenshot}", flush=True)
            except WebDriverException as e:
                print(f"[browser] no screenshot: {e}".splitlines()[0], flush=True)
            driver.quit()
    passed = sum(results)
    if not all(results):
        print(f"[browser] server log: {a.server_log}", flush=True)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
