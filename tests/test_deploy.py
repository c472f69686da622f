"""The Dockerfile and docker-compose.yml. No Docker daemon is needed: hadolint checks the Dockerfile,
and the build stage's own steps are replayed here, from only the files it copies, into a fresh venv;
the image's settings and health check are then run against that install."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from fake_slack import SignedClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from support import ROOT, keep

DOCKERFILE = ROOT / "Dockerfile"


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(l for l in path.read_text().splitlines() if not l.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip()) for line in joined.splitlines()
            if line.strip()]


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            found.append([])
        found[-1].append(instruction)
    return found


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    pairs = " ".join(args for name, args in stage if name == "ENV")
    return dict(re.findall(r"(\w+)=(\S+)", pairs))


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip('hadolint is missing: pip install ".[test]" installs it')
    done = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_is_multi_stage_slim_non_root_and_checks_its_health():
    build, final = stages()
    assert build[0][1].startswith("python:3.11-slim") and build[0][1].endswith("AS build")
    assert final[0][1].startswith("python:3.11-slim")
    assert not any(name == "RUN" and "pip install" in args for name, args in final)  # installed in the build stage
    (user,) = [args for name, args in final if name == "USER"]
    assert user.split(":")[0] not in ("0", "root")
    (check,) = [args for name, args in final if name == "HEALTHCHECK"]
    assert f"127.0.0.1:{env_of(final)['FAQBOT_STATUS_PORT']}/healthz" in check
    (volume,) = [json.loads(args) for name, args in final if name == "VOLUME"]
    assert env_of(final)["FAQBOT_FAQ"] in volume
    (cmd,) = [json.loads(args) for name, args in final if name == "CMD"]
    assert cmd[:2] == ["faqbot", "run"]


def test_the_readme_install_is_the_image_install():
    (run,) = [args for name, args in stages()[0] if name == "RUN"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install ." in readme and re.search(r"python -m pip install .*\"\.\[", run)


def test_the_build_steps_installed_from_only_the_copied_files_give_a_working_bot(tmp_path, fake):
    build, final = stages()
    source = tmp_path / "src"
    for name, args in build:
        if name == "COPY":
            *parts, _ = args.split()
            for part in parts:
                origin = ROOT / part
                target = source / part
                if origin.is_dir():
                    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, target)
    venv = tmp_path / "opt-faqbot"
    (run,) = [args for name, args in build if name == "RUN"]
    done = subprocess.run(run.replace("/opt/faqbot", str(venv)).replace("python -m venv", f"{sys.executable} -m venv"),
                          shell=True, cwd=source, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    home = tmp_path / "srv"
    shutil.copytree(ROOT / "faq", home / "faq")
    env = {k: v for k, v in env_of(final).items() if not k == "PATH"}
    env = {k: v.replace("/srv/faqbot", str(home)) for k, v in env.items()}
    env.update(PATH=f"{venv}/bin:{os.environ['PATH']}", HOME=str(home), FAQBOT_STATUS_PORT="0",
               SLACK_BOT_TOKEN="xoxb-image-1", SLACK_SIGNING_SECRET="image-secret", SLACK_API_URL=fake.api_url)
    asked = subprocess.run(["faqbot", "ask", "Does buying Azure OpenAI give me ChatGPT?"], cwd=home, env=env,
                           capture_output=True, text=True, timeout=60)
    assert asked.returncode == 0 and "ChatGPT" in asked.stdout, asked.stderr

    (cmd,) = [json.loads(args) for name, args in final if name == "CMD"]
    process = subprocess.Popen([*cmd, "--port", "0", "--host", "127.0.0.1"], cwd=home, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status_port = events_port = None
        deadline = time.monotonic() + 60
        while status_port is None or events_port is None:
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            line = json.loads(process.stderr.readline())
            found = re.search(r"http://[\d.]+:(\d+)", line["message"])
            if line["message"].startswith("status on"):
                status_port = found.group(1)
            elif line["message"].startswith("listening on"):
                events_port = found.group(1)
        (check,) = [args for name, args in final if name == "HEALTHCHECK"]
        probe = json.loads(check[check.index("CMD") + 3:].strip())
        probe = [p.replace(":9100/", f":{status_port}/") for p in probe]
        assert subprocess.run(probe, env=env, timeout=30).returncode == 0
        slack = SignedClient(f"http://127.0.0.1:{events_port}/slack/events", "image-secret")
        assert slack.command("What is GPT?", response_url=fake.response_url("image")).status == 200
        fake.wait_for("/respond/image")
    finally:
        process.terminate()
        keep(process.communicate(timeout=30)[1])
    assert process.returncode == 0
    assert list((home / "data").glob("faqbot.db*")), "the store was not created in the data volume"


def test_compose_runs_replicas_on_postgres_with_secrets_only_from_the_environment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert bot["deploy"]["replicas"] >= 2 and bot["build"] == "."
    assert bot["environment"]["FAQBOT_DB_URL"].startswith("postgresql://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy" and "healthcheck" in db
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if re.search(r"TOKEN|SECRET|PASSWORD|SALT", name):
                assert str(value).startswith("${"), f"{name} must come from the environment"
    assert "/slack/events" in compose["configs"]["lb"]["content"]
    # the password reaches PostgreSQL's client apart from the URL, so nothing in it needs percent-encoding
    assert "@db/" in bot["environment"]["FAQBOT_DB_URL"] and ":" not in bot["environment"]["FAQBOT_DB_URL"][13:]
    assert bot["environment"]["PGPASSWORD"].startswith("${POSTGRES_PASSWORD")
    # the balancer starts once a replica is ready, and replicas report ready only with the FAQ loaded
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    assert compose["services"]["lb"]["depends_on"]["bot"]["condition"] == "service_healthy"


def test_the_lock_pins_every_dependency_of_the_image_within_pyproject_ranges():
    """requirements.lock is what the image installs; it must still satisfy pyproject.toml. Regenerate it
    with the command in its first lines (README, Deploying) whenever a dependency range changes."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    wanted = [*project["dependencies"], *build, *(r for extra in ("slack", "discord", "postgres")
                                                 for r in project["optional-dependencies"][extra])]
    locked: dict[str, list[Version]] = {}
    for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M):
        locked.setdefault(canonicalize_name(name), []).append(Version(version))
    python311 = {"python_version": "3.11", "python_full_version": "3.11.0", "sys_platform": "linux"}
    for line in wanted:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(python311):
            continue
        versions = locked.get(canonicalize_name(requirement.name), [])
        assert any(v in requirement.specifier for v in versions), f"requirements.lock has no {line}: {versions}"
    (header,) = [l for l in (ROOT / "requirements.lock").read_text().splitlines()[:3] if "compile" in l]
    assert "--generate-hashes" in header
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in dockerfile and "--no-build-isolation" in dockerfile
