"""The CDK app that deploys the TPBIS backend: `python infrastructure/app.py` synthesizes it."""
