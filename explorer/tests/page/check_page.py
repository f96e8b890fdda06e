"""Loads a page written by `wlab explore --format html` in headless Chromium (Selenium)
and checks what a reader relies on: no console errors, every pane has content, hovering
a wasm operator highlights its IR and machine instructions (and the other way round),
the pass tabs and the diff view switch, the CFG is drawn. Writes a screenshot of the
whole page, with an operator hovered.

Usage: check_page.py PAGE.html SCREENSHOT.png TARGET...
Exit status 0 when every check passed; otherwise the first failed check on stderr.
Run by explorer/tests/page.rs (`cargo test --release -p wlab-explorer --test page`); needs Debian's chromium and chromium-driver and the
selenium pinned in scripts/requirements.txt (scripts/test.sh installs them).
"""

import base64
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1200",
]


def fail(msg):
    print("check_page: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def browser(profile):
    opts = webdriver.ChromeOptions()
    for f in FLAGS:
        opts.add_argument(f)
    opts.add_argument("--user-data-dir=" + profile)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)


def hover(d, elem):
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});", elem)
    ActionChains(d).move_to_element(elem).perform()


def save_full_page(d, shot):
    """The whole page (the panes, statistics, CFG and e-graph below them) as PNG."""
    size = d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    png = d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    with open(shot, "wb") as f:
        f.write(base64.b64decode(png["data"]))


def main():
    if len(sys.argv) < 3:
        fail("usage: check_page.py PAGE.html SCREENSHOT.png TARGET...")
    page, shot, targets = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
    profile = tempfile.mkdtemp(prefix="wlab-page-chromium-")
    d = browser(profile)
    try:
        d.get("file://" + page)
        check(d.execute_script("return document.body.dataset.ready") == "yes", "the page script did not finish")
        errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
        check(not errors, "console errors: %r" % errors)

        # Every pane has content.
        wasm = d.find_elements(By.CSS_SELECTOR, "#wasm .body .ln")
        check(len(wasm) > 0, "the wasm pane is empty")
        ir = d.find_elements(By.CSS_SELECTOR, "#ir .body .ln")
        check(len(ir) > 0, "the IR pane is empty")
        tabs = d.find_elements(By.CSS_SELECTOR, "#ir .tabs button")
        check(len(tabs) > 1, "no pass tabs (%d)" % len(tabs))
        for t in targets:
            code = d.find_elements(By.CSS_SELECTOR, "#machine-%s .body .ln" % t)
            check(len(code) > 0, "the %s pane is empty" % t)
        check(len(d.find_elements(By.CSS_SELECTOR, "#stats table tr")) > 5, "the statistics table is empty")
        check(len(d.find_elements(By.CSS_SELECTOR, "#cfg svg g.node")) > 0, "the CFG has no nodes")
        check(len(d.find_elements(By.CSS_SELECTOR, "#cfg svg path.edge")) > 0, "the CFG has no edges")
        check("digraph" in d.execute_script("return document.querySelector('#cfg details pre').textContent"),
              "no DOT text")
        check(len(d.find_element(By.ID, "egraph").text) > 20, "the e-graph pane is empty")

        # Hover a wasm operator that has IR and machine instructions: they highlight.
        index = d.execute_script("""
            const key = e => (e._keys || [])[0];
            const ir = new Set([...document.querySelectorAll('#ir .body .ln')].map(key));
            const mc = new Set([...document.querySelectorAll('.machine .body .ln')].flatMap(e => e._keys || []));
            const wasm = [...document.querySelectorAll('#wasm .body .ln')];
            return wasm.findIndex(e => ir.has(key(e)) && mc.has(key(e)));""")
        check(index >= 0, "no wasm operator has both IR and machine instructions")
        op = wasm[index]
        hover(d, op)
        check("hl-src" in op.get_attribute("class").split(), "the hovered operator is not marked")
        lit_ir = d.find_elements(By.CSS_SELECTOR, "#ir .body .ln.hl")
        check(len(lit_ir) > 0, "hovering %r highlights no IR line" % op.text)
        for t in targets:
            lit = d.find_elements(By.CSS_SELECTOR, "#machine-%s .body .ln.hl" % t)
            check(len(lit) > 0, "hovering %r highlights no %s instruction" % (op.text, t))
        colour = op.value_of_css_property("border-left-color")
        check(all(e.value_of_css_property("border-left-color") == colour for e in lit_ir),
              "highlighted IR lines do not share the operator's colour")
        background = lit_ir[0].value_of_css_property("background-color")
        check(background not in ("rgba(0, 0, 0, 0)", "transparent"), "highlighted lines have no background")

        # The other way round: a machine instruction highlights its operator and IR.
        mc = d.find_elements(By.CSS_SELECTOR, "#machine-%s .body .ln.hl" % targets[0])[0]
        hover(d, mc)
        check(len(d.find_elements(By.CSS_SELECTOR, "#wasm .body .ln.hl")) > 0,
              "hovering a machine instruction highlights no wasm operator")
        check(len(d.find_elements(By.CSS_SELECTOR, "#ir .body .ln.hl")) > 0,
              "hovering a machine instruction highlights no IR line")

        # Leaving the pane clears the highlight.
        hover(d, d.find_element(By.CSS_SELECTOR, "header h1"))
        check(not d.find_elements(By.CSS_SELECTOR, ".ln.hl, .ln.hl-src"), "highlight stays after leaving")

        # Tabs and diffs: the input tab shows the translated IR; a changed pass has a diff.
        tabs[0].click()
        check("as translated" in d.find_element(By.CSS_SELECTOR, "#ir h2").text, "the input tab does not switch")
        changed = [t for t in tabs[1:] if "unchanged" not in t.get_attribute("class").split()]
        check(changed, "no pass changed the IR")
        changed[0].click()
        d.find_element(By.XPATH, "//div[@class='modes']/button[2]").click()
        diff = d.find_elements(By.CSS_SELECTOR, "#ir .body .ln.add, #ir .body .ln.del")
        check(len(diff) > 0, "the diff view shows no added or removed line")
        d.find_element(By.XPATH, "//div[@class='modes']/button[1]").click()
        tabs[-1].click()

        # A CFG node shows its block in the IR pane.
        d.find_element(By.CSS_SELECTOR, "#cfg svg g.node").click()
        check(len(d.find_elements(By.CSS_SELECTOR, "#ir .body .ln.hdr.hl-src")) == 1,
              "clicking a CFG node does not mark its block")

        # Leave a highlight on for the screenshot.
        d.execute_script("window.scrollTo(0, 0);")
        hover(d, wasm[index])
        d.execute_script("window.scrollTo(0, 0);")
        save_full_page(d, shot)
        errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
        check(not errors, "console errors while using the page: %r" % errors)
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print("check_page: ok, %d wasm operators, %d IR lines, targets %s" % (len(wasm), len(ir), ", ".join(targets)))


if __name__ == "__main__":
    main()
