"""Traces (OpenTelemetry), when an exporter is configured: the standard
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) names an OTLP/HTTP
collector, and every process sends its spans there as `kaohe-<process>`. Without one, nothing
is traced and nothing is sent.

A server span for each request (FastAPI's instrumentation), a client span for each outgoing call
(httpx's), and the W3C `traceparent` on the gateway's forwarded command, so a mutation and the
service's handling of it are one trace. The link to the record is the correlation id: each server
span carries it as `kaohe.correlation_id`, and every event the command records has it in its
metadata. (Not the trace id itself: an anonymous complaint's metadata gets a correlation id of its
own, so nothing links it to the filer's request, and a trace id would.)
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
CORRELATION = "kaohe.correlation_id"
# Probes and scrapes every few seconds would drown the traces that matter.
UNTRACED = "/health,/ready,/metrics"


def tracing_configured() -> bool:
    """Whether an exporter is configured for this process."""
    return any(os.environ.get(name) for name in ENDPOINTS)


def configure_tracing(process: str) -> None:
    """Send this process's spans to the configured OTLP collector, if there is one, and trace
    its outgoing HTTP calls. Once a process."""
    if not tracing_configured() or isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: f"kaohe-{process}"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()


def install_tracing(app: FastAPI, process: str) -> None:
    """A server span for each request of `app`, sent as `process`'s, when tracing is
    configured."""
    if tracing_configured():
        configure_tracing(process)
        FastAPIInstrumentor.instrument_app(app, excluded_urls=UNTRACED)


def note_correlation(correlation_id: str) -> None:
    """Put the request's correlation id on its server span (a no-op when nothing traces)."""
    trace.get_current_span().set_attribute(CORRELATION, correlation_id)
