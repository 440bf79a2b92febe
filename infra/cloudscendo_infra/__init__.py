"""Cloudscendo's production topology on AWS, as a CDK v2 app (infra/app.py builds it)."""
