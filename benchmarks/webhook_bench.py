"""Webhook throughput and latency: signed text events through /callback on one
worker, answered by the real knowledge engine, replies sent to the fake LINE server.

    python benchmarks/webhook_bench.py [--events 2000] [--rate 200] [--concurrency 64] [--distinct]

Two runs on a fresh SQLite database:
1. open loop at --rate events/s (one event per request, as LINE sends them, each from
   its own user): p50/p99 from the moment the request is sent to the moment the
   reply reaches the fake server;
2. closed loop with --concurrency requests in flight: the most events/s one worker
   sustains, request to reply.
Questions cycle through a realistic set of eight, so repeated answers come from the
answer cache as they do in service; --distinct makes every question new.
Targets: ≥ 200 events/s, p99 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.app import Application  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web import create_app, tune_interpreter  # noqa: E402
from tests import fake_line as F  # noqa: E402

QUESTIONS = (
    "เงินยืม คืนกี่วัน",
    "ขั้นตอนการต้อนรับคณะต่างประเทศ",
    "ขั้นตอนพิธีมอบกุญแจเมือง",
    "ใครอนุมัติการเดินทางไปต่างประเทศ",
    "การล่ามภาษาอังกฤษ ใช้เวลากี่วัน",
    "เมืองพี่เมืองน้อง มีขั้นตอนอะไรบ้าง",
    "วิธีใช้",
    "สวัสดีค่ะ",
)


DISTINCT = False
SLOWEST = 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def send(session: aiohttp.ClientSession, url: str, i: int, sent: dict[str, float]) -> None:
    text = QUESTIONS[i % len(QUESTIONS)]
    if DISTINCT:  # every question different: no answer is served from the cache
        text = f"{text} ({i})"
    ev = F.text_event(text, user=f"U{i:032x}")
    body = F.webhook_body(ev)
    sent[ev["replyToken"]] = time.monotonic()
    async with session.post(url, data=body, headers=F.signed_headers(body)) as resp:
        if resp.status != 200:
            raise RuntimeError(f"/callback answered {resp.status}")


def _serve_fake(conn) -> None:
    """Child process: the fake LINE server, plus /_bench listing reply arrival times."""

    import gc

    gc.disable()  # test equipment: its own GC pauses must not count as the bot's latency

    async def go() -> None:
        fake = F.FakeLine()

        async def arrivals(_request: web.Request) -> web.Response:
            rows = [[r.body["replyToken"], r.at] for r in fake.requests
                    if r.path == "/v2/bot/message/reply" and r.status == 200]
            refused = [[r.path, r.status, str(r.body)[:300]] for r in fake.requests
                       if r.status != 200 and r.path != "/_bench"]
            return web.json_response({"arrivals": rows, "refused": refused})

        fake.app.router.add_get("/_bench", arrivals)
        await fake.start()
        fake.token = F.CHANNEL_TOKEN
        conn.send(fake.url)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
        await fake.close()

    asyncio.run(go())


def _serve_bot(conn, fake_url: str, db_url: str) -> None:
    """Child process: the bot, one worker, as `python -m bot serve` runs it."""
    logging.basicConfig(level=logging.WARNING)
    tune_interpreter()

    async def go() -> None:
        settings = replace(
            Settings.from_env({}),
            database_url=db_url,
            line_channel_secret=F.CHANNEL_SECRET,
            line_channel_access_token=F.CHANNEL_TOKEN,
            line_api_base_url=fake_url,
        )
        application = Application(settings)
        from knowledge import get_engine

        t0 = time.monotonic()
        get_engine()
        loaded = time.monotonic() - t0
        app = create_app(settings, application=application, knowledge_loader=get_engine, start_ticker=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        conn.send((f"http://127.0.0.1:{port}/callback", loaded))
        profile = None
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        while (await asyncio.get_running_loop().run_in_executor(None, conn.recv)) == "cpu":
            conn.send(time.process_time())  # the worker's own CPU seconds so far
        if profile is not None:
            profile.disable()
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        await runner.cleanup()
        application.close()

    asyncio.run(go())


async def arrivals(session: aiohttp.ClientSession, fake_url: str) -> tuple[dict[str, float], int]:
    async with session.get(fake_url + "/_bench", headers={"Authorization": f"Bearer {F.CHANNEL_TOKEN}"}) as resp:
        data = await resp.json()
    return {token: at for token, at in data["arrivals"]}, data["refused"]


async def wait_replies(session, fake_url, sent: dict[str, float], timeout: float) -> list[float]:
    deadline = time.monotonic() + timeout
    while True:
        got, _ = await arrivals(session, fake_url)
        done = [(got[t] - s) * 1000 for t, s in sent.items() if t in got]
        if len(done) >= len(sent) or time.monotonic() > deadline:
            return done
        await asyncio.sleep(0.2)


async def open_loop(session, url, fake_url, n: int, rate: float, offset: int) -> tuple[list[float], float]:
    sent: dict[str, float] = {}
    start = time.monotonic()
    tasks = []
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(session, url, offset + i, sent)))
    await asyncio.gather(*tasks)
    lat = await wait_replies(session, fake_url, sent, 120)
    if SLOWEST and n > 500:
        at = dict(zip(range(n), (l for l in lat)))
        worst = sorted(at.items(), key=lambda kv: -kv[1])[:SLOWEST]
        print("slowest (event number, ms):", [(i, round(v)) for i, v in sorted(worst)])
    return lat, max(s + l / 1000 for s, l in zip(sent.values(), lat)) - start if lat else 1.0


async def closed_loop(session, url, fake_url, n: int, concurrency: int, offset: int) -> tuple[list[float], float]:
    sent: dict[str, float] = {}
    counter = iter(range(n))
    start = time.monotonic()

    async def worker() -> None:
        for i in counter:
            await send(session, url, offset + i, sent)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    got = {}
    lat = await wait_replies(session, fake_url, sent, 300)
    got, _ = await arrivals(session, fake_url)
    last = max(got[t] for t in sent if t in got)
    return lat, last - start


def bot_cpu(conn) -> float:
    conn.send("cpu")
    return conn.recv()


async def run(args: argparse.Namespace) -> int:
    import gc

    gc.disable()  # the load generator, like the fake server, is not what is measured
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        fake_parent, fake_child = ctx.Pipe()
        fake_proc = ctx.Process(target=_serve_fake, args=(fake_child,), daemon=True)
        fake_proc.start()
        fake_url = fake_parent.recv()
        bot_parent, bot_child = ctx.Pipe()
        bot_proc = ctx.Process(target=_serve_bot, args=(bot_child, fake_url, f"sqlite:///{tmp}/bench.sqlite3"), daemon=True)
        bot_proc.start()
        url, loaded = bot_parent.recv()
        print(f"bot worker up (knowledge engine loaded in {loaded:.1f} s); fake LINE server in its own process")
        ok = True
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                await open_loop(session, url, fake_url, 200, 100, offset=10**6)  # warm-up
                cpu0 = bot_cpu(bot_parent)
                lat, took = await open_loop(session, url, fake_url, args.events, args.rate, offset=0)
                cpu1 = bot_cpu(bot_parent)
                rate = len(lat) / took
                print(
                    f"open loop  : {args.events} events offered at {args.rate:.0f}/s -> {rate:.0f} events/s answered; "
                    f"request->reply p50 {statistics.median(lat):.1f} ms, p99 {percentile(lat, 99):.1f} ms, max {max(lat):.1f} ms"
                )
                ok &= len(lat) == args.events and rate >= 0.97 * args.rate and percentile(lat, 99) <= 150
                lat2, took2 = await closed_loop(session, url, fake_url, args.events, args.concurrency, offset=2 * 10**6)
                cpu2 = bot_cpu(bot_parent)
                rate2 = len(lat2) / took2
                per_event = (cpu2 - cpu0) * 1000 / (2 * args.events)
                print(
                    f"closed loop: {args.events} events, {args.concurrency} requests in flight -> {rate2:.0f} events/s "
                    f"(saturated: requests outpace replies, so request->reply p50 {statistics.median(lat2):.0f} ms "
                    f"is queueing, not service time)"
                )
                ok &= rate2 >= 200
                print(f"bot worker CPU: {per_event:.2f} ms per event -> {1000 / per_event:.0f} events/s per core "
                      f"(machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})")
                _, refused = await arrivals(session, fake_url)
                print(f"requests refused by the fake LINE server: {len(refused)}", *refused[:3])
                ok &= not refused
        finally:
            bot_parent.send("stop")
            fake_parent.send("stop")
            bot_proc.join(30)
            fake_proc.join(10)
    print("targets (>= 200 events/s, p99 <= 150 ms):", "met" if ok else "NOT met")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--distinct", action="store_true", help="make every question different (no answer cache hits)")
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest events of the open loop")
    args = parser.parse_args()
    global DISTINCT, SLOWEST
    DISTINCT, SLOWEST = args.distinct, args.slowest
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
