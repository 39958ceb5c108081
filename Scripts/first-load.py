#!/usr/bin/env python3
"""The participant page's first load on a slow mobile link, as BENCHMARKS.md reports it.

Usage: Scripts/first-load.py ATELIER_BINARY [RUNS]

Starts `atelier serve` on the demo workshop in a throwaway database, then loads the join link in
Debian's Chromium with an empty cache, the link shaped by Chromium itself (DevTools'
Network.emulateNetworkConditions: 400 kbit/s each way, 400 ms added round trip) and prints, for
each run and as the median: the time until the join form is on screen, the load event, the bytes
that crossed the link and the number of requests; then the same for a repeat visit (the join link
loaded a second time in the same browser profile, its HTTP cache kept and service workers blocked,
so the figure is the HTTP cache's alone)."""
import os
import pathlib
import statistics
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "e2e"))
from conftest import start_server  # noqa: E402
from web_support import ROOT, chromium_path, join_url  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

KBIT = 400
RTT_MS = 400


def shaped_load(context, server, cache):
    """One load of the join link in a new page of `context` on the shaped link."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": RTT_MS,
        "downloadThroughput": KBIT * 1000 / 8, "uploadThroughput": KBIT * 1000 / 8,
    })
    received = []
    # A file answered from the HTTP cache finishes with nothing on the link: not a request.
    cdp.on("Network.loadingFinished", lambda event: event["encodedDataLength"] and received.append(event["encodedDataLength"]))
    page.goto(join_url(server), wait_until="load")
    loaded = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.wait_for_selector("#join-name")
    form = page.evaluate("() => performance.now()")
    page.close()
    return form / 1000, loaded / 1000, sum(received), len(received)


def one_load(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    result = shaped_load(context, server, cache=False)
    context.close()
    return result


def repeat_visit(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    shaped_load(context, server, cache=True)
    result = shaped_load(context, server, cache=True)
    context.close()
    return result


def report(title, results):
    print(title)
    for form, loaded, size, count in results:
        print(f"  join form {form:.2f} s, load event {loaded:.2f} s, {size:,} bytes in {count} requests")
    print(f"  median: join form {statistics.median(r[0] for r in results):.2f} s, "
          f"load event {statistics.median(r[1] for r in results):.2f} s, "
          f"{statistics.median(r[2] for r in results):,.0f} bytes, "
          f"{statistics.median(r[3] for r in results):.0f} requests")


def main():
    binary = pathlib.Path(sys.argv[1]).resolve()
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    os.environ["ATELIER_BIN"] = str(binary)
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        server = start_server(pathlib.Path(scratch) / "atelier.db", ROOT / "Workshops" / "demo-en.json", ["--new-session"])
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        first = [one_load(browser, server) for _ in range(runs)]
        repeat = [repeat_visit(browser, server) for _ in range(runs)]
        browser.close()
        server.stop()
    report("first visit (empty cache)", first)
    report("repeat visit (HTTP cache kept, no service worker)", repeat)


if __name__ == "__main__":
    main()
