"""Create-and-wait with Replicate's official Python client (replicate==1.0.7) against selfie-sim.

Run by `client-comparison` (Benchmarks/ClientComparison), one process per measurement, so the peak
resident set it reports is this interpreter's own. Prints one JSON line:
{"operations", "succeeded", "failures", "seconds", "peak_rss_bytes", "anon_rss_bytes", "cpu_seconds"}: the seconds and CPU
seconds of the operations alone (not the interpreter's start or imports), the peak resident set of the
whole process, and its anonymous (private) resident memory at the end.

Each operation is `predictions.create(version=..., input=...)` then `prediction.wait()`, which polls
`GET /v1/predictions/{id}` every `client.poll_interval` seconds until the prediction is terminal. The
concurrent path is the client's own asyncio one (`async_create` + `async_wait`, one shared
`httpx.AsyncClient`); `--mode threads` runs the synchronous calls on a ThreadPoolExecutor instead.
"""

import argparse
import asyncio
import json
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import replicate


def status(field):
    """A field of /proc/self/status in bytes (VmHWM: the peak resident set; RssAnon: private memory)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss_bytes():
    """VmHWM, else ru_maxrss."""
    return status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def shares(operations, concurrency):
    """Splits the operations over the workers as evenly as possible (as the Swift side does)."""
    return [operations // concurrency + (1 if index < operations % concurrency else 0) for index in range(concurrency)]


async def run_asyncio(client, version, payload, operations, concurrency):
    outcomes = []

    async def worker(count):
        for _ in range(count):
            prediction = await client.predictions.async_create(version=version, input=payload)
            await prediction.async_wait()
            outcomes.append(prediction.status == "succeeded")

    await asyncio.gather(*(worker(count) for count in shares(operations, concurrency)))
    return outcomes


def run_threads(client, version, payload, operations, concurrency):
    def worker(count):
        results = []
        for _ in range(count):
            prediction = client.predictions.create(version=version, input=payload)
            prediction.wait()
            results.append(prediction.status == "succeeded")
        return results

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return [ok for results in pool.map(worker, shares(operations, concurrency)) for ok in results]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True, help="selfie-sim's root, http://127.0.0.1:PORT (no /v1)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--body", required=True, help="a file holding the POST /predictions body (JSON)")
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--operations", type=int, required=True)
    parser.add_argument("--poll-interval", type=float, required=True)
    parser.add_argument("--mode", choices=["asyncio", "threads"], default="asyncio")
    args = parser.parse_args()

    with open(args.body, encoding="utf-8") as file:
        body = json.load(file)
    client = replicate.Client(api_token=args.token, base_url=args.base_url)
    client.poll_interval = args.poll_interval  # what Prediction.wait / async_wait sleep between polls

    cpu_at_start = cpu_seconds()
    start = time.perf_counter()
    if args.mode == "asyncio":
        outcomes = asyncio.run(run_asyncio(client, body["version"], body["input"], args.operations, args.concurrency))
    else:
        outcomes = run_threads(client, body["version"], body["input"], args.operations, args.concurrency)
    seconds = time.perf_counter() - start
    succeeded = sum(1 for ok in outcomes if ok)
    json.dump(
        {
            "operations": len(outcomes),
            "succeeded": succeeded,
            "failures": len(outcomes) - succeeded,
            "seconds": seconds,
            "peak_rss_bytes": peak_rss_bytes(),
            "anon_rss_bytes": status("RssAnon"),
            "cpu_seconds": cpu_seconds() - cpu_at_start,
            "replicate_version": replicate.__about__.__version__,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
