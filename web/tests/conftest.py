"""A frontier server on the loopback and a headless Chromium for the page's
tests; the command line's own outputs on the same file, as the oracle."""
import csv
import io
import json
import os
import re
import subprocess
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("FRONTIER_BIN", os.path.join(ROOT, "target", "debug", "frontier"))
EVENTS = os.path.join(ROOT, "tests", "fixtures", "synthetic-events.csv")
REFERENCE = os.path.join(ROOT, "assets", "events-reference.csv")
RENDERS = os.path.join(ROOT, "renders")
# Debian's chromium, with WebGL through SwiftShader, and nothing that
# reaches the network in the background.
ARGS = [
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--no-sandbox",
    "--headless",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
]


def cli(*args):
    """Run the command line; its standard output."""
    out = subprocess.run([BIN, *args], check=True, capture_output=True)
    return out.stdout


def cli_csv(*args):
    return list(csv.DictReader(io.StringIO(cli(*args).decode())))


def cli_json(*args):
    return json.loads(cli(*args))


class Server:
    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://[^ ]+/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"no URL from frontier serve: {line!r} {self.proc.stderr.read()}")
        self.url = m.group(0)

    def get(self, path):
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=60) as r:
            return r.read()

    def json(self, path):
        return json.loads(self.get(path))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server():
    s = Server(EVENTS)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def layers():
    """A server of two files: the synthetic events and the reference events."""
    s = Server(EVENTS, REFERENCE)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS,
                              headless=True)
        yield b
        b.close()


class Watched:
    """A page whose console errors and failed requests are kept."""

    def __init__(self, page):
        self.page = page
        self.errors = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        # A tile the map cancelled (its source replaced by a change of
        # filters or sizes while it loaded) is not a failure; any other
        # request that fails is.
        page.on("requestfailed", lambda r: None if "/tiles/" in r.url and r.failure == "net::ERR_ABORTED"
                else self.errors.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=90_000)
        self.settle()

    def settle(self):
        """Wait until the map has drawn what it asked for."""
        self.page.wait_for_function(
            "() => window.frontierMap && window.frontierMap.loaded() && window.frontierMap.areTilesLoaded()",
            timeout=90_000)
        self.page.wait_for_timeout(400)


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    p = ctx.new_page()
    w = Watched(p)
    yield w
    ctx.close()
