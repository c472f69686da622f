"""Three `faqbot run slack` replicas, real processes, on one real PostgreSQL: a Slack event and its retries
landing on different replicas get one reply, one person's questions spread over the replicas meet one flood
limit, and `faqbot report` counts every replica's questions."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import pytest
from fake_slack import FakeSlack, SignedClient
from support import ROOT, faqbot_command, free_port
from test_store_shutdown import environment, healthy, wait_for

SALT = "replicas-test-salt-9f3e"
SECRET = "store-signing-secret-51aa"  # test_store_shutdown.environment's


@pytest.fixture
def three(postgres, tmp_path) -> Iterator[tuple[list[SignedClient], FakeSlack, str]]:
    name = postgres.create_database()
    url = postgres.url(name)
    fake = FakeSlack()
    ports = [free_port() for _ in range(3)]
    env = environment(fake, FAQBOT_DB_URL=url, FAQBOT_USER_SALT=SALT, FAQBOT_INDEX_CACHE=str(tmp_path / "cache"))
    processes = [subprocess.Popen([*faqbot_command(), "run", "slack", "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
                 for port in ports]
    try:
        for process, port in zip(processes, ports, strict=True):
            wait_for(lambda port=port: healthy(port), "a replica coming up", process, timeout=90)
        yield [SignedClient(f"http://127.0.0.1:{port}/slack/events", SECRET) for port in ports], fake, url
    finally:
        for process in processes:
            process.terminate()
        errors = [process.communicate(timeout=30)[1] for process in processes]
        fake.close()
        postgres.drop_database(name)
    assert all(process.returncode == 0 for process in processes), errors
    assert not any("Traceback" in err for err in errors), errors


def mention(text: str, ts: str, user: str = "U1") -> dict:
    return {"type": "app_mention", "user": user, "text": f"<@UFAQBOT> {text}", "ts": ts, "channel": "C1",
            "event_ts": ts}


def test_an_event_and_its_retries_on_three_replicas_get_one_reply(three):
    replicas, fake, _ = three
    event = mention("What is GPT?", "1700000000.000100")
    for retry, replica in enumerate(replicas):
        assert replica.event(event, event_id="EvRetried", retry=retry or None).status == 200
    fake.wait_for("/api/chat.postMessage")
    time.sleep(1.5)  # time for a second reply to show up, if one were coming
    assert len(fake.sent("/api/chat.postMessage")) == 1


def test_one_person_over_three_replicas_meets_one_flood_limit_and_the_report_counts_them_all(three):
    replicas, fake, url = three
    for n in range(15):
        ts = f"1700000001.{n:06d}"
        assert replicas[n % 3].event(mention("What is GPT?", ts), event_id=f"EvFlood{n}").status == 200
    fake.wait_for("/api/chat.postMessage", count=11, timeout=60)
    time.sleep(1.5)
    sent = [r.dump for r in fake.sent("/api/chat.postMessage")]
    answers = [s for s in sent if "What is GPT?" in s]
    assert len(sent) == 11 and len(answers) == 10, sent
    report = subprocess.run([*faqbot_command(), "report", "--db", url, "--json"], capture_output=True, text=True,
                            cwd=ROOT, env=environment(fake, FAQBOT_USER_SALT=SALT), timeout=60)
    assert report.returncode == 0, report.stderr
    deadline = time.monotonic() + 20  # each replica writes its questions in the background
    while json.loads(report.stdout)["questions_total"] < 10 and time.monotonic() < deadline:
        time.sleep(0.5)
        report = subprocess.run([*faqbot_command(), "report", "--db", url, "--json"], capture_output=True,
                                text=True, cwd=ROOT, env=environment(fake, FAQBOT_USER_SALT=SALT), timeout=60)
    assert json.loads(report.stdout)["questions_total"] == 10


def test_a_replica_on_postgresql_without_the_salt_does_not_start_and_says_why():
    fake = FakeSlack()
    try:
        done = subprocess.run([*faqbot_command(), "run", "slack", "--host", "127.0.0.1", "--port", str(free_port())],
                              capture_output=True, text=True, cwd=ROOT, timeout=60,
                              env=environment(fake, FAQBOT_DB_URL="postgresql://faqbot@127.0.0.1:9/faqbot"))
    finally:
        fake.close()
    assert done.returncode == 2, done.stderr
    assert "FAQBOT_USER_SALT is not set" in done.stderr and "every replica" in done.stderr
    assert "Traceback" not in done.stderr
