# faqbot: `docker build -t faqbot .`, then see README, Deploying.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY bot ./bot
COPY adapters ./adapters
COPY faq ./faq
# the locked, hash-checked dependencies and build backend, then faqbot itself with the chat and
# PostgreSQL extras, built with that backend, into a venv the next stage copies
RUN python -m venv /opt/faqbot \
 && /opt/faqbot/bin/python -m pip install --no-cache-dir --disable-pip-version-check --require-hashes -r requirements.lock \
 && /opt/faqbot/bin/python -m pip install --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation \
    ".[slack,discord,postgres]"

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --user-group --home-dir /srv/faqbot --create-home faqbot \
 && install -d -o faqbot -g faqbot /srv/faqbot/data /srv/faqbot/cache
COPY --from=build /opt/faqbot /opt/faqbot
COPY --chown=faqbot:faqbot faq /srv/faqbot/faq
ENV PATH=/opt/faqbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    FAQBOT_FAQ=/srv/faqbot/faq \
    FAQBOT_INDEX_CACHE=/srv/faqbot/cache \
    FAQBOT_DB_URL=sqlite:////srv/faqbot/data/faqbot.db \
    FAQBOT_LOG_FORMAT=json \
    FAQBOT_STATUS_PORT=9100
WORKDIR /srv/faqbot
USER 10001:10001
VOLUME ["/srv/faqbot/faq", "/srv/faqbot/data"]
EXPOSE 3000 9100
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9100/healthz', timeout=2)"]
STOPSIGNAL SIGTERM
CMD ["faqbot", "run", "slack"]
