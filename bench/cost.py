#!/usr/bin/env python3
"""The organisation's fixed monthly cost for 1, 5 and 20 spoke accounts in both network layouts, and the run
time of ``secure-ml cost`` on the demo assembly (issue 17).

- **per-account** (today's layout): every spoke account has its own interface endpoints, so the
  organisation pays N x the cost of one platform account.
- **hub**: one shared-services account holds the interface endpoints once; spokes keep only the free
  gateway endpoints. Total = the hub + N x a spoke.

Until ``config/hub.yaml`` exists, the hub layout is computed from the per-account assembly: a spoke is the
platform account without its interface endpoints, the hub is those interface endpoints once. Not counted
either way: how spokes reach the hub (Transit Gateway attachments and data processing, or VPC peering;
Route 53 private hosted zones), which the hub layout adds.

With the hub config merged, point the benchmark at its assembly: every account/region of it that has
interface endpoints is the hub, the first one without is the spoke:

    .venv/bin/python bench/cost.py                                   # config/default.yaml, hub derived
    .venv/bin/python bench/cost.py --config config/demo.yaml
    node_modules/.bin/cdk synth -c config=config/hub.yaml -o cdk.out.hub
    .venv/bin/python bench/cost.py --hub-assembly cdk.out.hub
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cdk_secure_ml.cost import CostEstimate, CostItem, estimate_assembly  # noqa: E402
from cdk_secure_ml.cost.report import format_text  # noqa: E402

SPOKES = (1, 5, 20)


def _synth(config: str, outdir: Path) -> Path:
    import json

    from aws_cdk import App

    from cdk_secure_ml.config import load_config
    from cdk_secure_ml.stacks.reference_app import build_reference_app

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.pop("config", None)
    app = App(context=context, outdir=str(outdir))
    build_reference_app(load_config(ROOT / config), app=app, compliance_packs=False, config_path=config)
    app.synth()
    return outdir


def _sum(items: list[CostItem]) -> float:
    return round(sum(i.monthly for i in items if i.kind == "fixed" and i.monthly is not None), 2)


def _environments(result: CostEstimate) -> tuple[list[list[CostItem]], list[CostItem]]:
    """(hub environments: those with interface endpoints, the first spoke environment: one without)."""
    envs = list(result.by_environment().values())
    hubs = [e for e in envs if any(i.category == "interface endpoints" for i in e)]
    spokes = [e for e in envs if e not in hubs]
    if not hubs or not spokes:
        sys.exit("bench/cost.py: the hub assembly needs an account with interface endpoints and one without")
    return hubs, spokes[0]


def layouts(per_account: CostEstimate, hub: CostEstimate | None) -> dict[str, dict[int, float]]:
    """{layout: {spokes: organisation total}}."""
    account = next(iter(per_account.by_environment().values()))
    spoke_total = _sum(account)
    if hub is None:
        endpoints = [i for i in account if i.category == "interface endpoints"]
        hub_total, spoke_in_hub = _sum(endpoints), _sum([i for i in account if i not in endpoints])
    else:
        hubs, spoke = _environments(hub)
        hub_total, spoke_in_hub = sum(_sum(e) for e in hubs), _sum(spoke)
    return {
        "per-account": {n: round(n * spoke_total, 2) for n in SPOKES},
        "hub": {n: round(hub_total + n * spoke_in_hub, 2) for n in SPOKES},
    }


def _timings(assembly: Path, repeat: int) -> tuple[float, float]:
    """(median seconds of the estimate and its text report in this process, of a `secure-ml cost` process)."""
    inner = []
    for _ in range(repeat):
        start = time.perf_counter()
        format_text(estimate_assembly(assembly))
        inner.append(time.perf_counter() - start)
    cli = ROOT / ".venv" / "bin" / "secure-ml"
    process = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([str(cli), "cost", str(assembly)], check=True, capture_output=True)
        process.append(time.perf_counter() - start)
    return statistics.median(inner), statistics.median(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/cost.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="config/default.yaml", help="the per-account platform config")
    parser.add_argument("--hub-assembly", help="a synthesized hub-layout assembly (config/hub.yaml)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        per_account = estimate_assembly(_synth(args.config, Path(tmp) / "spoke"))
        hub = estimate_assembly(args.hub_assembly) if args.hub_assembly else None
        demo = _synth("config/demo.yaml", Path(tmp) / "demo")
        table = layouts(per_account, hub)
        source = f"from {args.hub_assembly}" if hub else "derived: one account's interface endpoints once"
        print(f"Organisation fixed monthly cost (USD, prices of {per_account.price_date}), {args.config}; "
              f"hub {source}")
        print(f"{'layout':<12}" + "".join(f"{f'{n} spoke(s)':>14}" for n in SPOKES))
        for layout, totals in table.items():
            print(f"{layout:<12}" + "".join(f"{f'${totals[n]:,.2f}':>14}" for n in SPOKES))
        saving = {n: table["per-account"][n] - table["hub"][n] for n in SPOKES}
        print(f"{'hub saves':<12}" + "".join(f"{f'${saving[n]:,.2f}':>14}" for n in SPOKES)
              + "  (before the cost of reaching the hub: Transit Gateway or peering, Route 53 zones)")
        inner, process = _timings(demo, args.repeat)
        print(f"secure-ml cost on the demo assembly: {inner * 1000:.0f} ms in process, {process:.2f} s as a "
              f"command (median of {args.repeat}; the command's share is Python start-up and imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
