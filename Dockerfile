# The webhook server. Build from the repo alone: docker build -t bma-line-bot .
# Run: docker run -e LINE_CHANNEL_SECRET=… -e LINE_CHANNEL_ACCESS_TOKEN=… -p 8080:8080 bma-line-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHAINLP_OFFLINE=1 \
    PYTHAINLP_READ_ONLY=1 \
    PYTHAINLP_DATA_DIR=/app/var/pythainlp \
    DATABASE_URL=sqlite:////app/var/bot.sqlite3

WORKDIR /app
RUN useradd --create-home --uid 10001 bot
COPY --chown=bot:bot . .
# Editable install: the code reads its manuals, data and migrations from /app.
RUN pip install --no-cache-dir -e . && mkdir -p /app/var && chown -R bot:bot /app/var

USER bot
# Build the search index once at image build, so a container starts in about a second.
RUN python -c "from knowledge import get_engine; get_engine()"

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
CMD ["python", "-m", "bot", "serve", "--host", "0.0.0.0", "--port", "8080"]
