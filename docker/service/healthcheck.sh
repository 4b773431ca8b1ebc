#!/usr/bin/env bash
# Container health check: is the service ready (actuator readiness group UP)? Uses bash's /dev/tcp because the
# JRE image ships neither curl nor wget for certain, and installing one would only serve this probe.
# Usage: healthcheck PORT
set -euo pipefail
port="${1:?usage: healthcheck PORT}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
grep -q '"status":"UP"' <&3
