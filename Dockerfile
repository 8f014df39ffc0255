# Fact bot image: `docker run --env-file .env factbot` runs the bot, `docker run factbot ask "…"` asks once.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////app/data/bot.sqlite3 \
    FACTS_DIR=/app/facts

WORKDIR /app
RUN useradd --create-home --uid 10001 factbot && mkdir /app/data && chown factbot /app/data

# Dependencies in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py \
    && pip install . \
    && pip uninstall --yes belarus-factbot \
    && rm -rf bot build *.egg-info

COPY bot ./bot
COPY facts ./facts
RUN pip install --no-deps . && rm -rf build *.egg-info

USER factbot
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["python", "-m", "bot", "health"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
