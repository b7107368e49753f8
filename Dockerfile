FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY imdi_grants ./imdi_grants
COPY schemes ./schemes
COPY applications ./applications
COPY reporting ./reporting
RUN pip install --no-cache-dir .
COPY . .
RUN useradd --create-home imdi && mkdir -p /data/media && chown imdi /data/media
USER imdi
ENV DJANGO_ENV=production
EXPOSE 8000
