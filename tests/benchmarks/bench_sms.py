#!/usr/bin/env python3
"""Benchmark of the SOAP SMS gateway queue (crm_sms_gateway, 短信).

    python3 tests/benchmarks/bench_sms.py -d h_bench_sms [--messages 10000] [--fail-ratio 0.5]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench sms -d h_bench_sms --messages 10000

Not part of the test suite. It serves the tests' SOAP gateway (a WSDL and a
WSGI app) on the loopback and
1. sends ``--messages`` messages to it with zeep alone (no Odoo): messages per
   second against the gateway alone;
2. sends as many through Odoo's SMS queue (``sms.sms``, the module's job):
   messages per second end to end, and checks the gateway took each once;
3. does it again with the gateway failing on ``--fail-ratio`` of the calls
   (SOAP faults, and ``--timeout-share`` of them timeouts, half taken by the
   gateway, half lost), running the job with the clock moved past every
   back-off until nothing is left: every message must be taken exactly once
   (counted on the gateway side).
Everything is rolled back at the end.
"""

import importlib.util
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from common import bench_parser, open_env


def _load_gateway_server():
    """The tests' loopback SOAP gateway, loaded from its file (importing the
    module's tests package would import Odoo's test framework)."""
    path = Path(__file__).resolve().parents[2] / "addons" / "crm_sms_gateway" / "tests" / "soap_gateway.py"
    spec = importlib.util.spec_from_file_location("crm_sms_gateway_bench_soap_gateway", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = bench_parser(__doc__)
    parser.set_defaults(modules="crm_sms_gateway")
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--fail-ratio", type=float, default=0.5)
    parser.add_argument("--timeout-share", type=float, default=0.02, help="share of the failures that are timeouts")
    parser.add_argument("--timeout", type=float, default=0.2, help="gateway timeout in seconds")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    with open_env(args, commit=False) as env:
        from odoo import fields  # noqa: PLC0415

        LoopbackSmsGateway = _load_gateway_server().LoopbackSmsGateway  # noqa: N806

        server = LoopbackSmsGateway(delay=args.timeout * 2).start()
        app = server.app
        try:
            # 1. the gateway alone
            import zeep  # noqa: PLC0415

            client = zeep.Client(server.wsdl_url)
            start = time.perf_counter()
            for i in range(args.messages):
                client.service.SendSms(
                    account="odoo", password="secret", mobile=f"139{i:08d}", content="x", sign="", clientMsgId=f"raw{i}"
                )
            raw = time.perf_counter() - start
            print(
                f"gateway alone (zeep, no Odoo): {args.messages} messages in {raw:.2f} s, "
                f"{args.messages / raw:.0f} messages/s"
            )

            company = env.ref("base.main_company")
            gateway = env["sms.gateway"].create(
                {
                    "name": "bench",
                    "company_id": company.id,
                    "wsdl_url": server.wsdl_url,
                    "username": "odoo",
                    "password": "secret",
                    "timeout": args.timeout,
                    "batch_size": args.batch_size,
                    "max_attempts": 100,
                }
            )
            company.write({"sms_gateway_id": gateway.id, "sms_bulk_threshold": 0})
            sms_model = env["sms.sms"].with_company(company)

            def run(label):
                app.taken.clear()
                app.calls.clear()
                messages = sms_model.create(
                    [{"number": f"+86139{i:08d}", "body": f"您好 {i}"} for i in range(args.messages)]
                )
                messages.send()
                env.flush_all()
                now = fields.Datetime.now()
                start = time.perf_counter()
                rounds = 0
                while sms_model.search_count([("gateway_state", "in", ("queued", "inflight", "unknown"))]):
                    sms_model._gateway_process_queue(now=now)
                    now += timedelta(hours=7)
                    rounds += 1
                elapsed = time.perf_counter() - start
                calls = sum(app.calls.values())
                taken = sorted(set(app.taken.values()))
                ok = len(app.taken) == args.messages and taken == [1] and set(messages.mapped("state")) == {"pending"}
                print(
                    f"{label}: {args.messages} messages in {elapsed:.2f} s ({args.messages / elapsed:.0f} messages/s), "
                    f"{rounds} job run(s), {calls} send calls; gateway took {len(app.taken)} distinct messages, "
                    f"each {'exactly once' if taken == [1] else f'{taken} times'}: {'OK' if ok else 'FAILED'}"
                )
                return ok

            ok = run("through Odoo's queue, gateway healthy")
            rng = random.Random(14)

            def flaky(client_id, call_no):
                if rng.random() >= args.fail_ratio:
                    return "ok"
                if rng.random() < args.timeout_share:
                    return rng.choice(("timeout_taken", "timeout_lost"))
                return "fault"

            app.behaviour = flaky
            ok = run(f"through Odoo's queue, gateway failing on {args.fail_ratio:.0%} of the calls") and ok
        finally:
            server.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
