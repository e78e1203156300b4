"""The evaluation tool's scores, computed in one process (fast enough to run after every change).

``../shared/tools/eval_refs.py`` runs ``refparse convert`` once per file and
scores its CSL-JSON; this script imports that tool's own scoring functions
and feeds them the same CSL-JSON from the library, so the figures are the
tool's, in a fraction of the time. Also prints the wrong fields, and with
``--tokens`` the token shapes of the wrong references::

    python benchmarks/accuracy.py ../shared/gold/dev-flat --show 30
    python benchmarks/accuracy.py ../shared/gold/styles-dev --field authors --show 20
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from refparse.detect import parse_any
from refparse.errors import RefparseError
from refparse.export.csljson import to_csl_json

TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "eval_refs.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_refs", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path, nargs="+")
    ap.add_argument("--from", dest="fmt")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--field", action="append", help="show only these fields")
    args = ap.parse_args()
    ev = _tool()
    fields = ev.FIELDS
    tp = dict.fromkeys(fields, 0)
    fp, fn = dict(tp), dict(tp)
    n_gold = n_found = n_exact = 0
    shown = 0
    formats: dict[str, int] = {}
    for folder in args.cases:
        for js in sorted(folder.glob("*.json")):
            txt = js.with_suffix(".txt")
            if not txt.exists():
                continue
            gold = json.loads(js.read_text(encoding="utf-8"))
            gold = gold.get("references", []) if isinstance(gold, dict) else gold
            try:
                result = parse_any(txt.read_text(encoding="utf-8"), args.fmt)
                pred = json.loads(to_csl_json(result.citations))
                formats[result.format] = formats.get(result.format, 0) + 1
                raws = {str(c.number): c.raw for c in result.citations}
            except RefparseError as e:
                print(f"error: {txt.name}: {e}", file=sys.stderr)
                pred, raws = [], {}
            for g, p in ev.align(gold, pred):
                n_gold += 1
                gf = ev.gold_fields(g)
                pf = ev.pred_fields(p) if p else dict.fromkeys(fields)
                n_found += p is not None
                ok = True
                skip = set(g.get("unverified") or [])
                partial = g.get("fully_tagged") is False
                for f in fields:
                    gv, pv = gf[f], pf[f]
                    if f in skip or ("first_page" in skip and f == "last_page"):
                        continue
                    if partial and gv in (None, False):
                        continue
                    if f == "et_al":
                        if (gv or pv) and gv != pv:
                            ok = False
                            fp[f] += bool(pv and not gv)
                            fn[f] += bool(gv and not pv)
                        elif gv or pv:
                            tp[f] += 1
                        continue
                    if gv is None and pv is None:
                        continue
                    if gv is not None and pv is not None and ev.same(f, gv, pv, pf):
                        tp[f] += 1
                        continue
                    ok = False
                    fp[f] += pv is not None
                    fn[f] += gv is not None
                    if shown < args.show and (not args.field or f in args.field):
                        shown += 1
                        print(f"{txt.name} #{g.get('number')} {f}: gold={gv!r} got={pv!r}\n    raw: "
                              f"{raws.get(str(g.get('number')), '')[:300]}")
                n_exact += ok and p is not None
    print(f"{'field':16} {'P':>6} {'R':>6} {'F1':>6}  (tp/fp/fn)")
    total_tp = total_fp = total_fn = 0
    for f in fields:
        p_ = tp[f] / (tp[f] + fp[f]) if tp[f] + fp[f] else 1.0
        r_ = tp[f] / (tp[f] + fn[f]) if tp[f] + fn[f] else 1.0
        f1 = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
        total_tp, total_fp, total_fn = total_tp + tp[f], total_fp + fp[f], total_fn + fn[f]
        print(f"{f:16} {p_:6.3f} {r_:6.3f} {f1:6.3f}  ({tp[f]}/{fp[f]}/{fn[f]})")
    p_ = total_tp / (total_tp + total_fp) if total_tp + total_fp else 1.0
    r_ = total_tp / (total_tp + total_fn) if total_tp + total_fn else 1.0
    micro = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
    print(f"refs_found={n_found}/{n_gold} exact_refs={n_exact / max(n_gold, 1):.3f} micro_f1={micro:.4f} "
          f"formats={formats}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
