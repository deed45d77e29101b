"""How fast a long history opens: 10,000 attempts, in the store, the CLI and the app.

Prints one JSON line per measurement. A benchmark, not a test: run it on a quiet machine."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from voicecoach.devtools.seed_history import seed
from voicecoach.questions import load_bank
from voicecoach.storage import Store


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


async def app_open_s(data: Path) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from tests.tui_fakes import make_practice

    from voicecoach.tui.app import VoicecoachApp
    from voicecoach.tui.history_screen import HistoryScreen

    practice = make_practice(data, load_bank())
    app = VoicecoachApp(practice)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)
        results = []
        for _ in range(3):
            t = time.perf_counter()
            await app.push_screen(HistoryScreen())
            await pilot.pause(0)  # until the screen has been composed, laid out and painted
            results.append(time.perf_counter() - t)
            app.pop_screen()
            await pilot.pause(0.3)
        return min(results)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tmp = Path(tempfile.mkdtemp(prefix="vc-bench-history-"))
    store = Store(tmp / "data").open()
    t = time.perf_counter()
    seed(store, load_bank(), n)
    print(json.dumps({"what": "seed", "attempts": store.count(),
                      "seconds": round(time.perf_counter() - t, 2)}))
    print(json.dumps({"what": "store.list(limit=200)", "ms": round(
        best_of(5, lambda: store.list(limit=200)) * 1000, 1)}))
    print(json.dumps({"what": "store.list() all", "ms": round(
        best_of(3, lambda: store.list()) * 1000, 1)}))
    env = {**os.environ, "VOICECOACH_DATA_DIR": str(tmp / "data")}
    exe = Path(sys.executable).with_name("voicecoach")
    cli = best_of(3, lambda: subprocess.run([str(exe), "history", "--limit", "50"], env=env,
                                            capture_output=True, check=True))
    print(json.dumps({"what": "voicecoach history --limit 50 (process)", "ms": round(cli * 1000)}))
    print(json.dumps({"what": "app: history screen open", "ms": round(
        asyncio.run(app_open_s(tmp)) * 1000)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
