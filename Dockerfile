# The webhook server. Build from the repo alone: docker build -t bma-line-bot .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHAINLP_OFFLINE=1 \
    PYTHAINLP_DATA_DIR=/app/var/pythainlp \
    DATABASE_URL=sqlite:////app/var/bot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY handlers ./handlers
COPY scheduler ./scheduler
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 bot \
    && mkdir -p /app/var && chown -R bot:bot /app/var

USER bot
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
CMD ["python", "-m", "bot", "serve", "--host", "0.0.0.0", "--port", "8080"]
