#!/usr/bin/env python3
"""The organisation's fixed monthly cost for 1, 5 and 20 spoke accounts in both network layouts, and the run
time of ``secure-ml cost`` on the demo assembly (issue 17).

- **per-account** (the default layout, ``config/multi-account.yaml``): every platform account has its own
  interface endpoints, so the organisation pays N x the cost of one platform (stage) account.
- **hub** (``config/hub.yaml``): the hub account holds the interface endpoints once, with what the layout
  adds: its private hosted zones, the Route 53 Profile (billed to the hub for every spoke's association),
  its transit gateway attachment; each spoke keeps the free gateway endpoints and pays its own transit
  gateway attachment and the data it sends. Total = the hub + N x a spoke.

Both assemblies are synthesized here (or ``--hub-assembly DIR`` reads one made by ``cdk synth -c
config=config/hub.yaml -o DIR``). The tooling account, the same in both layouts, is left out. Up to 100
spokes the hub's Profile charge is flat (docs/cost.md).

    .venv/bin/python bench/cost.py
    .venv/bin/python bench/cost.py --config config/multi-account.yaml --hub-config config/hub.yaml
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


def _network(items: list[CostItem]) -> float:
    categories = {"interface endpoints", "gateway endpoints", "transit gateway", "Route 53", "RAM"}
    return _sum([i for i in items if i.category in categories])


def _platform_account(per_account: CostEstimate) -> list[CostItem]:
    """The first account/region of the per-account assembly with interface endpoints (a stage account)."""
    for items in per_account.by_environment().values():
        if any(i.category == "interface endpoints" for i in items):
            return items
    sys.exit("bench/cost.py: the per-account assembly has no account with interface endpoints")


def _hub_and_spoke(hub: CostEstimate) -> tuple[list[CostItem], list[CostItem]]:
    """(the hub: the account/region with interface endpoints, a spoke: one attached to the transit gateway
    without interface endpoints)."""
    envs = list(hub.by_environment().values())
    hubs = [e for e in envs if any(i.category == "interface endpoints" for i in e)]
    spokes = [e for e in envs if e not in hubs and any(i.category == "transit gateway" for i in e)]
    if len(hubs) != 1 or not spokes:
        sys.exit("bench/cost.py: the hub assembly needs one account with interface endpoints and a spoke")
    return hubs[0], spokes[0]


def layouts(per_account: CostEstimate, hub: CostEstimate) -> dict[str, dict[int, float]]:
    """{layout: {spokes: organisation total (USD a month)}}."""
    spoke_total = _sum(_platform_account(per_account))
    hub_items, spoke = _hub_and_spoke(hub)
    hub_total, spoke_in_hub = _sum(hub_items), _sum(spoke)
    return {
        "per-account": {n: round(n * spoke_total, 2) for n in SPOKES},
        "hub": {n: round(hub_total + n * spoke_in_hub, 2) for n in SPOKES},
    }


def break_even(per_account: CostEstimate, hub: CostEstimate) -> int | None:
    """The fewest spokes for which the hub layout costs less, or None if it never does."""
    hub_items, spoke = _hub_and_spoke(hub)
    saving_per_spoke = _sum(_platform_account(per_account)) - _sum(spoke)
    if saving_per_spoke <= 0:
        return None
    return int(_sum(hub_items) // saving_per_spoke) + 1


def _usd(value: float) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _print(per_account: CostEstimate, hub: CostEstimate, config: str, hub_source: str) -> None:
    table = layouts(per_account, hub)
    print(f"Organisation fixed monthly cost (USD, prices of {per_account.price_date}): per-account from "
          f"{config}, hub from {hub_source}")
    print(f"{'layout':<12}" + "".join(f"{f'{n} spoke(s)':>14}" for n in SPOKES))
    for layout, totals in table.items():
        print(f"{layout:<12}" + "".join(f"{f'${totals[n]:,.2f}':>14}" for n in SPOKES))
    saving = {n: table["per-account"][n] - table["hub"][n] for n in SPOKES}
    print(f"{'hub saves':<12}" + "".join(f"{_usd(saving[n]):>14}" for n in SPOKES)
          + "  (negative: the hub layout costs more)")
    hub_items, spoke = _hub_and_spoke(hub)
    print(f"network only: per-account ${_network(_platform_account(per_account)):,.2f} a spoke; hub "
          f"${_network(hub_items):,.2f} once (interface endpoints, zones, Route 53 Profiles, its attachment) "
          f"+ ${_network(spoke):,.2f} a spoke (its transit gateway attachment and data)")
    even = break_even(per_account, hub)
    print("break-even: " + (f"the hub layout costs less from {even} spokes" if even else "never"))


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
    parser.add_argument(
        "--config", default="config/multi-account.yaml", help="the per-account platform config"
    )
    parser.add_argument("--hub-config", default="config/hub.yaml", help="the hub-layout config")
    parser.add_argument("--hub-assembly", help="a synthesized hub-layout assembly instead of --hub-config")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        per_account = estimate_assembly(_synth(args.config, Path(tmp) / "per-account"))
        hub_dir = Path(args.hub_assembly) if args.hub_assembly else _synth(args.hub_config, Path(tmp) / "hub")
        hub = estimate_assembly(hub_dir)
        _print(per_account, hub, args.config, args.hub_assembly or args.hub_config)
        # Fixed charges without a price (docs/cost.md, "Coverage") make every figure a lower bound.
        missing = sorted({i.category for e in (per_account, hub) for i in e.unpriced})
        if missing:
            print("lower bounds: billed while they exist, without price in the snapshot: "
                  + ", ".join(missing))
        demo = _synth("config/demo.yaml", Path(tmp) / "demo")
        inner, process = _timings(demo, args.repeat)
        print(f"secure-ml cost on the demo assembly: {inner * 1000:.0f} ms in process, {process:.2f} s as a "
              f"command (median of {args.repeat}; the command's share is Python start-up and imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
