"""Answer quality on the eval sets, run through `faqbot eval --json` as a user would.

The older sets (cases, holdout, third) are the ones the words-alone matcher was fitted on: they
guard that engine, with matching.semantic off, at its product limits (4 % wrong answers, 8 %
out-of-scope answered). The blind sets guard the default engine, words and meaning, against
regressions: each limit sits a little past the figure measured when the ranking and fusion models
were last fitted on them (bench.fusion). They are not the targets, which are not all met yet; the README
gives the out-of-sample figures and the targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import EVAL_CASES, run_faqbot

EVAL = EVAL_CASES.parent
WORDS_ALONE = [(EVAL_CASES, 0.90), (EVAL / "holdout.yaml", 0.79), (EVAL / "third.yaml", 0.80)]
# (cases, FAQ directory or None for the shipped one, top-1 floor, wrong answers at most, out of scope answered at most);
# measured again when the Fusion came to decide what the words are unsure of: it answers more of every set, near
# misses included (IT helpdesk 0.114 out of scope answered, SaaS 0.088, shop 0.100, shipped B 0.057, in sample); floors
# raised when a question around a FAQ's common words stopped counting as a bare topic (Engine.too_broad), and set
# again when each FAQ came to read the encoder through its own map (bot.engine.contrast): more answered, right and wrong
BLIND = [
    (EVAL / "blind/shipped-a.yaml", None, 0.85, 0.03, 0.05),
    (EVAL / "blind/shipped-b.yaml", None, 0.68, 0.04, 0.04),
    # written later from the list of topics and the articles, scored once, no model fitted on it
    (EVAL / "blind/shipped-c.yaml", None, 0.90, 0.03, 0.22),
    (EVAL / "foreign/it-helpdesk/questions.yaml", EVAL / "foreign/it-helpdesk/faq", 0.63, 0.08, 0.22),
    (EVAL / "foreign/hr-policies/questions.yaml", EVAL / "foreign/hr-policies/faq", 0.66, 0.04, 0.09),
    (EVAL / "foreign/saas-support/questions.yaml", EVAL / "foreign/saas-support/faq", 0.68, 0.04, 0.08),
    (EVAL / "foreign/office-admin/questions.yaml", EVAL / "foreign/office-admin/faq", 0.65, 0.02, 0.17),
    (EVAL / "foreign/dev-platform/questions.yaml", EVAL / "foreign/dev-platform/faq", 0.56, 0.05, 0.06),
    (EVAL / "foreign/security-compliance/questions.yaml", EVAL / "foreign/security-compliance/faq", 0.65, 0.06, 0.09),
    (EVAL / "foreign/shop-support/questions.yaml", EVAL / "foreign/shop-support/faq", 0.64, 0.06, 0.06),
    (EVAL / "foreign/grad-school/questions.yaml", EVAL / "foreign/grad-school/faq", 0.76, 0.04, 0.02),
    # never fitted on (bench.fusion leaves them out): checks of how the engine does on FAQs it has not seen
    (EVAL / "foreign/property-management/questions.yaml", EVAL / "foreign/property-management/faq", 0.75, 0.02, 0.13),
    (EVAL / "foreign/clinic/questions.yaml", EVAL / "foreign/clinic/faq", 0.61, 0.10, 0.14),
    (EVAL / "foreign/library/questions.yaml", EVAL / "foreign/library/faq", 0.66, 0.05, 0.13),
    # written after all of the above: its out-of-scope questions are mostly other services' words (a taxi fare, a
    # parking fine, a phone top-up), which the engine answers too often (0.172, over the 0.10 target)
    (EVAL / "foreign/transit/questions.yaml", EVAL / "foreign/transit/faq", 0.66, 0.05, 0.20),
    # written after the above, for the next change to be checked on: thin FAQs of a council's waste service (English,
    # a quarter bilingual) and a youth football club (mostly Chinese)
    (EVAL / "foreign/recycling/questions.yaml", EVAL / "foreign/recycling/faq", 0.62, 0.04, 0.13),
    (EVAL / "foreign/football/questions.yaml", EVAL / "foreign/football/faq", 0.64, 0.04, 0.13),
    # written after the above: a city bike-share scheme (English, a quarter bilingual) and a gym and pool club
    # (mostly Chinese, a third bilingual), both thin
    (EVAL / "foreign/bikeshare/questions.yaml", EVAL / "foreign/bikeshare/faq", 0.54, 0.05, 0.10),
    (EVAL / "foreign/fitness/questions.yaml", EVAL / "foreign/fitness/faq", 0.67, 0.09, 0.06),
    # and four more, thin, written beside those two: a coworking operator (English), a university's dormitory office
    # (mostly Chinese), a vet practice (English), a parcel-locker company (mostly Chinese)
    (EVAL / "foreign/coworking/questions.yaml", EVAL / "foreign/coworking/faq", 0.52, 0.04, 0.13),
    (EVAL / "foreign/housing/questions.yaml", EVAL / "foreign/housing/faq", 0.66, 0.08, 0.06),
    (EVAL / "foreign/vet/questions.yaml", EVAL / "foreign/vet/faq", 0.59, 0.04, 0.09),
    (EVAL / "foreign/parcels/questions.yaml", EVAL / "foreign/parcels/faq", 0.62, 0.04, 0.09),
    # written after the above: a group of two hotels (English, a third bilingual)
    # and a food-delivery app (mostly Chinese, a third bilingual), both thin
    (EVAL / "foreign/hotel/questions.yaml", EVAL / "foreign/hotel/faq", 0.64, 0.03, 0.19),
    (EVAL / "foreign/delivery/questions.yaml", EVAL / "foreign/delivery/faq", 0.61, 0.07, 0.16),
    # written after the above and scored only once the FAQ's own map (bot.engine.contrast) was built and fitted: a
    # car-hire company and a ticketing platform (English), an online language school and a charging network (mostly Chinese)
    (EVAL / "foreign/carhire/questions.yaml", EVAL / "foreign/carhire/faq", 0.52, 0.08, 0.19),
    (EVAL / "foreign/school/questions.yaml", EVAL / "foreign/school/faq", 0.67, 0.04, 0.09),
    (EVAL / "foreign/tickets/questions.yaml", EVAL / "foreign/tickets/faq", 0.66, 0.04, 0.09),
    (EVAL / "foreign/charging/questions.yaml", EVAL / "foreign/charging/faq", 0.76, 0.02, 0.13),
    # written after the map and the refit were final and scored once: a museum and a home insurer (English), a mobile
    # carrier and a ski resort (mostly Chinese)
    (EVAL / "foreign/museum/questions.yaml", EVAL / "foreign/museum/faq", 0.68, 0.05, 0.06),
    (EVAL / "foreign/carrier/questions.yaml", EVAL / "foreign/carrier/faq", 0.63, 0.05, 0.09),
    (EVAL / "foreign/insurance/questions.yaml", EVAL / "foreign/insurance/faq", 0.62, 0.07, 0.06),
    (EVAL / "foreign/ski/questions.yaml", EVAL / "foreign/ski/faq", 0.68, 0.02, 0.06),
    # written later still, scored once with the engine as it stood, no change made after: a bank's app and cards
    # (mostly Chinese), an online course platform and a moving company (English), each with a third or fewer bilingual
    (EVAL / "foreign/banking/questions.yaml", EVAL / "foreign/banking/faq", 0.67, 0.03, 0.17),
    (EVAL / "foreign/courses/questions.yaml", EVAL / "foreign/courses/faq", 0.69, 0.06, 0.09),
    (EVAL / "foreign/movers/questions.yaml", EVAL / "foreign/movers/faq", 0.54, 0.08, 0.06),
    # and four more written after those and scored once, the engine unchanged since: a town council's services and a photo
    # storage app (English), an online marketplace's seller centre (mostly Chinese), an airline (English, a third bilingual)
    (EVAL / "foreign/council/questions.yaml", EVAL / "foreign/council/faq", 0.60, 0.09, 0.10),
    (EVAL / "foreign/marketplace/questions.yaml", EVAL / "foreign/marketplace/faq", 0.77, 0.05, 0.13),
    (EVAL / "foreign/airline/questions.yaml", EVAL / "foreign/airline/faq", 0.57, 0.13, 0.02),
    (EVAL / "foreign/photos/questions.yaml", EVAL / "foreign/photos/faq", 0.64, 0.04, 0.14),
    # six more written later still, each FAQ by one author and its questions by another who saw only its brief.md, scored
    # once with the engine unchanged: a cinema chain, a food bank's volunteers and a dental practice (English), a smart-home
    # maker, a payroll service and a children's camp (mostly Chinese)
    (EVAL / "foreign/cinema/questions.yaml", EVAL / "foreign/cinema/faq", 0.58, 0.06, 0.10),
    (EVAL / "foreign/smarthome/questions.yaml", EVAL / "foreign/smarthome/faq", 0.75, 0.07, 0.20),
    (EVAL / "foreign/volunteers/questions.yaml", EVAL / "foreign/volunteers/faq", 0.59, 0.03, 0.06),
    (EVAL / "foreign/payroll/questions.yaml", EVAL / "foreign/payroll/faq", 0.63, 0.05, 0.13),
    (EVAL / "foreign/dental/questions.yaml", EVAL / "foreign/dental/faq", 0.70, 0.06, 0.14),
    (EVAL / "foreign/camp/questions.yaml", EVAL / "foreign/camp/faq", 0.64, 0.04, 0.14),
]


def scored(cases: Path, *args: str | Path, env: dict[str, str] | None = None) -> tuple[dict, dict, str]:
    done = run_faqbot("eval", cases, "--json", *args, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    summary = {k: result[k] for k in ("top1_accuracy", "wrong_answer_rate", "oos_false_answer_rate")}
    failures = "\n".join(f"  expect {f['expect']}  got {f['kind']} {f['got']}  q: {f['q']}" for f in result["failures"])
    return result, summary, failures


@pytest.mark.parametrize(("cases", "top1_floor"), WORDS_ALONE, ids=["cases", "holdout", "third"])
def test_words_alone_quality(cases, top1_floor):
    result, summary, failures = scored(cases.relative_to(cases.parents[2]), env={"FAQBOT_SEMANTIC": "off"})
    assert result["in_scope"] > 100 and result["out_of_scope"] > 30
    assert result["wrong_answer_rate"] <= 0.04, f"{summary}\n{failures}"
    assert result["oos_false_answer_rate"] <= 0.08, f"{summary}\n{failures}"
    assert result["top1_accuracy"] >= top1_floor, f"{summary}\n{failures}"


@pytest.mark.parametrize(("cases", "faq", "top1_floor", "wrong", "out_of_scope"), BLIND,
                         ids=["shipped A", "shipped B", "shipped C", "IT helpdesk", "HR policies", "SaaS support", "office admin",
                              "dev platform", "security", "shop support", "grad school", "property management",
                              "clinic", "library", "transit", "recycling", "football club", "bike share",
                              "fitness club", "coworking", "student housing", "vet practice", "parcel lockers", "hotel",
                              "food delivery", "car hire", "language school", "ticketing", "EV charging",
                              "museum", "mobile carrier", "home insurance", "ski resort", "bank", "online courses",
                              "movers", "council", "marketplace", "airline", "photo storage", "cinema", "smart home",
                              "food bank", "payroll", "dental practice", "summer camp"])
def test_default_quality_on_blind_sets(cases, faq, top1_floor, wrong, out_of_scope):
    result, summary, failures = scored(cases, *(("--faq", faq) if faq else ()))
    assert result["in_scope"] > 80 and result["out_of_scope"] >= 25
    assert result["wrong_answer_rate"] <= wrong, f"{summary}\n{failures}"
    assert result["oos_false_answer_rate"] <= out_of_scope, f"{summary}\n{failures}"
    assert result["top1_accuracy"] >= top1_floor, f"{summary}\n{failures}"
