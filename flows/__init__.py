"""Prefect flows that orchestrate bantin's stages; they compute nothing themselves."""

from bantin.flows.pipeline import crawl_flow, newsletter_flow, pipeline_flow, summarize_flow, summarize_flow_for
from bantin.flows.schedules import deployments, serve_schedules

__all__ = ["crawl_flow", "deployments", "newsletter_flow", "pipeline_flow", "serve_schedules", "summarize_flow",
           "summarize_flow_for"]
