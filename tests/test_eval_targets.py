"""The quality targets on the evaluation set. May fail while the matcher is being tuned."""

from __future__ import annotations

import json

from support import EVAL_CASES, run_faqbot


def test_eval_targets():
    done = run_faqbot("eval", EVAL_CASES.relative_to(EVAL_CASES.parents[2]), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["in_scope"] > 100 and result["out_of_scope"] > 30
    summary = {k: result[k] for k in ("top1_accuracy", "wrong_answer_rate", "oos_false_answer_rate")}
    failures = "\n".join(f"  expect {f['expect']}  got {f['kind']} {f['got']}  q: {f['q']}" for f in result["failures"])
    assert result["top1_accuracy"] >= 0.95, f"{summary}\n{failures}"
    assert result["wrong_answer_rate"] <= 0.04, f"{summary}\n{failures}"
    assert result["oos_false_answer_rate"] <= 0.08, f"{summary}\n{failures}"
